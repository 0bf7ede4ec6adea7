package gp

import "math"

// LogEI returns the logarithm of the expected improvement of a normal
// posterior N(mean, variance) over best, for maximization:
// log E[max(f - best, 0)] = log sigma + log h(z), where z = (mean-best)/sigma
// and h(z) = phi(z) + z Phi(z). It stays accurate, and finite, where the
// improvement underflows (z far below 0), as the LogEI of Ament et al.,
// "Unexpected Improvements to Expected Improvement for Bayesian
// Optimization" (NeurIPS 2023). A variance <= 0 gives -Inf unless mean >
// best (then log(mean-best)).
func LogEI(mean, variance, best float64) float64 {
	if !(variance > 0) {
		if mean > best {
			return math.Log(mean - best)
		}
		return math.Inf(-1)
	}
	sigma := math.Sqrt(variance)
	return math.Log(sigma) + logH((mean-best)/sigma)
}

const (
	logSqrt2Pi = 0.91893853320467274178 // log(2 pi)/2
	sqrtPi     = 1.77245385090551602730
)

// logH returns log(phi(z) + z Phi(z)).
func logH(z float64) float64 {
	switch {
	case math.IsNaN(z):
		return z
	case z > -1:
		return math.Log(phi(z) + z*bigPhi(z))
	case math.IsInf(z, -1):
		return z
	}
	// h(z) = phi(z) q(z), q = 1 - S, S = |z| Phi(z)/phi(z).
	return -z*z/2 - logSqrt2Pi + logQ(z)
}

// dLogH returns the derivative of logH: Phi(z)/h(z).
func dLogH(z float64) float64 {
	if z > -1 {
		return bigPhi(z) / (phi(z) + z*bigPhi(z))
	}
	if math.IsInf(z, -1) {
		return math.Inf(1)
	}
	if z <= -asymptoticFrom { // S/(|z| q) = |z| (1 - a q/a) / (q/a)
		a := 1 / (z * z)
		qa := qOverA(a)
		return -z * (1 - a*qa) / qa
	}
	s, q := sq(z)
	return s / (-z * q)
}

func phi(z float64) float64    { return math.Exp(-z*z/2 - logSqrt2Pi) }
func bigPhi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// asymptoticFrom is the |z| from which S and q come from the asymptotic
// series of erfcx: its terms (2k-1)!!/z^(2k) fall below 1e-28 of q by the
// 20th term.
const asymptoticFrom = 20

// sq returns S = |z| Phi(z)/phi(z) = sqrt(pi) x erfcx(x), x = -z/sqrt2, and
// q = 1 - S, for z <= -1, each to a few ulps.
func sq(z float64) (s, q float64) {
	if z > -asymptoticFrom {
		x := -z / math.Sqrt2
		hi := x * x
		lo := math.FMA(x, x, -hi) // x*x = hi + lo exactly
		s = sqrtPi * x * math.Exp(hi) * (1 + lo) * math.Erfc(x)
		return s, 1 - s
	}
	// q = a - 3a^2 + 15a^3 - ..., a = 1/z^2.
	a := 1 / (z * z)
	qa := qOverA(a)
	return 1 - a*qa, a * qa
}

// qOverA returns q/a = 1 - 3a + 15a^2 - 105a^3 + ... (20 terms).
func qOverA(a float64) float64 {
	sum, term := 1.0, 1.0
	for k := 2; k <= 20; k++ {
		term *= -float64(2*k-1) * a
		sum += term
	}
	return sum
}

// logQ returns log q(z) for z <= -1, without underflow.
func logQ(z float64) float64 {
	if z > -asymptoticFrom {
		_, q := sq(z)
		return math.Log(q)
	}
	a := 1 / (z * z)
	return -2*math.Log(-z) + math.Log(qOverA(a))
}
