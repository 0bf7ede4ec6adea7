package forest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/tree"
)

// Config sets a forest. The zero value is scikit-learn 1.2's default
// forest: 100 trees, bootstrap samples of every size, fully grown trees
// considering sqrt(d) features per split (classifier) or all d
// (regressor), one goroutine. The `param` tags give scikit-learn's names,
// for learn/modelsel's searches.
type Config struct {
	// Trees is the number of trees; 0 means 100.
	Trees int `param:"n_estimators"`
	// Criterion, MaxDepth, MinSamplesSplit, MinSamplesLeaf,
	// MinImpurityDecrease, MaxLeafNodes and MaxBins set each tree as in
	// tree.Config, with the same defaults.
	Criterion           tree.Criterion `param:"criterion"`
	MaxDepth            int            `param:"max_depth"`
	MinSamplesSplit     int            `param:"min_samples_split"`
	MinSamplesLeaf      int            `param:"min_samples_leaf"`
	MinImpurityDecrease float64        `param:"min_impurity_decrease"`
	MaxLeafNodes        int            `param:"max_leaf_nodes"`
	MaxBins             int            `param:"max_bins"`
	// MaxFeatures is how many features each split considers. The zero
	// value means "sqrt" for the classifier and all features for the
	// regressor, scikit-learn 1.2's defaults.
	//
	// "auto" is accepted (tree.ParseMaxFeatures) and means the square
	// root, as scikit-learn documented it for classifiers: it is the
	// value of the iris-era RandomizedSearchCV example, which tune runs
	// as examples/iris-search. scikit-learn deprecated it in 1.1 and
	// removed it in 1.3; for its regressors "auto" meant all features,
	// so a regressor's search should say "all" (or 1.0) instead.
	MaxFeatures tree.MaxFeatures `param:"max_features"`
	// NoBootstrap grows every tree on the whole dataset (scikit-learn's
	// bootstrap=False); the hyperparameter "bootstrap" sets its negation.
	NoBootstrap bool `param:"-"`
	// MaxSamples is the size of each bootstrap sample: a fraction of the
	// samples in (0, 1], or a count when greater than 1; 0 means all.
	MaxSamples float64 `param:"max_samples"`
	// OOBScore computes the out-of-bag score after Fit (OOBScore
	// method): each sample is predicted by the trees whose bootstrap
	// sample missed it. It needs bootstrapping.
	OOBScore bool `param:"oob_score"`
	// ClassWeight weighs the classes (classifier only), as in tree.Config;
	// its Balanced weights come from the whole training set.
	ClassWeight tree.ClassWeight `param:"class_weight"`
	// Jobs is the number of goroutines that fit trees (and predict):
	// 0 means 1 (scikit-learn's None), -1 all cores (GOMAXPROCS),
	// n > 0 that many.
	Jobs int `param:"n_jobs"`
	// Seed seeds the bootstrap samples and the features' draws; 0 means a
	// random seed, which Seed() reports after Fit.
	Seed uint64 `param:"random_state"`
	// Bootstrap, when set, overrides NoBootstrap; it exists so that a
	// search can set scikit-learn's "bootstrap" hyperparameter.
	Bootstrap *bool `param:"bootstrap"`
}

// Validate reports the first field that is out of range, naming it.
func (c Config) Validate() error {
	switch {
	case c.Trees < 0:
		return fmt.Errorf("forest: Trees = %d, must be >= 1 (0: 100)", c.Trees)
	case c.MaxSamples < 0 || math.IsNaN(c.MaxSamples) || math.IsInf(c.MaxSamples, 0) || (c.MaxSamples > 1 && c.MaxSamples != math.Trunc(c.MaxSamples)):
		return fmt.Errorf("forest: MaxSamples = %v, must be a fraction in (0, 1] or a whole count (0: all)", c.MaxSamples)
	case c.Jobs < -1:
		return fmt.Errorf("forest: Jobs = %d, must be -1 (all cores), 0 (one) or a count", c.Jobs)
	case c.OOBScore && !c.bootstrap():
		return errors.New("forest: OOBScore needs bootstrap samples (NoBootstrap is set)")
	}
	return c.tree(true).Validate()
}

func (c Config) bootstrap() bool {
	if c.Bootstrap != nil {
		return *c.Bootstrap
	}
	return !c.NoBootstrap
}

func (c Config) trees() int {
	if c.Trees == 0 {
		return 100
	}
	return c.Trees
}

func (c Config) jobs() int {
	switch {
	case c.Jobs < 0:
		return runtime.GOMAXPROCS(0)
	case c.Jobs == 0:
		return 1
	}
	return c.Jobs
}

