package samplertest

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/sampler"
)

// Distributions are the distributions the suite samples: every kind, with
// log scales, steps, and single values.
func Distributions() map[string]core.Distribution {
	mixed, _ := core.NewCategorical("a", 1, 2.5, true, nil)
	ints, _ := core.NewCategorical(8, 16, 32)
	one, _ := core.NewCategorical("only")
	return map[string]core.Distribution{
		"float":      core.Float{Low: -5, High: 5},
		"float_log":  core.Float{Low: 1e-6, High: 1, Log: true},
		"float_step": core.Float{Low: 0, High: 1, Step: 0.1},
		"float_tiny": core.Float{Low: 1, High: 1 + 1e-12},
		"float_one":  core.Float{Low: 2, High: 2},
		"int":        core.Int{Low: -3, High: 7},
		"int_step":   core.Int{Low: 0, High: 100, Step: 5},
		"int_log":    core.Int{Low: 1, High: 4096, Log: true},
		"int_one":    core.Int{Low: 4, High: 4},
		"cat_mixed":  mixed,
		"cat_ints":   ints,
		"cat_one":    one,
	}
}

// History returns n trials over Distributions, seeded by seed: most Complete
// with a value that depends on their parameters, some Fail, Pruned (with NaN
// intermediate values) and Running, some with +-Inf values; each trial has a
// random subset of the parameters (a conditional space). With several
// directions, each Complete trial has one value per direction.
func History(n int, seed uint64, directions int) []core.Trial {
	return history(n, seed, directions, Distributions())
}

// Shifted returns Distributions with other ranges (same kinds, log scales
// and choices): a define-by-run space whose ranges changed between trials.
func Shifted() map[string]core.Distribution {
	out := Distributions()
	for name, d := range out {
		switch d := d.(type) {
		case core.Float:
			if d.Step > 0 {
				out[name] = core.Float{Low: d.Low + 0.5, High: d.High + 2, Step: d.Step / 2}
			} else if d.Low < d.High {
				out[name] = core.Float{Low: d.Low * 2, High: d.High * 3, Log: d.Log}
			}
		case core.Int:
			if d.Low < d.High {
				out[name] = core.Int{Low: d.Low + 1, High: d.High * 2, Log: d.Log}
			}
		}
	}
	return out
}

func history(n int, seed uint64, directions int, dists map[string]core.Distribution) []core.Trial {
	rng := rand.New(rand.NewPCG(seed, 1))
	var trials []core.Trial
	for i := range n {
		t := core.Trial{Number: i, ID: int64(i + 1), State: core.Complete}
		v := 0.0
		for _, name := range sortedNames(dists) {
			if rng.Float64() < 0.3 { // this trial does not use the parameter
				continue
			}
			d := dists[name]
			x := legalValue(d, rng)
			t.Params = append(t.Params, core.Param{Name: name, Internal: x, Dist: d})
			v += math.Sin(x)
		}
		switch r := rng.Float64(); {
		case r < 0.1:
			t.State = core.Fail
		case r < 0.2:
			t.State = core.Pruned
			t.Intermediate = []core.Step{{Step: 0, Value: v}, {Step: 1, Value: math.NaN()}}
		case r < 0.25:
			t.State = core.Running
		case r < 0.3:
			v = math.Inf(1 - 2*rng.IntN(2))
		}
		if t.State == core.Complete {
			for k := range directions {
				t.Values = append(t.Values, v+float64(k))
			}
		}
		trials = append(trials, t)
	}
	return trials
}

// legalValue draws a legal internal value of d without any sampler.
func legalValue(d core.Distribution, rng *rand.Rand) float64 {
	switch d := d.(type) {
	case core.Float:
		if d.Step > 0 {
			return d.Low + float64(rng.IntN(int(math.Round((d.High-d.Low)/d.Step))+1))*d.Step
		}
		return d.Low + rng.Float64()*(d.High-d.Low)
	case core.Int:
		s := d.StepOrOne()
		return float64(d.Low + rng.IntN((d.High-d.Low)/s+1)*s)
	case core.Categorical:
		return float64(rng.IntN(d.Len()))
	}
	panic("unreachable")
}

func sortedNames(m map[string]core.Distribution) []string {
	return slices.Sorted(maps.Keys(m))
}

// Run runs the suite on the samplers that newSampler returns (a new one for
// each subtest).
func Run(t *testing.T, newSampler func() sampler.Sampler) {
	for _, hist := range []struct {
		name  string
		n     int
		dirs  []core.Direction
		dists map[string]core.Distribution
	}{
		{"empty", 0, []core.Direction{core.Minimize}, Distributions()},
		{"minimize", 40, []core.Direction{core.Minimize}, Distributions()},
		{"maximize", 40, []core.Direction{core.Maximize}, Distributions()},
		{"two-objectives", 40, []core.Direction{core.Minimize, core.Maximize}, Distributions()},
		// The history's ranges differ from those sampled now.
		{"ranges-changed", 40, []core.Direction{core.Minimize}, Shifted()},
	} {
		t.Run(hist.name, func(t *testing.T) {
			study := coretest.New(hist.dirs, history(hist.n, 7, len(hist.dirs), hist.dists)...)
			t.Run("Legal", func(t *testing.T) { testLegal(t, newSampler(), study) })
			t.Run("Deterministic", func(t *testing.T) { testDeterministic(t, newSampler, study) })
			t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, newSampler(), study) })
		})
	}
}

