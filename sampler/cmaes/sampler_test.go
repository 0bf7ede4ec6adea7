package cmaes_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/cmaes"
	"github.com/go-tune/tune/sampler/samplertest"
)

func TestConformance(t *testing.T) {
	samplertest.Run(t, func() sampler.Sampler { s, _ := cmaes.New(cmaes.Config{}); return s })
}

func TestConformanceVariants(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the conformance suite three more times (CI runs it)")
	}
	for _, cfg := range []cmaes.Config{{Separable: true}, {NoMargin: true}, {Restart: "bipop", PopSize: 4}} {
		samplertest.Run(t, func() sampler.Sampler { s, _ := cmaes.New(cfg); return s })
	}
}

func TestConfigErrors(t *testing.T) {
	for field, cfg := range map[string]cmaes.Config{
		"Sigma0":     {Sigma0: -1},
		"PopSize":    {PopSize: 1},
		"Restart":    {Restart: "lpop"},
		"IncPopSize": {IncPopSize: -2},
	} {
		_, err := cmaes.New(cfg)
		if err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		} else if !containsWord(err.Error(), field) {
			t.Errorf("New(%+v): %v does not name %s", cfg, err, field)
		}
	}
	s, err := cmaes.New(cmaes.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Config(); c.IncPopSize != 2 || c.StartupTrials != 1 {
		t.Errorf("defaults %+v", c)
	}
}

func containsWord(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if s[i:i+len(w)] == w {
			return true
		}
	}
	return false
}

// shifted is a 3-d sphere with its minimum 0 at (1.5, -2, 0.25).
func shifted(ctx context.Context, t *tune.Trial) (float64, error) {
	x, err := t.Float("x", -5, 5)
	if err != nil {
		return 0, err
	}
	y, err := t.Float("y", -5, 5)
	if err != nil {
		return 0, err
	}
	z, err := t.Float("z", -5, 5)
	if err != nil {
		return 0, err
	}
	return (x-1.5)*(x-1.5) + (y+2)*(y+2) + (z-0.25)*(z-0.25), nil
}

func TestOptimize(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     cmaes.Config
		workers int
		tol     float64
	}{
		{"default", cmaes.Config{}, 1, 1e-3},
		{"separable", cmaes.Config{Separable: true}, 1, 1e-3},
		{"ipop-4-workers", cmaes.Config{Restart: "ipop"}, 4, 1e-2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, err := cmaes.New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			study, err := tune.CreateStudy(ctx, "cmaes-"+tc.name, tune.WithSampler(s), tune.WithSeed(3))
			if err != nil {
				t.Fatal(err)
			}
			if err := study.Optimize(ctx, shifted, tune.OptimizeOptions{Trials: 200, Workers: tc.workers}); err != nil {
				t.Fatal(err)
			}
			best, err := study.BestValue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if best > tc.tol {
				t.Errorf("best %g after 200 trials, want <= %g", best, tc.tol)
			}
			t.Logf("best %g", best)
		})
	}
}

// Integer parameters: the margin keeps them exploring, and the optimum is
// found.
func TestOptimizeIntegers(t *testing.T) {
	ctx := context.Background()
	s, _ := cmaes.New(cmaes.Config{})
	study, err := tune.CreateStudy(ctx, "cmaes-int", tune.WithSampler(s), tune.WithSeed(5))
	if err != nil {
		t.Fatal(err)
	}
	obj := func(ctx context.Context, t *tune.Trial) (float64, error) {
		x, err := t.Float("x", -5, 5)
		if err != nil {
			return 0, err
		}
		n, err := t.Int("n", -10, 10)
		if err != nil {
			return 0, err
		}
		return x*x + float64((n-3)*(n-3)), nil
	}
	if err := study.Optimize(ctx, obj, tune.OptimizeOptions{Trials: 150}); err != nil {
		t.Fatal(err)
	}
	best, err := study.BestTrial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p := best.ParamValues(); p["n"] != 3 || best.Values[0] > 1e-2 {
		t.Errorf("best %v at %v", best.Values, p)
	}
}

