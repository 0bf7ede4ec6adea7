package tree

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Criterion is the impurity a split minimises.
type Criterion int

const (
	// Auto is the zero value: Gini for classifiers, SquaredError for
	// regressors.
	Auto Criterion = iota
	// Gini is the Gini impurity, 1 - Σ p².
	Gini
	// Entropy is the Shannon entropy in bits, -Σ p log₂ p (scikit-learn's
	// "entropy" and "log_loss").
	Entropy
	// SquaredError is the variance of the targets (regression).
	SquaredError
)

var criterionNames = map[string]Criterion{
	"gini": Gini, "entropy": Entropy, "log_loss": Entropy, "squared_error": SquaredError,
}

// ParseCriterion reads scikit-learn's names: "gini", "entropy",
// "log_loss" (the same as entropy) and "squared_error"; "" is Auto.
func ParseCriterion(s string) (Criterion, error) {
	if s == "" {
		return Auto, nil
	}
	if c, ok := criterionNames[s]; ok {
		return c, nil
	}
	return Auto, fmt.Errorf("tree: unknown criterion %q (gini, entropy, log_loss, squared_error)", s)
}

// String returns scikit-learn's name of c.
func (c Criterion) String() string {
	switch c {
	case Auto:
		return "auto"
	case Gini:
		return "gini"
	case Entropy:
		return "entropy"
	case SquaredError:
		return "squared_error"
	}
	return "Criterion(" + strconv.Itoa(int(c)) + ")"
}

// SetParam sets c from a name, for modelsel's hyperparameter binding.
func (c *Criterion) SetParam(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("criterion must be a name, got %T", v)
	}
	p, err := ParseCriterion(s)
	if err != nil {
		return err
	}
	*c = p
	return nil
}

// MaxFeatures is how many features each split considers, drawn at random
// without replacement: all of them (the zero value), the square root or
// base-2 logarithm of their number, a count, or a fraction.
type MaxFeatures struct {
	kind  mfKind
	count int
	frac  float64
}

type mfKind int

const (
	mfDefault mfKind = iota
	mfAll
	mfSqrt
	mfLog2
	mfCount
	mfFraction
)

// Named values of MaxFeatures.
var (
	AllFeatures  = MaxFeatures{kind: mfAll}
	SqrtFeatures = MaxFeatures{kind: mfSqrt}
	Log2Features = MaxFeatures{kind: mfLog2}
)

// FeatureCount considers n features per split (n >= 1).
func FeatureCount(n int) MaxFeatures { return MaxFeatures{kind: mfCount, count: n} }

// FeatureFraction considers max(1, int(f·d)) of the d features per split
// (0 < f <= 1).
func FeatureFraction(f float64) MaxFeatures { return MaxFeatures{kind: mfFraction, frac: f} }

// IsZero reports whether m is the zero value, which means the default of
// the model it configures (all features for a tree, "sqrt" for a forest
// classifier).
func (m MaxFeatures) IsZero() bool { return m.kind == mfDefault }

// ParseMaxFeatures reads scikit-learn's max_features values: "sqrt",
// "log2", "all" (or nil, "None": every feature), an int count, or a float
// fraction in (0, 1]. "auto" is accepted as scikit-learn documented it
// for classifiers until version 1.3 removed it: the square root. (For
// scikit-learn's regressors "auto" meant all features; a regressor's
// config should not use it.)
func ParseMaxFeatures(v any) (MaxFeatures, error) {
	switch v := v.(type) {
	case nil:
		return AllFeatures, nil
	case string:
		switch strings.ToLower(v) {
		case "sqrt", "auto":
			return SqrtFeatures, nil
		case "log2":
			return Log2Features, nil
		case "all", "none":
			return AllFeatures, nil
		}
		if n, err := strconv.Atoi(v); err == nil {
			return ParseMaxFeatures(n)
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return ParseMaxFeatures(f)
		}
		return MaxFeatures{}, fmt.Errorf("tree: max_features %q: want sqrt, log2, all, a count or a fraction", v)
	case int:
		if v < 1 {
			return MaxFeatures{}, fmt.Errorf("tree: max_features = %d, a count must be at least 1", v)
		}
		return FeatureCount(v), nil
	case int64:
		return ParseMaxFeatures(int(v))
	case float64:
		if !(v > 0 && v <= 1) {
			return MaxFeatures{}, fmt.Errorf("tree: max_features = %v, a fraction must be in (0, 1]", v)
		}
		return FeatureFraction(v), nil
	case float32:
		return ParseMaxFeatures(float64(v))
	case MaxFeatures:
		return v, nil
	}
	return MaxFeatures{}, fmt.Errorf("tree: max_features of type %T: want a name, a count or a fraction", v)
}

