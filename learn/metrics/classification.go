package metrics

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Average says how per-class scores become one number.
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

// ParseAverage returns the Average that String names s.
func ParseAverage(s string) (Average, error) {
	if i := slices.Index(averageNames[:], s); i >= 0 {
		return Average(i), nil
	}
	return 0, fmt.Errorf("metrics: unknown average %q (want macro, micro, weighted or binary)", s)
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

// classCounts holds the counts behind one class's precision and recall.
type classCounts struct {
	label                 int32
	tp, predicted, actual float64
}

// countClasses returns the counts of every class that occurs in yTrue or
// yPred, sorted by label: scikit-learn's default labels. A map keeps the
// memory proportional to the number of classes, whatever the labels' values.
func countClasses(yTrue, yPred []int32) []classCounts {
	byLabel := make(map[int32]*classCounts)
	class := func(label int32) *classCounts {
		c, ok := byLabel[label]
		if !ok {
			c = &classCounts{label: label}
			byLabel[label] = c
		}
		return c
	}
	for i, y := range yTrue {
		class(y).actual++
		class(yPred[i]).predicted++
		if yPred[i] == y {
			byLabel[y].tp++
		}
	}
	classes := make([]classCounts, 0, len(byLabel))
	for _, c := range byLabel {
		classes = append(classes, *c)
	}
	slices.SortFunc(classes, func(a, b classCounts) int { return cmp.Compare(a.label, b.label) })
	return classes
}

// BalancedAccuracy returns the mean recall over the classes present in
// yTrue. A class that is only predicted does not count, as in
// scikit-learn (which warns about it).
func BalancedAccuracy(yTrue, yPred []int32) (float64, error) {
	if err := checkLabels(yTrue, yPred); err != nil {
		return 0, err
	}
	var sum float64
	n := 0
	for _, c := range countClasses(yTrue, yPred) {
		if c.actual > 0 {
			sum += c.tp / c.actual
			n++
		}
	}
	return sum / float64(n), nil
}

// Precision returns the fraction of the predictions of a class that are
// right, averaged by avg; a class never predicted scores 0.
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

// FBeta returns the F-beta score, the weighted harmonic mean of precision
// and recall in which recall counts beta times as much as precision,
// averaged by avg. Beta 0 gives the precision and +Inf the recall.
func FBeta(yTrue, yPred []int32, beta float64, avg Average) (float64, error) {
	if !(beta >= 0) {
		return 0, fmt.Errorf("metrics: beta = %v, must be at least 0", beta)
	}
	_, _, f, err := prf(yTrue, yPred, beta, avg)
	return f, err
}

// PrecisionRecallF1 returns precision, recall and F1 together, averaged by
// avg, as scikit-learn's precision_recall_fscore_support with
// zero_division=0: the classes are those that occur in yTrue or yPred, and
// a score whose denominator is 0 is 0. Binary gives the scores of class 1,
// and, as in scikit-learn, then allows at most two classes, one of them
// class 1 if there are two; if class 1 occurs in neither yTrue nor yPred,
// all three scores are 0.
func PrecisionRecallF1(yTrue, yPred []int32, avg Average) (p, r, f float64, err error) {
	return prf(yTrue, yPred, 1, avg)
}

func prf(yTrue, yPred []int32, beta float64, avg Average) (p, r, f float64, err error) {
	if err := checkLabels(yTrue, yPred); err != nil {
		return 0, 0, 0, err
	}
	classes := countClasses(yTrue, yPred)
	switch avg {
	case Macro, Weighted:
	case Micro:
		var all classCounts
		for _, c := range classes {
			all.tp += c.tp
			all.predicted += c.predicted
			all.actual += c.actual
		}
		classes = []classCounts{all}
	case Binary:
		i, found := slices.BinarySearchFunc(classes, 1, func(c classCounts, label int32) int { return cmp.Compare(c.label, label) })
		if len(classes) > 2 || len(classes) == 2 && !found {
			labels := make([]int32, len(classes))
			for j, c := range classes {
				labels[j] = c.label
			}
			return 0, 0, 0, fmt.Errorf("metrics: average binary scores class 1 against one other class, but the labels are %v; use macro, micro or weighted", labels)
		}
		if !found {
			return 0, 0, 0, nil
		}
		classes = classes[i : i+1]
	default:
		return 0, 0, 0, fmt.Errorf("metrics: unknown average %v", avg)
	}
	var wsum float64 // > 0: there is a class, and Weighted's weights add up to the samples
	for _, c := range classes {
		w := 1.0
		if avg == Weighted {
			w = c.actual
		}
		pc, rc := ratio(c.tp, c.predicted), ratio(c.tp, c.actual)
		p += w * pc
		r += w * rc
		f += w * fScore(pc, rc, beta)
		wsum += w
	}
	return p / wsum, r / wsum, f / wsum, nil
}

// fScore is the F-beta of precision p and recall r, 0 if both are 0.
func fScore(p, r, beta float64) float64 {
	if math.IsInf(beta, 1) {
		return r
	}
	b2 := beta * beta
	d := b2*p + r
	if d == 0 {
		return 0
	}
	return (1 + b2) * p * r / d
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// ConfusionMatrix returns the nClasses×nClasses matrix whose row i,
// column j counts the samples of class i predicted as class j. A class
// index outside [0, nClasses) is an error (scikit-learn ignores such
// samples).
func ConfusionMatrix(yTrue, yPred []int32, nClasses int) ([][]int, error) {
	if err := checkLabels(yTrue, yPred); err != nil {
		return nil, err
	}
	if nClasses < 1 {
		return nil, fmt.Errorf("metrics: nClasses = %d, need at least 1", nClasses)
	}
	m := make([][]int, nClasses)
	for i := range m {
		m[i] = make([]int, nClasses)
	}
	for i, y := range yTrue {
		if int(y) >= nClasses || int(yPred[i]) >= nClasses {
			return nil, fmt.Errorf("metrics: sample %d: true class %d, predicted %d; both must be below nClasses = %d", i, y, yPred[i], nClasses)
		}
		m[y][yPred[i]]++
	}
	return m, nil
}

// FormatConfusionMatrix lays out a confusion matrix as a table for
// printing, true classes down, predicted classes across, each named by
// classes or, past its end, by its index.
func FormatConfusionMatrix(m [][]int, classes []string) string {
	name := func(i int) string {
		if i < len(classes) {
			return classes[i]
		}
		return fmt.Sprint(i)
	}
	w := 5
	for i, row := range m {
		w = max(w, utf8.RuneCountInString(name(i)))
		for _, v := range row {
			w = max(w, len(fmt.Sprint(v)))
		}
	}
	var b strings.Builder
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
