package forest

import (
	"context"
	"fmt"

	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/tree"
)

// Classifier is a random forest classifier, as scikit-learn's
// RandomForestClassifier. Make one with NewClassifier; it is safe for
// concurrent use once fitted.
type Classifier struct {
	cfg   Config
	seed  uint64
	k, d  int
	trees []*tree.Classifier
	oob   float64
	hasOO bool
}

// NewClassifier returns an unfitted forest; Fit checks the config.
func NewClassifier(cfg Config) *Classifier { return &Classifier{cfg: cfg} }

// Config returns the forest's config.
func (f *Classifier) Config() Config { return f.cfg }

// Seed returns the seed Fit used (Config.Seed, or the random one drawn
// for 0).
func (f *Classifier) Seed() uint64 { return f.seed }

// Trees returns the fitted trees.
func (f *Classifier) Trees() []*tree.Classifier { return f.trees }

// NumClasses returns the number of classes the forest was fitted with.
func (f *Classifier) NumClasses() int { return f.k }

// Fit grows the forest on ds's features and labels (Y), with
// ds.NumClasses() classes. It returns ctx.Err() soon after ctx is done.
// NaN or infinite features are an error that names the sample and feature.
func (f *Classifier) Fit(ctx context.Context, ds *data.Dataset) error {
	cfg := f.cfg
	if err := cfg.Validate(); err != nil {
		return err
	}
	if err := checkData(ds, true); err != nil {
		return err
	}
	n, d, k := ds.N(), ds.NumFeatures(), ds.NumClasses()
	size, err := cfg.sampleSize(n)
	if err != nil {
		return err
	}
	tcfg := cfg.tree(true)
	b, err := tree.Bin(ds.X, d, tcfg.MaxBins)
	if err != nil {
		return fmt.Errorf("forest: %w", err)
	}
	seed := tree.SeedOf(cfg.Seed)
	// Class weights multiply the bootstrap counts; "balanced" weights
	// come from the whole set, as scikit-learn's class_weight="balanced".
	cw := make([]float64, k)
	for i := range cw {
		cw[i] = 1
	}
	if cfg.ClassWeight.Balanced || cfg.ClassWeight.Weights != nil {
		counts := ds.ClassCounts()
		present := 0
		for _, c := range counts {
			if c > 0 {
				present++
			}
		}
		for c := range cw {
			switch {
			case cfg.ClassWeight.Balanced && counts[c] > 0:
				cw[c] = float64(n) / (float64(present) * float64(counts[c]))
			case c < len(cfg.ClassWeight.Weights):
				cw[c] = cfg.ClassWeight.Weights[c]
			}
		}
		tcfg.ClassWeight = tree.ClassWeight{}
	}
	trees := make([]*tree.Classifier, cfg.trees())
	weights := make([][]float64, len(trees)) // kept for the OOB score
	err = fitTrees(ctx, len(trees), cfg.jobs(), func(i int) error {
		w := cfg.bootstrapWeights(seed, i, n, size)
		sw := w
		if cfg.ClassWeight.Balanced || cfg.ClassWeight.Weights != nil {
			sw = make([]float64, n)
			for j, v := range w {
				sw[j] = v * cw[ds.Y[j]]
			}
		}
		t := tree.NewClassifier(tcfg)
		if err := t.FitBinned(b, ds.Y, k, sw, tree.NewRand(seed, i)); err != nil {
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
	f.seed, f.k, f.d, f.trees = seed, k, d, trees
	f.hasOO = false
	if cfg.OOBScore {
		f.oob = f.oobScore(ds, weights)
		f.hasOO = true
	}
	return nil
}

// oobScore is the accuracy of the out-of-bag predictions over the samples
// that some tree left out.
func (f *Classifier) oobScore(ds *data.Dataset, weights [][]float64) float64 {
	n := ds.N()
	sum := make([]float64, n*f.k)
	for i, t := range f.trees {
		for j := range n {
			if weights[i][j] == 0 {
				p := t.PredictProbaRow(ds.Row(j))
				for c, v := range p {
					sum[j*f.k+c] += v
				}
			}
		}
	}
	right, total := 0, 0
	for j := range n {
		row := sum[j*f.k : (j+1)*f.k]
		var s float64
		for _, v := range row {
			s += v
		}
		if s == 0 {
			continue
		}
		total++
		if argmax(row) == int(ds.Y[j]) {
			right++
		}
	}
	if total == 0 {
		return 0
	}
	return float64(right) / float64(total)
}

// OOBScore returns the out-of-bag accuracy, and false when Config.OOBScore
// was not set for the fit.
func (f *Classifier) OOBScore() (float64, bool) { return f.oob, f.hasOO }

// FeatureImportances returns the mean over the trees of their normalised
// impurity decreases per feature, normalised (scikit-learn's
// feature_importances_).
func (f *Classifier) FeatureImportances() []float64 {
	per := make([][]float64, len(f.trees))
	for i, t := range f.trees {
		per[i] = t.Importances()
	}
	return averageImportances(per, f.d)
}

// PredictProba returns ds.N() rows of NumClasses probabilities, row-major:
// the mean of the trees' class probabilities.
func (f *Classifier) PredictProba(ds *data.Dataset) ([]float64, error) {
	if err := checkPredict(ds, f.trees != nil, f.d); err != nil {
		return nil, err
	}
	n, k := ds.N(), f.k
	out := make([]float64, n*k)
	parallelRows(n, f.cfg.jobs(), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			row, x := out[j*k:(j+1)*k], ds.Row(j)
			for _, t := range f.trees {
				for c, v := range t.PredictProbaRow(x) {
					row[c] += v
				}
			}
			for c := range row {
				row[c] /= float64(len(f.trees))
			}
		}
	})
	return out, nil
}

// Predict returns the class of highest mean probability for each sample
// (the smaller index on ties).
func (f *Classifier) Predict(ds *data.Dataset) ([]int32, error) {
	p, err := f.PredictProba(ds)
	if err != nil {
		return nil, err
	}
	out := make([]int32, ds.N())
	for j := range out {
		out[j] = int32(argmax(p[j*f.k : (j+1)*f.k]))
	}
	return out, nil
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
