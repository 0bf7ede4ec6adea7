package pruner

import (
	"context"
	"errors"
	"math"
	"slices"

	"github.com/go-tune/tune/core"
)

// Pruner decides whether a running trial should stop. Implementations must
// be safe for concurrent use.
type Pruner interface {
	// Prune reports whether trial t (Running, with the intermediate values
	// it reported so far) should be pruned now.
	Prune(ctx context.Context, study core.Study, t core.Trial) (bool, error)
}

// ErrMultiObjective is returned by pruners that need a single objective when
// the study has several.
var ErrMultiObjective = errors.New("pruner: pruning needs a single-objective study")

// Nop never prunes.
type Nop struct{}

// Prune implements Pruner.
func (Nop) Prune(context.Context, core.Study, core.Trial) (bool, error) { return false, nil }

// Median prunes a trial whose best intermediate value so far is worse than
// the median of the Complete trials' values at the same step: Optuna's
// MedianPruner, with its defaults.
type Median struct {
	// StartupTrials: no pruning until this many trials are Complete.
	// 0 means 5; a negative value means none.
	StartupTrials int
	// WarmupSteps: no pruning of a trial before it reaches this step.
	// 0 (the default) means none.
	WarmupSteps int
	// IntervalSteps: prune only at steps WarmupSteps + k*IntervalSteps (the
	// first report in each interval). 0 means 1.
	IntervalSteps int
	// MinTrials: no pruning at a step until this many Complete trials
	// reported a value at it. 0 means 1.
	MinTrials int
}

// Prune implements Pruner.
func (m Median) Prune(ctx context.Context, study core.Study, t core.Trial) (bool, error) {
	return percentile{
		p:        50,
		startup:  orDefault(m.StartupTrials, 5),
		warmup:   max(m.WarmupSteps, 0),
		interval: max(orDefault(m.IntervalSteps, 1), 1),
		minN:     max(orDefault(m.MinTrials, 1), 1),
	}.prune(ctx, study, t)
}

// orDefault returns def for 0, 0 for a negative v, and v otherwise.
func orDefault(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

type percentile struct {
	p                               float64
	startup, warmup, interval, minN int
}

func (c percentile) prune(ctx context.Context, study core.Study, t core.Trial) (bool, error) {
	dirs := study.Directions()
	if len(dirs) != 1 {
		return false, ErrMultiObjective
	}
	last, ok := t.LastStep()
	if !ok || last.Step < c.warmup {
		return false, nil
	}
	complete, err := study.Trials(ctx, core.Complete)
	if err != nil {
		return false, err
	}
	if len(complete) == 0 || len(complete) < c.startup {
		return false, nil
	}
	if !firstInInterval(last.Step, t.Intermediate, c.warmup, c.interval) {
		return false, nil
	}
	maximize := dirs[0] == core.Maximize
	best := bestIntermediate(t.Intermediate, maximize)
	if math.IsNaN(best) {
		return true, nil
	}
	var vals []float64
	for i := range complete {
		if v, ok := complete[i].At(last.Step); ok {
			vals = append(vals, v)
		}
	}
	if len(vals) < c.minN {
		return false, nil
	}
	p := c.p
	if maximize {
		p = 100 - p
	}
	ref := nanPercentile(vals, p)
	if math.IsNaN(ref) {
		return false, nil
	}
	if maximize {
		return best < ref, nil
	}
	return best > ref, nil
}

// firstInInterval reports whether step is the first reported step at or
// after the pruning step that precedes it.
func firstInInterval(step int, reported []core.Step, warmup, interval int) bool {
	nearest := (step-warmup)/interval*interval + warmup
	secondLast := -1
	for _, s := range reported {
		if s.Step > secondLast && s.Step != step {
			secondLast = s.Step
		}
	}
	return secondLast < nearest
}

// bestIntermediate returns the best non-NaN value, or NaN if there is none.
func bestIntermediate(steps []core.Step, maximize bool) float64 {
	best := math.NaN()
	for _, s := range steps {
		switch {
		case math.IsNaN(s.Value):
		case math.IsNaN(best), maximize && s.Value > best, !maximize && s.Value < best:
			best = s.Value
		}
	}
	return best
}

// nanPercentile is numpy's nanpercentile with linear interpolation: the p-th
// percentile of the non-NaN values, NaN if there are none.
func nanPercentile(vals []float64, p float64) float64 {
	xs := make([]float64, 0, len(vals))
	for _, v := range vals {
		if !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	if len(xs) == 0 {
		return math.NaN()
	}
	slices.Sort(xs)
	rank := p / 100 * float64(len(xs)-1)
	lo := int(math.Floor(rank))
	hi := min(lo+1, len(xs)-1)
	frac := rank - float64(lo)
	a, b := xs[lo], xs[hi]
	// numpy's _lerp, literally, so that infinities give what numpy gives.
	if frac >= 0.5 {
		return b - (b-a)*(1-frac)
	}
	return a + (b-a)*frac
}
