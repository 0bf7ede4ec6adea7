package qmc_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/qmc"
	"github.com/go-tune/tune/sampler/samplertest"
)

var bg = context.Background()

func TestConformance(t *testing.T) {
	for _, cfg := range []qmc.Config{{}, {Type: qmc.TypeHalton}, {NoScramble: true}, {Type: qmc.TypeHalton, NoScramble: true, Seed: 3}} {
		t.Run(fmt.Sprintf("%+v", cfg), func(t *testing.T) {
			samplertest.Run(t, func() sampler.Sampler {
				s, err := qmc.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				return s
			})
		})
	}
}

func TestNew(t *testing.T) {
	for _, c := range []struct {
		cfg  qmc.Config
		want string // Type after New, or "" for an error
	}{
		{qmc.Config{}, qmc.TypeSobol},
		{qmc.Config{Type: "sobol", Seed: 1}, qmc.TypeSobol},
		{qmc.Config{Type: "halton", NoScramble: true}, qmc.TypeHalton},
		{qmc.Config{Type: "Sobol"}, ""},
		{qmc.Config{Type: "lhs"}, ""},
	} {
		s, err := qmc.New(c.cfg)
		switch {
		case c.want == "" && (err == nil || !strings.Contains(err.Error(), "Config.Type")):
			t.Errorf("New(%+v): error %v, want one naming Config.Type", c.cfg, err)
		case c.want != "" && err != nil:
			t.Errorf("New(%+v): %v", c.cfg, err)
		case c.want != "" && s.Config().Type != c.want:
			t.Errorf("New(%+v).Config().Type = %q, want %q", c.cfg, s.Config().Type, c.want)
		}
	}
}

func TestFromUnit(t *testing.T) {
	cat, _ := core.NewCategorical("a", "b", "c")
	for _, c := range []struct {
		d    core.Distribution
		u    []float64
		want []float64
	}{
		{core.Float{Low: -1, High: 3}, []float64{0, 0.25, 0.5, 0.999}, []float64{-1, 0, 1, 2.996}},
		{core.Float{Low: 1e-3, High: 10, Log: true}, []float64{0, 0.25, 0.5, 0.75}, []float64{1e-3, 1e-2, 0.1, 1}},
		{core.Float{Low: 0, High: 1, Step: 0.5}, []float64{0, 0.33, 0.34, 0.66, 0.67, 0.999}, []float64{0, 0, 0.5, 0.5, 1, 1}},
		{core.Float{Low: 1, High: 1 + 1e-12}, []float64{0, 0.5, 0.999}, []float64{1, 1 + 0.5e-12, 1 + 0.999e-12}},
		{core.Float{Low: 2, High: 2}, []float64{0, 0.7}, []float64{2, 2}},
		{core.Float{Low: -math.MaxFloat64, High: math.MaxFloat64}, []float64{0, 0.5}, []float64{-math.MaxFloat64, 0}},
		{core.Int{Low: -1, High: 1}, []float64{0, 0.33, 0.34, 0.66, 0.67, 0.999}, []float64{-1, -1, 0, 0, 1, 1}},
		{core.Int{Low: 0, High: 100, Step: 50}, []float64{0.1, 0.5, 0.9}, []float64{0, 50, 100}},
		{core.Int{Low: 4, High: 4}, []float64{0, 0.99}, []float64{4, 4}},
		// log(0.5) + u*(log(4.5) - log(0.5)): 0.5*9^u rounded.
		{core.Int{Low: 1, High: 4, Log: true}, []float64{0, 0.49, 0.51, 0.999}, []float64{1, 1, 2, 4}},
		{cat, []float64{0, 0.34, 0.67, 0.999}, []float64{0, 1, 2, 2}},
		// Out of [0, 1): clamped.
		{core.Float{Low: 0, High: 1}, []float64{-1, 1, 2, math.NaN()}, []float64{0, math.Nextafter(1, 0), math.Nextafter(1, 0), 0}},
		{core.Int{Low: 0, High: 9}, []float64{1, math.Inf(1)}, []float64{9, 9}},
	} {
		for i, u := range c.u {
			x, err := qmc.FromUnit(c.d, u)
			if err != nil {
				t.Errorf("FromUnit(%v, %v): %v", c.d, u, err)
				continue
			}
			if want := c.want[i]; math.Abs(x-want) > 1e-9*max(1, math.Abs(want)) || !c.d.Contains(x) {
				t.Errorf("FromUnit(%v, %v) = %v, want %v", c.d, u, x, want)
			}
		}
	}
}

