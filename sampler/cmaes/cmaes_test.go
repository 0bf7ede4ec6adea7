package cmaes

import (
	"math"
	"math/rand/v2"
	"testing"
)

func sphere(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return s
}

func rosenbrock(x []float64) float64 {
	s := 0.0
	for i := 0; i+1 < len(x); i++ {
		s += 100*(x[i+1]-x[i]*x[i])*(x[i+1]-x[i]*x[i]) + (1-x[i])*(1-x[i])
	}
	return s
}

func rastrigin(x []float64) float64 {
	s := 10 * float64(len(x))
	for _, v := range x {
		s += v*v - 10*math.Cos(2*math.Pi*v)
	}
	return s
}

// ellipsoid is separable and ill-conditioned (1e6).
func ellipsoid(x []float64) float64 {
	s := 0.0
	for i, v := range x {
		s += math.Pow(1e6, float64(i)/float64(len(x)-1)) * v * v
	}
	return s
}

// minimize runs c on f for at most evals evaluations and returns the best
// value and the evaluations used.
func minimize(t *testing.T, c *CMA, f func([]float64) float64, evals int, rng *rand.Rand) (float64, int) {
	t.Helper()
	best, n := math.Inf(1), 0
	for n < evals {
		sols := make([]Solution, c.PopSize())
		for i := range sols {
			x, raw := c.Ask(rng)
			sols[i] = Solution{X: raw, Value: f(x)}
			best = min(best, sols[i].Value)
			n++
		}
		if err := c.Tell(sols); err != nil {
			t.Fatal(err)
		}
		if best < 1e-10 || c.ShouldStop() {
			break
		}
	}
	return best, n
}

func fill(n int, v float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

func TestConverges(t *testing.T) {
	for _, tc := range []struct {
		name      string
		f         func([]float64) float64
		separable bool
		mean      float64
		evals     int
	}{
		{"sphere", sphere, false, 3, 3000},
		{"rosenbrock", rosenbrock, false, 0, 20000},
		{"sep-sphere", sphere, true, 3, 3000},
		{"sep-ellipsoid", ellipsoid, true, 3, 20000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewCMA(Options{Mean: fill(5, tc.mean), Sigma: 2, Separable: tc.separable})
			if err != nil {
				t.Fatal(err)
			}
			best, n := minimize(t, c, tc.f, tc.evals, rand.New(rand.NewPCG(1, 2)))
			if best >= 1e-8 {
				t.Errorf("best %g after %d evaluations, want < 1e-8", best, n)
			}
			t.Logf("best %g after %d evaluations", best, n)
		})
	}
}

// Sep-CMA-ES, whose covariance learns faster, beats full CMA-ES on a
// separable ill-conditioned function in 10 dimensions.
func TestSeparableFasterOnEllipsoid(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: two CMA-ES runs of thousands of evaluations on a 10-d ellipsoid (CI runs it)")
	}
	evals := func(sep bool) int {
		c, _ := NewCMA(Options{Mean: fill(10, 3), Sigma: 2, Separable: sep})
		_, n := minimize(t, c, ellipsoid, 40000, rand.New(rand.NewPCG(3, 4)))
		return n
	}
	full, sep := evals(false), evals(true)
	t.Logf("evaluations to 1e-10: full %d, separable %d", full, sep)
	if sep >= full {
		t.Errorf("separable took %d evaluations, full %d", sep, full)
	}
}

func TestBoundsRespected(t *testing.T) {
	lo, hi := []float64{0, 0, 0}, []float64{1, 1, 1}
	c, _ := NewCMA(Options{Mean: []float64{0.5, 0.5, 0.5}, Sigma: 5, Lower: lo, Upper: hi, MaxResample: 3})
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		x, _ := c.Ask(rng)
		for i := range x {
			if x[i] < lo[i] || x[i] > hi[i] {
				t.Fatalf("Ask gave %v, outside the bounds", x)
			}
		}
	}
}

// runRestarts minimizes Rastrigin with restarts and returns the
// population sizes of the runs.
func runRestarts(t *testing.T, strategy string, budget int) []int {
	t.Helper()
	lo, hi := fill(4, -5.12), fill(4, 5.12)
	base := Options{Mean: fill(4, 1), Sigma: 2, Lower: lo, Upper: hi}
	c, err := NewCMA(base)
	if err != nil {
		t.Fatal(err)
	}
	r := Restarts{Strategy: strategy}
	rng := rand.New(rand.NewPCG(7, 8))
	pops := []int{c.PopSize()}
	for n := 0; n < budget; {
		sols := make([]Solution, c.PopSize())
		for i := range sols {
			x, raw := c.Ask(rng)
			sols[i] = Solution{X: raw, Value: rastrigin(x)}
			n++
		}
		if err := c.Tell(sols); err != nil {
			t.Fatal(err)
		}
		if c.ShouldStop() {
			if c, err = r.Next(c, base, rng); err != nil {
				t.Fatal(err)
			}
			pops = append(pops, c.PopSize())
		}
	}
	if r.Count != len(pops)-1 {
		t.Errorf("Count %d after %d restarts", r.Count, len(pops)-1)
	}
	return pops
}

