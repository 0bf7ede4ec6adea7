package pruner

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"
)

// TestNanPercentileGolden compares nanPercentile with numpy.nanpercentile;
// testdata/gen_pruner.py writes the golden values.
func TestNanPercentileGolden(t *testing.T) {
	b, err := os.ReadFile("testdata/percentile.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Cases []struct {
			Values []string `json:"values"`
			P      string   `json:"p"`
			Result string   `json:"result"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) == 0 {
		t.Fatal("no cases")
	}
	parse := func(s string) float64 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	for _, c := range g.Cases {
		vals := make([]float64, len(c.Values))
		for i, s := range c.Values {
			vals[i] = parse(s)
		}
		orig := append([]float64(nil), vals...)
		p, want := parse(c.P), parse(c.Result)
		got := nanPercentile(vals, p)
		if !closeOrSame(got, want) {
			t.Errorf("nanPercentile(%v, %v) = %v, numpy says %v", vals, p, got, want)
		}
		for i := range vals {
			if math.Float64bits(vals[i]) != math.Float64bits(orig[i]) {
				t.Errorf("nanPercentile changed its input: %v, was %v", vals, orig)
				break
			}
		}
	}
}

// closeOrSame reports whether got is want: NaN for NaN, the same infinity,
// or a finite value within 1e-12 relative.
func closeOrSame(got, want float64) bool {
	switch {
	case math.IsNaN(want):
		return math.IsNaN(got)
	case math.IsInf(want, 0):
		return got == want
	case math.IsNaN(got) || math.IsInf(got, 0):
		return false
	}
	return math.Abs(got-want) <= 1e-12*math.Max(math.Abs(want), math.SmallestNonzeroFloat64)
}

func TestNanPercentileSimple(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		vals []float64
		p    float64
		want float64
	}{
		{[]float64{3, 1, 2}, 50, 2},
		{[]float64{1, 2, 3, 4}, 50, 2.5},
		{[]float64{4, nan, 1, 2, 3}, 50, 2.5},
		{[]float64{1, 2, 3, 4}, 0, 1},
		{[]float64{1, 2, 3, 4}, 100, 4},
		{[]float64{1, 2, 3, 4, 5}, 25, 2},
		{[]float64{7}, 30, 7},
		{[]float64{nan}, 50, nan},
		{nil, 50, nan},
	}
	for _, tt := range tests {
		if got := nanPercentile(tt.vals, tt.p); !closeOrSame(got, tt.want) {
			t.Errorf("nanPercentile(%v, %v) = %v, want %v", tt.vals, tt.p, got, tt.want)
		}
	}
}
