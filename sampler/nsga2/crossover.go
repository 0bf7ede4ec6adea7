package nsga2

import (
	"math"
	"math/rand/v2"
)

// The crossovers of Config.Crossover.
const (
	Uniform  = "uniform"
	BLXAlpha = "blxalpha"
	SBX      = "sbx"
	VSBX     = "vsbx"
	UNDX     = "undx"
	SPX      = "spx"
)

// parentsOf returns how many parents the crossover called name needs, or 0
// for an unknown name.
func parentsOf(name string) int {
	switch name {
	case Uniform, BLXAlpha, SBX, VSBX:
		return 2
	case UNDX, SPX:
		return 3
	}
	return 0
}

// xparams are the parameters of the crossovers, defaults filled in.
type xparams struct {
	swap     float64 // uniform
	alpha    float64 // blxalpha
	eta      float64 // sbx, vsbx
	sigmaXi  float64 // undx
	sigmaEta float64 // undx
	epsilon  float64 // spx
}

// cross returns a child of parents, points in a space with bounds lo and
// hi, by the crossover called name. Each parent has len(lo) coordinates.
func cross(name string, p xparams, parents [][]float64, lo, hi []float64, rng *rand.Rand) []float64 {
	switch name {
	case BLXAlpha:
		return blxAlpha(parents, p.alpha, rng)
	case SBX:
		return sbx(parents, lo, hi, p.eta, rng)
	case VSBX:
		return vsbx(parents, p.eta, rng)
	case UNDX:
		return undx(parents, p.sigmaXi, p.sigmaEta, rng)
	case SPX:
		return spx(parents, p.epsilon, rng)
	}
	return uniform(parents, p.swap, rng)
}

// uniform is uniform crossover (Syswerda, "Uniform crossover in genetic
// algorithms", ICGA 1989): each coordinate is the first parent's with
// probability swap, else the last parent's (Optuna's mask convention).
func uniform(parents [][]float64, swap float64, rng *rand.Rand) []float64 {
	a, b := parents[0], parents[len(parents)-1]
	child := make([]float64, len(a))
	for i := range child {
		if rng.Float64() >= swap {
			child[i] = b[i]
		} else {
			child[i] = a[i]
		}
	}
	return child
}

// blxAlpha is blend crossover BLX-α (Eshelman and Schaffer, "Real-coded
// genetic algorithms and interval-schemata", FOGA 1992): each coordinate
// uniform on the parents' interval widened by alpha times its width on
// each side.
func blxAlpha(parents [][]float64, alpha float64, rng *rand.Rand) []float64 {
	child := make([]float64, len(parents[0]))
	for i := range child {
		lo, hi := parents[0][i], parents[0][i]
		for _, p := range parents[1:] {
			lo, hi = min(lo, p[i]), max(hi, p[i])
		}
		d := alpha * (hi - lo)
		lo, hi = lo-d, hi+d
		child[i] = (hi-lo)*rng.Float64() + lo
	}
	return child
}

// sbx is simulated binary crossover (Deb and Agrawal, "Simulated binary
// crossover for continuous search space", Complex Systems 9, 1995) with
// Optuna's bounded spread: it draws the two SBX children of each
// coordinate and keeps, each with probability 1/4, one of them or one of
// the parents' values.
func sbx(parents [][]float64, lo, hi []float64, eta float64, rng *rand.Rand) []float64 {
	n := len(parents[0])
	c1, c2 := make([]float64, n), make([]float64, n)
	e := 1 / (eta + 1)
	spread := func(u, beta float64) float64 {
		alpha := 2 - math.Pow(beta, -(eta+1))
		if u > 1/alpha {
			return math.Pow(1/(2-u*alpha), e)
		}
		return math.Pow(u*alpha, e)
	}
	for i := range n {
		xmin, xmax := min(parents[0][i], parents[1][i]), max(parents[0][i], parents[1][i])
		diff := max(xmax-xmin, 1e-10)
		beta1 := 1 + 2*(xmin-lo[i])/diff
		beta2 := 1 + 2*(hi[i]-xmax)/diff
		u := rng.Float64()
		c1[i] = 0.5 * ((xmin + xmax) - spread(u, beta1)*diff)
		c2[i] = 0.5 * ((xmin + xmax) + spread(u, beta2)*diff)
	}
	return pick(c1, c2, parents, rng)
}

// vsbx is vSBX (Ballester and Carter, "Real-parameter genetic algorithms
// for finding multiple optimal solutions in multi-modal optimization",
// GECCO 2003), an SBX that excludes no region, with the same choice among
// two children and the parents as sbx.
func vsbx(parents [][]float64, eta float64, rng *rand.Rand) []float64 {
	n := len(parents[0])
	c1, c2 := make([]float64, n), make([]float64, n)
	e := 1 / (eta + 1)
	for i := range n {
		u := rng.Float64()
		b1, b2 := math.Pow(u/2, e), math.Pow((1-u)/2, e)
		x1, x2 := parents[0][i], parents[1][i]
		if u > 0.5 {
			x1, x2 = x2, x1
		}
		c1[i] = 0.5 * ((1+b1)*x1 + (1-b1)*x2)
		c2[i] = 0.5 * ((3-b2)*x1 - (1-b2)*x2)
	}
	return pick(c1, c2, parents, rng)
}

