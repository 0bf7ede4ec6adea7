package functions_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/go-tune/tune/bench/functions"
	"github.com/go-tune/tune/core"
)

// The reference values in testdata/reference.json come from numpy formulas
// and Optuna's WFG hypervolume; see testdata/gen_reference.py for how to
// regenerate them.

type reference struct {
	Problems []struct {
		Name    string      `json:"name"`
		X       [][]float64 `json:"x"`
		F       [][]float64 `json:"f"`
		FrontHV *float64    `json:"front_hv"`
	} `json:"problems"`
	Hypervolume []struct {
		Ref    []float64   `json:"ref"`
		Points [][]float64 `json:"points"`
		HV     float64     `json:"hv"`
	} `json:"hypervolume"`
}

func loadReference(t *testing.T) reference {
	t.Helper()
	data, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

// near reports whether got is want within a relative tolerance of 1e-9, or
// within 1e-12 for values near 0.
func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(math.Abs(got), math.Abs(want))+1e-12
}

// allProblems returns the benchmark's problems and those at other dimensions
// that the reference holds.
func allProblems() []functions.Problem {
	ps := append(functions.SingleObjective(), functions.MultiObjective()...)
	return append(ps, functions.Rosenbrock(2), functions.Ackley(1), functions.StyblinskiTang(2),
		functions.Rastrigin(5), functions.ZDT1(3), functions.ZDT2(2))
}

func TestRegistry(t *testing.T) {
	for _, c := range []struct {
		name     string
		problems []functions.Problem
		want     []string
	}{
		{"SingleObjective", functions.SingleObjective(),
			[]string{"Branin", "Hartmann-6", "Rosenbrock-10", "Ackley-10", "Styblinski-Tang-8", "Mixed-5"}},
		{"MultiObjective", functions.MultiObjective(), []string{"ZDT1-30", "ZDT2-30"}},
	} {
		var names []string
		for _, p := range c.problems {
			names = append(names, p.Name)
		}
		if !slices.Equal(names, c.want) {
			t.Errorf("%s() = %q, want %q", c.name, names, c.want)
		}
	}
}

func TestReference(t *testing.T) {
	problems := make(map[string]functions.Problem)
	for _, p := range allProblems() {
		if _, ok := problems[p.Name]; ok {
			t.Fatalf("name %q given twice", p.Name)
		}
		problems[p.Name] = p
	}
	seen := make(map[string]bool)
	for _, c := range loadReference(t).Problems {
		t.Run(c.Name, func(t *testing.T) {
			p, ok := problems[c.Name]
			if !ok {
				t.Fatalf("no problem named %q", c.Name)
			}
			seen[c.Name] = true
			for i, x := range c.X {
				got := p.Eval(x)
				if len(got) != len(c.F[i]) {
					t.Fatalf("Eval(%v) = %v, want %v", x, got, c.F[i])
				}
				for k := range got {
					if !near(got[k], c.F[i][k]) {
						t.Errorf("Eval(%v)[%d] = %v, want %v", x, k, got[k], c.F[i][k])
					}
				}
			}
			if c.FrontHV != nil && !near(p.FrontHV, *c.FrontHV) {
				t.Errorf("FrontHV = %v, want %v", p.FrontHV, *c.FrontHV)
			}
		})
	}
	for name := range problems {
		if !seen[name] {
			t.Errorf("%s has no reference values", name)
		}
	}
}

func TestSpace(t *testing.T) {
	for _, p := range allProblems() {
		t.Run(p.Name, func(t *testing.T) {
			params := make(map[string]bool)
			for _, q := range p.Space {
				if err := q.Dist.Validate(); err != nil {
					t.Errorf("%s: %v", q.Name, err)
				}
				if params[q.Name] {
					t.Errorf("parameter %q given twice", q.Name)
				}
				params[q.Name] = true
			}
			switch p.Directions {
			case 1:
				if len(p.ArgMin) != len(p.Space) || p.Ref != nil || p.FrontHV != 0 {
					t.Fatalf("single objective with ArgMin %v, Ref %v, FrontHV %v", p.ArgMin, p.Ref, p.FrontHV)
				}
				for i, q := range p.Space {
					if !q.Dist.Contains(p.ArgMin[i]) {
						t.Errorf("ArgMin[%d] = %v is not in %s %v", i, p.ArgMin[i], q.Name, q.Dist)
					}
				}
			case 2:
				if p.ArgMin != nil || len(p.Ref) != 2 || p.FrontHV <= 0 {
					t.Fatalf("two objectives with ArgMin %v, Ref %v, FrontHV %v", p.ArgMin, p.Ref, p.FrontHV)
				}
			default:
				t.Fatalf("Directions = %d", p.Directions)
			}
		})
	}
}

func TestArgMin(t *testing.T) {
	for _, p := range allProblems() {
		if p.Directions != 1 {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			if got := p.Eval(p.ArgMin)[0]; !near(got, p.Optimum) {
				t.Errorf("Eval(ArgMin) = %v, want Optimum %v", got, p.Optimum)
			}
		})
	}
}

// sample draws an internal value of d uniformly (on a log scale where d is).
func sample(r *rand.Rand, d core.Distribution) float64 {
	switch d := d.(type) {
	case core.Float:
		switch {
		case d.Log:
			return math.Exp(math.Log(d.Low) + r.Float64()*(math.Log(d.High)-math.Log(d.Low)))
		case d.Step > 0:
			return d.Low + float64(r.IntN(int(math.Round((d.High-d.Low)/d.Step))+1))*d.Step
		}
		return d.Low + r.Float64()*(d.High-d.Low)
	case core.Int:
		return float64(d.Low + r.IntN((d.High-d.Low)/d.StepOrOne()+1)*d.StepOrOne())
	case core.Categorical:
		return float64(r.IntN(d.Len()))
	}
	panic("unknown distribution")
}

