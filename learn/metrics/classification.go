package metrics

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Average says how a per-class score becomes one number.
type Average int

const (
	// Macro is the unweighted mean of the per-class scores.
	Macro Average = iota
	// Micro computes the score from the counts summed over classes.
	Micro
	// Weighted is the mean of the per-class scores weighted by each
	// class's number of true samples (its support).
	Weighted
	// Binary is the score of class 1 alone (scikit-learn's pos_label=1).
	Binary
)

var averageNames = [...]string{"macro", "micro", "weighted", "binary"}

// String returns scikit-learn's name of a: "macro", "micro", "weighted" or
// "binary".
func (a Average) String() string {
	if a < 0 || int(a) >= len(averageNames) {
		return fmt.Sprintf("Average(%d)", int(a))
	}
	return averageNames[a]
}

// ParseAverage reads an Average from its name.
func ParseAverage(s string) (Average, error) {
	if i := slices.Index(averageNames[:], s); i >= 0 {
		return Average(i), nil
	}
	return 0, fmt.Errorf("metrics: unknown average %q (macro, micro, weighted, binary)", s)
}

func checkLabels(yTrue, yPred []int32) error {
	switch {
	case len(yTrue) != len(yPred):
		return fmt.Errorf("metrics: %d true labels but %d predictions", len(yTrue), len(yPred))
	case len(yTrue) == 0:
		return errors.New("metrics: no samples")
	}
	for i := range yTrue {
		if yTrue[i] < 0 || yPred[i] < 0 {
			return fmt.Errorf("metrics: sample %d has a negative class index (true %d, predicted %d)", i, yTrue[i], yPred[i])
		}
	}
	return nil
}

// Accuracy returns the fraction of predictions equal to the true labels.
func Accuracy(yTrue, yPred []int32) (float64, error) {
	if err := checkLabels(yTrue, yPred); err != nil {
		return 0, err
	}
	n := 0
	for i, y := range yTrue {
		if yPred[i] == y {
			n++
		}
	}
	return float64(n) / float64(len(yTrue)), nil
}

// counts holds the per-class counts behind precision and recall, over the
// labels that occur in yTrue or yPred (sorted).
type counts struct {
	labels           []int32
	tp, pred, actual []float64
}

func countLabels(yTrue, yPred []int32) counts {
	k := int(max(slices.Max(yTrue), slices.Max(yPred))) + 1
	tp, pred, actual := make([]float64, k), make([]float64, k), make([]float64, k)
	for i, y := range yTrue {
		actual[y]++
		pred[yPred[i]]++
		if yPred[i] == y {
			tp[y]++
		}
	}
	var c counts
	for l := range k {
		if actual[l] > 0 || pred[l] > 0 {
			c.labels = append(c.labels, int32(l))
			c.tp, c.pred, c.actual = append(c.tp, tp[l]), append(c.pred, pred[l]), append(c.actual, actual[l])
		}
	}
	return c
}

// BalancedAccuracy returns the mean recall over the classes present in
// yTrue (a class that is only predicted does not count, as in
// scikit-learn).
func BalancedAccuracy(yTrue, yPred []int32) (float64, error) {
	if err := checkLabels(yTrue, yPred); err != nil {
		return 0, err
	}
	c := countLabels(yTrue, yPred)
	var sum float64
	n := 0
	for i := range c.labels {
		if c.actual[i] > 0 {
			sum += c.tp[i] / c.actual[i]
			n++
		}
	}
	return sum / float64(n), nil
}

// Precision returns the fraction of predictions of a class that are right,
// averaged by avg; 0 for a class never predicted.
func Precision(yTrue, yPred []int32, avg Average) (float64, error) {
	p, _, _, err := PrecisionRecallF1(yTrue, yPred, avg)
	return p, err
}

// Recall returns the fraction of a class's samples predicted as that
// class, averaged by avg.
func Recall(yTrue, yPred []int32, avg Average) (float64, error) {
	_, r, _, err := PrecisionRecallF1(yTrue, yPred, avg)
	return r, err
}

// F1 returns the harmonic mean of precision and recall, averaged by avg.
func F1(yTrue, yPred []int32, avg Average) (float64, error) {
	_, _, f, err := PrecisionRecallF1(yTrue, yPred, avg)
	return f, err
}