// pick returns, coordinate by coordinate, c1 or c2 with probability 1/4
// each, else the first or the second parent's value.
func pick(c1, c2 []float64, parents [][]float64, rng *rand.Rand) []float64 {
	child := make([]float64, len(c1))
	for i := range child {
		switch cross, first := rng.Float64() < 0.5, rng.Float64() < 0.5; {
		case cross && first:
			child[i] = c1[i]
		case cross:
			child[i] = c2[i]
		case first:
			child[i] = parents[0][i]
		default:
			child[i] = parents[1][i]
		}
	}
	return child
}

// undx is unimodal normal distribution crossover (Kita, Ono and Kobayashi,
// "Multi-parental extension of the unimodal normal distribution crossover
// for real-coded genetic algorithms", CEC 1999): the parents' midpoint plus
// a normal step along the line through the first two parents and normal
// steps orthogonal to it, scaled by the third parent's distance to that
// line. As in Optuna 3.1, sigmaXi² and sigmaEta² are the standard
// deviations of these steps.
func undx(parents [][]float64, sigmaXi, sigmaEta float64, rng *rand.Rand) []float64 {
	x1, x2, x3 := parents[0], parents[1], parents[2]
	n := len(x1)
	etas := make([]float64, n)
	for i := range etas {
		etas[i] = rng.NormFloat64() * sigmaEta * sigmaEta
	}
	xi := rng.NormFloat64() * sigmaXi * sigmaXi
	child := make([]float64, n)
	for i := range child {
		child[i] = (x1[i]+x2[i])/2 + xi*(x1[i]-x2[i])
	}
	if n == 1 {
		return child
	}
	e12 := make([]float64, n)
	for i := range e12 {
		e12[i] = x2[i] - x1[i]
	}
	norm := math.Sqrt(dot(e12, e12))
	for i := range e12 {
		e12[i] /= max(norm, 1e-10)
	}
	// The distance from x3 to the line through x1 and x2.
	v := make([]float64, n)
	for i := range v {
		v[i] = x3[i] - x1[i]
	}
	p := dot(v, e12)
	for i := range v {
		v[i] -= p * e12[i]
	}
	dist := math.Sqrt(dot(v, v))
	for k, e := range orthoBasis(e12)[1:] {
		for i := range child {
			child[i] += dist * etas[k] * e[i]
		}
	}
	return child
}

// orthoBasis returns an orthonormal basis of R^n whose first vector is e
// (a unit vector, or zero), the others completing it: Gram-Schmidt over e
// and the standard basis vectors, skipping those that depend on the ones
// before. With e zero it is the standard basis.
func orthoBasis(e []float64) [][]float64 {
	n := len(e)
	basis := make([][]float64, 0, n)
	try := func(v []float64) {
		for _, b := range basis {
			p := dot(v, b)
			for i := range v {
				v[i] -= p * b[i]
			}
		}
		if norm := math.Sqrt(dot(v, v)); norm > 1e-8 {
			for i := range v {
				v[i] /= norm
			}
			basis = append(basis, v)
		}
	}
	if dot(e, e) > 0.5 {
		basis = append(basis, append([]float64(nil), e...))
	} else {
		basis = append(basis, unit(n, 0))
	}
	for k := 0; k < n && len(basis) < n; k++ {
		try(unit(n, k))
	}
	return basis
}

func unit(n, k int) []float64 {
	v := make([]float64, n)
	v[k] = 1
	return v
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// spx is simplex crossover (Tsutsui, Goldberg and Sastry, "Progress toward
// linkage learning in real-coded GAs with simplex crossover", IlliGAL
// report 2000): a point uniform in the parents' simplex expanded by
// epsilon about its centroid.
func spx(parents [][]float64, epsilon float64, rng *rand.Rand) []float64 {
	n := len(parents[0])
	k := len(parents)
	g := make([]float64, n)
	for _, p := range parents {
		for i := range g {
			g[i] += p[i] / float64(k)
		}
	}
	xs := make([][]float64, k)
	for j, p := range parents {
		xs[j] = make([]float64, n)
		for i := range g {
			xs[j][i] = g[i] + epsilon*(p[i]-g[i])
		}
	}
	c := make([]float64, n)
	for j := 1; j < k; j++ {
		r := math.Pow(rng.Float64(), 1/float64(j))
		for i := range c {
			c[i] = r * (xs[j-1][i] - xs[j][i] + c[i])
		}
	}
	for i := range c {
		c[i] += xs[k-1][i]
	}
	return c
}
