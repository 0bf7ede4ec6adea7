package tpe_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/random"
	"github.com/go-tune/tune/sampler/samplertest"
	"github.com/go-tune/tune/sampler/tpe"
)

func must(s *tpe.Sampler, err error) *tpe.Sampler {
	if err != nil {
		panic(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	for name, cfg := range map[string]tpe.Config{
		"default":      {},
		"optuna3.1":    tpe.Optuna31(),
		"multivariate": {Multivariate: true, Scaled: true},
		"no-startup":   {StartupTrials: -1},
	} {
		t.Run(name, func(t *testing.T) {
			samplertest.Run(t, func() sampler.Sampler { return must(tpe.New(cfg)) })
		})
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		cfg   tpe.Config
		field string
	}{
		{tpe.Config{Candidates: -1}, "Candidates"},
		{tpe.Config{Gamma: 1.5}, "Gamma"},
		{tpe.Config{Gamma: -0.1}, "Gamma"},
		{tpe.Config{Gamma: math.NaN()}, "Gamma"},
		{tpe.Config{GammaMax: -2}, "GammaMax"},
		{tpe.Config{PriorWeight: -1}, "PriorWeight"},
		{tpe.Config{PriorWeight: math.Inf(1)}, "PriorWeight"},
	} {
		_, err := tpe.New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("New(%+v) = %v, want an error naming %s", c.cfg, err, c.field)
		}
	}
	got := must(tpe.New(tpe.Config{})).Config()
	want := tpe.Config{StartupTrials: 10, Candidates: 24, Gamma: 0.1, GammaMax: 25, PriorWeight: 1}
	if got != want {
		t.Errorf("default Config() = %+v, want %+v", got, want)
	}
}

// run minimises f over [-5, 5]^dim (and, with cat, a categorical choice
// whose best is "b") for n trials, and returns the best value.
func run(t *testing.T, s sampler.Sampler, seed uint64, n, dim int, cat bool) float64 {
	t.Helper()
	study, err := tune.CreateStudy(context.Background(), "tpe", tune.WithSampler(s), tune.WithSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	err = study.Optimize(context.Background(), func(_ context.Context, tr *tune.Trial) (float64, error) {
		v := 0.0
		for i := range dim {
			x, err := tr.Float(string(rune('a'+i)), -5, 5)
			if err != nil {
				return 0, err
			}
			v += (x - 1) * (x - 1)
		}
		if cat {
			c, err := tune.Choice(tr, "cat", "a", "b", "c")
			if err != nil {
				return 0, err
			}
			if c != "b" {
				v += 4
			}
		}
		return v, nil
	}, tune.OptimizeOptions{Trials: n})
	if err != nil {
		t.Fatal(err)
	}
	best, err := study.BestValue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return best
}

// TestBeatsRandom: on a shifted sphere with a categorical term, TPE (each
// mode) finds a better best value than random search in most of 9 seeds,
// and a better median.
func TestBeatsRandom(t *testing.T) {
	for name, cfg := range map[string]tpe.Config{"multivariate": {Multivariate: true}, "independent": {}} {
		t.Run(name, func(t *testing.T) {
			var tp, rd []float64
			wins := 0
			for seed := range uint64(9) {
				a := run(t, must(tpe.New(cfg)), seed+1, 80, 3, true)
				b := run(t, random.New(), seed+1, 80, 3, true)
				tp, rd = append(tp, a), append(rd, b)
				if a < b {
					wins++
				}
			}
			slices.Sort(tp)
			slices.Sort(rd)
			t.Logf("TPE won %d of 9 seeds; median best %.3g, random %.3g", wins, tp[4], rd[4])
			if wins < 7 || tp[4] >= rd[4]/2 {
				t.Errorf("TPE won %d of 9 seeds; median best %.3g, random %.3g", wins, tp[4], rd[4])
			}
		})
	}
}

// TestConstantLiar: with the constant liar, the point of running trials is
// avoided.
func TestConstantLiar(t *testing.T) {
	// 30 finished trials with x spread over [0, 1], best near 0.5; then 5
	// running trials at exactly 0.5. With the liar, they count as bad, and
	// the density ratio near 0.5 drops.
	d := core.Float{Low: 0, High: 1}
	build := func(running bool) *coretest.Study {
		s := coretest.New([]core.Direction{core.Minimize})
		rng := rand.New(rand.NewPCG(3, 4))
		for range 30 {
			x := rng.Float64()
			s.Add(core.Trial{State: core.Complete, Values: []float64{math.Abs(x - 0.5)}, Params: []core.Param{{Name: "x", Internal: x, Dist: d}}})
		}
		if running {
			for range 5 {
				s.Add(core.Trial{State: core.Running, Params: []core.Param{{Name: "x", Internal: 0.5, Dist: d}}})
			}
		}
		return s
	}
	near := func(s *coretest.Study, cfg tpe.Config) int {
		smp := must(tpe.New(cfg))
		rng := rand.New(rand.NewPCG(5, 6))
		n := 0
		for range 200 {
			tr := s.Add(core.Trial{State: core.Running})
			x, err := smp.SampleIndependent(context.Background(), s, tr, "x", d, rng)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(x-0.5) < 0.02 {
				n++
			}
		}
		return n
	}
	liar := near(build(true), tpe.Config{})
	noLiar := near(build(true), tpe.Config{NoConstantLiar: true})
	t.Logf("draws within 0.02 of the running trials' point: %d with the liar, %d without", liar, noLiar)
	if liar >= noLiar {
		t.Errorf("draws within 0.02 of the running trials' point: %d with the liar, %d without; want fewer with it", liar, noLiar)
	}
}

// TestOddSpaces: a single categorical, a single point and a zero-width
// range neither fail nor loop.
func TestOddSpaces(t *testing.T) {
	smp := must(tpe.New(tpe.Config{StartupTrials: 2}))
	study, err := tune.CreateStudy(context.Background(), "odd", tune.WithSampler(smp), tune.WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	err = study.Optimize(context.Background(), func(_ context.Context, tr *tune.Trial) (float64, error) {
		c, _ := tune.Choice(tr, "only-cat", "x", "y")
		one, _ := tune.Choice(tr, "one", "z")
		f, _ := tr.Float("zero-width", 2, 2)
		i, _ := tr.Int("int-point", 3, 3)
		v := f + float64(i)
		if c == "y" {
			v++
		}
		_ = one
		return v, nil
	}, tune.OptimizeOptions{Trials: 30})
	if err != nil {
		t.Fatal(err)
	}
	best, _ := study.BestParams(context.Background())
	if best["only-cat"] != "x" {
		t.Errorf("best params %v", best)
	}
}