// PrecisionRecallF1 returns precision, recall and F1 together, averaged
// by avg. The labels are those in yTrue or yPred; Binary needs at most
// the two classes 0 and 1 and scores class 1.
func PrecisionRecallF1(yTrue, yPred []int32, avg Average) (p, r, f float64, err error) {
	return prf(yTrue, yPred, 1, avg)
}

// FBeta returns the F-beta score, which weighs recall beta times as much
// as precision, averaged by avg.
func FBeta(yTrue, yPred []int32, beta float64, avg Average) (float64, error) {
	_, _, f, err := prf(yTrue, yPred, beta, avg)
	return f, err
}

func prf(yTrue, yPred []int32, beta float64, avg Average) (p, r, f float64, err error) {
	if err := checkLabels(yTrue, yPred); err != nil {
		return 0, 0, 0, err
	}
	if !(beta > 0) || math.IsInf(beta, 0) {
		return 0, 0, 0, fmt.Errorf("metrics: beta = %v, must be positive and finite", beta)
	}
	c := countLabels(yTrue, yPred)
	tp, pred, actual := c.tp, c.pred, c.actual
	switch avg {
	case Micro:
		tp, pred, actual = []float64{sum(tp)}, []float64{sum(pred)}, []float64{sum(actual)}
	case Binary:
		if c.labels[len(c.labels)-1] > 1 {
			return 0, 0, 0, fmt.Errorf("metrics: average binary needs classes 0 and 1 only, the labels reach %d; use macro, micro or weighted", c.labels[len(c.labels)-1])
		}
		i := slices.Index(c.labels, 1)
		if i < 0 {
			return 0, 0, 0, nil
		}
		tp, pred, actual = tp[i:i+1], pred[i:i+1], actual[i:i+1]
	case Macro, Weighted:
	default:
		return 0, 0, 0, fmt.Errorf("metrics: unknown average %v", avg)
	}
	b2 := beta * beta
	weights := actual
	if avg == Macro {
		weights = make([]float64, len(tp))
		for i := range weights {
			weights[i] = 1
		}
	}
	wsum := sum(weights)
	if wsum == 0 {
		return 0, 0, 0, nil
	}
	for i := range tp {
		pi, ri := ratio(tp[i], pred[i]), ratio(tp[i], actual[i])
		fi := 0.0
		if d := b2*pi + ri; d > 0 {
			fi = (1 + b2) * pi * ri / d
		}
		p += weights[i] * pi
		r += weights[i] * ri
		f += weights[i] * fi
	}
	return p / wsum, r / wsum, f / wsum, nil
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}

// ConfusionMatrix returns the nClasses×nClasses matrix whose row i,
// column j counts the samples of class i predicted as class j.
func ConfusionMatrix(yTrue, yPred []int32, nClasses int) ([][]int, error) {
	if err := checkLabels(yTrue, yPred); err != nil {
		return nil, err
	}
	m := make([][]int, nClasses)
	for i := range m {
		m[i] = make([]int, nClasses)
	}
	for i, y := range yTrue {
		if int(y) >= nClasses || int(yPred[i]) >= nClasses {
			return nil, fmt.Errorf("metrics: sample %d: class index %d (true) or %d (predicted) is not below nClasses = %d", i, y, yPred[i], nClasses)
		}
		m[y][yPred[i]]++
	}
	return m, nil
}

// FormatConfusionMatrix lays m out as a table with a header, for printing.
func FormatConfusionMatrix(m [][]int, classes []string) string {
	var b strings.Builder
	name := func(i int) string {
		if i < len(classes) {
			return classes[i]
		}
		return fmt.Sprint(i)
	}
	w := 5
	for i := range m {
		w = max(w, len(name(i)))
		for _, v := range m[i] {
			w = max(w, len(fmt.Sprint(v)))
		}
	}
	fmt.Fprintf(&b, "%*s", w, "")
	for j := range m {
		fmt.Fprintf(&b, " %*s", w, name(j))
	}
	b.WriteByte('\n')
	for i, row := range m {
		fmt.Fprintf(&b, "%*s", w, name(i))
		for _, v := range row {
			fmt.Fprintf(&b, " %*d", w, v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
