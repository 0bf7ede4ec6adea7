package tree

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"slices"

	"github.com/go-tune/tune/learn/data"
)

// Classifier is a CART classification tree, as scikit-learn's
// DecisionTreeClassifier. Make one with NewClassifier; it is safe for
// concurrent use once fitted.
type Classifier struct {
	cfg  Config
	seed uint64
	k    int
	m    model
}

// NewClassifier returns an unfitted classifier. The config is checked by
// Fit.
func NewClassifier(cfg Config) *Classifier { return &Classifier{cfg: cfg} }

// Config returns the classifier's config.
func (c *Classifier) Config() Config { return c.cfg }

// Seed returns the seed of the random source Fit used when it made its
// own (Config.Seed, or the random seed drawn for Seed 0).
func (c *Classifier) Seed() uint64 { return c.seed }

// Fit grows the tree on ds's features and labels (Y), with
// ds.NumClasses() classes. The features' order is random (Config.Seed).
func (c *Classifier) Fit(ctx context.Context, ds *data.Dataset) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkDataset(ds, true); err != nil {
		return err
	}
	c.seed = seedOf(c.cfg.Seed)
	return c.FitArrays(ds.X, ds.NumFeatures(), ds.Y, ds.NumClasses(), nil, newRand(c.seed, 0))
}

// FitArrays grows the tree on the n×d row-major features x and labels y
// in [0, k), with optional per-sample weights (nil: all 1; a sample of
// weight 0 is left out), drawing features from rng.
func (c *Classifier) FitArrays(x []float32, d int, y []int32, k int, sampleWeight []float64, rng *mrand.Rand) error {
	cfg := c.cfg
	if err := cfg.Validate(); err != nil {
		return err
	}
	b, err := Bin(x, d, cfg.withDefaults(true).MaxBins)
	if err != nil {
		return err
	}
	return c.FitBinned(b, y, k, sampleWeight, rng)
}

// FitBinned grows the tree on features binned by Bin, as FitArrays does.
// A forest bins once and fits every tree with it.
func (c *Classifier) FitBinned(b *Binned, y []int32, k int, sampleWeight []float64, rng *mrand.Rand) error {
	cfg := c.cfg.withDefaults(true)
	if err := cfg.Validate(); err != nil {
		return err
	}
	if cfg.Criterion == SquaredError {
		return fmt.Errorf("tree: a classifier cannot use the squared_error criterion")
	}
	if err := checkLabels(y, b.n, k); err != nil {
		return err
	}
	w, err := weights(sampleWeight, b.n)
	if err != nil {
		return err
	}
	cw := cfg.ClassWeight.weights(y, k)
	for i := range w {
		w[i] *= cw[y[i]]
	}
	if rng == nil {
		return fmt.Errorf("tree: nil random source")
	}
	c.k = k
	c.m = grow(cfg, b, target{y: y, k: k}, w, rng)
	return nil
}

// NumClasses returns the number of classes the tree was fitted with.
func (c *Classifier) NumClasses() int { return c.k }

// Depth returns the depth of the fitted tree (0 for a lone leaf).
func (c *Classifier) Depth() int { return c.m.depth }

// NumLeaves returns the number of leaves of the fitted tree.
func (c *Classifier) NumLeaves() int { return c.m.leaves }

// NumNodes returns the number of nodes of the fitted tree.
func (c *Classifier) NumNodes() int { return len(c.m.nodes) }

// FeatureImportances returns the mean decrease in impurity brought by each
// feature, weighted by the samples reaching each split and normalised to
// sum to 1 (all zero for a lone leaf), as scikit-learn's
// feature_importances_.
func (c *Classifier) FeatureImportances() []float64 { return normalized(c.m.importance) }

// Importances returns the unnormalised impurity decreases, for a forest
// to average.
func (c *Classifier) Importances() []float64 { return slices.Clone(c.m.importance) }