// sampleTrial samples every distribution for a new Running trial of study,
// as tune does: relative sampling first if the sampler has it, then
// independent sampling of the rest, each value recorded in the trial before
// the next is sampled. It returns the internal values by name.
func sampleTrial(ctx context.Context, s sampler.Sampler, study *coretest.Study, rng *rand.Rand) (map[string]float64, error) {
	tr := study.Add(core.Trial{State: core.Running})
	if b, ok := s.(sampler.BeforeTrialer); ok {
		if err := b.BeforeTrial(ctx, study, tr); err != nil {
			return nil, fmt.Errorf("BeforeTrial: %w", err)
		}
	}
	var rel map[string]float64
	var space map[string]core.Distribution
	if r, ok := s.(sampler.Relative); ok {
		var err error
		if space, err = r.RelativeSpace(ctx, study, tr); err != nil {
			return nil, fmt.Errorf("RelativeSpace: %w", err)
		}
		for name, d := range space {
			if d.Single() {
				return nil, fmt.Errorf("RelativeSpace has the single-valued %s %v", name, d)
			}
		}
		if len(space) > 0 {
			if rel, err = r.SampleRelative(ctx, study, tr, space, rng); err != nil {
				return nil, fmt.Errorf("SampleRelative: %w", err)
			}
			for name, d := range space {
				x, ok := rel[name]
				if !ok {
					return nil, fmt.Errorf("SampleRelative gave no value for %s", name)
				}
				if !d.Contains(x) {
					return nil, fmt.Errorf("SampleRelative gave %s = %v, not in %v", name, x, d)
				}
			}
		}
	}
	got := map[string]float64{}
	dists := Distributions()
	for _, name := range sortedNames(dists) {
		d := dists[name]
		x, ok := rel[name]
		if !ok || !core.Equal(space[name], d) {
			var err error
			if x, err = s.SampleIndependent(ctx, study, tr, name, d, rng); err != nil {
				return nil, fmt.Errorf("SampleIndependent(%s, %v): %w", name, d, err)
			}
		}
		if !d.Contains(x) {
			return nil, fmt.Errorf("%s = %v is not in %v", name, x, d)
		}
		got[name] = x
		tr.Params = append(tr.Params, core.Param{Name: name, Internal: x, Dist: d})
	}
	if a, ok := s.(sampler.AfterTrialer); ok {
		if err := a.AfterTrial(ctx, study, tr, core.Complete, make([]float64, len(study.Dirs))); err != nil {
			return nil, fmt.Errorf("AfterTrial: %w", err)
		}
	}
	return got, nil
}

// copyStudy returns a new study with study's trials, so that a subtest's
// trials do not change another's history.
func copyStudy(study *coretest.Study) *coretest.Study {
	trials, _ := study.Trials(context.Background())
	return coretest.New(study.Dirs, trials...)
}

func testLegal(t *testing.T, s sampler.Sampler, study *coretest.Study) {
	study = copyStudy(study)
	seen := map[string]map[float64]bool{}
	for i := range 30 {
		got, err := sampleTrial(context.Background(), s, study, rand.New(rand.NewPCG(uint64(i), 2)))
		if err != nil {
			t.Fatalf("trial %d: %v", i, err)
		}
		for name, x := range got {
			if seen[name] == nil {
				seen[name] = map[float64]bool{}
			}
			seen[name][x] = true
		}
	}
	// A sampler explores: over 30 trials, a continuous parameter takes more
	// than one value. (Of the few values of a discrete one, a model-based
	// sampler may rightly keep to the best, on a history that the trials
	// sampled here do not change.)
	for name, d := range Distributions() {
		if f, ok := d.(core.Float); !ok || f.Step > 0 {
			continue
		}
		if !d.Single() && len(seen[name]) < 2 {
			t.Errorf("%s (%v) took the same value in 30 trials", name, d)
		}
	}
}

func testDeterministic(t *testing.T, newSampler func() sampler.Sampler, study *coretest.Study) {
	run := func() []map[string]float64 {
		s, st := newSampler(), copyStudy(study)
		var out []map[string]float64
		for i := range 5 {
			got, err := sampleTrial(context.Background(), s, st, rand.New(rand.NewPCG(42, uint64(i))))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, got)
		}
		return out
	}
	a, b := run(), run()
	for i := range a {
		for name, x := range a[i] {
			if b[i][name] != x {
				t.Fatalf("trial %d: %s = %v then %v with the same seed and history", i, name, x, b[i][name])
			}
		}
	}
}

func testConcurrent(t *testing.T, s sampler.Sampler, study *coretest.Study) {
	study = copyStudy(study)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 5 {
				if _, err := sampleTrial(context.Background(), s, study, rand.New(rand.NewPCG(uint64(g), uint64(i)))); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