// SetParam sets m from any value ParseMaxFeatures reads.
func (m *MaxFeatures) SetParam(v any) error {
	p, err := ParseMaxFeatures(v)
	if err != nil {
		return err
	}
	*m = p
	return nil
}

// Count returns how many of d features a split considers, with
// scikit-learn's rounding; the zero value counts as all.
func (m MaxFeatures) Count(d int) int {
	n := d
	switch m.kind {
	case mfSqrt:
		n = int(math.Sqrt(float64(d)))
	case mfLog2:
		n = int(math.Log2(float64(d)))
	case mfCount:
		n = m.count
	case mfFraction:
		n = int(m.frac * float64(d))
	}
	return min(max(n, 1), d)
}

// String returns scikit-learn's spelling of m.
func (m MaxFeatures) String() string {
	switch m.kind {
	case mfSqrt:
		return "sqrt"
	case mfLog2:
		return "log2"
	case mfCount:
		return strconv.Itoa(m.count)
	case mfFraction:
		return strconv.FormatFloat(m.frac, 'g', -1, 64)
	case mfAll:
		return "all"
	}
	return "default"
}

func (m MaxFeatures) validate() error {
	switch {
	case m.kind == mfCount && m.count < 1:
		return fmt.Errorf("a count of %d", m.count)
	case m.kind == mfFraction && !(m.frac > 0 && m.frac <= 1):
		return fmt.Errorf("a fraction of %v", m.frac)
	}
	return nil
}

// ClassWeight weighs the classes of a classifier: uniform (the zero
// value), "balanced" (n / (k · count of the class), so that every class
// weighs the same in total), or explicit weights per class index.
type ClassWeight struct {
	// Balanced weighs each class inversely to its frequency.
	Balanced bool
	// Weights gives class i the weight Weights[i] (classes beyond it
	// weigh 1); used when Balanced is false.
	Weights []float64
}

// SetParam reads scikit-learn's class_weight values: nil (uniform),
// "balanced", a []float64 or a map from class index to weight.
func (c *ClassWeight) SetParam(v any) error {
	switch v := v.(type) {
	case nil:
		*c = ClassWeight{}
	case string:
		if v != "balanced" {
			return fmt.Errorf("tree: class_weight %q: want \"balanced\", weights or nil", v)
		}
		*c = ClassWeight{Balanced: true}
	case []float64:
		*c = ClassWeight{Weights: v}
	case map[int]float64:
		w := []float64{}
		for k, x := range v {
			if k < 0 {
				return fmt.Errorf("tree: class_weight for class %d", k)
			}
			for len(w) <= k {
				w = append(w, 1)
			}
			w[k] = x
		}
		*c = ClassWeight{Weights: w}
	default:
		return fmt.Errorf("tree: class_weight of type %T: want \"balanced\", []float64 or map[int]float64", v)
	}
	return c.validate()
}

func (c ClassWeight) validate() error {
	for i, w := range c.Weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return fmt.Errorf("tree: ClassWeight.Weights[%d] = %v, must be finite and >= 0", i, w)
		}
	}
	return nil
}

// weights returns one weight per class for labels y with k classes.
func (c ClassWeight) weights(y []int32, k int) []float64 {
	w := make([]float64, k)
	for i := range w {
		w[i] = 1
	}
	switch {
	case c.Balanced:
		counts := make([]float64, k)
		for _, v := range y {
			counts[v]++
		}
		present := 0
		for _, n := range counts {
			if n > 0 {
				present++
			}
		}
		for i, n := range counts {
			if n > 0 {
				w[i] = float64(len(y)) / (float64(present) * n)
			}
		}
	default:
		copy(w, c.Weights)
	}
	return w
}

