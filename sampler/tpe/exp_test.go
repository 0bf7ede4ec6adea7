package tpe

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExpNonPos: within 6e-16 (3 ulp) of math.Exp over the range log-sum-exp uses
// and beyond, and exact at the edges.
func TestExpNonPos(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	worst := 0.0
	for i := range 1000000 {
		x := -rng.Float64() * 50
		if i%10 == 0 {
			x = -rng.Float64() * 700
		}
		want := math.Exp(x)
		got := expNonPos(x)
		worst = max(worst, math.Abs(got-want)/want)
	}
	if worst > 6e-16 {
		t.Errorf("largest relative error %g", worst)
	}
	for _, x := range []float64{0, -1e-300, -709, -745, -800, math.Inf(-1)} {
		if got, want := expNonPos(x), math.Exp(x); got != want && math.Abs(got-want) > 4e-16*want {
			t.Errorf("expNonPos(%v) = %v, want %v", x, got, want)
		}
	}
	if !math.IsNaN(expNonPos(math.NaN())) {
		t.Error("expNonPos(NaN) is not NaN")
	}
}

func BenchmarkExpNonPos(b *testing.B) {
	s := 0.0
	for i := 0; b.Loop(); i++ {
		s += expNonPos(-float64(i%1000) * 0.037)
	}
	_ = s
}

func BenchmarkExp(b *testing.B) {
	s := 0.0
	for i := 0; b.Loop(); i++ {
		s += math.Exp(-float64(i%1000) * 0.037)
	}
	_ = s
}