// PredictProbaRow returns the class probabilities of the leaf that row x
// reaches: a slice of NumClasses values owned by the tree, not to be
// modified.
func (c *Classifier) PredictProbaRow(x []float32) []float64 {
	n := c.m.leaf(x)
	return c.m.values[n*c.k : (n+1)*c.k]
}

// PredictProba returns ds.N() rows of NumClasses class probabilities,
// row-major: the class fractions (weighted) of the leaf each sample
// reaches.
func (c *Classifier) PredictProba(ds *data.Dataset) ([]float64, error) {
	if err := c.m.check(ds); err != nil {
		return nil, err
	}
	out := make([]float64, 0, ds.N()*c.k)
	for i := range ds.N() {
		out = append(out, c.PredictProbaRow(ds.Row(i))...)
	}
	return out, nil
}

// Predict returns the most probable class of each sample (the smaller
// index on ties, as numpy's argmax).
func (c *Classifier) Predict(ds *data.Dataset) ([]int32, error) {
	if err := c.m.check(ds); err != nil {
		return nil, err
	}
	out := make([]int32, ds.N())
	for i := range out {
		out[i] = int32(argmax(c.PredictProbaRow(ds.Row(i))))
	}
	return out, nil
}

// Regressor is a CART regression tree, as scikit-learn's
// DecisionTreeRegressor. Make one with NewRegressor; it is safe for
// concurrent use once fitted.
type Regressor struct {
	cfg  Config
	seed uint64
	m    model
}

// NewRegressor returns an unfitted regressor. The config is checked by
// Fit.
func NewRegressor(cfg Config) *Regressor { return &Regressor{cfg: cfg} }

// Config returns the regressor's config.
func (r *Regressor) Config() Config { return r.cfg }

// Seed returns the seed of the random source Fit used.
func (r *Regressor) Seed() uint64 { return r.seed }

// Fit grows the tree on ds's features and real targets (YFloat).
func (r *Regressor) Fit(ctx context.Context, ds *data.Dataset) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkDataset(ds, false); err != nil {
		return err
	}
	r.seed = seedOf(r.cfg.Seed)
	y := make([]float64, len(ds.YFloat))
	for i, v := range ds.YFloat {
		y[i] = float64(v)
	}
	b, err := Bin(ds.X, ds.NumFeatures(), r.cfg.withDefaults(false).MaxBins)
	if err != nil {
		return err
	}
	return r.FitBinned(b, y, nil, newRand(r.seed, 0))
}

// FitBinned grows the tree on binned features and targets y, with
// optional per-sample weights, drawing features from rng.
func (r *Regressor) FitBinned(b *Binned, y []float64, sampleWeight []float64, rng *mrand.Rand) error {
	cfg := r.cfg.withDefaults(false)
	if err := cfg.Validate(); err != nil {
		return err
	}
	if cfg.Criterion != SquaredError {
		return fmt.Errorf("tree: a regressor uses the squared_error criterion, not %v", cfg.Criterion)
	}
	if len(y) != b.n {
		return fmt.Errorf("tree: %d targets for %d samples", len(y), b.n)
	}
	for i, v := range y {
		if v != v || v > 1e300 || v < -1e300 {
			return fmt.Errorf("tree: target %d is %v; targets must be finite", i, v)
		}
	}
	w, err := weights(sampleWeight, b.n)
	if err != nil {
		return err
	}
	if rng == nil {
		return fmt.Errorf("tree: nil random source")
	}
	r.m = grow(cfg, b, target{yf: y}, w, rng)
	return nil
}

// Depth returns the depth of the fitted tree.
func (r *Regressor) Depth() int { return r.m.depth }

// NumLeaves returns the number of leaves of the fitted tree.
func (r *Regressor) NumLeaves() int { return r.m.leaves }

// FeatureImportances returns the normalised mean decrease in impurity of
// each feature.
func (r *Regressor) FeatureImportances() []float64 { return normalized(r.m.importance) }

// Importances returns the unnormalised impurity decreases.
func (r *Regressor) Importances() []float64 { return slices.Clone(r.m.importance) }

