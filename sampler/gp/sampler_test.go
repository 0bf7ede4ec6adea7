package gp_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/bench/functions"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/gp"
	"github.com/go-tune/tune/sampler/random"
	"github.com/go-tune/tune/sampler/samplertest"
)

func must(s *gp.Sampler, err error) *gp.Sampler {
	if err != nil {
		panic(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	samplertest.Run(t, func() sampler.Sampler { return must(gp.New(gp.Config{})) })
}

func TestConformanceNoStartup(t *testing.T) {
	// The GP from the first Complete trial, on the suite's histories.
	samplertest.Run(t, func() sampler.Sampler { return must(gp.New(gp.Config{StartupTrials: -1, Candidates: 256})) })
}

func TestConfigErrors(t *testing.T) {
	for field, cfg := range map[string]gp.Config{
		"Candidates":    {Candidates: -1},
		"Candidates ":   {Candidates: 1<<20 + 1},
		"LocalSearches": {LocalSearches: 1001},
	} {
		_, err := gp.New(cfg)
		if err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		} else if !strings.Contains(err.Error(), strings.TrimSpace(field)) {
			t.Errorf("New(%+v): %v does not name %s", cfg, err, field)
		}
	}
	c := must(gp.New(gp.Config{})).Config()
	if c.StartupTrials != 10 || c.Candidates != 2048 || c.LocalSearches != 10 {
		t.Errorf("defaults %+v", c)
	}
	c = must(gp.New(gp.Config{StartupTrials: -1, LocalSearches: -1})).Config()
	if c.StartupTrials != 0 || c.LocalSearches != 0 {
		t.Errorf("negative means none: %+v", c)
	}
}

// run optimizes p with s for n trials and returns the best value.
func run(t *testing.T, name string, s sampler.Sampler, p functions.Problem, n int, seed uint64) float64 {
	t.Helper()
	ctx := context.Background()
	study, err := tune.CreateStudy(ctx, name, tune.WithSampler(s), tune.WithSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	obj := func(ctx context.Context, tr *tune.Trial) (float64, error) {
		v, err := p.Evaluate(tr)
		if err != nil {
			return 0, err
		}
		return v[0], nil
	}
	if err := study.Optimize(ctx, obj, tune.OptimizeOptions{Trials: n}); err != nil {
		t.Fatal(err)
	}
	best, err := study.BestValue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return best
}

// TestBranin: within 40 trials, GP beats random search clearly on Branin.
func TestBranin(t *testing.T) {
	p := functions.Branin()
	var gpSum, rndSum float64
	for seed := uint64(1); seed <= 3; seed++ {
		g := run(t, fmt.Sprint("gp", seed), must(gp.New(gp.Config{})), p, 40, seed) - p.Optimum
		r := run(t, fmt.Sprint("random", seed), random.New(), p, 40, seed) - p.Optimum
		t.Logf("seed %d: regret GP %.3g, random %.3g", seed, g, r)
		if g > 0.05 {
			t.Errorf("seed %d: GP regret %g after 40 trials, want <= 0.05", seed, g)
		}
		gpSum += g
		rndSum += r
	}
	if gpSum*10 > rndSum {
		t.Errorf("GP mean regret %g is not a tenth of random's %g", gpSum/3, rndSum/3)
	}
}

// TestMaximizeMixed: a maximized objective over every kind of parameter.
func TestMaximizeMixed(t *testing.T) {
	ctx := context.Background()
	s := must(gp.New(gp.Config{StartupTrials: 5, Candidates: 512}))
	study, err := tune.CreateStudy(ctx, "gp-mixed", tune.WithSampler(s), tune.WithSeed(9), tune.WithDirections(core.Maximize))
	if err != nil {
		t.Fatal(err)
	}
	obj := func(ctx context.Context, tr *tune.Trial) (float64, error) {
		x, _ := tr.Float("x", -3, 3)
		lr, _ := tr.Float("lr", 1e-4, 1, tune.Log())
		k, _ := tr.Int("k", 1, 9, tune.Step(2))
		n, _ := tr.Int("n", 1, 1024, tune.Log())
		c, _ := tr.Categorical("c", "a", "b", "c")
		v := -(x-1)*(x-1) - math.Pow(math.Log10(lr)+2, 2) - math.Abs(float64(k)-5) - math.Pow(math.Log2(float64(n))-5, 2)/4
		if c == "b" {
			v += 2
		}
		return v, nil
	}
	if err := study.Optimize(ctx, obj, tune.OptimizeOptions{Trials: 35}); err != nil {
		t.Fatal(err)
	}
	best, err := study.BestTrial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if best.Values[0] < 0.5 {
		t.Errorf("best %v at %v after 35 trials, want >= 0.5 (max 2)", best.Values[0], best.ParamValues())
	}
	trials, _ := study.Trials(ctx)
	if _, ok := trials[len(trials)-1].SystemAttrs[gp.AttrParams]; !ok {
		t.Errorf("no %s on the last trial", gp.AttrParams)
	}
}

// sample runs one trial's relative sampling on study.
func sample(t *testing.T, s *gp.Sampler, study *coretest.Study) map[string]float64 {
	t.Helper()
	ctx := context.Background()
	tr := study.Add(core.Trial{State: core.Running})
	space, err := s.RelativeSpace(ctx, study, tr)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.SampleRelative(ctx, study, tr, space, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range space {
		if x, ok := got[name]; !ok || !d.Contains(x) {
			t.Fatalf("%s = %v (%v), not in %v", name, x, ok, d)
		}
	}
	return got
}

// history returns n Complete trials over dists with values f.
func history(n int, dists map[string]core.Distribution, f func(map[string]float64) float64) []core.Trial {
	rng := rand.New(rand.NewPCG(11, 12))
	var trials []core.Trial
	for range n {
		tr := core.Trial{State: core.Complete}
		x := map[string]float64{}
		for name, d := range dists {
			v, _ := random.Draw(d, rng)
			x[name] = v
			tr.Params = append(tr.Params, core.Param{Name: name, Internal: v, Dist: d})
		}
		tr.Values = []float64{f(x)}
		trials = append(trials, tr)
	}
	return trials
}

func TestOddSpaces(t *testing.T) {
	cat, _ := core.NewCategorical("a", "b", "c")
	one, _ := core.NewCategorical("only")
	constant := func(map[string]float64) float64 { return 3 }
	for _, tc := range []struct {
		name  string
		dists map[string]core.Distribution
		f     func(map[string]float64) float64
	}{
		{"only-categorical", map[string]core.Distribution{"c": cat}, func(x map[string]float64) float64 { return x["c"] }},
		{"single-point", map[string]core.Distribution{"x": core.Float{Low: 2, High: 2}, "o": one}, constant},
		{"zero-width", map[string]core.Distribution{"x": core.Float{Low: 1, High: 1 + 1e-12}, "i": core.Int{Low: 3, High: 4}}, func(x map[string]float64) float64 { return x["x"] }},
		{"constant", map[string]core.Distribution{"x": core.Float{Low: 0, High: 1}, "y": core.Float{Low: 0, High: 1}}, constant},
		{"infinite", map[string]core.Distribution{"x": core.Float{Low: 0, High: 1}}, func(x map[string]float64) float64 {
			if x["x"] > 0.5 {
				return math.Inf(1)
			}
			return math.NaN()
		}},
		{"repeated", map[string]core.Distribution{"i": core.Int{Low: 0, High: 1}, "s": core.Float{Low: 0, High: 0.5, Step: 0.25}}, func(x map[string]float64) float64 { return x["i"] + x["s"] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := must(gp.New(gp.Config{StartupTrials: -1, Candidates: 128}))
			study := coretest.New(nil, history(30, tc.dists, tc.f)...)
			for range 3 {
				sample(t, s, study)
			}
		})
	}
}

// TestLiar: with the constant liar, a worker does not propose the point
// that another worker is already evaluating.
func TestLiar(t *testing.T) {
	dists := map[string]core.Distribution{"x": core.Float{Low: -1, High: 1}, "y": core.Float{Low: -1, High: 1}}
	f := func(x map[string]float64) float64 { return x["x"]*x["x"] + x["y"]*x["y"] }
	for _, noLiar := range []bool{false, true} {
		s := must(gp.New(gp.Config{StartupTrials: -1, Seed: 1, NoLiar: noLiar}))
		study := coretest.New(nil, history(20, dists, f)...)
		first := sample(t, s, study)
		// The first proposal is now a running trial's parameters.
		trials, _ := study.Trials(context.Background())
		run := trials[len(trials)-1]
		for name, v := range first {
			run.Params = append(run.Params, core.Param{Name: name, Internal: v, Dist: dists[name]})
		}
		study = coretest.New(nil, append(trials[:len(trials)-1], run)...)
		second := sample(t, s, study)
		dist := math.Hypot(first["x"]-second["x"], first["y"]-second["y"])
		t.Logf("NoLiar %v: %v then %v (distance %.3g)", noLiar, first, second, dist)
		if !noLiar && dist < 0.05 {
			t.Errorf("with the liar, the second worker proposed %v, %.3g from the running %v", second, dist, first)
		}
	}
}

func TestMultiObjectiveIsRandom(t *testing.T) {
	s := must(gp.New(gp.Config{}))
	study := coretest.New([]core.Direction{core.Minimize, core.Minimize})
	space, err := s.RelativeSpace(context.Background(), study, core.Trial{})
	if err != nil || space != nil {
		t.Errorf("RelativeSpace = %v, %v for two objectives", space, err)
	}
}
