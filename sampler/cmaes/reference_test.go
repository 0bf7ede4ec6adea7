package cmaes

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// refCase is one case of testdata/reference.json, which
// testdata/gen_reference.py writes with the cmaes Python library.
type refCase struct {
	Kind        string      `json:"kind"`
	Dim         int         `json:"dim"`
	PopSize     int         `json:"popsize"`
	Mean0       []float64   `json:"mean0"`
	Sigma0      float64     `json:"sigma0"`
	Bounds      [][]float64 `json:"bounds"`
	Steps       []float64   `json:"steps"`
	Generations []struct {
		X          [][]float64 `json:"x"`
		Values     []float64   `json:"values"`
		Mean       []float64   `json:"mean"`
		Sigma      float64     `json:"sigma"`
		Pc         []float64   `json:"pc"`
		Ps         []float64   `json:"ps"`
		ShouldStop bool        `json:"should_stop"`
		Cov        []any       `json:"cov"`
		A          []float64   `json:"a"`
	} `json:"generations"`
}

func TestReference(t *testing.T) {
	data, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string]refCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	for name, rc := range cases {
		t.Run(name, func(t *testing.T) {
			o := Options{Mean: rc.Mean0, Sigma: rc.Sigma0, Separable: rc.Kind == "sep", Steps: rc.Steps}
			if rc.PopSize != DefaultPopSize(rc.Dim) {
				o.PopSize = rc.PopSize
			}
			for _, b := range rc.Bounds {
				o.Lower = append(o.Lower, b[0])
				o.Upper = append(o.Upper, b[1])
			}
			c, err := NewCMA(o)
			if err != nil {
				t.Fatal(err)
			}
			if c.PopSize() != rc.PopSize {
				t.Fatalf("PopSize %d, want %d", c.PopSize(), rc.PopSize)
			}
			for g, gen := range rc.Generations {
				sols := make([]Solution, len(gen.X))
				for i := range gen.X {
					sols[i] = Solution{X: gen.X[i], Value: gen.Values[i]}
				}
				if err := c.Tell(sols); err != nil {
					t.Fatal(err)
				}
				if got := c.ShouldStop(); got != gen.ShouldStop {
					t.Errorf("generation %d: ShouldStop %v, want %v", g, got, gen.ShouldStop)
				}
				// Round-trip through the state, as the sampler does.
				if c, err = FromState(c.State()); err != nil {
					t.Fatal(err)
				}
				s := c.State()
				check := func(what string, got, want []float64) {
					t.Helper()
					if len(got) != len(want) {
						t.Fatalf("generation %d: %s has length %d, want %d", g, what, len(got), len(want))
					}
					for i := range got {
						if !close(got[i], want[i], 1e-10) {
							t.Fatalf("generation %d: %s[%d] = %.17g, want %.17g", g, what, i, got[i], want[i])
						}
					}
				}
				check("mean", s.Mean, gen.Mean)
				check("sigma", []float64{s.Sigma}, []float64{gen.Sigma})
				check("ps", s.Ps, gen.Ps)
				check("pc", s.Pc, gen.Pc)
				var cov []float64
				for _, row := range gen.Cov {
					switch r := row.(type) {
					case []any:
						for _, v := range r {
							cov = append(cov, v.(float64))
						}
					case float64:
						cov = append(cov, r)
					}
				}
				check("C", s.C, cov)
				if rc.Kind == "wm" {
					check("A", s.A, gen.A)
				}
			}
		})
	}
}

// close reports whether a and b agree to tol, relative to their size when
// that is above 1.
func close(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*max(1, math.Abs(a), math.Abs(b))
}
