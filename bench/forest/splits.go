package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/go-tune/tune/internal/benchutil"
	"github.com/go-tune/tune/learn/forest"
	"github.com/go-tune/tune/learn/modelsel"
)

// splitSearch measures how the number of bins trades fit time for
// accuracy on the synthetic set, whose features are continuous (20,000
// distinct values each): 65,536 bins give every distinct value its own,
// which makes tune's split search exact, as scikit-learn's sorting one is.
func splitSearch(ctx context.Context, w io.Writer, c config, set *dataset) error {
	folds, err := modelsel.StratifiedKFold{K: 5, Shuffle: true, Seed: 1}.Split(set.ds)
	if err != nil {
		return err
	}
	acc, err := modelsel.Scorers("accuracy")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n## Split search on %s: bins per feature, 1 thread (fit: median of %d; accuracy: 5-fold CV, forest seed 1)\n\n", set.name, c.rounds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "bins\tsplits\tfit time\taccuracy")
	for _, bins := range []int{32, 256, 1 << 16} {
		var times []float64
		for r := range c.rounds {
			s, err := timeFitConfig(ctx, set.ds, forest.Config{Trees: 100, Jobs: 1, Seed: uint64(r + 1), MaxBins: bins}, 1)
			if err != nil {
				return err
			}
			times = append(times, s)
		}
		var sum float64
		for _, f := range folds {
			fr := modelsel.FitAndScore(ctx, forest.NewClassifier(forest.Config{Seed: 1, Jobs: -1, MaxBins: bins}), set.ds, f, acc, false)
			if fr.Err != nil {
				return fr.Err
			}
			sum += fr.Test["accuracy"] / float64(len(folds))
		}
		kind := "histogram"
		if bins == 1<<16 {
			kind = "exact"
		}
		fmt.Fprintf(tw, "%d\t%s\t%.3fs\t%.4f\n", bins, kind, benchutil.Median(times), sum)
	}
	fmt.Fprintf(os.Stderr, "forest: split search done\n")
	return tw.Flush()
}
