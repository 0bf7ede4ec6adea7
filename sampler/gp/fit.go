package gp

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// The bounds of the fitted hyperparameters, in log space: inverse squared
// lengthscales in [1e-4, 1e4], the kernel scale in [1e-3, 1e3], and the
// noise variance above MinNoiseVar by [2e-9, 7.4].
var (
	logLamBounds   = [2]float64{-9.2, 9.2}
	logScaleBounds = [2]float64{-6.9, 6.9}
	logNoiseBounds = [2]float64{-20, 2}
)

// logPrior returns Optuna's log prior density of p (up to a constant) and
// its gradient with respect to the log hyperparameters (theta, see
// mapObjective):
//
//   - each inverse squared lengthscale l: -(0.1/l + 0.1 l), which vanishes
//     at 0 and infinity;
//   - the kernel scale: a Gamma(2, 1) prior;
//   - the noise variance: a Gamma(1.1, 30) prior.
func logPrior(p Params, grad []float64) float64 {
	d := len(p.InvSqLengthscales)
	v := 0.0
	for i, l := range p.InvSqLengthscales {
		v -= 0.1/l + 0.1*l
		if grad != nil {
			grad[i] = 0.1/l - 0.1*l // l * d/dl
		}
	}
	s, e := p.KernelScale, p.NoiseVar
	v += math.Log(s) - s
	v += 0.1*math.Log(e) - 30*e
	if grad != nil {
		grad[d] = 1 - s                              // s * d/ds
		grad[d+1] = (e - MinNoiseVar) * (0.1/e - 30) // (e - min) * d/de
	}
	return v
}

// paramsOf returns the hyperparameters at theta.
func paramsOf(theta []float64, p *Params) {
	d := len(theta) - 2
	if len(p.InvSqLengthscales) != d {
		p.InvSqLengthscales = make([]float64, d)
	}
	for i := range d {
		p.InvSqLengthscales[i] = math.Exp(theta[i])
	}
	p.KernelScale = math.Exp(theta[d])
	p.NoiseVar = MinNoiseVar + math.Exp(theta[d+1])
}

// thetaOf returns p's log hyperparameters, clamped into their bounds.
func thetaOf(p Params) []float64 {
	d := len(p.InvSqLengthscales)
	t := make([]float64, d+2)
	for i, l := range p.InvSqLengthscales {
		t[i] = clampLog(l, logLamBounds)
	}
	t[d] = clampLog(p.KernelScale, logScaleBounds)
	t[d+1] = clampLog(p.NoiseVar-MinNoiseVar, logNoiseBounds)
	return t
}

func clampLog(v float64, b [2]float64) float64 {
	if !(v > 0) {
		return b[0]
	}
	return min(max(math.Log(v), b[0]), b[1])
}

// mapObjective is the negative log posterior of the hyperparameters,
// -(log marginal likelihood + log prior), as a function of theta = (log
// InvSqLengthscales..., log KernelScale, log(NoiseVar - MinNoiseVar)).
type mapObjective struct {
	n, d int
	cat  []bool
	y    []float64
	dist []float64 // per pair i > j (in order), d squared coordinate distances

	p        Params
	k        *mat.SymDense
	chol     mat.Cholesky
	inv      mat.SymDense
	alpha    *mat.VecDense
	yv       *mat.VecDense
	mv, dmv  []float64 // m(u) and m'(u) per pair
	priorGrd []float64
}

func newMAPObjective(x [][]float64, y []float64, cat []bool) *mapObjective {
	n, d := len(y), len(cat)
	o := &mapObjective{n: n, d: d, cat: cat, y: y, k: mat.NewSymDense(n, nil),
		alpha: mat.NewVecDense(n, nil), yv: mat.NewVecDense(n, append([]float64(nil), y...)),
		mv: make([]float64, n*(n-1)/2), dmv: make([]float64, n*(n-1)/2), priorGrd: make([]float64, d+2)}
	o.dist = make([]float64, 0, n*(n-1)/2*d)
	for i := range n {
		for j := range i {
			for c := range d {
				dd := x[i][c] - x[j][c]
				switch {
				case cat[c] && dd != 0:
					dd = 1
				case cat[c]:
					dd = 0
				}
				o.dist = append(o.dist, dd*dd)
			}
		}
	}
	return o
}

