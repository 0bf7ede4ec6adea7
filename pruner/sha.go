package pruner

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/go-tune/tune/core"
)

// SuccessiveHalving is asynchronous successive halving (ASHA: L. Li et
// al., "A System for Massively Parallel Hyperparameter Tuning", MLSys
// 2020), as Optuna's SuccessiveHalvingPruner, with its defaults.
//
// Rung k is reached at step MinResource·ReductionFactor^(MinEarlyStoppingRate+k).
// A trial that reaches a rung records its value there as the trial system
// attribute "completed_rung_k" (Optuna's key, so every worker, and Optuna,
// sees it), and goes on only if that value is among the best
// 1/ReductionFactor of the values recorded at the rung so far (among the
// first ReductionFactor-1 trials at a rung, only the best goes on, since a
// trial cannot be paused and resumed later); a NaN value is pruned.
type SuccessiveHalving struct {
	// MinResource is the step of the first rung (with
	// MinEarlyStoppingRate 0). 0 means "auto", as Optuna estimates it:
	// max(1, s/100), where s is the largest last step of the Complete
	// trials when a trial first asks; until a trial is Complete, nothing
	// is pruned. The estimate is stored in the study (system attribute
	// "tune:sha_min_resource") so that every worker uses the same.
	MinResource int
	// ReductionFactor is how many times fewer trials each rung keeps
	// than the one before; 0 means 4; it must be at least 2.
	ReductionFactor int
	// MinEarlyStoppingRate shifts the first rung to
	// MinResource·ReductionFactor^MinEarlyStoppingRate; default 0.
	MinEarlyStoppingRate int
	// BootstrapCount prunes a trial at a rung until more than this many
	// trials have reached it; default 0.
	BootstrapCount int
}

// Validate reports the first field out of range, naming it.
func (s SuccessiveHalving) Validate() error {
	switch {
	case s.MinResource < 0:
		return fmt.Errorf("pruner: MinResource = %d, must be >= 1 (0: auto)", s.MinResource)
	case s.ReductionFactor != 0 && s.ReductionFactor < 2:
		return fmt.Errorf("pruner: ReductionFactor = %d, must be >= 2 (0: 4)", s.ReductionFactor)
	case s.MinEarlyStoppingRate < 0:
		return fmt.Errorf("pruner: MinEarlyStoppingRate = %d, must be >= 0", s.MinEarlyStoppingRate)
	case s.BootstrapCount < 0:
		return fmt.Errorf("pruner: BootstrapCount = %d, must be >= 0", s.BootstrapCount)
	}
	return nil
}

// minResourceAttr holds the estimated MinResource of "auto".
const minResourceAttr = "tune:sha_min_resource"

// rungKey is Optuna's trial system attribute for a completed rung.
func rungKey(rung int) string { return fmt.Sprintf("completed_rung_%d", rung) }

// Prune implements Pruner.
func (s SuccessiveHalving) Prune(ctx context.Context, study core.Study, t core.Trial) (bool, error) {
	if err := s.Validate(); err != nil {
		return false, err
	}
	dirs := study.Directions()
	if len(dirs) != 1 {
		return false, ErrMultiObjective
	}
	last, ok := t.LastStep()
	if !ok {
		return false, nil
	}
	eta := s.ReductionFactor
	if eta == 0 {
		eta = 4
	}
	trials, err := study.Trials(ctx)
	if err != nil {
		return false, err
	}
	minResource := s.MinResource
	if minResource == 0 {
		minResource, err = autoMinResource(ctx, study, trials)
		if err != nil || minResource == 0 {
			return false, err
		}
	}
	// The trial's rungs as stored, since another call (or worker) may
	// have recorded them after t was read.
	attrs := t.SystemAttrs
	if i := slices.IndexFunc(trials, func(o core.Trial) bool { return o.ID == t.ID }); i >= 0 && t.ID != 0 {
		attrs = trials[i].SystemAttrs
	}
	rung := 0
	for k := range attrs {
		if strings.HasPrefix(k, "completed_rung_") {
			rung++
		}
	}
	value := last.Value
	for {
		promotion := minResource * pow(eta, s.MinEarlyStoppingRate+rung)
		if last.Step < promotion {
			return false, nil
		}
		if math.IsNaN(value) {
			return true, nil
		}
		key := rungKey(rung)
		if err := study.SetTrialSystemAttr(ctx, t.ID, key, value); err != nil {
			return false, err
		}
		var competing []float64
		for i := range trials {
			if trials[i].ID == t.ID {
				continue
			}
			if v, ok := trials[i].SystemAttrs[key].(float64); ok {
				competing = append(competing, v)
			}
		}
		competing = append(competing, value)
		if len(competing) <= s.BootstrapCount {
			return true, nil
		}
		if !promotable(value, competing, eta, dirs[0]) {
			return true, nil
		}
		rung++
	}
}

// autoMinResource returns the stored estimate of MinResource, estimating
// and storing it the first time a trial is Complete; 0 while none is.
func autoMinResource(ctx context.Context, study core.Study, trials []core.Trial) (int, error) {
	attrs, err := study.SystemAttrs(ctx)
	if err != nil {
		return 0, err
	}
	if v, ok := attrs[minResourceAttr].(float64); ok && v >= 1 {
		return int(v), nil
	}
	last := -1
	for i := range trials {
		if trials[i].State == core.Complete {
			if st, ok := trials[i].LastStep(); ok {
				last = max(last, st.Step)
			}
		}
	}
	if last < 0 {
		return 0, nil
	}
	r := max(last/100, 1)
	if err := study.SetSystemAttr(ctx, minResourceAttr, float64(r)); err != nil {
		return 0, err
	}
	return r, nil
}

// promotable reports whether value is among the best len/eta of
// competing (the best, when there are fewer than eta).
func promotable(value float64, competing []float64, eta int, dir core.Direction) bool {
	idx := max(len(competing)/eta-1, 0)
	slices.Sort(competing)
	if dir == core.Maximize {
		return value >= competing[len(competing)-1-idx]
	}
	return value <= competing[idx]
}

func pow(b, e int) int {
	r := 1
	for range e {
		r *= b
	}
	return r
}
