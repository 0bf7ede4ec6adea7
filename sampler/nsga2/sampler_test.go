package nsga2_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/bench/functions"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/nsga2"
	"github.com/go-tune/tune/sampler/random"
	"github.com/go-tune/tune/sampler/samplertest"
	"github.com/go-tune/tune/storage/memory"
)

var crossovers = []string{nsga2.Uniform, nsga2.BLXAlpha, nsga2.SBX, nsga2.VSBX, nsga2.UNDX, nsga2.SPX}

func TestConformance(t *testing.T) {
	samplertest.Run(t, func() sampler.Sampler { s, _ := nsga2.New(nsga2.Config{}); return s })
}

func TestConformanceSmallPopulations(t *testing.T) {
	for _, x := range crossovers {
		t.Run(x, func(t *testing.T) {
			samplertest.Run(t, func() sampler.Sampler {
				s, _ := nsga2.New(nsga2.Config{PopulationSize: 3, Crossover: x})
				return s
			})
		})
	}
}

func TestConfigErrors(t *testing.T) {
	for field, cfg := range map[string]nsga2.Config{
		"PopulationSize": {PopulationSize: 1},
		"MutationProb":   {MutationProb: 1.5},
		"CrossoverProb":  {CrossoverProb: -0.2},
		"SwappingProb":   {SwappingProb: math.NaN()},
		"Crossover":      {Crossover: "two-point"},
		"Alpha":          {Alpha: -1},
		"Eta":            {Eta: math.Inf(1)},
		"SigmaXi":        {SigmaXi: -0.1},
		"SigmaEta":       {SigmaEta: math.NaN()},
		"Epsilon":        {Epsilon: -2},
	} {
		if _, err := nsga2.New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		} else if !strings.Contains(err.Error(), field) {
			t.Errorf("New(%+v): %v does not name %s", cfg, err, field)
		}
	}
	// UNDX and SPX need three parents.
	for _, x := range []string{nsga2.UNDX, nsga2.SPX} {
		if _, err := nsga2.New(nsga2.Config{PopulationSize: 2, Crossover: x}); err == nil || !strings.Contains(err.Error(), "PopulationSize") {
			t.Errorf("population 2 with %s: %v", x, err)
		}
	}
	s, err := nsga2.New(nsga2.Config{MutationProb: nsga2.Never, CrossoverProb: nsga2.Never})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Config()
	if c.PopulationSize != 50 || c.Crossover != "uniform" || c.SwappingProb != 0.5 || c.Alpha != 0.5 || c.SigmaXi != 0.5 ||
		c.MutationProb != nsga2.Never || c.CrossoverProb != nsga2.Never {
		t.Errorf("defaults %+v", c)
	}
	if c, _ := nsga2.New(nsga2.Config{}); c.Config().CrossoverProb != 0.9 || c.Config().MutationProb != 0 {
		t.Errorf("defaults %+v", c.Config())
	}
}

// history returns n Complete trials of generation 0 over every distribution
// of samplertest, with two objectives.
func history(n int) []core.Trial {
	rng := rand.New(rand.NewPCG(5, 6))
	dists := samplertest.Distributions()
	var trials []core.Trial
	for range n {
		t := core.Trial{State: core.Complete, SystemAttrs: map[string]any{nsga2.AttrGeneration: 0.0}}
		for name, d := range dists {
			x, _ := random.Draw(d, rng)
			t.Params = append(t.Params, core.Param{Name: name, Internal: x, Dist: d})
		}
		t.Values = []float64{rng.Float64(), rng.Float64()}
		trials = append(trials, t)
	}
	return trials
}

