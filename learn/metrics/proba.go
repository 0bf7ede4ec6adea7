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
		if math.IsNaN(p) || p < 0 {
			return fmt.Errorf("metrics: sample %d, class %d: probability %v", i/nClasses, i%nClasses, p)
		}
	}
	return nil
}

// LogLoss returns the mean negative log-likelihood of the true classes
// under proba (n×nClasses, row-major), as scikit-learn 1.2's log_loss with
// labels 0..nClasses-1: probabilities are clipped to [ε, 1-ε] with ε the
// float64 machine epsilon, then each row is renormalised to sum to 1.
func LogLoss(yTrue []int32, proba []float64, nClasses int) (float64, error) {
	if err := checkProba(yTrue, proba, nClasses); err != nil {
		return 0, err
	}
	const eps = 0x1p-52
	var loss float64
	for i, y := range yTrue {
		row := proba[i*nClasses : (i+1)*nClasses]
		var s float64
		for _, p := range row {
			s += min(max(p, eps), 1-eps)
		}
		loss -= math.Log(min(max(row[y], eps), 1-eps) / s)
	}
	return loss / float64(len(yTrue)), nil
}

// ROCAUC returns the area under the ROC curve of scores for the binary
// labels yTrue (0 or 1; score is for class 1): the probability that a
// random positive scores above a random negative, ties counting half,
// which equals the trapezoidal area scikit-learn computes. Both classes
// must be present.
func ROCAUC(yTrue []int32, score []float64) (float64, error) {
	switch {
	case len(yTrue) != len(score):
		return 0, fmt.Errorf("metrics: %d true labels but %d scores", len(yTrue), len(score))
	case len(yTrue) == 0:
		return 0, errors.New("metrics: no samples")
	}
	for i, y := range yTrue {
		if y != 0 && y != 1 {
			return 0, fmt.Errorf("metrics: ROC AUC needs labels 0 and 1; sample %d has %d (use ROCAUCOvR for more classes)", i, y)
		}
		if math.IsNaN(score[i]) {
			return 0, fmt.Errorf("metrics: sample %d has a NaN score", i)
		}
	}
	return auc(score, func(i int) bool { return yTrue[i] == 1 })
}

// auc computes the Mann-Whitney form of the ROC AUC: ranks with ties
// averaged, O(n log n).
func auc(score []float64, positive func(i int) bool) (float64, error) {
	n := len(score)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(score[a], score[b]) })
	var rankSum float64
	nPos := 0
	for i := 0; i < n; {
		j := i
		for j < n && score[idx[j]] == score[idx[i]] {
			j++
		}
		rank := float64(i+j+1) / 2 // mean of ranks i+1..j
		for _, k := range idx[i:j] {
			if positive(k) {
				rankSum += rank
				nPos++
			}
		}
		i = j
	}
	nNeg := n - nPos
	if nPos == 0 || nNeg == 0 {
		return 0, errors.New("metrics: ROC AUC is undefined when only one class is present in the true labels")
	}
	return (rankSum - float64(nPos)*float64(nPos+1)/2) / (float64(nPos) * float64(nNeg)), nil
}

// ROCAUCOvR returns the one-vs-rest ROC AUC of class probabilities proba
// (n×nClasses, row-major): each class's AUC against all others, averaged
// by avg, Macro or Weighted (by the number of true samples of each class),
// as scikit-learn's roc_auc_score(multi_class="ovr"). Every class must
// occur in yTrue, and each row must sum to 1.
func ROCAUCOvR(yTrue []int32, proba []float64, nClasses int, avg Average) (float64, error) {
	if avg != Macro && avg != Weighted {
		return 0, fmt.Errorf("metrics: one-vs-rest ROC AUC takes average macro or weighted, not %v", avg)
	}
	if err := checkProba(yTrue, proba, nClasses); err != nil {
		return 0, err
	}
	for i := range yTrue {
		var s float64
		for _, p := range proba[i*nClasses : (i+1)*nClasses] {
			s += p
		}
		if math.Abs(s-1) > 1e-6 {
			return 0, fmt.Errorf("metrics: sample %d: probabilities sum to %v, not 1", i, s)
		}
	}
	support := make([]float64, nClasses)
	for _, y := range yTrue {
		support[y]++
	}
	col := make([]float64, len(yTrue))
	var total, wsum float64
	for c := range nClasses {
		if support[c] == 0 {
			return 0, fmt.Errorf("metrics: class %d does not occur in the true labels, so its one-vs-rest ROC AUC is undefined", c)
		}
		for i := range yTrue {
			col[i] = proba[i*nClasses+c]
		}
		a, err := auc(col, func(i int) bool { return int(yTrue[i]) == c })
		if err != nil {
			return 0, fmt.Errorf("metrics: class %d: %w", c, err)
		}
		w := 1.0
		if avg == Weighted {
			w = support[c]
		}
		total += w * a
		wsum += w
	}
	return total / wsum, nil
}