// run samples n trials through s as tune does, each Complete with value f
// of its parameters, and returns the study.
func run(t *testing.T, s *cmaes.Sampler, study *coretest.Study, dists map[string]core.Distribution, n int, f func(map[string]float64) float64) *coretest.Study {
	t.Helper()
	ctx := context.Background()
	for range n {
		tr := study.Add(core.Trial{State: core.Running})
		rng := rand.New(rand.NewPCG(uint64(tr.Number), 9))
		space, err := s.RelativeSpace(ctx, study, tr)
		if err != nil {
			t.Fatal(err)
		}
		rel := map[string]float64{}
		if len(space) > 0 {
			if rel, err = s.SampleRelative(ctx, study, tr, space, rng); err != nil {
				t.Fatal(err)
			}
		}
		vals := map[string]float64{}
		for name, d := range dists {
			x, ok := rel[name]
			if !ok {
				if x, err = s.SampleIndependent(ctx, study, tr, name, d, rng); err != nil {
					t.Fatal(err)
				}
			}
			if !d.Contains(x) {
				t.Fatalf("%s = %v not in %v", name, x, d)
			}
			vals[name] = x
			tr.Params = append(tr.Params, core.Param{Name: name, Internal: x, Dist: d})
		}
		trials, _ := study.Trials(ctx)
		tr.SystemAttrs = trials[tr.Number].SystemAttrs
		tr.State, tr.Values = core.Complete, []float64{f(vals)}
		trials[tr.Number] = tr
		study = coretest.New(nil, trials...) // coretest cannot finish a trial
	}
	return study
}

func TestOddSpaces(t *testing.T) {
	cat, _ := core.NewCategorical("a", "b", "c")
	for name, dists := range map[string]map[string]core.Distribution{
		"categorical": {"c": cat},
		"single":      {"x": core.Float{Low: 1, High: 1}, "n": core.Int{Low: 2, High: 2}},
		"tiny":        {"x": core.Float{Low: 1, High: 1 + 1e-15}, "y": core.Float{Low: 0, High: 1e-300}},
		"one-dim":     {"x": core.Float{Low: -1, High: 1}},
		"binary":      {"b": core.Int{Low: 0, High: 1}, "f": core.Float{Low: 0, High: 1, Step: 0.5}},
		"mixed":       {"c": cat, "x": core.Float{Low: 1e-5, High: 1, Log: true}, "k": core.Int{Low: 1, High: 1 << 20, Log: true}},
	} {
		t.Run(name, func(t *testing.T) {
			for _, cfg := range []cmaes.Config{{}, {Restart: "bipop"}, {NoMargin: true, Separable: true}} {
				s, _ := cmaes.New(cfg)
				study := coretest.New(nil)
				run(t, s, study, dists, 60, func(v map[string]float64) float64 {
					sum := 0.0
					for _, x := range v {
						sum += x
					}
					return sum
				})
			}
		})
	}
}

// Two samplers (two workers, or two processes) that take turns on one study
// share the optimizer through the trials: generations advance, and each
// stored state was told exactly PopSize Complete trials drawn from its
// predecessor.
func TestStateInTrials(t *testing.T) {
	a, _ := cmaes.New(cmaes.Config{})
	b, _ := cmaes.New(cmaes.Config{})
	dists := map[string]core.Distribution{"x": core.Float{Low: -5, High: 5}, "y": core.Float{Low: -5, High: 5}}
	f := func(v map[string]float64) float64 { return v["x"]*v["x"] + v["y"]*v["y"] }
	study := coretest.New(nil)
	for range 30 {
		study = run(t, a, study, dists, 1, f)
		study = run(t, b, study, dists, 1, f)
	}
	trials, _ := study.Trials(context.Background())
	perParent := map[string]int{}
	gen := -1.0
	for _, tr := range trials[1:] { // trial 0 is the random startup trial
		p, ok := tr.SystemAttrs[cmaes.AttrParent].(string)
		if !ok {
			t.Fatalf("trial %d has no %s", tr.Number, cmaes.AttrParent)
		}
		perParent[p]++
		g := tr.SystemAttrs[cmaes.AttrGeneration].(float64)
		if g < gen {
			t.Fatalf("trial %d: generation %v after %v", tr.Number, g, gen)
		}
		gen = g
	}
	pop := cmaes.DefaultPopSize(2)
	if gen < 5 {
		t.Errorf("generation %v after 60 trials of population %d", gen, pop)
	}
	for p, n := range perParent {
		if n != pop && p != trials[len(trials)-1].SystemAttrs[cmaes.AttrParent] {
			t.Errorf("state %s drew %d trials, want %d", p, n, pop)
		}
	}
}
