package pruner

import (
	"context"
	"fmt"
	"hash/crc32"
	"math"
	"strconv"

	"github.com/go-tune/tune/core"
)

// Hyperband runs several brackets of successive halving at once, from
// aggressive (first rung at MinResource) to none at all, so that a study
// need not guess how early its trials can be judged (L. Li et al.,
// "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
// Optimization", JMLR 18, 2018), as Optuna's HyperbandPruner, with its
// defaults.
//
// There are floor(log_η(MaxResource/MinResource)) + 1 brackets; bracket b
// is SuccessiveHalving with MinEarlyStoppingRate b and gets a share of
// the trials proportional to ceil(n·η^s/(s+1)), s = n-1-b. A trial's
// bracket is crc32("<study name>_<trial number>") modulo the total of the
// shares, as in Optuna, so every worker (and Optuna) agrees on it. The
// study shows a trial's sampler only the trials of its bracket (Group), as
// Optuna does for its TPE and random samplers.
type Hyperband struct {
	// MinResource is the step of the first rung of the most aggressive
	// bracket; 0 means 1.
	MinResource int
	// MaxResource is the number of steps a trial runs in all (its last
	// step + 1). 0 means "auto": the largest last step + 1 of the
	// Complete trials when one first is; until then every trial is in
	// bracket 0 and nothing is pruned. The value is stored in the study
	// (system attribute "tune:hyperband_max_resource") so that every
	// worker uses the same.
	MaxResource int
	// ReductionFactor is η; 0 means 3; it must be at least 2.
	ReductionFactor int
	// BootstrapCount is each bracket's SuccessiveHalving.BootstrapCount;
	// default 0.
	BootstrapCount int
}

const maxResourceAttr = "tune:hyperband_max_resource"

// Validate reports the first field out of range, naming it.
func (h Hyperband) Validate() error {
	switch {
	case h.MinResource < 0:
		return fmt.Errorf("pruner: MinResource = %d, must be >= 1 (0: 1)", h.MinResource)
	case h.MaxResource < 0:
		return fmt.Errorf("pruner: MaxResource = %d, must be >= 1 (0: auto)", h.MaxResource)
	case h.MaxResource > 0 && h.MaxResource < max(h.MinResource, 1):
		return fmt.Errorf("pruner: MaxResource = %d is below MinResource = %d", h.MaxResource, max(h.MinResource, 1))
	case h.ReductionFactor != 0 && h.ReductionFactor < 2:
		return fmt.Errorf("pruner: ReductionFactor = %d, must be >= 2 (0: 3)", h.ReductionFactor)
	case h.BootstrapCount < 0:
		return fmt.Errorf("pruner: BootstrapCount = %d, must be >= 0", h.BootstrapCount)
	case h.BootstrapCount > 0 && h.MaxResource == 0:
		// As Optuna: the brackets of "auto" are unknown until a trial
		// completes, and a bootstrap would prune every trial before.
		return fmt.Errorf("pruner: BootstrapCount = %d needs a MaxResource (not auto)", h.BootstrapCount)
	}
	return nil
}

// brackets holds the resolved bracket layout.
type brackets struct {
	n      int
	budget []int
	total  int
}

// layout resolves MaxResource and the brackets; ok is false while
// MaxResource is "auto" and no trial is Complete.
func (h Hyperband) layout(ctx context.Context, study core.Study) (brackets, bool, error) {
	minR := max(h.MinResource, 1)
	eta := h.ReductionFactor
	if eta == 0 {
		eta = 3
	}
	maxR := h.MaxResource
	if maxR == 0 {
		attrs, err := study.SystemAttrs(ctx)
		if err != nil {
			return brackets{}, false, err
		}
		if v, ok := attrs[maxResourceAttr].(float64); ok && v >= 1 {
			maxR = int(v)
		} else {
			complete, err := study.Trials(ctx, core.Complete)
			if err != nil {
				return brackets{}, false, err
			}
			last := -1
			for i := range complete {
				if st, ok := complete[i].LastStep(); ok {
					last = max(last, st.Step)
				}
			}
			if last < 0 {
				return brackets{}, false, nil
			}
			maxR = last + 1
			if err := study.SetSystemAttr(ctx, maxResourceAttr, float64(maxR)); err != nil {
				return brackets{}, false, err
			}
		}
	}
	n := int(math.Floor(math.Log(float64(maxR)/float64(minR))/math.Log(float64(eta)))) + 1
	n = max(n, 1)
	b := brackets{n: n, budget: make([]int, n)}
	for i := range n {
		s := n - 1 - i
		b.budget[i] = int(math.Ceil(float64(n) * math.Pow(float64(eta), float64(s)) / float64(s+1)))
		b.total += b.budget[i]
	}
	return b, true, nil
}

// bracket returns the bracket of trial number in study.
func (b brackets) bracket(study string, number int) int {
	n := int(crc32.ChecksumIEEE([]byte(study+"_"+strconv.Itoa(number))) % uint32(b.total))
	for i, share := range b.budget {
		n -= share
		if n < 0 {
			return i
		}
	}
	return b.n - 1
}

// Prune implements Pruner: trial t is judged by its bracket's successive
// halving, against the trials of its bracket only.
func (h Hyperband) Prune(ctx context.Context, study core.Study, t core.Trial) (bool, error) {
	if err := h.Validate(); err != nil {
		return false, err
	}
	if len(study.Directions()) != 1 {
		return false, ErrMultiObjective
	}
	b, ok, err := h.layout(ctx, study)
	if err != nil || !ok {
		return false, err
	}
	id := b.bracket(study.Name(), t.Number)
	eta := h.ReductionFactor
	if eta == 0 {
		eta = 3
	}
	sha := SuccessiveHalving{
		MinResource: max(h.MinResource, 1), ReductionFactor: eta,
		MinEarlyStoppingRate: id, BootstrapCount: h.BootstrapCount,
	}
	return sha.Prune(ctx, bracketStudy{study, b, id}, t)
}

// Group implements Grouper: the trial's bracket, or -1 before the brackets
// are known.
func (h Hyperband) Group(ctx context.Context, study core.Study, number int) (int, error) {
	if err := h.Validate(); err != nil {
		return 0, err
	}
	b, ok, err := h.layout(ctx, study)
	if err != nil || !ok {
		return -1, err
	}
	return b.bracket(study.Name(), number), nil
}

// View implements Grouper.
func (h Hyperband) View(ctx context.Context, study core.Study, number int) (core.Study, error) {
	g, err := h.Group(ctx, study, number)
	if err != nil || g < 0 {
		return study, err
	}
	b, _, err := h.layout(ctx, study)
	if err != nil {
		return nil, err
	}
	return bracketStudy{study, b, g}, nil
}

// bracketStudy is a study that shows only the trials of one bracket.
type bracketStudy struct {
	core.Study
	b  brackets
	id int
}

func (s bracketStudy) Trials(ctx context.Context, states ...core.State) ([]core.Trial, error) {
	all, err := s.Study.Trials(ctx, states...)
	if err != nil {
		return nil, err
	}
	out := make([]core.Trial, 0, len(all)/s.b.n+1)
	name := s.Name()
	for i := range all {
		if s.b.bracket(name, all[i].Number) == s.id {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// Grouper is implemented by pruners that divide a study's trials into
// groups tuned apart, as Hyperband's brackets: the study then shows the
// sampler of a trial only the trials of its group, as Optuna does.
type Grouper interface {
	// View returns the study as the sampler of trial number should see
	// it: study itself when the trials are not grouped (yet).
	View(ctx context.Context, study core.Study, number int) (core.Study, error)
}