func TestAboveOptimum(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, p := range allProblems() {
		t.Run(p.Name, func(t *testing.T) {
			x := make([]float64, len(p.Space))
			for range 2000 {
				for i, q := range p.Space {
					x[i] = sample(r, q.Dist)
				}
				f := p.Eval(x)
				for k, v := range f {
					if math.IsNaN(v) {
						t.Fatalf("Eval(%v)[%d] is NaN", x, k)
					}
				}
				if p.Directions == 1 && f[0] < p.Optimum && !near(f[0], p.Optimum) {
					t.Fatalf("Eval(%v) = %v, below Optimum %v", x, f[0], p.Optimum)
				}
				if p.Directions == 2 && (f[0] >= p.Ref[0] || f[1] >= p.Ref[1]) {
					t.Fatalf("Eval(%v) = %v, not better than Ref %v", x, f, p.Ref)
				}
			}
		})
	}
}

// TestNearArgMin checks that ArgMin is a local minimum: moving one float
// coordinate a little, either way, does not go below Optimum.
func TestNearArgMin(t *testing.T) {
	for _, p := range allProblems() {
		if p.Directions != 1 {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			for i, q := range p.Space {
				d, ok := q.Dist.(core.Float)
				if !ok || d.Step != 0 {
					continue
				}
				for _, h := range []float64{1e-6, 1e-4, 1e-2} {
					for _, s := range []float64{-h, h} {
						x := append([]float64(nil), p.ArgMin...)
						x[i] += s * x[i]
						if x[i] == p.ArgMin[i] {
							x[i] += s * (d.High - d.Low)
						}
						if !d.Contains(x[i]) {
							continue
						}
						if got := p.Eval(x)[0]; got < p.Optimum && !near(got, p.Optimum) {
							t.Errorf("Eval(%v) = %v, below Optimum %v", x, got, p.Optimum)
						}
					}
				}
			}
		})
	}
}

func TestZDTFront(t *testing.T) {
	fronts := map[string]func(f1 float64) float64{
		"ZDT1": func(f1 float64) float64 { return 1 - math.Sqrt(f1) },
		"ZDT2": func(f1 float64) float64 { return 1 - f1*f1 },
	}
	for _, p := range functions.MultiObjective() {
		t.Run(p.Name, func(t *testing.T) {
			front := fronts[p.Name[:4]]
			var pts [][]float64
			x := make([]float64, len(p.Space))
			for i := range 10001 {
				x[0] = float64(i) / 10000
				f := p.Eval(x)
				if !near(f[1], front(f[0])) {
					t.Fatalf("Eval(%v) = %v, not on the front %v", x, f, front(f[0]))
				}
				pts = append(pts, f)
			}
			// The staircase under-estimates the front's area by at most the
			// sum of its steps' rectangles, 1/10000 here.
			hv := functions.Hypervolume2D(pts, p.Ref)
			if hv > p.FrontHV || p.FrontHV-hv > 1e-4 {
				t.Errorf("hypervolume of 10001 front points = %v, want within 1e-4 below FrontHV %v", hv, p.FrontHV)
			}
		})
	}
}

func TestPanics(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Rosenbrock(1)", func() { functions.Rosenbrock(1) }},
		{"Ackley(0)", func() { functions.Ackley(0) }},
		{"StyblinskiTang(0)", func() { functions.StyblinskiTang(0) }},
		{"Rastrigin(-1)", func() { functions.Rastrigin(-1) }},
		{"ZDT1(1)", func() { functions.ZDT1(1) }},
		{"ZDT2(1)", func() { functions.ZDT2(1) }},
		{"Branin short x", func() { functions.Branin().Eval([]float64{1}) }},
		{"ZDT1 long x", func() { functions.ZDT1(2).Eval([]float64{0, 0, 0}) }},
		{"Hypervolume2D 3-d ref", func() { functions.Hypervolume2D(nil, []float64{1, 1, 1}) }},
		{"Hypervolume2D 1-d point", func() { functions.Hypervolume2D([][]float64{{0}}, []float64{1, 1}) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("did not panic")
				}
			}()
			c.f()
		})
	}
}

// argMinSuggester answers each parameter with its value at the argmin, as
// a trial would give it (a categorical's choice, not its index).
type argMinSuggester struct {
	p functions.Problem
	i int
}

func (s *argMinSuggester) Suggest(name string, d core.Distribution) (any, error) {
	prm := s.p.Space[s.i]
	if prm.Name != name {
		return nil, fmt.Errorf("asked for %s, want %s", name, prm.Name)
	}
	s.i++
	return d.ToExternal(s.p.ArgMin[s.i-1]), nil
}

// TestEvaluate: asked through a trial, every problem's argmin gives its
// optimum, categorical choices included.
func TestEvaluate(t *testing.T) {
	for _, p := range functions.SingleObjective() {
		v, err := p.Evaluate(&argMinSuggester{p: p})
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if math.Abs(v[0]-p.Optimum) > 1e-9*max(1, math.Abs(p.Optimum)) {
			t.Errorf("%s: Evaluate at the argmin = %v, want %v", p.Name, v[0], p.Optimum)
		}
	}
}