// TestBredLegal: children of every crossover, over every kind of
// distribution, are legal, and record their generation and parents.
func TestBredLegal(t *testing.T) {
	ctx := context.Background()
	for _, x := range crossovers {
		t.Run(x, func(t *testing.T) {
			s, err := nsga2.New(nsga2.Config{PopulationSize: 10, Crossover: x, MutationProb: nsga2.Never})
			if err != nil {
				t.Fatal(err)
			}
			study := coretest.New([]core.Direction{core.Minimize, core.Maximize}, history(20)...)
			for i := range 40 {
				tr := study.Add(core.Trial{State: core.Running})
				if err := s.BeforeTrial(ctx, study, tr); err != nil {
					t.Fatal(err)
				}
				all, _ := study.Trials(ctx)
				tr = all[tr.Number]
				space, err := s.RelativeSpace(ctx, study, tr)
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.SampleRelative(ctx, study, tr, space, rand.New(rand.NewPCG(uint64(i), 0)))
				if err != nil {
					t.Fatal(err)
				}
				for name, d := range space {
					if v, ok := got[name]; !ok || !d.Contains(v) {
						t.Fatalf("%s = %v (%v), not in %v", name, v, ok, d)
					}
				}
				all, _ = study.Trials(ctx)
				attrs := all[tr.Number].SystemAttrs
				if attrs[nsga2.AttrGeneration] != 1.0 {
					t.Fatalf("generation %v, want 1", attrs[nsga2.AttrGeneration])
				}
				if ps, ok := attrs[nsga2.AttrParents].([]any); !ok || len(ps) == 0 {
					t.Fatalf("parents %v", attrs[nsga2.AttrParents])
				}
			}
		})
	}
}

// zdt1 runs ZDT1(10) for trials with s and returns the hypervolume of the
// final front.
func zdt1(t *testing.T, s sampler.Sampler, seed uint64, trials int) float64 {
	t.Helper()
	ctx := context.Background()
	p := functions.ZDT1(10)
	study, err := tune.CreateStudy(ctx, "zdt1", tune.WithSampler(s), tune.WithSeed(seed),
		tune.WithDirections(tune.Minimize, tune.Minimize))
	if err != nil {
		t.Fatal(err)
	}
	err = study.OptimizeMulti(ctx, func(_ context.Context, tr *tune.Trial) ([]float64, error) {
		return p.Evaluate(tr)
	}, tune.OptimizeOptions{Trials: trials})
	if err != nil {
		t.Fatal(err)
	}
	front, err := study.BestTrials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pts [][]float64
	for _, tr := range front {
		pts = append(pts, tr.Values)
	}
	return functions.Hypervolume2D(pts, p.Ref)
}

// TestZDT1BeatsRandom: after 1,000 trials, NSGA-II's front on ZDT1 has a
// clearly larger hypervolume than random search's, seed after seed.
func TestZDT1BeatsRandom(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	trials := 1000
	if testing.Short() {
		seeds, trials = seeds[:1], 600
	}
	p := functions.ZDT1(10)
	for _, seed := range seeds {
		s, _ := nsga2.New(nsga2.Config{})
		hv := zdt1(t, s, seed, trials)
		rhv := zdt1(t, random.New(), seed, trials)
		t.Logf("seed %d: NSGA-II gap %.3f, random gap %.3f", seed, p.FrontHV-hv, p.FrontHV-rhv)
		if hv <= rhv || p.FrontHV-hv > 0.5*(p.FrontHV-rhv) {
			t.Errorf("seed %d: NSGA-II hypervolume %.3f, random %.3f (front %.3f)", seed, hv, rhv, p.FrontHV)
		}
	}
}

