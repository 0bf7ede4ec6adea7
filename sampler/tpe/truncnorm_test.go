package tpe

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestLogNdtr(t *testing.T) {
	for _, c := range []struct{ a, want float64 }{
		{0, math.Log(0.5)},
		{1, math.Log(0.8413447460685429)},
		{-3, math.Log(0.0013498980316300946)},
		// scipy.special.log_ndtr (SciPy 1.10):
		{8, -6.220960574271743e-16},
		{-25, -316.63940800802027},
		{-40, -804.6084420137539},
		{-100, -5005.524208694205},
	} {
		if got := logNdtr(c.a); math.Abs(got-c.want) > 1e-12*max(1, math.Abs(c.want)) {
			t.Errorf("logNdtr(%v) = %v, want %v", c.a, got, c.want)
		}
	}
}

// TestNdtriExp: the inverse of logNdtr, from the centre to far tails. In
// the right tail log Phi is near 0 and holds z to about 1e-16 / phi(z) only
// (truncSample mirrors a right-tail truncation to stay on the left).
func TestNdtriExp(t *testing.T) {
	for _, z := range []float64{-60, -30, -12, -5, -2, -0.5, 0, 0.3, 1, 3, 6} {
		y := logNdtr(z)
		tol := 1e-9 * max(1, math.Abs(z))
		if z > 3 {
			tol = 1e-7
		}
		if got := ndtriExp(y); math.Abs(got-z) > tol {
			t.Errorf("ndtriExp(logNdtr(%v)) = %v", z, got)
		}
	}
}

// TestTruncSample: draws stay in range and follow the truncated normal:
// their empirical CDF matches the exact one, also for a truncation far in
// a tail.
func TestTruncSample(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ low, high, mu, sigma float64 }{
		{-1, 1, 0, 1},
		{0, 10, 0, 0.1},
		{-5, 5, 4.9, 0.05},
		{0, 1, -3, 0.05}, // all the mass is in the far right tail
		{0, 1, 4, 0.05},
	} {
		const n = 20000
		var xs []float64
		for range n {
			x := truncSample(rng.Float64(), c.low, c.high, c.mu, c.sigma)
			if x < c.low || x > c.high || math.IsNaN(x) {
				t.Fatalf("%+v: draw %v out of range", c, x)
			}
			xs = append(xs, x)
		}
		a, b := (c.low-c.mu)/c.sigma, (c.high-c.mu)/c.sigma
		mass := logGaussMass(a, b)
		for _, q := range []float64{0.1, 0.5, 0.9} {
			// The q-quantile by bisection on the exact CDF.
			lo, hi := c.low, c.high
			for range 200 {
				m := (lo + hi) / 2
				if math.Exp(logGaussMass(a, (m-c.mu)/c.sigma)-mass) < q {
					lo = m
				} else {
					hi = m
				}
			}
			below := 0
			for _, x := range xs {
				if x <= lo {
					below++
				}
			}
			if got := float64(below) / n; math.Abs(got-q) > 0.015 {
				t.Errorf("%+v: %v of the draws below the %v-quantile %v", c, got, q, lo)
			}
		}
	}
}

// TestTruncLogPDF: the density integrates to 1 over its range.
func TestTruncLogPDF(t *testing.T) {
	for _, c := range []struct{ low, high, mu, sigma float64 }{{-5, 5, 1, 0.5}, {0, 1, 0.9, 2}, {0, 1, 3, 0.2}} {
		const steps = 200000
		h := (c.high - c.low) / steps
		s := 0.0
		for i := range steps {
			s += math.Exp(truncLogPDF(c.low+(float64(i)+0.5)*h, c.low, c.high, c.mu, c.sigma)) * h
		}
		if math.Abs(s-1) > 1e-6 {
			t.Errorf("%+v: integral %v", c, s)
		}
	}
}

// truncLogPDF returns the log density at x of the normal (mu, sigma)
// truncated to [low, high], as the estimator computes it (a test's
// reference: the estimator keeps the normaliser per kernel).
func truncLogPDF(x, low, high, mu, sigma float64) float64 {
	if x < low || x > high {
		return math.Inf(-1)
	}
	z := (x - mu) / sigma
	return -0.5*z*z - logSqrt2Pi - logGaussMass((low-mu)/sigma, (high-mu)/sigma) - math.Log(sigma)
}
