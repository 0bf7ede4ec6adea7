package modelsel

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/go-tune/tune/learn/data"
)

// CVConfig sets how CrossValidate splits and scores. The zero value is
// scikit-learn's default: 5 stratified folds for a classifier (5 KFold
// folds for a regressor), scored by accuracy (R²), one fit at a time.
type CVConfig struct {
	// CV splits the data; nil means StratifiedKFold{K: 5} for a classifier
	// and KFold{K: 5} for anything else.
	CV Splitter
	// Scoring lists the scorers; nil means accuracy for a classifier and
	// R² for a regressor. A search ranks candidates by the first.
	Scoring []Scorer
	// Jobs is how many fits run at once: 0 means 1 (scikit-learn's None),
	// -1 all cores (GOMAXPROCS), n > 0 that many.
	Jobs int
	// TrainScore also scores each fit on its training set.
	TrainScore bool
}

// FoldResult is what one fit on one fold gave.
type FoldResult struct {
	// Test and Train hold the scores by scorer name (Train only with
	// TrainScore); NaN when the fit failed.
	Test, Train map[string]float64
	// FitTime and ScoreTime are the wall times of fitting and of scoring.
	FitTime, ScoreTime time.Duration
	// Err is why the fit or the scoring failed, or nil.
	Err error
}

// CVResult holds the folds of one cross-validation.
type CVResult struct {
	Folds []FoldResult
}

// Scores returns the test scores of scorer name, one per fold.
func (r *CVResult) Scores(name string) []float64 {
	out := make([]float64, len(r.Folds))
	for i, f := range r.Folds {
		out[i] = f.Test[name]
	}
	return out
}

// CrossValidate fits a fresh estimator from newEst on each fold's training
// set and scores it on its test set, several folds at once when cfg.Jobs
// allows. A failing fit is an error here (a search, by contrast, records
// it and goes on).
func CrossValidate(ctx context.Context, newEst func() Estimator, ds *data.Dataset, cfg CVConfig) (*CVResult, error) {
	probe := newEst()
	folds, scorers, err := prepare(probe, ds, cfg)
	if err != nil {
		return nil, err
	}
	res := &CVResult{Folds: make([]FoldResult, len(folds))}
	err = runParallel(ctx, jobs(cfg.Jobs), len(folds), func(i int) error {
		fr := FitAndScore(ctx, newEst(), ds, folds[i], scorers, cfg.TrainScore)
		res.Folds[i] = fr
		if fr.Err != nil {
			return fmt.Errorf("modelsel: fold %d: %w", i+1, fr.Err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// prepare validates ds, splits it and resolves the scorers for est.
func prepare(est Estimator, ds *data.Dataset, cfg CVConfig) ([]Fold, []Scorer, error) {
	if err := checkData(est, ds); err != nil {
		return nil, nil, err
	}
	splitter := cfg.CV
	if splitter == nil {
		if _, ok := est.(Classifier); ok {
			splitter = StratifiedKFold{}
		} else {
			splitter = KFold{}
		}
	}
	folds, err := splitter.Split(ds)
	if err != nil {
		return nil, nil, err
	}
	scorers := cfg.Scoring
	if len(scorers) == 0 {
		s, err := defaultScorer(est)
		if err != nil {
			return nil, nil, err
		}
		scorers = []Scorer{s}
	}
	seen := map[string]bool{}
	for _, s := range scorers {
		if s.Name == "" || s.Score == nil || seen[s.Name] {
			return nil, nil, fmt.Errorf("modelsel: scorer %q: needs a unique name and a Score function", s.Name)
		}
		seen[s.Name] = true
	}
	return folds, scorers, nil
}

// checkData rejects a dataset that no model could fit: inconsistent
// fields, no targets of the estimator's kind, NaN or Inf features.
func checkData(est Estimator, ds *data.Dataset) error {
	if ds == nil || ds.N() == 0 {
		return fmt.Errorf("modelsel: no samples")
	}
	if err := ds.Validate(); err != nil {
		return fmt.Errorf("modelsel: %w", err)
	}
	n := ds.N()
	switch est.(type) {
	case Classifier:
		if len(ds.Y) != n {
			return fmt.Errorf("modelsel: %d class labels (Y) for %d samples", len(ds.Y), n)
		}
	case Regressor:
		if len(ds.YFloat) != n {
			return fmt.Errorf("modelsel: %d real targets (YFloat) for %d samples", len(ds.YFloat), n)
		}
	}
	d := ds.NumFeatures()
	for i, x := range ds.X {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			col := fmt.Sprint(i % d)
			if len(ds.FeatureNames) == d {
				col = fmt.Sprintf("%q", ds.FeatureNames[i%d])
			}
			return fmt.Errorf("modelsel: sample %d, feature %s is %v; remove or impute missing values first", i/d, col, x)
		}
	}
	return nil
}

// FitAndScore fits est on fold.Train of ds and scores it on fold.Test
// (and on fold.Train with trainScore). Errors are returned in the result.
func FitAndScore(ctx context.Context, est Estimator, ds *data.Dataset, fold Fold, scorers []Scorer, trainScore bool) FoldResult {
	fr := FoldResult{Test: map[string]float64{}}
	if trainScore {
		fr.Train = map[string]float64{}
	}
	fail := func(err error) FoldResult {
		fr.Err = err
		for _, s := range scorers {
			fr.Test[s.Name] = math.NaN()
			if trainScore {
				fr.Train[s.Name] = math.NaN()
			}
		}
		return fr
	}
	train, test := ds.Subset(fold.Train), ds.Subset(fold.Test)
	start := time.Now()
	if err := est.Fit(ctx, train); err != nil {
		fr.FitTime = time.Since(start)
		return fail(err)
	}
	fr.FitTime = time.Since(start)
	start = time.Now()
	for _, s := range scorers {
		v, err := s.Score(est, test)
		if err != nil {
			return fail(fmt.Errorf("scorer %s: %w", s.Name, err))
		}
		fr.Test[s.Name] = v
		if trainScore {
			if fr.Train[s.Name], err = s.Score(est, train); err != nil {
				return fail(fmt.Errorf("scorer %s on the training set: %w", s.Name, err))
			}
		}
	}
	fr.ScoreTime = time.Since(start)
	return fr
}

func jobs(n int) int {
	switch {
	case n < 0:
		return runtime.GOMAXPROCS(0)
	case n == 0:
		return 1
	}
	return n
}

// runParallel calls f(0..n-1) on up to workers goroutines, in index order
// of starting; it stops starting new calls after the first error or when
// ctx is done, and returns that error (or ctx's).
func runParallel(ctx context.Context, workers, n int, f func(i int) error) error {
	var (
		mu      sync.Mutex
		next    int
		firstEr error
		wg      sync.WaitGroup
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if firstEr != nil || next >= n {
			return 0, false
		}
		if err := ctx.Err(); err != nil {
			firstEr = err
			return 0, false
		}
		next++
		return next - 1, true
	}
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i, ok := take()
				if !ok {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					if firstEr == nil {
						firstEr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return firstEr
}
