package forest

import (
	"context"
	"fmt"

	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/tree"
)

// Regressor is a random forest regressor, as scikit-learn's
// RandomForestRegressor. Make one with NewRegressor; it is safe for
// concurrent use once fitted.
type Regressor struct {
	cfg   Config
	seed  uint64
	d     int
	trees []*tree.Regressor
	oob   float64
	hasOO bool
}

// NewRegressor returns an unfitted forest; Fit checks the config.
func NewRegressor(cfg Config) *Regressor { return &Regressor{cfg: cfg} }

// Config returns the forest's config.
func (f *Regressor) Config() Config { return f.cfg }

// Seed returns the seed Fit used.
func (f *Regressor) Seed() uint64 { return f.seed }

// Trees returns the fitted trees.
func (f *Regressor) Trees() []*tree.Regressor { return f.trees }

// Fit grows the forest on ds's features and real targets (YFloat).
func (f *Regressor) Fit(ctx context.Context, ds *data.Dataset) error {
	cfg := f.cfg
	if err := cfg.Validate(); err != nil {
		return err
	}
	if cfg.ClassWeight.Balanced || cfg.ClassWeight.Weights != nil {
		return fmt.Errorf("forest: ClassWeight is for classifiers")
	}
	if err := checkData(ds, false); err != nil {
		return err
	}
	n, d := ds.N(), ds.NumFeatures()
	size, err := cfg.sampleSize(n)
	if err != nil {
		return err
	}
	tcfg := cfg.tree(false)
	if tcfg.Criterion == tree.Auto {
		tcfg.Criterion = tree.SquaredError
	}
	b, err := tree.Bin(ds.X, d, tcfg.MaxBins)
	if err != nil {
		return fmt.Errorf("forest: %w", err)
	}
	y := make([]float64, n)
	for i, v := range ds.YFloat {
		y[i] = float64(v)
	}
	seed := tree.SeedOf(cfg.Seed)
	trees := make([]*tree.Regressor, cfg.trees())
	weights := make([][]float64, len(trees))
	err = fitTrees(ctx, len(trees), cfg.jobs(), func(i int) error {
		w := cfg.bootstrapWeights(seed, i, n, size)
		t := tree.NewRegressor(tcfg)
		if err := t.FitBinned(b, y, w, tree.NewRand(seed, i)); err != nil {
			return fmt.Errorf("forest: tree %d: %w", i, err)
		}
		trees[i] = t
		if cfg.OOBScore {
			weights[i] = w
		}
		return nil
	})
	if err != nil {
		return err
	}
	f.seed, f.d, f.trees = seed, d, trees
	f.hasOO = false
	if cfg.OOBScore {
		f.oob, f.hasOO = f.oobScore(ds, y, weights), true
	}
	return nil
}

// oobScore is the R² of the out-of-bag predictions.
func (f *Regressor) oobScore(ds *data.Dataset, y []float64, weights [][]float64) float64 {
	n := ds.N()
	sum, cnt := make([]float64, n), make([]int, n)
	for i, t := range f.trees {
		for j := range n {
			if weights[i][j] == 0 {
				sum[j] += t.PredictRow(ds.Row(j))
				cnt[j]++
			}
		}
	}
	var mean float64
	m := 0
	for j := range n {
		if cnt[j] > 0 {
			mean += y[j]
			m++
		}
	}
	if m == 0 {
		return 0
	}
	mean /= float64(m)
	var res, tot float64
	for j := range n {
		if cnt[j] > 0 {
			p := sum[j] / float64(cnt[j])
			res += (y[j] - p) * (y[j] - p)
			tot += (y[j] - mean) * (y[j] - mean)
		}
	}
	if tot == 0 {
		return 0
	}
	return 1 - res/tot
}

// OOBScore returns the out-of-bag R², and false when Config.OOBScore was
// not set for the fit.
func (f *Regressor) OOBScore() (float64, bool) { return f.oob, f.hasOO }

// FeatureImportances returns the normalised mean of the trees' normalised
// impurity decreases.
func (f *Regressor) FeatureImportances() []float64 {
	per := make([][]float64, len(f.trees))
	for i, t := range f.trees {
		per[i] = t.Importances()
	}
	return averageImportances(per, f.d)
}

// Predict returns the mean of the trees' predictions for each sample.
func (f *Regressor) Predict(ds *data.Dataset) ([]float64, error) {
	if err := checkPredict(ds, f.trees != nil, f.d); err != nil {
		return nil, err
	}
	out := make([]float64, ds.N())
	parallelRows(ds.N(), f.cfg.jobs(), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			x := ds.Row(j)
			var s float64
			for _, t := range f.trees {
				s += t.PredictRow(x)
			}
			out[j] = s / float64(len(f.trees))
		}
	})
	return out, nil
}