// TestConstraints: ZDT1 whose front needs x1 near 0, constrained to
// x1 >= 0.7 (30% of the space): with the constraint values that the
// objective leaves in a user attribute, most of the last generation is
// feasible; without them, hardly any.
func TestConstraints(t *testing.T) {
	ctx := context.Background()
	p := functions.ZDT1(5)
	run := func(constrained bool) float64 {
		cfg := nsga2.Config{PopulationSize: 20}
		if constrained {
			cfg.ConstraintsFunc = func(tr core.Trial) []float64 {
				return []float64{tr.UserAttrs["c"].(float64)}
			}
		}
		s, err := nsga2.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		study, err := tune.CreateStudy(ctx, "constrained", tune.WithSampler(s), tune.WithSeed(7),
			tune.WithDirections(tune.Minimize, tune.Minimize))
		if err != nil {
			t.Fatal(err)
		}
		err = study.OptimizeMulti(ctx, func(_ context.Context, tr *tune.Trial) ([]float64, error) {
			x := make([]float64, len(p.Space))
			for i, q := range p.Space {
				if x[i], err = tr.Float(q.Name, 0, 1); err != nil {
					return nil, err
				}
			}
			if err := tr.SetUserAttr("c", 0.7-x[1]); err != nil {
				return nil, err
			}
			return p.Eval(x), nil
		}, tune.OptimizeOptions{Trials: 300})
		if err != nil {
			t.Fatal(err)
		}
		trials, _ := study.Trials(ctx, core.Complete)
		last, feasible := -1, 0
		for _, tr := range trials {
			last = max(last, int(tr.SystemAttrs[nsga2.AttrGeneration].(float64)))
		}
		n := 0
		for _, tr := range trials {
			if int(tr.SystemAttrs[nsga2.AttrGeneration].(float64)) != last {
				continue
			}
			n++
			if tr.UserAttrs["c"].(float64) <= 0 {
				feasible++
			}
			if cons, ok := tr.SystemAttrs[nsga2.AttrConstraints].([]any); constrained && (!ok || len(cons) != 1) {
				t.Fatalf("trial %d: constraints %v", tr.Number, tr.SystemAttrs[nsga2.AttrConstraints])
			}
		}
		if last < 10 {
			t.Fatalf("only %d generations", last)
		}
		return float64(feasible) / float64(n)
	}
	with, without := run(true), run(false)
	t.Logf("feasible share of the last generation: %.2f with constraints, %.2f without", with, without)
	// Mutation alone redraws x1 in a fifth of the children, 70% of them
	// infeasible.
	if with < 0.6 || with < 3*without {
		t.Errorf("feasible share %.2f with constraints, %.2f without", with, without)
	}
}

// runStudy runs a study of a mixed space on st with sampler config cfg.
func runStudy(t *testing.T, st *memory.Storage, name string, cfg nsga2.Config, trials, workers int) *tune.Study {
	t.Helper()
	ctx := context.Background()
	s, err := nsga2.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	study, err := tune.CreateStudy(ctx, name, tune.WithSampler(s), tune.WithSeed(11), tune.WithStorage(st),
		tune.LoadIfExists(), tune.WithDirections(tune.Minimize, tune.Maximize))
	if err != nil {
		t.Fatal(err)
	}
	err = study.OptimizeMulti(ctx, func(_ context.Context, tr *tune.Trial) ([]float64, error) {
		x, err := tr.Float("x", -2, 2)
		if err != nil {
			return nil, err
		}
		n, err := tr.Int("n", 1, 64, tune.Log())
		if err != nil {
			return nil, err
		}
		c, err := tune.Choice(tr, "c", "a", "b", "c")
		if err != nil {
			return nil, err
		}
		bonus := map[string]float64{"a": 0, "b": 0.5, "c": 1}[c]
		return []float64{x*x + bonus, float64(n) / 64 * math.Exp(-x)}, nil
	}, tune.OptimizeOptions{Trials: trials, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return study
}

func TestDeterministic(t *testing.T) {
	ctx := context.Background()
	params := func() []string {
		study := runStudy(t, memory.New(), "det", nsga2.Config{PopulationSize: 10, Crossover: nsga2.SBX}, 120, 1)
		trials, _ := study.Trials(ctx)
		var out []string
		for _, tr := range trials {
			out = append(out, fmt.Sprint(tr.ParamValues(), tr.SystemAttrs[nsga2.AttrParents]))
		}
		return out
	}
	a, b := params(), params()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("trial %d: %s then %s", i, a[i], b[i])
		}
	}
}