func TestIPOP(t *testing.T) {
	pops := runRestarts(t, IPOP, 30000)
	if len(pops) < 3 {
		t.Fatalf("populations %v: want at least two restarts on Rastrigin", pops)
	}
	for i := 1; i < len(pops); i++ {
		if pops[i] != 2*pops[i-1] {
			t.Errorf("populations %v: each restart should double it", pops)
		}
	}
}

func TestBIPOP(t *testing.T) {
	pops := runRestarts(t, BIPOP, 30000)
	if len(pops) < 4 {
		t.Fatalf("populations %v: want at least three restarts on Rastrigin", pops)
	}
	// Large runs double the population of the last large run; small runs
	// stay between the default and the last large population.
	def, large, sawSmall, sawLarge := pops[0], pops[0], false, false
	for _, p := range pops[1:] {
		switch {
		case p == 2*large:
			large, sawLarge = p, true
		case p >= 2 && p <= large:
			sawSmall = true
		default:
			t.Errorf("populations %v: %d is neither large nor small (default %d)", pops, p, def)
		}
	}
	if !sawSmall || !sawLarge {
		t.Errorf("populations %v: want both regimes", pops)
	}
}

// With the margin, an integer coordinate keeps a probability of at least
// the margin of leaving the value its mean encodes to, even when every
// solution prefers that value; without it the coordinate collapses.
func TestMarginKeepsIntegersOpen(t *testing.T) {
	lo, hi := []float64{-5, 0}, []float64{5, 10}
	f := func(x []float64) float64 { return x[0]*x[0] + math.Abs(x[1]-3) }
	for _, margin := range []bool{true, false} {
		o := Options{Mean: []float64{1, 5}, Sigma: 2, Lower: lo, Upper: hi}
		if margin {
			o.Steps = []float64{0, 1}
		}
		c, err := NewCMA(o)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(9, 10))
		for range 300 {
			sols := make([]Solution, c.PopSize())
			for i := range sols {
				x, raw := c.Ask(rng)
				x[1] = math.Round(x[1])
				sols[i] = Solution{X: raw, Value: f(x)}
			}
			if err := c.Tell(sols); err != nil {
				t.Fatal(err)
			}
		}
		s := c.State()
		if !margin {
			if sd := s.Sigma * math.Sqrt(s.C[3]); sd > 1e-3 {
				t.Errorf("without margin, the integer's deviation is %g; want it collapsed", sd)
			}
			continue
		}
		// The probability that the encoded integer differs from 3.
		k := c.level(1, s.Mean[1])
		if k != 3 {
			t.Errorf("mean %v encodes to %d, want 3", s.Mean[1], k)
		}
		sd := s.Sigma * s.A[1] * math.Sqrt(s.C[3])
		leave := normCDF(2.5, s.Mean[1], sd) + 1 - normCDF(3.5, s.Mean[1], sd)
		if leave < s.Margin*(1-1e-6) {
			t.Errorf("probability of leaving 3 is %g, below the margin %g", leave, s.Margin)
		}
		// And sampling agrees.
		moved := 0
		const n = 20000
		for range n {
			if x, _ := c.Ask(rng); x[1] != 3 {
				moved++
			}
		}
		if float64(moved)/n < s.Margin/2 {
			t.Errorf("%d of %d samples left 3; margin %g", moved, n, s.Margin)
		}
	}
}

func TestNewCMAErrors(t *testing.T) {
	for _, o := range []Options{
		{},
		{Mean: []float64{0, 0}},
		{Mean: []float64{0, 0}, Sigma: math.NaN()},
		{Mean: []float64{0, 0}, Sigma: 1, PopSize: 1},
		{Mean: []float64{0, 0}, Sigma: 1, Lower: []float64{1, 1}, Upper: []float64{2, 2}},
		{Mean: []float64{0, 0}, Sigma: 1, Steps: []float64{1, 0}},
		{Mean: []float64{0, 0}, Sigma: 1, Lower: []float64{-1}},
		{Mean: []float64{0, 0}, Sigma: 1, Margin: 0.5},
	} {
		if _, err := NewCMA(o); err == nil {
			t.Errorf("NewCMA(%+v) succeeded", o)
		}
	}
	c, _ := NewCMA(Options{Mean: []float64{0, 0}, Sigma: 1})
	if err := c.Tell([]Solution{{X: []float64{0, 0}}}); err == nil {
		t.Error("Tell with too few solutions succeeded")
	}
	sols := make([]Solution, c.PopSize())
	for i := range sols {
		sols[i] = Solution{X: []float64{0, 0}, Value: math.NaN()}
	}
	if err := c.Tell(sols); err == nil {
		t.Error("Tell with NaN values succeeded")
	}
}

func TestOneDimension(t *testing.T) {
	c, err := NewCMA(Options{Mean: []float64{3}, Sigma: 1})
	if err != nil {
		t.Fatal(err)
	}
	if best, _ := minimize(t, c, sphere, 2000, rand.New(rand.NewPCG(1, 1))); best > 1e-8 {
		t.Errorf("best %g", best)
	}
}
