package benchutil

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

type rankReference struct {
	MannWhitney []struct {
		A, B []float64
		P    float64
	} `json:"mann_whitney"`
	Holm []struct {
		P        []float64
		Adjusted []float64
	} `json:"holm"`
}

// TestRankReference checks MannWhitneyGreater and Holm against SciPy and
// statsmodels (testdata/gen_ranktest.py).
func TestRankReference(t *testing.T) {
	b, err := os.ReadFile("testdata/ranktest.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref rankReference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.MannWhitney) == 0 || len(ref.Holm) == 0 {
		t.Fatal("empty reference")
	}
	for i, c := range ref.MannWhitney {
		if got := MannWhitneyGreater(c.A, c.B); math.Abs(got-c.P) > 1e-9 {
			t.Errorf("case %d (%d vs %d values): p = %v, SciPy %v", i, len(c.A), len(c.B), got, c.P)
		}
	}
	for i, c := range ref.Holm {
		got := Holm(c.P)
		for j := range got {
			if math.Abs(got[j]-c.Adjusted[j]) > 1e-12 {
				t.Errorf("Holm case %d: %v, statsmodels %v", i, got, c.Adjusted)
				break
			}
		}
	}
}

func TestMannWhitneyEdges(t *testing.T) {
	// a entirely above b: the smallest p there is, 1/C(6,3).
	if p := MannWhitneyGreater([]float64{4, 5, 6}, []float64{1, 2, 3}); math.Abs(p-1.0/20) > 1e-15 {
		t.Errorf("separated: p = %v, want 1/20", p)
	}
	if p := MannWhitneyGreater([]float64{1, 2, 3}, []float64{4, 5, 6}); p != 1 {
		t.Errorf("below: p = %v, want 1", p)
	}
	// All tied: every split has the same rank sum.
	if p := MannWhitneyGreater([]float64{2, 2}, []float64{2, 2, 2}); p != 1 {
		t.Errorf("all tied: p = %v, want 1", p)
	}
	for _, c := range [][2][]float64{{nil, {1}}, {{1}, nil}, {{math.NaN()}, {1}}} {
		if p := MannWhitneyGreater(c[0], c[1]); !math.IsNaN(p) {
			t.Errorf("MannWhitneyGreater(%v, %v) = %v, want NaN", c[0], c[1], p)
		}
	}
	if got := Holm([]float64{math.NaN(), 0.02, 0.04}); !math.IsNaN(got[0]) || got[1] != 0.04 || got[2] != 0.04 {
		t.Errorf("Holm with a NaN: %v, want [NaN 0.04 0.04]", got)
	}
}
