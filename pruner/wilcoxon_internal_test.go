package pruner

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestWilcoxonPMatchesSciPy checks the signed-rank p-values against SciPy
// 1.10's wilcoxon(zero_method="zsplit"): exact up to 50 differences,
// normal approximation with zeros or more; ties and zeros included.
func TestWilcoxonPMatchesSciPy(t *testing.T) {
	raw, err := os.ReadFile("testdata/wilcoxon.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Cases []struct {
			D           []float64
			Alternative string
			P           float64
		}
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) < 50 {
		t.Fatalf("%d cases", len(g.Cases))
	}
	for _, c := range g.Cases {
		got := wilcoxonP(c.D, c.Alternative == "less")
		if math.Abs(got-c.P) > 1e-12*math.Max(1, c.P) {
			t.Errorf("n=%d %s: p = %.15g, SciPy %.15g (d = %v)", len(c.D), c.Alternative, got, c.P, c.D)
		}
	}
}
