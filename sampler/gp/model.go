package gp

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// MinNoiseVar is the smallest noise variance of a fitted model: it keeps the
// kernel matrix positive definite when points repeat (Optuna's default).
const MinNoiseVar = 1e-6

// Params are the hyperparameters of a GP with the Matern-5/2 kernel with
// automatic relevance determination:
//
//	k(x, y) = KernelScale m(r),  m(r) = (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r),
//	r^2 = sum_i InvSqLengthscales[i] d_i(x, y)^2,
//
// where d_i is x_i - y_i for a numeric coordinate and, for a categorical
// one (an index), 0 when x_i == y_i and 1 otherwise (Hamming distance, as
// Optuna's GPSampler does). Observations carry independent noise of
// variance NoiseVar.
type Params struct {
	InvSqLengthscales []float64
	KernelScale       float64
	NoiseVar          float64
}

// DefaultParams returns the starting point of a fit in d dimensions:
// every inverse squared lengthscale 1, KernelScale 1, NoiseVar 0.01.
func DefaultParams(d int) Params {
	p := Params{InvSqLengthscales: make([]float64, d), KernelScale: 1, NoiseVar: 0.01}
	for i := range p.InvSqLengthscales {
		p.InvSqLengthscales[i] = 1
	}
	return p
}

// matern52 returns m and dm/du at u = r^2.
func matern52(u float64) (m, dm float64) {
	r := math.Sqrt(u)
	e := math.Exp(-math.Sqrt(5) * r)
	return (1 + math.Sqrt(5)*r + 5.0/3.0*u) * e, -5.0 / 6.0 * (1 + math.Sqrt(5)*r) * e
}

// sqDist returns the weighted squared distance r^2 of x and y.
func sqDist(x, y []float64, cat []bool, lam []float64) float64 {
	u := 0.0
	for i := range x {
		d := x[i] - y[i]
		if cat[i] {
			if d != 0 {
				u += lam[i]
			}
			continue
		}
		u += lam[i] * d * d
	}
	return u
}

// Model is the posterior of a zero-mean GP given observations. It is
// immutable and safe for concurrent use.
type Model struct {
	d     int
	cat   []bool
	x     []float64 // n rows of d
	p     Params
	alpha []float64 // K^-1 y
	kinv  []float64 // K^-1, n by n
}

// ErrNotPositiveDefinite is returned when the kernel matrix cannot be
// factorized, even with added jitter.
var ErrNotPositiveDefinite = errors.New("gp: kernel matrix is not positive definite")

// NewModel returns the posterior of the GP with hyperparameters p given
// observations y at points x (each of length d = len(cat); cat[i] marks a
// categorical coordinate).
func NewModel(x [][]float64, y []float64, cat []bool, p Params) (*Model, error) {
	if len(x) != len(y) {
		return nil, fmt.Errorf("gp: %d points but %d values", len(x), len(y))
	}
	if len(p.InvSqLengthscales) != len(cat) {
		return nil, fmt.Errorf("gp: %d lengthscales for %d dimensions", len(p.InvSqLengthscales), len(cat))
	}
	m := &Model{d: len(cat), cat: cat, p: p, x: make([]float64, 0, len(x)*len(cat))}
	for _, row := range x {
		if len(row) != m.d {
			return nil, fmt.Errorf("gp: a point has %d coordinates, not %d", len(row), m.d)
		}
		m.x = append(m.x, row...)
	}
	n := len(y)
	k := mat.NewSymDense(max(n, 1), nil)
	if n == 0 {
		return m, nil
	}
	for i := range n {
		k.SetSym(i, i, p.KernelScale+p.NoiseVar)
		for j := range i {
			v, _ := matern52(sqDist(m.row(i), m.row(j), cat, p.InvSqLengthscales))
			k.SetSym(i, j, p.KernelScale*v)
		}
	}
	var chol mat.Cholesky
	if !factorize(&chol, k, p.KernelScale) {
		return nil, ErrNotPositiveDefinite
	}
	m.alpha = make([]float64, n)
	if err := chol.SolveVecTo(mat.NewVecDense(n, m.alpha), mat.NewVecDense(n, append([]float64(nil), y...))); err != nil {
		return nil, fmt.Errorf("gp: %w", err)
	}
	var inv mat.SymDense
	if err := chol.InverseTo(&inv); err != nil {
		return nil, fmt.Errorf("gp: %w", err)
	}
	m.kinv = make([]float64, n*n)
	for i := range n {
		for j := range n {
			m.kinv[i*n+j] = inv.At(i, j)
		}
	}
	return m, nil
}

// factorize factorizes k, adding a growing jitter (relative to scale) to
// its diagonal until it succeeds, up to 1e-2 scale.
func factorize(chol *mat.Cholesky, k *mat.SymDense, scale float64) bool {
	if chol.Factorize(k) {
		return true
	}
	n := k.SymmetricDim()
	added := 0.0
	for jitter := 1e-8 * scale; jitter <= 1e-2*scale; jitter *= 10 {
		for i := range n {
			k.SetSym(i, i, k.At(i, i)+jitter-added)
		}
		added = jitter
		if chol.Factorize(k) {
			return true
		}
	}
	return false
}

func (m *Model) row(i int) []float64 { return m.x[i*m.d : (i+1)*m.d] }

// N returns the number of observations.
func (m *Model) N() int { return len(m.alpha) }

// Predict returns the posterior mean and variance of the latent function
// (without the noise) at x.
func (m *Model) Predict(x []float64) (mean, variance float64) {
	return m.predict(x, make([]float64, 2*m.N()), nil, nil)
}

// predict is Predict with scratch space buf (2n) and, if dmean is not nil,
// the gradients of the mean and variance with respect to x's numeric
// coordinates (0 for the categorical ones).
func (m *Model) predict(x, buf, dmean, dvar []float64) (mean, variance float64) {
	n := m.N()
	s := m.p.KernelScale
	if n == 0 {
		for i := range dmean {
			dmean[i], dvar[i] = 0, 0
		}
		return 0, s
	}
	k, v := buf[:n], buf[n:2*n]
	lam := m.p.InvSqLengthscales
	for i := range n {
		kv, _ := matern52(sqDist(x, m.row(i), m.cat, lam))
		k[i] = s * kv
	}
	mean = floats.Dot(k, m.alpha)
	for i := range n {
		v[i] = floats.Dot(m.kinv[i*n:(i+1)*n], k)
	}
	variance = max(s-floats.Dot(k, v), 1e-12*s)
	if dmean == nil {
		return mean, variance
	}
	for j := range dmean {
		dmean[j], dvar[j] = 0, 0
	}
	for i := range n {
		xi := m.row(i)
		_, dm := matern52(sqDist(x, xi, m.cat, lam))
		a, b := m.alpha[i]*s*dm, -2*v[i]*s*dm
		for j := range m.d {
			if m.cat[j] {
				continue
			}
			du := 2 * lam[j] * (x[j] - xi[j])
			dmean[j] += a * du
			dvar[j] += b * du
		}
	}
	return mean, variance
}
