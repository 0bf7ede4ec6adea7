package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"text/tabwriter"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/internal/benchutil"
	"github.com/go-tune/tune/sampler/tpe"
)

// curve is the loss a trial with hyperparameters (lr, width, decay)
// reports at step s of steps, plus noise. The final loss is a bowl in
// log lr and log width, plus decay; a bad learning rate also starts worse.
// Half the family (decay < 0.5) saturates exponentially, with a time
// constant that grows with the width (wide models learn more slowly), the
// other half follows a power law whose exponent falls with decay; so
// curves cross, but early values say much about final ones, as in
// practice. The noise is Gaussian.
func curve(lr, width, decay float64, s, steps int, noise float64) float64 {
	bad := math.Pow(math.Log10(lr)+2, 2)
	final := 0.1 + bad/4 + math.Pow(math.Log2(width)-6, 2)/20 + 0.3*decay
	start := 2.5 + bad/2
	var g float64
	if decay < 0.5 {
		tau := 0.05 * (1 + math.Log2(width)/5)
		g = math.Exp(-float64(s+1) / float64(steps) / tau)
	} else {
		g = math.Pow(float64(s+1), -(1.2 - decay))
	}
	return final + (start-final)*g + noise
}

// synthetic runs each arm on seeds studies of c.trials trials, then on
// seeds studies with the same compute as c.trials/3 unpruned trials.
func synthetic(ctx context.Context, w io.Writer, c config) error {
	if err := syntheticTable(ctx, w, c, 0); err != nil {
		return err
	}
	return syntheticTable(ctx, w, c, c.trials/3*c.steps)
}

// syntheticTable runs the arms with c.trials trials each (budget 0) or
// until budget steps are spent.
func syntheticTable(ctx context.Context, w io.Writer, c config, budget int) error {
	type result struct {
		best, bestTrue []float64
		steps          []float64
	}
	res := make([]result, len(arms()))
	trials := make([][]float64, len(arms()))
	for seed := range c.seeds {
		for a, arm := range arms() {
			best, bestTrue, steps, n, err := syntheticStudy(ctx, c, arm, uint64(seed+1), budget)
			if err != nil {
				return fmt.Errorf("%s, seed %d: %w", arm.name, seed+1, err)
			}
			_ = best
			res[a].best = append(res[a].best, best)
			res[a].bestTrue = append(res[a].bestTrue, bestTrue)
			res[a].steps = append(res[a].steps, float64(steps))
			trials[a] = append(trials[a], float64(n))
		}
	}
	if budget == 0 {
		fmt.Fprintf(w, "\n## Synthetic learning curves, equal trials: TPE, %d trials of %d steps, %d seeds (loss: lower is better)\n\n", c.trials, c.steps, c.seeds)
	} else {
		fmt.Fprintf(w, "\n## Synthetic learning curves, equal compute: TPE until %d steps are spent (%d unpruned trials), %d seeds\n\n", budget, budget/c.steps, c.seeds)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "pruner\ttrials (median)\tsteps run (median)\tof unpruned\tbest final loss (median)\tworst seed\tp (worse than none)\tp (better than none)")
	for a, arm := range arms() {
		p, q := "-", "-"
		if a > 0 {
			p = fmt.Sprintf("%.3g", benchutil.MannWhitneyGreater(res[a].bestTrue, res[0].bestTrue))
			q = fmt.Sprintf("%.3g", benchutil.MannWhitneyGreater(res[0].bestTrue, res[a].bestTrue))
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f%%\t%.4f\t%.4f\t%s\t%s\n", arm.name, benchutil.Median(trials[a]), benchutil.Median(res[a].steps),
			100*benchutil.Median(res[a].steps)/benchutil.Median(res[0].steps),
			benchutil.Median(res[a].bestTrue), maxOf(res[a].bestTrue), p, q)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nThe best final loss is the noise-free final value of the best Complete trial; the p-values are one-sided Mann-Whitney tests against no pruning.")
	fmt.Fprintf(os.Stderr, "pruning: synthetic done\n")
	return nil
}

func maxOf(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// syntheticStudy runs one study and returns the best reported final value,
// the noise-free final value of that trial, and the steps run in all.
func syntheticStudy(ctx context.Context, c config, a arm, seed uint64, budget int) (best, bestTrue float64, steps, trials int, err error) {
	smp, err := tpe.New(tpe.Config{})
	if err != nil {
		return 0, 0, 0, 0, err
	}
	study, err := tune.CreateStudy(ctx, fmt.Sprintf("synthetic-%d", seed), tune.WithSeed(seed),
		tune.WithSampler(smp), tune.WithPruner(a.pruner(c.steps)))
	if err != nil {
		return 0, 0, 0, 0, err
	}
	truth := map[int]float64{}
	opts := tune.OptimizeOptions{Trials: c.trials}
	if budget > 0 {
		opts = tune.OptimizeOptions{Callbacks: []tune.Callback{func(s *tune.Study, _ tune.FrozenTrial) {
			if steps >= budget {
				s.Stop()
			}
		}}}
	}
	err = study.Optimize(ctx, func(ctx context.Context, t *tune.Trial) (float64, error) {
		lr, err := t.Float("lr", 1e-4, 1, tune.Log())
		if err != nil {
			return 0, err
		}
		width, err := t.Int("width", 8, 1024, tune.Log())
		if err != nil {
			return 0, err
		}
		decay, err := t.Float("decay", 0, 1)
		if err != nil {
			return 0, err
		}
		rng := rand.New(rand.NewPCG(seed, uint64(t.Number())))
		truth[t.Number()] = curve(lr, float64(width), decay, c.steps-1, c.steps, 0)
		var v float64
		for s := range c.steps {
			steps++
			v = curve(lr, float64(width), decay, s, c.steps, 0.05*rng.NormFloat64())
			if err := t.Report(s, v); err != nil {
				return 0, err
			}
			if prune, err := t.ShouldPrune(); err != nil || prune {
				return 0, errors.Join(err, tune.ErrPruned)
			}
		}
		return v, nil
	}, opts)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	bt, err := study.BestTrial(ctx)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	return bt.Values[0], truth[bt.Number], steps, len(truth), nil
}