// PredictRow returns the mean target of the leaf that row x reaches.
func (r *Regressor) PredictRow(x []float32) float64 { return r.m.values[r.m.leaf(x)] }

// Predict returns the prediction for each sample of ds.
func (r *Regressor) Predict(ds *data.Dataset) ([]float64, error) {
	if err := r.m.check(ds); err != nil {
		return nil, err
	}
	out := make([]float64, ds.N())
	for i := range out {
		out[i] = r.PredictRow(ds.Row(i))
	}
	return out, nil
}

// leaf returns the index of the leaf that x reaches.
func (m *model) leaf(x []float32) int {
	n := int32(0)
	for {
		nd := &m.nodes[n]
		if nd.feature < 0 {
			return int(n)
		}
		if x[nd.feature] <= nd.threshold {
			n = nd.left
		} else {
			n = nd.right
		}
	}
}

func (m *model) check(ds *data.Dataset) error {
	if len(m.nodes) == 0 {
		return ErrNotFitted
	}
	if d := ds.NumFeatures(); d != len(m.importance) {
		return fmt.Errorf("tree: the data has %d features, the tree was fitted on %d", d, len(m.importance))
	}
	if err := ds.Validate(); err != nil {
		return fmt.Errorf("tree: %w", err)
	}
	return nil
}

func checkDataset(ds *data.Dataset, classifier bool) error {
	if ds == nil || ds.N() == 0 {
		return fmt.Errorf("tree: no samples")
	}
	if err := ds.Validate(); err != nil {
		return fmt.Errorf("tree: %w", err)
	}
	switch n := ds.N(); {
	case classifier && len(ds.Y) != n:
		return fmt.Errorf("tree: %d class labels (Y) for %d samples", len(ds.Y), n)
	case !classifier && len(ds.YFloat) != n:
		return fmt.Errorf("tree: %d targets (YFloat) for %d samples", len(ds.YFloat), n)
	}
	return nil
}

func checkLabels(y []int32, n, k int) error {
	if len(y) != n {
		return fmt.Errorf("tree: %d labels for %d samples", len(y), n)
	}
	if n == 0 {
		return fmt.Errorf("tree: no samples")
	}
	for i, v := range y {
		if v < 0 || int(v) >= k {
			return fmt.Errorf("tree: label %d of sample %d is not a class index in [0, %d)", v, i, k)
		}
	}
	return nil
}

func weights(sw []float64, n int) ([]float64, error) {
	w := make([]float64, n)
	if sw == nil {
		for i := range w {
			w[i] = 1
		}
		return w, nil
	}
	if len(sw) != n {
		return nil, fmt.Errorf("tree: %d sample weights for %d samples", len(sw), n)
	}
	pos := false
	for i, v := range sw {
		if !(v >= 0) || v > 1e300 {
			return nil, fmt.Errorf("tree: sample weight %d is %v; weights must be finite and >= 0", i, v)
		}
		pos = pos || v > 0
	}
	if !pos {
		return nil, fmt.Errorf("tree: every sample weight is 0")
	}
	copy(w, sw)
	return w, nil
}

func normalized(imp []float64) []float64 {
	out := slices.Clone(imp)
	var s float64
	for _, v := range out {
		s += v
	}
	if s > 0 {
		for i := range out {
			out[i] /= s
		}
	}
	return out
}

func argmax(p []float64) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}

// seedOf returns seed, or a random one for 0.
func seedOf(seed uint64) uint64 {
	for seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	return seed
}

// newRand returns the random source of stream i of seed (tree i of a
// forest).
func newRand(seed, i uint64) *mrand.Rand {
	return mrand.New(mrand.NewPCG(seed, 0x7472656573^i))
}

// NewRand returns the random source that tree i of a forest seeded with
// seed uses, so that a forest gives the same trees whatever its
// parallelism.
func NewRand(seed uint64, i int) *mrand.Rand { return newRand(seed, uint64(i)) }

// SeedOf returns seed, or a random non-zero seed when seed is 0.
func SeedOf(seed uint64) uint64 { return seedOf(seed) }