// tree returns the trees' config.
func (c Config) tree(classifier bool) tree.Config {
	mf := c.MaxFeatures
	if mf.IsZero() {
		mf = tree.AllFeatures
		if classifier {
			mf = tree.SqrtFeatures
		}
	}
	return tree.Config{
		Criterion: c.Criterion, MaxDepth: c.MaxDepth, MinSamplesSplit: c.MinSamplesSplit,
		MinSamplesLeaf: c.MinSamplesLeaf, MinImpurityDecrease: c.MinImpurityDecrease,
		MaxFeatures: mf, MaxLeafNodes: c.MaxLeafNodes, MaxBins: c.MaxBins,
	}
}

// sampleSize returns the bootstrap sample size for n samples.
func (c Config) sampleSize(n int) (int, error) {
	switch {
	case c.MaxSamples == 0:
		return n, nil
	case c.MaxSamples <= 1:
		return max(1, int(math.Round(c.MaxSamples*float64(n)))), nil
	case int(c.MaxSamples) > n:
		return 0, fmt.Errorf("forest: MaxSamples = %v is more than the %d samples", c.MaxSamples, n)
	}
	return int(c.MaxSamples), nil
}

// bootstrapWeights returns tree i's sample weights: how many times each
// sample was drawn, or all 1 without bootstrapping.
func (c Config) bootstrapWeights(seed uint64, i, n, size int) []float64 {
	w := make([]float64, n)
	if !c.bootstrap() {
		for j := range w {
			w[j] = 1
		}
		return w
	}
	rng := tree.NewRand(seed^0x626f6f74, i)
	for range size {
		w[rng.IntN(n)]++
	}
	return w
}

// fitTrees fits n trees on jobs goroutines: fit(i) fits tree i. It stops
// starting trees once ctx is done or a fit fails.
func fitTrees(ctx context.Context, n, jobs int, fit func(i int) error) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
		ferr error
	)
	for range min(jobs, n) {
		wg.Go(func() {
			for {
				mu.Lock()
				if ferr == nil {
					ferr = ctx.Err()
				}
				if ferr != nil || next >= n {
					mu.Unlock()
					return
				}
				i := next
				next++
				mu.Unlock()
				if err := fit(i); err != nil {
					mu.Lock()
					if ferr == nil {
						ferr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return ferr
}

// parallelRows calls f on the row ranges of n rows split among jobs
// goroutines.
func parallelRows(n, jobs int, f func(lo, hi int)) {
	jobs = max(1, min(jobs, n/256))
	var wg sync.WaitGroup
	for j := range jobs {
		lo, hi := j*n/jobs, (j+1)*n/jobs
		wg.Go(func() { f(lo, hi) })
	}
	wg.Wait()
}

func checkData(ds *data.Dataset, classifier bool) error {
	if ds == nil || ds.N() == 0 {
		return errors.New("forest: no samples")
	}
	if err := ds.Validate(); err != nil {
		return fmt.Errorf("forest: %w", err)
	}
	n := ds.N()
	if classifier && len(ds.Y) != n {
		return fmt.Errorf("forest: %d class labels (Y) for %d samples", len(ds.Y), n)
	}
	if !classifier && len(ds.YFloat) != n {
		return fmt.Errorf("forest: %d targets (YFloat) for %d samples", len(ds.YFloat), n)
	}
	return nil
}

// ErrNotFitted is returned by the predict methods of an unfitted forest.
var ErrNotFitted = errors.New("forest: model is not fitted")

func checkPredict(ds *data.Dataset, fitted bool, d int) error {
	if !fitted {
		return ErrNotFitted
	}
	if err := ds.Validate(); err != nil {
		return fmt.Errorf("forest: %w", err)
	}
	if ds.NumFeatures() != d {
		return fmt.Errorf("forest: the data has %d features, the forest was fitted on %d", ds.NumFeatures(), d)
	}
	for i, v := range ds.X {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("forest: sample %d, feature %d is %v", i/d, i%d, v)
		}
	}
	return nil
}

// averageImportances averages the trees' normalised importances and
// normalises the mean, as scikit-learn does.
func averageImportances(per [][]float64, d int) []float64 {
	out := make([]float64, d)
	n := 0
	for _, imp := range per {
		var s float64
		for _, v := range imp {
			s += v
		}
		if s == 0 {
			continue // a lone leaf
		}
		for j, v := range imp {
			out[j] += v / s
		}
		n++
	}
	var s float64
	for _, v := range out {
		s += v
	}
	if s > 0 {
		for j := range out {
			out[j] /= s
		}
	}
	return out
}
