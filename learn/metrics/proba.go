package metrics

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

func checkProba(yTrue []int32, proba []float64, nClasses int) error {
	switch {
	case len(yTrue) == 0:
		return errors.New("metrics: no samples")
	case nClasses < 2:
		return fmt.Errorf("metrics: nClasses = %d, need at least 2", nClasses)
	case len(proba) != len(yTrue)*nClasses:
		return fmt.Errorf("metrics: %d probabilities for %d samples of %d classes, want %d", len(proba), len(yTrue), nClasses, len(yTrue)*nClasses)
	}
	for i, y := range yTrue {
		if y < 0 || int(y) >= nClasses {
			return fmt.Errorf("metrics: sample %d: class index %d is not in [0, %d)", i, y, nClasses)
		}
	}
	for i, p := range proba {
		if !(p >= 0) || math.IsInf(p, 1) {
			return fmt.Errorf("metrics: sample %d, class %d: probability %v", i/nClasses, i%nClasses, p)
		}
	}
	return nil
}

// LogLoss returns the mean negative log-likelihood of the true classes
// under proba (n×nClasses, row-major), as scikit-learn 1.2's log_loss with
// labels 0..nClasses-1: each probability is clipped to [ε, 1-ε], ε being
// float64's machine epsilon 2⁻⁵² (eps="auto"), and each row is then
// divided by its sum. A negative probability is an error, where
// scikit-learn would clip it.
func LogLoss(yTrue []int32, proba []float64, nClasses int) (float64, error) {
	if err := checkProba(yTrue, proba, nClasses); err != nil {
		return 0, err
	}
	const eps = 0x1p-52
	var loss float64
	for i, y := range yTrue {
		var sum float64
		for _, p := range proba[i*nClasses : (i+1)*nClasses] {
			sum += min(max(p, eps), 1-eps)
		}
		loss -= math.Log(min(max(proba[i*nClasses+int(y)], eps), 1-eps) / sum)
	}
	return loss / float64(len(yTrue)), nil
}

// ROCAUC returns the area under the ROC curve of score for the labels
// yTrue, which are 0 or 1, score being that of class 1: the probability
// that a random positive sample scores above a random negative one, a tie
// counting half. This equals the trapezoidal area of scikit-learn's
// roc_auc_score. Scores may be infinite but not NaN, and both classes
// must occur.
func ROCAUC(yTrue []int32, score []float64) (float64, error) {
	switch {
	case len(yTrue) != len(score):
		return 0, fmt.Errorf("metrics: %d true labels but %d scores", len(yTrue), len(score))
	case len(yTrue) == 0:
		return 0, errors.New("metrics: no samples")
	}
	s := make([]scored, len(yTrue))
	nPos := 0
	for i, y := range yTrue {
		if y != 0 && y != 1 {
			return 0, fmt.Errorf("metrics: ROC AUC needs labels 0 and 1, sample %d has %d (use ROCAUCOvR for more classes)", i, y)
		}
		if math.IsNaN(score[i]) {
			return 0, fmt.Errorf("metrics: sample %d has a NaN score", i)
		}
		s[i] = scored{score[i], y == 1}
		nPos += int(y)
	}
	if nPos == 0 || nPos == len(yTrue) {
		return 0, fmt.Errorf("metrics: ROC AUC is undefined when only class %d occurs in the true labels", yTrue[0])
	}
	return auc(s), nil
}

// ROCAUCOvR returns the one-vs-rest ROC AUC of the class probabilities
// proba (n×nClasses, row-major), as scikit-learn 1.2's
// roc_auc_score(multi_class="ovr"). Macro averages the AUCs of each class
// against all others, Weighted weighs them by the classes' numbers of true
// samples, and Micro is the AUC of all n×nClasses (sample, class) pairs at
// once. Every class must occur in yTrue, and every row must sum to 1 within
// scikit-learn's tolerance (numpy.allclose).
func ROCAUCOvR(yTrue []int32, proba []float64, nClasses int, avg Average) (float64, error) {
	if avg != Macro && avg != Micro && avg != Weighted {
		return 0, fmt.Errorf("metrics: one-vs-rest ROC AUC takes average macro, micro or weighted, not %v", avg)
	}
	if err := checkProba(yTrue, proba, nClasses); err != nil {
		return 0, err
	}
	for i := range yTrue {
		var sum float64
		for _, p := range proba[i*nClasses : (i+1)*nClasses] {
			sum += p
		}
		if math.Abs(sum-1) > 1e-8+1e-5*sum {
			return 0, fmt.Errorf("metrics: sample %d: probabilities sum to %v, not 1", i, sum)
		}
	}
	support := make([]float64, nClasses)
	for _, y := range yTrue {
		support[y]++
	}
	if c := slices.Index(support, 0); c >= 0 {
		return 0, fmt.Errorf("metrics: class %d does not occur in the true labels, so its one-vs-rest ROC AUC is undefined", c)
	}
	// With every class present, each one-vs-rest split has both a positive
	// and a negative sample.
	if avg == Micro {
		s := make([]scored, len(proba))
		for i, p := range proba {
			s[i] = scored{p, int(yTrue[i/nClasses]) == i%nClasses}
		}
		return auc(s), nil
	}
	s := make([]scored, len(yTrue))
	var sum, wsum float64
	for c := range nClasses {
		for i, y := range yTrue {
			s[i] = scored{proba[i*nClasses+c], int(y) == c}
		}
		w := 1.0
		if avg == Weighted {
			w = support[c]
		}
		sum += w * auc(s)
		wsum += w
	}
	return sum / wsum, nil
}

// scored is one sample's score and whether it is a positive.
type scored struct {
	score    float64
	positive bool
}

// auc sorts s by score and returns the fraction of (positive, negative)
// pairs in which the positive scores higher, a tie counting half: the
// Mann-Whitney U statistic over the number of pairs, which is the area
// under the ROC curve. It is O(n log n), and exact up to the final
// division while the pair counts stay below 2⁵³. s must hold both
// positives and negatives.
func auc(s []scored) float64 {
	slices.SortFunc(s, func(a, b scored) int { return cmp.Compare(a.score, b.score) })
	var pairs, nPos, nNeg float64
	for start := 0; start < len(s); {
		var pos, neg float64 // in the run of samples tied at s[start].score
		end := start
		for ; end < len(s) && s[end].score == s[start].score; end++ {
			if s[end].positive {
				pos++
			} else {
				neg++
			}
		}
		pairs += pos * (nNeg + neg/2)
		nPos += pos
		nNeg += neg
		start = end
	}
	return pairs / (nPos * nNeg)
}