// Config sets how a tree grows. The zero value grows a full tree, as
// scikit-learn's defaults do. The `param` tags give scikit-learn's names,
// for learn/modelsel's searches.
type Config struct {
	// Criterion is the impurity; Auto (zero) means Gini for a classifier
	// and SquaredError for a regressor.
	Criterion Criterion `param:"criterion"`
	// MaxDepth limits the depth (the root is at depth 0); 0 means no limit
	// (scikit-learn's None).
	MaxDepth int `param:"max_depth"`
	// MinSamplesSplit is the fewest samples a node needs to be split; 0
	// means 2.
	MinSamplesSplit int `param:"min_samples_split"`
	// MinSamplesLeaf is the fewest samples each child of a split must
	// have; 0 means 1.
	MinSamplesLeaf int `param:"min_samples_leaf"`
	// MinImpurityDecrease: a node is split only if the split lowers the
	// weighted impurity, N_t/N · (impurity - N_L/N_t · left impurity -
	// N_R/N_t · right impurity), by at least this much; default 0.
	MinImpurityDecrease float64 `param:"min_impurity_decrease"`
	// MaxFeatures is how many features each split considers; the zero
	// value means all of them.
	MaxFeatures MaxFeatures `param:"max_features"`
	// MaxLeafNodes limits the leaves; the tree then grows best-first (the
	// split that lowers the impurity most, next). 0 means no limit, and
	// depth-first growth.
	MaxLeafNodes int `param:"max_leaf_nodes"`
	// ClassWeight weighs the classes (classifiers only); the zero value
	// weighs all alike.
	ClassWeight ClassWeight `param:"class_weight"`
	// MaxBins is the most bins a feature's values are put in; 0 means 256.
	// It must be in [2, 65536]; 65536 finds scikit-learn's exact splits
	// for features with up to that many distinct values, more slowly.
	MaxBins int `param:"max_bins"`
	// Seed seeds the random choice of features when Fit is called
	// without a random source; 0 means a random seed, which Seed()
	// reports after the fit.
	Seed uint64 `param:"random_state"`
}

// Validate reports the first field that is out of range, naming it.
func (c Config) Validate() error {
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("tree: %s = %v, %s", field, v, want)
	}
	switch {
	case c.Criterion < Auto || c.Criterion > SquaredError:
		return bad("Criterion", int(c.Criterion), "unknown")
	case c.MaxDepth < 0:
		return bad("MaxDepth", c.MaxDepth, "must be >= 0 (0: no limit)")
	case c.MinSamplesSplit < 0 || c.MinSamplesSplit == 1:
		return bad("MinSamplesSplit", c.MinSamplesSplit, "must be >= 2 (0: 2)")
	case c.MinSamplesLeaf < 0:
		return bad("MinSamplesLeaf", c.MinSamplesLeaf, "must be >= 1 (0: 1)")
	case !(c.MinImpurityDecrease >= 0) || math.IsInf(c.MinImpurityDecrease, 0):
		return bad("MinImpurityDecrease", c.MinImpurityDecrease, "must be finite and >= 0")
	case c.MaxLeafNodes < 0 || c.MaxLeafNodes == 1:
		return bad("MaxLeafNodes", c.MaxLeafNodes, "must be >= 2 (0: no limit)")
	case c.MaxBins < 0 || c.MaxBins == 1 || c.MaxBins > 1<<16:
		return bad("MaxBins", c.MaxBins, "must be in [2, 65536] (0: 256)")
	}
	if err := c.MaxFeatures.validate(); err != nil {
		return fmt.Errorf("tree: MaxFeatures is %w, must be a count >= 1 or a fraction in (0, 1]", err)
	}
	return c.ClassWeight.validate()
}

func (c Config) withDefaults(classifier bool) Config {
	if c.Criterion == Auto {
		c.Criterion = SquaredError
		if classifier {
			c.Criterion = Gini
		}
	}
	if c.MinSamplesSplit == 0 {
		c.MinSamplesSplit = 2
	}
	if c.MinSamplesLeaf == 0 {
		c.MinSamplesLeaf = 1
	}
	if c.MaxBins == 0 {
		c.MaxBins = 256
	}
	return c
}

// ErrNotFitted is returned by the predict methods of an unfitted model.
var ErrNotFitted = errors.New("tree: model is not fitted")
