package pruner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/go-tune/tune/core"
)

// Threshold prunes a trial whose latest intermediate value is NaN, below
// Lower or above Upper, as Optuna's ThresholdPruner: for metrics with known
// bad ranges (a diverged loss, an accuracy at chance level).
type Threshold struct {
	// Lower and Upper bound the acceptable values; nil means no bound.
	// At least one must be set, and Lower must not exceed Upper.
	Lower, Upper *float64
	// WarmupSteps: no pruning before this step; default 0, not negative.
	WarmupSteps int
	// IntervalSteps: judge only at steps WarmupSteps + k·IntervalSteps (the
	// first report in each interval); 0 means 1; not negative.
	IntervalSteps int
}

// Bound returns a pointer to v, for Threshold's fields.
func Bound(v float64) *float64 { return &v }

// Validate reports the first field out of range, naming it.
func (p Threshold) Validate() error {
	switch {
	case p.Lower == nil && p.Upper == nil:
		return errors.New("pruner: Threshold needs Lower, Upper or both")
	case p.Lower != nil && math.IsNaN(*p.Lower), p.Upper != nil && math.IsNaN(*p.Upper):
		return errors.New("pruner: Threshold's Lower and Upper must not be NaN")
	case p.Lower != nil && p.Upper != nil && *p.Lower > *p.Upper:
		return fmt.Errorf("pruner: Lower = %v is above Upper = %v", *p.Lower, *p.Upper)
	case p.WarmupSteps < 0:
		return fmt.Errorf("pruner: WarmupSteps = %d, must be >= 0", p.WarmupSteps)
	case p.IntervalSteps < 0:
		return fmt.Errorf("pruner: IntervalSteps = %d, must be >= 1 (0: 1)", p.IntervalSteps)
	}
	return nil
}

// Prune implements Pruner. It needs no other trial, so it works in
// multi-objective studies too.
func (p Threshold) Prune(_ context.Context, _ core.Study, t core.Trial) (bool, error) {
	if err := p.Validate(); err != nil {
		return false, err
	}
	last, ok := t.LastStep()
	if !ok || last.Step < p.WarmupSteps {
		return false, nil
	}
	if !firstInInterval(last.Step, t.Intermediate, p.WarmupSteps, orDefault(p.IntervalSteps, 1)) {
		return false, nil
	}
	v := last.Value
	return math.IsNaN(v) || (p.Lower != nil && v < *p.Lower) || (p.Upper != nil && v > *p.Upper), nil
}

// Patient prunes a trial only when its intermediate values have not
// improved by more than MinDelta over the last Patience steps and the
// wrapped pruner (if any) agrees, as Optuna's PatientPruner.
type Patient struct {
	// Pruner is consulted once the trial has stopped improving; nil means
	// prune then.
	Pruner Pruner
	// Patience is how many reported steps without improvement are
	// tolerated; it must be >= 0.
	Patience int
	// MinDelta is the improvement that counts; default 0, not negative.
	MinDelta float64
}

// Validate reports the first field out of range, naming it.
func (p Patient) Validate() error {
	switch {
	case p.Patience < 0:
		return fmt.Errorf("pruner: Patience = %d, must be >= 0", p.Patience)
	case !(p.MinDelta >= 0):
		return fmt.Errorf("pruner: MinDelta = %v, must be >= 0", p.MinDelta)
	}
	if v, ok := p.Pruner.(Validator); ok {
		return v.Validate()
	}
	return nil
}

// Prune implements Pruner: the best value before the last Patience+1
// reported steps is compared with the best among them (NaNs ignored).
func (p Patient) Prune(ctx context.Context, study core.Study, t core.Trial) (bool, error) {
	if err := p.Validate(); err != nil {
		return false, err
	}
	dirs := study.Directions()
	if len(dirs) != 1 {
		return false, ErrMultiObjective
	}
	steps := slices.Clone(t.Intermediate)
	if len(steps) <= p.Patience+1 {
		return false, nil
	}
	slices.SortFunc(steps, func(a, b core.Step) int { return a.Step - b.Step })
	cut := len(steps) - p.Patience - 1
	before, after := bestIntermediate(steps[:cut], dirs[0] == core.Maximize), bestIntermediate(steps[cut:], dirs[0] == core.Maximize)
	var stalled bool
	if dirs[0] == core.Maximize {
		stalled = before-p.MinDelta > after
	} else {
		stalled = before+p.MinDelta < after
	}
	if !stalled {
		return false, nil
	}
	if p.Pruner == nil {
		return true, nil
	}
	return p.Pruner.Prune(ctx, study, t)
}

// Objective makes a single-objective pruner work in a multi-objective
// study: the trials report intermediate values of objective Index, and the
// pruner judges them in that objective's direction, against the other
// trials' intermediate values (a Complete trial's final values count in
// the Index-th place). Optuna has no pruning for several objectives; this
// is tune's definition.
type Objective struct {
	// Index is the objective the intermediate values measure.
	Index int
	// Pruner is the single-objective pruner to apply.
	Pruner Pruner
}

// Validate checks the index and the wrapped pruner.
func (o Objective) Validate() error {
	if o.Index < 0 {
		return fmt.Errorf("pruner: Index = %d, must be >= 0", o.Index)
	}
	if o.Pruner == nil {
		return errors.New("pruner: Objective needs a Pruner")
	}
	if v, ok := o.Pruner.(Validator); ok {
		return v.Validate()
	}
	return nil
}

// Prune implements Pruner.
func (o Objective) Prune(ctx context.Context, study core.Study, t core.Trial) (bool, error) {
	if err := o.Validate(); err != nil {
		return false, err
	}
	dirs := study.Directions()
	if o.Index >= len(dirs) {
		return false, fmt.Errorf("pruner: objective %d of a study with %d", o.Index, len(dirs))
	}
	return o.Pruner.Prune(ctx, objectiveStudy{study, o.Index}, t)
}

// objectiveStudy shows a multi-objective study as a single-objective one.
type objectiveStudy struct {
	core.Study
	i int
}

func (s objectiveStudy) Directions() []core.Direction { return s.Study.Directions()[s.i : s.i+1] }

func (s objectiveStudy) Trials(ctx context.Context, states ...core.State) ([]core.Trial, error) {
	all, err := s.Study.Trials(ctx, states...)
	if err != nil {
		return nil, err
	}
	out := make([]core.Trial, len(all))
	for i, t := range all {
		out[i] = t
		if len(t.Values) > s.i {
			out[i].Values = []float64{t.Values[s.i]}
		}
	}
	return out, nil
}