// eval returns the objective at theta and writes its gradient into grad,
// or returns +Inf when the kernel matrix is not positive definite.
func (o *mapObjective) eval(theta, grad []float64) float64 {
	paramsOf(theta, &o.p)
	n, d := o.n, o.d
	lam, s, e := o.p.InvSqLengthscales, o.p.KernelScale, o.p.NoiseVar
	p := 0
	for i := range n {
		o.k.SetSym(i, i, s+e)
		for j := range i {
			u := 0.0
			for c, dd := range o.dist[p*d : (p+1)*d] {
				u += lam[c] * dd
			}
			o.mv[p], o.dmv[p] = matern52(u)
			o.k.SetSym(i, j, s*o.mv[p])
			p++
		}
	}
	if !o.chol.Factorize(o.k) {
		for i := range grad {
			grad[i] = 0
		}
		return math.Inf(1)
	}
	if err := o.chol.SolveVecTo(o.alpha, o.yv); err != nil {
		return math.Inf(1)
	}
	if err := o.chol.InverseTo(&o.inv); err != nil {
		return math.Inf(1)
	}
	a := o.alpha.RawVector().Data
	lml := -0.5*dot(o.y, a) - 0.5*o.chol.LogDet() - 0.5*float64(n)*math.Log(2*math.Pi)
	lp := logPrior(o.p, o.priorGrd)

	// d lml / d theta_c = 1/2 tr(W dK/dtheta_c), W = alpha alpha^T - K^-1.
	for c := range grad {
		grad[c] = 0
	}
	raw := o.inv.RawSymmetric() // upper triangle
	diag := 0.0
	for i := range n {
		diag += a[i]*a[i] - raw.Data[i*raw.Stride+i]
	}
	gs := 0.5 * diag
	p = 0
	for i := range n {
		for j := range i {
			w := a[i]*a[j] - raw.Data[j*raw.Stride+i]
			gs += w * o.mv[p]
			wd := w * s * o.dmv[p]
			for c, dd := range o.dist[p*d : (p+1)*d] {
				grad[c] += wd * dd
			}
			p++
		}
	}
	for c := range d {
		grad[c] *= lam[c]
	}
	grad[d] = gs * s
	grad[d+1] = 0.5 * diag * (e - MinNoiseVar)
	for c := range grad {
		grad[c] = -(grad[c] + o.priorGrd[c])
	}
	return -(lml + lp)
}

// Fit returns the maximum a posteriori hyperparameters of a GP given
// observations y at points x (see NewModel), by a bounded quasi-Newton
// search from init (DefaultParams if its dimension does not match) of at
// most maxIter iterations (0 means 200). The log posterior is the log
// marginal likelihood plus Optuna's log priors (see logPrior); the search
// runs over the logs of the hyperparameters, within fixed bounds. When
// the search fails from init, Fit returns init, clamped into the bounds.
func Fit(x [][]float64, y []float64, cat []bool, init Params, maxIter int) (Params, error) {
	if len(x) != len(y) {
		return Params{}, fmt.Errorf("gp: %d points but %d values", len(x), len(y))
	}
	d := len(cat)
	if len(init.InvSqLengthscales) != d {
		init = DefaultParams(d)
	}
	if maxIter <= 0 {
		maxIter = 200
	}
	theta0 := thetaOf(init)
	lo, hi := make([]float64, d+2), make([]float64, d+2)
	for i := range d {
		lo[i], hi[i] = logLamBounds[0], logLamBounds[1]
	}
	lo[d], hi[d] = logScaleBounds[0], logScaleBounds[1]
	lo[d+1], hi[d+1] = logNoiseBounds[0], logNoiseBounds[1]
	var out Params
	if len(y) == 0 {
		paramsOf(theta0, &out)
		return out, nil
	}
	o := newMAPObjective(x, y, cat)
	res := minimizeBounded(o.eval, theta0, lo, hi, boundedSettings{MaxIter: maxIter, GradTol: 1e-2, FTol: 1e-9})
	paramsOf(res.X, &out)
	return out, nil
}