// TestFromUnitUniform: equal parts of [0, 1) give each value of a discrete
// distribution equally often.
func TestFromUnitUniform(t *testing.T) {
	for _, d := range []core.Distribution{
		core.Int{Low: -3, High: 3}, core.Int{Low: 0, High: 90, Step: 10}, core.Float{Low: 0, High: 1, Step: 0.25},
	} {
		counts := map[float64]int{}
		const n = 7 * 10 * 5 * 100
		for i := range n {
			x, err := qmc.FromUnit(d, (float64(i)+0.5)/n)
			if err != nil {
				t.Fatal(err)
			}
			counts[x]++
		}
		for x, c := range counts {
			if c != n/len(counts) {
				t.Errorf("%v: value %v taken %d times of %d, want %d", d, x, c, n, n/len(counts))
			}
		}
	}
}

// study returns a study named name whose trial 0 is Complete with params,
// and a Running trial numbered number (at least 1).
func study(name string, number int, params ...core.Param) (*coretest.Study, core.Trial) {
	st := coretest.New(nil)
	st.StudyName = name
	st.Add(core.Trial{State: core.Complete, Params: params, Values: []float64{0}})
	tr := st.Add(core.Trial{State: core.Running})
	for tr.Number < number {
		tr = st.Add(core.Trial{State: core.Running})
	}
	return st, tr
}

func numeric() []core.Param {
	return []core.Param{
		{Name: "x", Internal: 0.5, Dist: core.Float{Low: 0, High: 1}},
		{Name: "lr", Internal: 1e-3, Dist: core.Float{Low: 1e-5, High: 1, Log: true}},
		{Name: "n", Internal: 2, Dist: core.Int{Low: 1, High: 8}},
	}
}

func sample(t *testing.T, s *qmc.Sampler, st core.Study, tr core.Trial) map[string]float64 {
	t.Helper()
	space, err := s.RelativeSpace(bg, st, tr)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.SampleRelative(bg, st, tr, space, rand.New(rand.NewPCG(uint64(tr.Number), 9)))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestTrialNumber: the point depends on the trial number and the study's
// name only: two samplers (two workers, or two processes) agree on each
// trial, give distinct trials distinct points, and follow the sequence.
func TestTrialNumber(t *testing.T) {
	for _, cfg := range []qmc.Config{{}, {Type: qmc.TypeHalton}, {NoScramble: true}} {
		a, _ := qmc.New(cfg)
		b, _ := qmc.New(cfg)
		seen := map[string]int{}
		for number := 1; number <= 16; number++ {
			st, tr := study("s", number, numeric()...)
			pa, pb := sample(t, a, st, tr), sample(t, b, st, tr)
			if fmt.Sprint(pa) != fmt.Sprint(pb) {
				t.Errorf("%+v: trial %d: %v and %v from two samplers", cfg, number, pa, pb)
			}
			if prev, ok := seen[fmt.Sprint(pa)]; ok {
				t.Errorf("%+v: trials %d and %d both took %v", cfg, prev, number, pa)
			}
			seen[fmt.Sprint(pa)] = number
		}
	}

	// Unscrambled Sobol' point 3 in 3 dimensions is (0.25, 0.75, 0.75); the
	// parameters in name order are lr, n, x.
	s, _ := qmc.New(qmc.Config{NoScramble: true})
	st, tr := study("s", 3, numeric()...)
	got := sample(t, s, st, tr)
	want := map[string]float64{"lr": math.Pow(10, -5+5*0.25), "n": 7, "x": 0.75}
	for name, w := range want {
		if math.Abs(got[name]-w) > 1e-12*w {
			t.Errorf("%s = %v, want %v", name, got[name], w)
		}
	}
}

// TestSeed: the scrambling depends on Config.Seed, or on the study's name
// when it is 0.
func TestSeed(t *testing.T) {
	point := func(cfg qmc.Config, name string) string {
		s, _ := qmc.New(cfg)
		st, tr := study(name, 5, numeric()...)
		return fmt.Sprint(sample(t, s, st, tr))
	}
	if point(qmc.Config{}, "a") != point(qmc.Config{}, "a") {
		t.Error("one study name gave two points")
	}
	if point(qmc.Config{}, "a") == point(qmc.Config{}, "b") {
		t.Error("two study names gave one point")
	}
	if point(qmc.Config{Seed: 1}, "a") != point(qmc.Config{Seed: 1}, "b") {
		t.Error("Config.Seed did not override the study name")
	}
	if point(qmc.Config{Seed: 1}, "a") == point(qmc.Config{Seed: 2}, "a") {
		t.Error("two seeds gave one point")
	}
	if point(qmc.Config{NoScramble: true}, "a") != point(qmc.Config{NoScramble: true, Seed: 9}, "b") {
		t.Error("the seed changed unscrambled points")
	}
	// A study's recorded seed (tune's, drawn at random when none is given)
	// scrambles too: two studies of one name but different seeds differ.
	recorded := func(seed string) string {
		s, _ := qmc.New(qmc.Config{})
		st, tr := study("a", 5, numeric()...)
		if err := st.SetSystemAttr(context.Background(), core.SeedAttr, seed); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(sample(t, s, st, tr))
	}
	if recorded("1") != recorded("1") || recorded("1") == recorded("2") || recorded("1") == point(qmc.Config{}, "a") {
		t.Error("the study's recorded seed does not set the scrambling")
	}
}

// TestSpace: the relative space is the numeric, not single-valued,
// parameters of the first finished trial; degenerate spaces neither fail nor
// loop.
func TestSpace(t *testing.T) {
	cat, _ := core.NewCategorical("a", "b")
	for _, c := range []struct {
		name   string
		params []core.Param
		want   string
	}{
		{"numeric", numeric(), "[lr n x]"},
		{"categorical only", []core.Param{{Name: "c", Dist: cat}}, "[]"},
		{"single values", []core.Param{{Name: "f", Internal: 2, Dist: core.Float{Low: 2, High: 2}}, {Name: "i", Internal: 1, Dist: core.Int{Low: 1, High: 1}}}, "[]"},
		{"zero width", []core.Param{{Name: "w", Internal: 1, Dist: core.Float{Low: 1, High: 1 + 1e-15}}, {Name: "c", Dist: cat}}, "[w]"},
		{"no params", nil, "[]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, typ := range []string{qmc.TypeSobol, qmc.TypeHalton} {
				s, _ := qmc.New(qmc.Config{Type: typ})
				for number := 1; number < 6; number++ {
					st, tr := study("space", number, c.params...)
					space, err := s.RelativeSpace(bg, st, tr)
					if err != nil {
						t.Fatal(err)
					}
					var names []string
					for _, p := range c.params {
						if _, ok := space[p.Name]; ok {
							names = append(names, p.Name)
						}
					}
					slices.Sort(names)
					if got := fmt.Sprint(names); got != c.want || len(space) != len(names) {
						t.Fatalf("space %v, want %s", space, c.want)
					}
					for name, x := range sample(t, s, st, tr) {
						if !space[name].Contains(x) {
							t.Errorf("%s = %v, not in %v", name, x, space[name])
						}
					}
				}
			}
		})
	}
}

