package hypervolume

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestCompute(t *testing.T) {
	for _, c := range []struct {
		name   string
		points [][]float64
		ref    []float64
		want   float64
	}{
		{"empty", nil, []float64{1, 1}, 0},
		{"one", [][]float64{{0, 0}}, []float64{2, 3}, 6},
		{"staircase", [][]float64{{0, 2}, {1, 1}, {2, 0}}, []float64{3, 3}, 6},
		{"dominated and equal", [][]float64{{1, 1}, {2, 2}, {1, 1}}, []float64{3, 3}, 4},
		{"outside the reference", [][]float64{{4, 0}, {1, 1}, {1, 3}}, []float64{3, 3}, 4},
		{"three-d one", [][]float64{{0, 0, 0}}, []float64{1, 2, 3}, 6},
		// Two unit-offset cubes: 8 + 8 - overlap 1*1*... : {0,0,1} and {1,1,0} against 2:
		// boxes 2*2*1=4 and 1*1*2=2, overlap 1*1*1=1.
		{"three-d two", [][]float64{{0, 0, 1}, {1, 1, 0}}, []float64{2, 2, 2}, 5},
		{"NaN", [][]float64{{math.NaN(), 0}, {1, 1}}, []float64{2, 2}, 1},
	} {
		if got := Compute(c.points, c.ref); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestMonteCarlo: in 3 and 4 objectives, the exact value agrees with a
// Monte Carlo estimate within its error.
func TestMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, d := range []int{3, 4} {
		var ps [][]float64
		for range 12 {
			p := make([]float64, d)
			for k := range p {
				p[k] = rng.Float64()
			}
			ps = append(ps, p)
		}
		ref := make([]float64, d)
		for k := range ref {
			ref[k] = 1
		}
		exact := Compute(ps, ref)
		const n = 400000
		in := 0
		x := make([]float64, d)
		for range n {
			for k := range x {
				x[k] = rng.Float64()
			}
			for _, p := range ps {
				if weaklyDominates(p, x) {
					in++
					break
				}
			}
		}
		mc := float64(in) / n
		if se := math.Sqrt(mc * (1 - mc) / n); math.Abs(exact-mc) > 5*se {
			t.Errorf("d=%d: exact %v, Monte Carlo %v (se %v)", d, exact, mc, se)
		}
	}
}
