package tpe

import "math"

// The truncated normal distribution, in log space where the tails need it.
// a and b are the truncation bounds in units of the standard normal.

const logSqrt2Pi = 0.9189385332046727417803297364056176398613974736377834128171515404 // log(sqrt(2 pi))

// logNdtr returns log Phi(a), the log of the standard normal CDF, accurate
// far into the left tail.
func logNdtr(a float64) float64 {
	switch {
	case a > 6:
		return -0.5 * math.Erfc(a/math.Sqrt2) // log(1 - Phi(-a)) ~ -Phi(-a)
	case a > -20:
		return math.Log(0.5 * math.Erfc(-a/math.Sqrt2))
	}
	// Asymptotic series of the Mills ratio.
	logLHS := -0.5*a*a - math.Log(-a) - logSqrt2Pi
	last, rhs, num, denom := 0.0, 1.0, 1.0, 1.0
	cons := 1 / (a * a)
	sign := 1.0
	for i := 1; math.Abs(last-rhs) > 1e-16 && i < 100; i++ {
		last = rhs
		sign = -sign
		denom *= cons
		num *= float64(2*i - 1)
		rhs += sign * num * denom
	}
	return logLHS + math.Log(rhs)
}

// ndtr returns Phi(a).
func ndtr(a float64) float64 { return 0.5 * math.Erfc(-a/math.Sqrt2) }

// logDiff returns log(exp(p) - exp(q)) for p >= q.
func logDiff(p, q float64) float64 { return p + math.Log1p(-math.Exp(q-p)) }

// logGaussMass returns log(Phi(b) - Phi(a)) for a <= b, working in the
// left tail where that is more accurate.
func logGaussMass(a, b float64) float64 {
	switch {
	case b <= 0:
		return logDiff(logNdtr(b), logNdtr(a))
	case a > 0:
		return logDiff(logNdtr(-a), logNdtr(-b))
	}
	// Central: one minus both tails; a tail beyond tailCut sigmas is left
	// out.
	var tails float64
	if a > -tailCut {
		tails += ndtr(a)
	}
	if b < tailCut {
		tails += ndtr(-b)
	}
	return math.Log1p(-tails)
}

// tailCut is where a normal tail is negligible beside 1: Phi(-7.1) < 1e-12,
// which changes a log mass by under 1e-12.
const tailCut = 7.1

// truncSample returns the quantile u in (0, 1) of the normal (mu, sigma)
// truncated to [low, high]: a draw when u is uniform.
func truncSample(u, low, high, mu, sigma float64) float64 {
	a, b := (low-mu)/sigma, (high-mu)/sigma
	var z float64
	if a < 0 {
		// log Phi(z) = log(Phi(a) + u (Phi(b) - Phi(a)))
		z = ndtriExp(logAdd(logNdtr(a), math.Log(u)+logGaussMass(a, b)))
	} else {
		// By symmetry, in the left tail of the mirrored distribution.
		z = -ndtriExp(logAdd(logNdtr(-b), math.Log1p(-u)+logGaussMass(a, b)))
	}
	return min(max(mu+sigma*z, low), high)
}

func logAdd(p, q float64) float64 {
	if p < q {
		p, q = q, p
	}
	if math.IsInf(q, -1) {
		return p
	}
	return p + math.Log1p(math.Exp(q-p))
}

// ndtriExp returns z with log Phi(z) = y (y <= 0): the inverse of logNdtr,
// by Wichura's algorithm AS 241, fed with log p so that the left tail has
// no underflow (AS 241 is accurate to about 1e-16 in p).
func ndtriExp(y float64) float64 {
	if y >= 0 {
		return math.Inf(1)
	}
	if math.IsInf(y, -1) {
		return math.Inf(-1)
	}
	var z float64
	p := math.Exp(y)
	q := p - 0.5
	switch {
	case math.Abs(q) <= 0.425:
		r := 0.180625 - q*q
		z = q * (((((((2509.0809287301226727*r+33430.575583588128105)*r+67265.770927008700853)*r+45921.953931549871457)*r+13731.693765509461125)*r+1971.5909503065514427)*r+133.14166789178437745)*r + 3.387132872796366608) /
			(((((((5226.495278852545925*r+28729.085735721942674)*r+39307.89580009271061)*r+21213.794301586595867)*r+5394.1960214247511077)*r+687.1870074920579083)*r+42.313330701600911252)*r + 1)
	default:
		var r float64
		if q < 0 {
			r = math.Sqrt(-y) // sqrt(-log p)
		} else {
			r = math.Sqrt(-math.Log(-math.Expm1(y))) // sqrt(-log(1-p))
		}
		if r <= 5 {
			r -= 1.6
			z = (((((((7.7454501427834140764e-4*r+0.0227238449892691845833)*r+0.24178072517745061177)*r+1.27045825245236838258)*r+3.64784832476320460504)*r+5.7694972214606914055)*r+4.6303378461565452959)*r + 1.42343711074968357734) /
				(((((((1.05075007164441684324e-9*r+5.475938084995344946e-4)*r+0.0151986665636164571966)*r+0.14810397642748007459)*r+0.68976733498510000455)*r+1.6763848301838038494)*r+2.05319162663775882187)*r + 1)
		} else {
			r -= 5
			z = (((((((2.01033439929228813265e-7*r+2.71155556874348757815e-5)*r+0.0012426609473880784386)*r+0.026532189526576123093)*r+0.29656057182850489123)*r+1.7848265399172913358)*r+5.4637849111641143699)*r + 6.6579046435011037772) /
				(((((((2.04426310338993978564e-15*r+1.4215117583164458887e-7)*r+1.8463183175100546818e-5)*r+7.868691311456132591e-4)*r+0.0148753612908506148525)*r+0.13692988092273580531)*r+0.59983220655588793769)*r + 1)
		}
		if q < 0 {
			z = -z
		}
	}
	return z
}