// TestFirstFinished: the space comes from the lowest-numbered Complete or
// Pruned trial, not the first to finish nor a Running or Fail one.
func TestFirstFinished(t *testing.T) {
	x := core.Param{Name: "x", Dist: core.Float{Low: 0, High: 1}}
	y := core.Param{Name: "y", Dist: core.Float{Low: 0, High: 1}}
	z := core.Param{Name: "z", Dist: core.Float{Low: 0, High: 1}}
	st := coretest.New(nil,
		core.Trial{State: core.Fail, Params: []core.Param{x}},
		core.Trial{State: core.Running, Params: []core.Param{x}},
		core.Trial{State: core.Pruned, Params: []core.Param{y, z}},
		core.Trial{State: core.Complete, Params: []core.Param{x, y}, Values: []float64{1}},
	)
	tr := st.Add(core.Trial{State: core.Running})
	s, _ := qmc.New(qmc.Config{})
	space, err := s.RelativeSpace(bg, st, tr)
	if err != nil {
		t.Fatal(err)
	}
	if len(space) != 2 || space["y"] == nil || space["z"] == nil {
		t.Errorf("space %v, want y and z", space)
	}
}

func TestErrors(t *testing.T) {
	s, _ := qmc.New(qmc.Config{})
	var params []core.Param
	for i := range qmc.MaxDim + 1 {
		params = append(params, core.Param{Name: fmt.Sprint("p", i), Dist: core.Float{Low: 0, High: 1}})
	}
	st, tr := study("big", 1, params...)
	if _, err := s.RelativeSpace(bg, st, tr); !errors.Is(err, qmc.ErrDimension) {
		t.Errorf("RelativeSpace with %d parameters: %v, want ErrDimension", len(params), err)
	}
	space := map[string]core.Distribution{"x": core.Float{Low: 0, High: 1}}
	if _, err := s.SampleRelative(bg, st, core.Trial{Number: -1}, space, nil); err == nil {
		t.Error("SampleRelative for trial -1 succeeded")
	}
	if got, err := s.SampleRelative(bg, st, tr, nil, nil); err != nil || len(got) != 0 {
		t.Errorf("SampleRelative of an empty space: %v, %v", got, err)
	}
}
