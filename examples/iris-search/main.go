// Command iris-search is the classic scikit-learn example in Go: a
// randomized search over a random forest's hyperparameters on the iris
// data, 10 candidates, 5-fold cross-validation, all cores, verbose lines,
// and "Best: <score> using <params>". Then it runs the same search with
// tune's TPE sampler, which proposes each candidate from the scores of
// those before it, and prunes candidates that trail after their first
// folds.
//
// The Python program it mirrors:
//
//	param_dist = {'n_estimators': [10, 50, 100, 200],
//	              'max_features': ['auto', 'sqrt', 'log2'],
//	              'max_depth': [None, 10, 20, 30]}
//	search = RandomizedSearchCV(RandomForestClassifier(), param_dist, n_iter=10,
//	                            cv=5, random_state=42, n_jobs=-1, verbose=2)
//	result = search.fit(X, y)
//	print("Best: %f using %s" % (result.best_score_, result.best_params_))
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/forest"
	"github.com/go-tune/tune/learn/modelsel"
	"github.com/go-tune/tune/sampler/tpe"
	"github.com/go-tune/tune/search"
)

func main() {
	var cfg config
	flag.IntVar(&cfg.iter, "n-iter", 10, "candidates in each search")
	flag.IntVar(&cfg.verbose, "verbose", 2, "scikit-learn's verbose level: 0 quiet, 1 totals, 2 a line per fit, 3 with scores")
	flag.IntVar(&cfg.jobs, "jobs", -1, "fits at once; -1 means all cores")
	flag.Uint64Var(&cfg.seed, "seed", 42, "seed of the searches (random_state)")
	flag.BoolVar(&cfg.noTPE, "no-tpe", false, "run only the randomized search")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, cfg); err != nil {
		log.Fatal(err)
	}
}

type config struct {
	iter, verbose, jobs int
	seed                uint64
	noTPE               bool
}

// space is the classic example's: n_estimators, max_features and
// max_depth (nil is scikit-learn's None: unlimited depth). "auto" is the
// iris-era name of "sqrt" for classifiers; see forest.Config.MaxFeatures.
func space() modelsel.Space {
	return modelsel.Space{
		"n_estimators": modelsel.Values{10, 50, 100, 200},
		"max_features": modelsel.Values{"auto", "sqrt", "log2"},
		"max_depth":    modelsel.Values{nil, 10, 20, 30},
	}
}

func run(ctx context.Context, w io.Writer, cfg config) error {
	iris := data.Iris()
	// Each forest trains on one goroutine; the search runs many fits at
	// once, as scikit-learn's n_jobs=-1 does.
	estimator := modelsel.FromConfig(forest.Config{}, forest.NewClassifier)
	common := modelsel.SearchConfig{
		Verbose: cfg.verbose,
		Log:     w,
		CVConfig: modelsel.CVConfig{
			CV:   modelsel.StratifiedKFold{K: 5},
			Jobs: cfg.jobs,
		},
	}

	start := time.Now()
	random, err := modelsel.RandomizedSearch{
		Estimator:    estimator,
		Space:        space(),
		Iter:         cfg.iter,
		Seed:         cfg.seed,
		SearchConfig: common,
	}.Fit(ctx, iris)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Best: %f using %s\n", random.BestScore, random.BestParams)
	fmt.Fprintf(w, "randomized search: %d candidates in %.2fs\n\n", len(random.Candidates), time.Since(start).Seconds())
	if cfg.noTPE {
		return nil
	}

	// TPE draws its first candidates at random (Optuna's default is 10,
	// the whole budget here), then proposes from the scores so far.
	sampler, err := tpe.New(tpe.Config{StartupTrials: max(2, cfg.iter/3)})
	if err != nil {
		return err
	}
	start = time.Now()
	res, err := search.Search{
		Estimator:    estimator,
		Space:        space(),
		Trials:       cfg.iter,
		Sampler:      sampler,
		Seed:         cfg.seed,
		SearchConfig: common,
	}.Fit(ctx, iris)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Best: %f using %s\n", res.BestScore, res.BestParams)
	pruned := 0
	for _, c := range res.Candidates {
		if c.Pruned {
			pruned++
		}
	}
	fmt.Fprintf(w, "TPE search: %d candidates (%d pruned) in %.2fs\n\n", len(res.Candidates), pruned, time.Since(start).Seconds())
	return res.WriteTable(w)
}