// TestTwoWorkers: two handles on one stored study, each with its own
// sampler and two workers, agree on the generations: every generation
// before a trial's has PopulationSize Complete trials, a trial's parents
// are Complete trials of earlier generations, and the study gets through
// its generations. (A worker held up between creating a trial and
// starting it may give it an older generation than later trials have.)
func TestTwoWorkers(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	const pop = 10
	cfg := nsga2.Config{PopulationSize: pop, Crossover: nsga2.UNDX}
	runStudy(t, st, "shared", cfg, 1, 1) // create it
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { runStudy(t, st, "shared", cfg, 100, 2) })
	}
	wg.Wait()
	study, err := tune.CreateStudy(ctx, "shared", tune.WithStorage(st), tune.LoadIfExists())
	if err != nil {
		t.Fatal(err)
	}
	trials, _ := study.Trials(ctx)
	if len(trials) != 201 {
		t.Fatalf("%d trials", len(trials))
	}
	gen := make([]int, len(trials))
	complete := map[int]int{}
	for i, tr := range trials {
		g, ok := tr.SystemAttrs[nsga2.AttrGeneration].(float64)
		if !ok {
			t.Fatalf("trial %d has no generation", tr.Number)
		}
		gen[i] = int(g)
		if tr.State == core.Complete {
			complete[gen[i]]++
		}
	}
	maxGen := 0
	for i, tr := range trials {
		g := gen[i]
		maxGen = max(maxGen, g)
		for k := range g {
			if complete[k] < pop {
				t.Errorf("trial %d of generation %d, but generation %d has %d Complete trials", i, g, k, complete[k])
			}
		}
		if g == 0 {
			continue
		}
		ps, ok := tr.SystemAttrs[nsga2.AttrParents].([]any)
		if !ok || len(ps) == 0 {
			t.Fatalf("trial %d of generation %d has parents %v", i, g, tr.SystemAttrs[nsga2.AttrParents])
		}
		for _, p := range ps {
			n := int(p.(float64))
			if trials[n].State != core.Complete || gen[n] >= g {
				t.Errorf("trial %d of generation %d has parent %d of generation %d, %v", i, g, n, gen[n], trials[n].State)
			}
		}
	}
	if maxGen < 10 {
		t.Errorf("%d generations in 201 trials of population %d", maxGen+1, pop)
	}
}

// TestOddSpaces: spaces with only categorical parameters, a single point,
// a zero-width range or two integers neither fail nor hang.
func TestOddSpaces(t *testing.T) {
	ctx := context.Background()
	spaces := map[string]map[string]core.Distribution{
		"categorical": {"a": mustCat("x", "y"), "b": mustCat(1, 2, 3)},
		"single":      {"a": core.Float{Low: 2, High: 2}, "b": core.Int{Low: 3, High: 3}},
		"zero-width":  {"a": core.Float{Low: 1, High: 1 + 1e-12}, "b": core.Float{Low: 1e-300, High: 2e-300, Log: true}},
		"two-ints":    {"a": core.Int{Low: 0, High: 1}, "b": core.Int{Low: 0, High: 10, Step: 10}},
	}
	for name, space := range spaces {
		for _, x := range crossovers {
			t.Run(name+"/"+x, func(t *testing.T) {
				s, err := nsga2.New(nsga2.Config{PopulationSize: 4, Crossover: x})
				if err != nil {
					t.Fatal(err)
				}
				study, err := tune.CreateStudy(ctx, "", tune.WithSampler(s), tune.WithSeed(3),
					tune.WithDirections(tune.Minimize, tune.Minimize))
				if err != nil {
					t.Fatal(err)
				}
				err = study.OptimizeMulti(ctx, func(_ context.Context, tr *tune.Trial) ([]float64, error) {
					var sum float64
					for _, pn := range []string{"a", "b"} {
						if _, err := tr.Suggest(pn, space[pn]); err != nil {
							return nil, err
						}
					}
					for _, p := range tr.Snapshot().Params {
						sum += p.Internal
					}
					return []float64{sum, -sum}, nil
				}, tune.OptimizeOptions{Trials: 40})
				if err != nil {
					t.Fatal(err)
				}
				trials, _ := study.Trials(ctx)
				for _, tr := range trials {
					if tr.State != core.Complete {
						t.Fatalf("trial %d is %v: %v", tr.Number, tr.State, tr.SystemAttrs[core.FailReasonAttr])
					}
				}
			})
		}
	}
}

func mustCat(choices ...any) core.Categorical {
	c, err := core.NewCategorical(choices...)
	if err != nil {
		panic(err)
	}
	return c
}
