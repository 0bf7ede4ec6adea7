package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/go-tune/tune/internal/benchutil"
	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/forest"
	"github.com/go-tune/tune/learn/modelsel"
	"github.com/go-tune/tune/pruner"
	"github.com/go-tune/tune/search"
)

// tuningSpace is wider than the classic example's, with ranges where the
// choice matters: shallow trees, large leaves and few features underfit
// the digits.
func tuningSpace() modelsel.Space {
	return modelsel.Space{
		"n_estimators":     modelsel.IntUniform{Low: 10, High: 100},
		"max_depth":        modelsel.IntUniform{Low: 1, High: 30},
		"min_samples_leaf": modelsel.IntUniform{Low: 1, High: 40},
		"max_features":     modelsel.Uniform{Low: 0.02, High: 1},
		"criterion":        modelsel.Values{"gini", "entropy"},
	}
}

// tpeVersusRandom runs, for each of c.studies seeds, a randomized search
// and a TPE search of c.trials candidates over tuningSpace on digits, and
// compares their best 3-fold CV accuracies: medians, spread, and a
// one-sided Mann-Whitney test that TPE's are higher. A third arm runs TPE
// with the median pruner and counts the fits it saves.
func tpeVersusRandom(ctx context.Context, w io.Writer, c config) error {
	digits := data.Digits()
	est := modelsel.FromConfig(forest.Config{Seed: 1}, forest.NewClassifier)
	common := modelsel.SearchConfig{NoRefit: true, CVConfig: modelsel.CVConfig{CV: modelsel.StratifiedKFold{K: 3, Shuffle: true, Seed: 1}, Jobs: -1}}
	arms := []string{"random", "TPE", "TPE + median pruner"}
	best := make([][]float64, len(arms))
	fits := make([]int, len(arms))
	secs := make([][]float64, len(arms))
	for s := range c.studies {
		seed := uint64(s + 1)
		for a, arm := range arms {
			start := time.Now()
			var res *modelsel.SearchResult
			var err error
			switch a {
			case 0:
				res, err = modelsel.RandomizedSearch{Estimator: est, Space: tuningSpace(), Iter: c.trials, Seed: seed, SearchConfig: common}.Fit(ctx, digits)
			default:
				var p pruner.Pruner = pruner.Nop{}
				if a == 2 {
					p = pruner.Median{}
				}
				var r *search.Result
				r, err = search.Search{Estimator: est, Space: tuningSpace(), Trials: c.trials, Seed: seed, Pruner: p, SearchConfig: common}.Fit(ctx, digits)
				if r != nil {
					res = r.SearchResult
				}
			}
			if err != nil {
				return fmt.Errorf("%s search, seed %d: %w", arm, seed, err)
			}
			best[a] = append(best[a], res.BestScore)
			secs[a] = append(secs[a], time.Since(start).Seconds())
			for _, cand := range res.Candidates {
				fits[a] += len(cand.Folds)
			}
		}
		fmt.Fprintf(os.Stderr, "forest: TPE versus random, seed %d of %d done\n", s+1, c.studies)
	}
	fmt.Fprintf(w, "\n## TPE versus random search: best 3-fold CV accuracy on digits, %d candidates, %d seeds\n\n", c.trials, c.studies)
	fmt.Fprintln(w, "Space: n_estimators 10-100, max_depth 1-30, min_samples_leaf 1-40, max_features 0.02-1 (fraction), criterion gini/entropy.")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "search\tmedian best\tworst\tbest\tfits\tmedian time\tp (better than random)")
	for a, arm := range arms {
		p := "-"
		if a > 0 {
			p = fmt.Sprintf("%.3g", benchutil.MannWhitneyGreater(best[a], best[0]))
		}
		lo, hi := minMax(best[a])
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%d\t%.1fs\t%s\n", arm, benchutil.Median(best[a]), lo, hi, fits[a], benchutil.Median(secs[a]), p)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	better := benchutil.Median(best[1]) > benchutil.Median(best[0])
	fmt.Fprintf(w, "\nTPE's median best above random search's: %s\n", benchutil.Verdict(better))
	return nil
}

func minMax(xs []float64) (lo, hi float64) {
	lo, hi = xs[0], xs[0]
	for _, x := range xs {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}
