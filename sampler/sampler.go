package sampler

import (
	"context"
	"errors"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/go-tune/tune/core"
)

// ErrExhausted is returned by a Planner (and then by tune's Ask) when the
// sampler has no point left to propose; Optimize stops without error.
var ErrExhausted = errors.New("sampler: search space exhausted")

// Sampler samples one parameter of a trial independently of the others.
//
// Implementations must be safe for concurrent use: with several workers,
// tune calls a sampler from several goroutines at once, each with its own
// trial and *rand.Rand.
type Sampler interface {
	// SampleIndependent returns the internal value (see core.Distribution)
	// of parameter name with distribution d for trial t. The value must
	// satisfy d.Contains. t is the trial as it is now, with the parameters
	// it already has; study's trials include t.
	SampleIndependent(ctx context.Context, study core.Study, t core.Trial, name string, d core.Distribution, rng *rand.Rand) (float64, error)
}

// Relative is implemented by samplers that sample several parameters
// jointly. At the start of each trial tune calls RelativeSpace and, if the
// space is not empty, SampleRelative; the trial then takes those values for
// the parameters it asks for with the same distribution, and samples the
// others with SampleIndependent.
type Relative interface {
	Sampler
	// RelativeSpace returns the search space to sample jointly for trial t,
	// usually inferred from the finished trials (see IntersectionSpace). It
	// must not contain single-valued distributions.
	RelativeSpace(ctx context.Context, study core.Study, t core.Trial) (map[string]core.Distribution, error)
	// SampleRelative returns an internal value for each parameter of space.
	SampleRelative(ctx context.Context, study core.Study, t core.Trial, space map[string]core.Distribution, rng *rand.Rand) (map[string]float64, error)
}

// BeforeTrialer is implemented by samplers that act when a trial starts,
// before any parameter is sampled (to set system attributes, say).
type BeforeTrialer interface {
	BeforeTrial(ctx context.Context, study core.Study, t core.Trial) error
}

// AfterTrialer is implemented by samplers that act when a trial ends,
// before its state and values are stored (the trial is still Running in t).
type AfterTrialer interface {
	AfterTrial(ctx context.Context, study core.Study, t core.Trial, state core.State, values []float64) error
}

// Planner is implemented by samplers that choose a new trial's parameters
// before the trial exists. When no Waiting trial is there to claim, tune
// calls Plan and creates the trial from the plan; if the plan's Key is
// already taken (another worker, maybe in another process, took that point
// first), tune calls Plan again with a fresh view of the study.
type Planner interface {
	// Plan returns the next trial to create, or ErrExhausted.
	Plan(ctx context.Context, study core.Study, rng *rand.Rand) (Plan, error)
}

// Plan is a trial that a Planner wants created.
type Plan struct {
	// Key, when not empty, is unique within the study: the storage creates
	// at most one trial with it (storage.TrialSpec.Key).
	Key string
	// SystemAttrs are set on the trial when it is created.
	SystemAttrs map[string]any
}

// IntersectionSpace returns the parameters that every Complete trial in
// trials has, with the same distribution throughout, leaving out
// single-valued distributions: Optuna's intersection search space, the usual
// answer of RelativeSpace. It returns nil when there is no Complete trial.
func IntersectionSpace(trials []core.Trial) map[string]core.Distribution {
	return IntersectionSpaceOf(trials, core.Complete)
}

// IntersectionSpaceOf is IntersectionSpace over the trials in one of states
// (Optuna's TPE, say, counts the Pruned ones too).
func IntersectionSpaceOf(trials []core.Trial, states ...core.State) map[string]core.Distribution {
	var space map[string]core.Distribution
	for i := range trials {
		t := &trials[i]
		if !slices.Contains(states, t.State) {
			continue
		}
		if space == nil {
			space = make(map[string]core.Distribution, len(t.Params))
			for _, p := range t.Params {
				if !p.Dist.Single() {
					space[p.Name] = p.Dist
				}
			}
			continue
		}
		for name, d := range space {
			if p, ok := t.Param(name); !ok || !core.Equal(p.Dist, d) {
				delete(space, name)
			}
		}
	}
	return space
}

// StudySeed returns a seed for a sampler's own random choices that every
// worker of study agrees on, in any process and in any run: a hash of the
// study's recorded seed (core.SeedAttr, which tune draws at random when a
// study is created without one) and its name, or of its name alone when it
// has no recorded seed (a study that another tool created). Samplers call
// it with a Config.Seed of 0, and may keep its answer per study name.
func StudySeed(ctx context.Context, study core.Study) (uint64, error) {
	attrs, err := study.SystemAttrs(ctx)
	if err != nil {
		return 0, err
	}
	h := fnv.New64a()
	if rec, ok := attrs[core.SeedAttr].(string); ok {
		h.Write([]byte(rec))
		h.Write([]byte{0})
	}
	h.Write([]byte(study.Name()))
	return h.Sum64(), nil
}

// Seeds keeps the seeds of StudySeed per study name, for samplers. The zero
// value is ready to use; it is safe for concurrent use.
type Seeds struct{ m sync.Map }

// Get returns fixed if it is not 0, else StudySeed's seed of study (read
// once per study name).
func (c *Seeds) Get(ctx context.Context, study core.Study, fixed uint64) (uint64, error) {
	if fixed != 0 {
		return fixed, nil
	}
	if v, ok := c.m.Load(study.Name()); ok {
		return v.(uint64), nil
	}
	seed, err := StudySeed(ctx, study)
	if err != nil {
		return 0, err
	}
	c.m.Store(study.Name(), seed)
	return seed, nil
}
