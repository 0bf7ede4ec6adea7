package pruner

import (
	"context"
	"errors"
	"fmt"
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

// Validator is implemented by pruners whose settings can be wrong; tune
// calls Validate when a study is made with the pruner, so that a bad
// setting fails there, naming the field, rather than at the first report.
type Validator interface {
	Validate() error
}

// Nop never prunes.
type Nop struct{}

// Prune implements Pruner.
func (Nop) Prune(context.Context, core.Study, core.Trial) (bool, error) { return false, nil }

// Median prunes a trial whose best intermediate value so far is worse than
// the median of the Complete trials' values at the same step: Optuna's
// MedianPruner, with its defaults. It is Percentile at 50.
type Median struct {
	// StartupTrials: no pruning until this many trials are Complete.
	// 0 means 5; a negative value means none.
	StartupTrials int
	// WarmupSteps: no pruning of a trial before it reaches this step.
	// 0 (the default) means none; it must not be negative.
	WarmupSteps int
	// IntervalSteps: prune only at steps WarmupSteps + k*IntervalSteps (the
	// first report in each interval). 0 means 1; it must not be negative.
	IntervalSteps int
	// MinTrials: no pruning at a step until this many Complete trials
	// reported a value at it. 0 means 1; it must not be negative.
	MinTrials int
}

// Prune implements Pruner.
func (m Median) Prune(ctx context.Context, study core.Study, t core.Trial) (bool, error) {
	return m.percentile().Prune(ctx, study, t)
}

// Validate reports the first field out of range.
func (m Median) Validate() error { return m.percentile().Validate() }

func (m Median) percentile() Percentile {
	return Percentile{Percentile: 50, StartupTrials: m.StartupTrials, WarmupSteps: m.WarmupSteps,
		IntervalSteps: m.IntervalSteps, MinTrials: m.MinTrials}
}

// Percentile prunes a trial whose best intermediate value so far is worse
// than the given percentile of the Complete trials' values at the same
// step (the percentile of the best: the 25th percentile keeps a trial in
// the best quarter): Optuna's PercentilePruner, with its defaults.
type Percentile struct {
	// Percentile is in [0, 100]: with 25, a trial is pruned unless it is
	// in the best 25% at its step. It has no default: the zero value
	// prunes anything worse than the best.
	Percentile float64
	// StartupTrials, WarmupSteps, IntervalSteps and MinTrials are as in
	// Median, with the same defaults.
	StartupTrials int
	WarmupSteps   int
	IntervalSteps int
	MinTrials     int
}

// Validate reports the first field out of range, naming it.
func (p Percentile) Validate() error {
	switch {
	case !(p.Percentile >= 0 && p.Percentile <= 100):
		return fmt.Errorf("pruner: Percentile = %v, must be in [0, 100]", p.Percentile)
	case p.WarmupSteps < 0:
		return fmt.Errorf("pruner: WarmupSteps = %d, must be >= 0", p.WarmupSteps)
	case p.IntervalSteps < 0:
		return fmt.Errorf("pruner: IntervalSteps = %d, must be >= 1 (0: 1)", p.IntervalSteps)
	case p.MinTrials < 0:
		return fmt.Errorf("pruner: MinTrials = %d, must be >= 1 (0: 1)", p.MinTrials)
	}
	return nil
}

// Prune implements Pruner.
func (p Percentile) Prune(ctx context.Context, study core.Study, t core.Trial) (bool, error) {
	if err := p.Validate(); err != nil {
		return false, err
	}
	return percentile{
		p:        p.Percentile,
		startup:  orDefault(p.StartupTrials, 5),
		warmup:   p.WarmupSteps,
		interval: orDefault(p.IntervalSteps, 1),
		minN:     orDefault(p.MinTrials, 1),
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
