package cmaes

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
)

const (
	eps      = 1e-8 // floor of the eigenvalues, as the cmaes library
	meanMax  = 1e32
	sigmaMax = 1e32
)

// Options sets up a CMA. Mean and Sigma are required; the rest have
// documented zero values.
type Options struct {
	// Mean is the initial mean; its length is the dimension (at least 1).
	Mean []float64
	// Sigma is the initial step size; it must be positive.
	Sigma float64
	// Lower and Upper bound each coordinate (nil: unbounded; an infinite
	// entry leaves that side open). Mean must lie within them.
	Lower, Upper []float64
	// Steps, when not nil, marks discrete coordinates for the margin
	// correction (CMA-ES with Margin): a positive Steps[i] makes coordinate
	// i take only the values Lower[i], Lower[i]+Steps[i], ..., Upper[i];
	// 0 leaves it continuous. A discrete coordinate needs finite bounds.
	Steps []float64
	// Margin is the least probability, per discrete coordinate, of sampling
	// away from the value the mean encodes to. 0 means 1/(dim*PopSize), as
	// Hamano et al. recommend. It is unused without discrete coordinates.
	Margin float64
	// PopSize is the number of solutions per generation. 0 means
	// 4+floor(3 ln dim); it must be at least 2.
	PopSize int
	// Separable restricts the covariance to a diagonal (sep-CMA-ES, Ros and
	// Hansen 2008), with the larger learning rates that allows.
	Separable bool
	// MaxResample is how many times Ask redraws a solution outside the
	// bounds before it clips one to them. 0 means 100, as the cmaes library.
	MaxResample int
}

// State is the whole mutable state of a CMA, with the options it was made
// with; the learning rates are derived from it. It holds only finite
// numbers when the optimizer is healthy, and marshals to JSON.
type State struct {
	Dim       int       `json:"dim"`
	PopSize   int       `json:"popsize"`
	Separable bool      `json:"separable,omitempty"`
	Mean      []float64 `json:"mean"`
	Sigma     float64   `json:"sigma"`
	// C is the covariance: row-major dim x dim, or its diagonal when
	// Separable.
	C           []float64 `json:"c"`
	Pc          []float64 `json:"pc"`
	Ps          []float64 `json:"ps"`
	Generation  int       `json:"generation"`
	FunHist     []float64 `json:"funhist"`
	TolX        float64   `json:"tolx"`
	Lower       []float64 `json:"lower,omitempty"`
	Upper       []float64 `json:"upper,omitempty"`
	Steps       []float64 `json:"steps,omitempty"`
	Margin      float64   `json:"margin,omitempty"`
	A           []float64 `json:"a,omitempty"`
	MaxResample int       `json:"max_resample"`
}

// Solution is an evaluated point: X as Ask returned it second (the raw
// point, which for continuous problems is the point itself) and its value,
// lower being better.
type Solution struct {
	X     []float64
	Value float64
}

// CMA is the CMA-ES optimizer (Hansen, "The CMA Evolution Strategy: A
// Tutorial", 2016), with the active (negative-weight) covariance update of
// the tutorial's default, the diagonal sep-CMA-ES variant, and the margin
// correction for discrete coordinates (Hamano et al., "CMA-ES with Margin",
// GECCO 2022). It follows the cmaes Python library step by step, so that
// the same solutions told give the same states. It is not safe for
// concurrent use.
type CMA struct {
	s State

	// Derived constants.
	mu                   int
	muEff                float64
	weights              []float64
	cc, c1, cmu, cs, ds  float64
	chiN                 float64
	funTerm              int
	discrete, continuous []int

	// Eigendecomposition of C, cached until the next Tell: C = B D^2 B^T
	// (D holds the square roots of the eigenvalues; B is nil when
	// Separable).
	b *mat.Dense
	d []float64
}

// NewCMA returns a CMA with options o, or an error naming the bad option.
func NewCMA(o Options) (*CMA, error) {
	n := len(o.Mean)
	switch {
	case n == 0:
		return nil, errors.New("cmaes: Mean is empty")
	case !(o.Sigma > 0) || math.IsInf(o.Sigma, 0):
		return nil, fmt.Errorf("cmaes: Sigma is %v; it must be positive and finite", o.Sigma)
	case o.PopSize < 0 || o.PopSize == 1:
		return nil, fmt.Errorf("cmaes: PopSize is %d; it must be at least 2 (0 means the default)", o.PopSize)
	case o.MaxResample < 0:
		return nil, fmt.Errorf("cmaes: MaxResample is %d; it must not be negative", o.MaxResample)
	case o.Lower != nil && len(o.Lower) != n, o.Upper != nil && len(o.Upper) != n, o.Steps != nil && len(o.Steps) != n:
		return nil, errors.New("cmaes: Lower, Upper and Steps must be nil or as long as Mean")
	case math.IsNaN(o.Margin) || o.Margin < 0 || o.Margin >= 0.5:
		return nil, fmt.Errorf("cmaes: Margin is %v; it must be in [0, 0.5)", o.Margin)
	}
	for i, m := range o.Mean {
		if !(math.Abs(m) < meanMax) {
			return nil, fmt.Errorf("cmaes: Mean[%d] is %v; it must be finite and below %g in magnitude", i, m, meanMax)
		}
		if o.Lower != nil && !(o.Lower[i] <= m) || o.Upper != nil && !(m <= o.Upper[i]) {
			return nil, fmt.Errorf("cmaes: Mean[%d] = %v is out of bounds", i, m)
		}
	}
	pop := o.PopSize
	if pop == 0 {
		pop = DefaultPopSize(n)
	}
	s := State{
		Dim: n, PopSize: pop, Separable: o.Separable,
		Mean: slices.Clone(o.Mean), Sigma: o.Sigma,
		Pc: make([]float64, n), Ps: make([]float64, n),
		TolX: 1e-12 * o.Sigma, Lower: slices.Clone(o.Lower), Upper: slices.Clone(o.Upper),
		MaxResample: o.MaxResample,
	}
	if s.MaxResample == 0 {
		s.MaxResample = 100
	}
	if o.Separable {
		s.C = make([]float64, n)
		for i := range s.C {
			s.C[i] = 1
		}
	} else {
		s.C = make([]float64, n*n)
		for i := range n {
			s.C[i*n+i] = 1
		}
	}
	for i, st := range o.Steps {
		if !(st >= 0) || math.IsInf(st, 0) {
			return nil, fmt.Errorf("cmaes: Steps[%d] is %v; it must be finite and not negative", i, st)
		}
		if st > 0 {
			if o.Lower == nil || o.Upper == nil || math.IsInf(o.Lower[i], 0) || math.IsInf(o.Upper[i], 0) {
				return nil, fmt.Errorf("cmaes: discrete coordinate %d needs finite bounds", i)
			}
			s.Steps = slices.Clone(o.Steps)
		}
	}
	if s.Steps != nil {
		s.Margin = o.Margin
		if s.Margin == 0 {
			s.Margin = 1 / float64(n*pop)
		}
		s.A = make([]float64, n)
		for i := range s.A {
			s.A[i] = 1
		}
	}
	c := &CMA{s: s}
	c.derive()
	c.s.FunHist = make([]float64, 2*c.funTerm)
	return c, nil
}

// DefaultPopSize returns the default population size in n dimensions,
// 4+floor(3 ln n).
func DefaultPopSize(n int) int { return 4 + int(math.Floor(3*math.Log(float64(n)))) }

// FromState returns a CMA in state s (as State returned it).
func FromState(s State) (*CMA, error) {
	n := s.Dim
	nc := n * n
	if s.Separable {
		nc = n
	}
	switch {
	case n < 1 || s.PopSize < 2:
		return nil, errors.New("cmaes: state has a bad dimension or population size")
	case len(s.Mean) != n || len(s.C) != nc || len(s.Pc) != n || len(s.Ps) != n:
		return nil, errors.New("cmaes: state vectors do not match its dimension")
	case s.Lower != nil && len(s.Lower) != n, s.Upper != nil && len(s.Upper) != n:
		return nil, errors.New("cmaes: state bounds do not match its dimension")
	case s.Steps != nil && (len(s.Steps) != n || len(s.A) != n || s.Lower == nil || s.Upper == nil),
		s.Steps == nil && s.A != nil:
		return nil, errors.New("cmaes: state margin vectors do not match its dimension")
	}
	s = cloneState(s)
	if s.MaxResample <= 0 {
		s.MaxResample = 100
	}
	c := &CMA{s: s}
	c.derive()
	if len(c.s.FunHist) != 2*c.funTerm {
		return nil, errors.New("cmaes: state function history has the wrong length")
	}
	return c, nil
}

func cloneState(s State) State {
	s.Mean, s.C, s.Pc, s.Ps = slices.Clone(s.Mean), slices.Clone(s.C), slices.Clone(s.Pc), slices.Clone(s.Ps)
	s.FunHist, s.Lower, s.Upper = slices.Clone(s.FunHist), slices.Clone(s.Lower), slices.Clone(s.Upper)
	s.Steps, s.A = slices.Clone(s.Steps), slices.Clone(s.A)
	return s
}

// State returns a copy of the optimizer's state.
func (c *CMA) State() State { return cloneState(c.s) }

// Dim returns the dimension.
func (c *CMA) Dim() int { return c.s.Dim }

// PopSize returns the population size: how many solutions Tell takes.
func (c *CMA) PopSize() int { return c.s.PopSize }

// Generation returns how many times Tell has updated the distribution.
func (c *CMA) Generation() int { return c.s.Generation }

// Mean returns a copy of the mean.
func (c *CMA) Mean() []float64 { return slices.Clone(c.s.Mean) }

// Sigma returns the step size.
func (c *CMA) Sigma() float64 { return c.s.Sigma }

// Cov returns the covariance matrix (without sigma^2), dim x dim row-major,
// diagonal when Separable.
func (c *CMA) Cov() []float64 {
	n := c.s.Dim
	if !c.s.Separable {
		return slices.Clone(c.s.C)
	}
	out := make([]float64, n*n)
	for i, v := range c.s.C {
		out[i*n+i] = v
	}
	return out
}

// derive computes the learning rates and weights from the state's
// dimension, population size and variant, as the cmaes library does
// (equations 48 to 56 of Hansen's tutorial; Ros and Hansen for sep-CMA).
func (c *CMA) derive() {
	n, pop := float64(c.s.Dim), c.s.PopSize
	c.mu = pop / 2
	c.discrete, c.continuous = nil, nil
	for i := range c.s.Dim {
		if c.s.Steps != nil && c.s.Steps[i] > 0 {
			c.discrete = append(c.discrete, i)
		} else {
			c.continuous = append(c.continuous, i)
		}
	}
	if c.s.Separable {
		c.weights = make([]float64, c.mu)
		sum := 0.0
		for i := range c.mu {
			c.weights[i] = math.Log(float64(c.mu)+1) - math.Log(float64(i)+1)
			sum += c.weights[i]
		}
		sq := 0.0
		for i := range c.weights {
			c.weights[i] /= sum
			sq += c.weights[i] * c.weights[i]
		}
		c.muEff = 1 / sq
		c.c1 = 2 / ((n+1.3)*(n+1.3) + c.muEff)
		full := 2/c.muEff/((n+math.Sqrt2)*(n+math.Sqrt2)) + (1-1/c.muEff)*min(1, (2*c.muEff-1)/((n+2)*(n+2)+c.muEff))
		c.cmu = (n + 2) / 3 * full
		c.cs = (c.muEff + 2) / (n + c.muEff + 3)
		c.cc = 4 / (n + 4)
	} else {
		wp := make([]float64, pop)
		for i := range wp {
			wp[i] = math.Log(float64(pop+1)/2) - math.Log(float64(i+1))
		}
		c.muEff = effective(wp[:c.mu])
		muEffMinus := effective(wp[c.mu:])
		c.c1 = 2 / ((n+1.3)*(n+1.3) + c.muEff)
		c.cmu = min(1-c.c1-1e-8, 2*(c.muEff-2+1/c.muEff)/((n+2)*(n+2)+2*c.muEff/2))
		minAlpha := min(1+c.c1/c.cmu, 1+2*muEffMinus/(c.muEff+2), (1-c.c1-c.cmu)/(n*c.cmu))
		pos, neg := 0.0, 0.0
		for _, w := range wp {
			if w > 0 {
				pos += w
			} else if w < 0 {
				neg -= w
			}
		}
		c.weights = make([]float64, pop)
		for i, w := range wp {
			if w >= 0 {
				c.weights[i] = w / pos
			} else {
				c.weights[i] = minAlpha / neg * w
			}
		}
		c.cs = (c.muEff + 2) / (n + c.muEff + 5)
		c.cc = (4 + c.muEff/n) / (n + 4 + 2*c.muEff/n)
	}
	c.ds = 1 + 2*max(0, math.Sqrt((c.muEff-1)/(n+1))-1) + c.cs
	c.chiN = math.Sqrt(n) * (1 - 1/(4*n) + 1/(21*n*n))
	c.funTerm = 10 + int(math.Ceil(30*n/float64(pop)))
}

// effective returns (sum w)^2 / sum w^2.
func effective(w []float64) float64 {
	s, q := 0.0, 0.0
	for _, x := range w {
		s += x
		q += x * x
	}
	return s * s / q
}

// eigen returns B and D of C = B D^2 B^T, computing them once per
// generation; like the cmaes library, it symmetrises C, floors negative
// eigenvalues and rebuilds C from the decomposition.
func (c *CMA) eigen() (*mat.Dense, []float64) {
	if c.d != nil {
		return c.b, c.d
	}
	n := c.s.Dim
	d := make([]float64, n)
	if c.s.Separable {
		for i, v := range c.s.C {
			if v < 0 {
				v = eps
			}
			d[i] = math.Sqrt(v)
		}
		c.d = d
		return nil, d
	}
	sym := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, (c.s.C[i*n+j]+c.s.C[j*n+i])/2)
		}
	}
	var es mat.EigenSym
	b := mat.NewDense(n, n, nil)
	if es.Factorize(sym, true) {
		vals := es.Values(nil)
		es.VectorsTo(b)
		for i, v := range vals {
			if v < 0 {
				v = eps
			}
			d[i] = math.Sqrt(v)
		}
	} else { // NaN in C: keep the sampler going with the identity
		for i := range n {
			b.Set(i, i, 1)
			d[i] = 1
		}
	}
	for i := range n {
		for j := range n {
			v := 0.0
			for k := range n {
				v += b.At(i, k) * d[k] * d[k] * b.At(j, k)
			}
			c.s.C[i*n+j] = v
		}
	}
	c.b, c.d = b, d
	return b, d
}

// sample returns a draw x from N(mean, sigma^2 C) and its deviation from
// the mean, x - mean, as computed before the addition rounds it.
func (c *CMA) sample(rng *rand.Rand) (x, dev []float64) {
	b, d := c.eigen()
	n := c.s.Dim
	z := make([]float64, n)
	for i := range z {
		z[i] = rng.NormFloat64() * d[i]
	}
	x, dev = make([]float64, n), make([]float64, n)
	for i := range n {
		y := z[i]
		if b != nil {
			y = 0
			for k := range n {
				y += b.At(i, k) * z[k]
			}
		}
		dev[i] = c.s.Sigma * y
		x[i] = c.s.Mean[i] + dev[i]
	}
	return x, dev
}

// feasible reports whether the coordinates idx of x (all when idx is nil)
// are within the bounds.
func (c *CMA) feasible(x []float64, idx []int) bool {
	for _, i := range idx {
		if c.s.Lower != nil && x[i] < c.s.Lower[i] || c.s.Upper != nil && x[i] > c.s.Upper[i] {
			return false
		}
	}
	return true
}

func (c *CMA) clip(x []float64, idx []int) {
	for _, i := range idx {
		if c.s.Lower != nil && x[i] < c.s.Lower[i] {
			x[i] = c.s.Lower[i]
		}
		if c.s.Upper != nil && x[i] > c.s.Upper[i] {
			x[i] = c.s.Upper[i]
		}
	}
}

// Ask draws a solution from rng. It returns the point to evaluate and the
// raw point to Tell with its value; they are the same point unless there
// are discrete coordinates, which the point to evaluate has encoded to
// their nearest allowed values (after the margin's scaling). Like the
// cmaes library, Ask redraws a point outside the bounds (of the continuous
// coordinates) up to MaxResample times, then clips a last draw to them.
func (c *CMA) Ask(rng *rand.Rand) (x, raw []float64) {
	var dev []float64
	for range c.s.MaxResample {
		raw, dev = c.sample(rng)
		if c.feasible(raw, c.continuous) {
			return c.encode(raw, dev), raw
		}
	}
	raw, dev = c.sample(rng)
	c.clip(raw, c.continuous)
	return c.encode(raw, dev), raw
}

// encode maps the discrete coordinates of raw to allowed values: the
// level of mean + A (raw - mean), with raw - mean taken from dev, the
// deviation before rounding (once sigma is tiny, raw may equal the mean
// while A dev is not small).
func (c *CMA) encode(raw, dev []float64) []float64 {
	x := slices.Clone(raw)
	for _, i := range c.discrete {
		v := dev[i]*c.s.A[i] + c.s.Mean[i]
		x[i] = c.s.Lower[i] + float64(c.level(i, v))*c.s.Steps[i]
	}
	return x
}

// levels returns K, the highest level of discrete coordinate i, whose
// values are Lower + k Step for k = 0..K.
func (c *CMA) levels(i int) int {
	return int(math.Floor((c.s.Upper[i]-c.s.Lower[i])/c.s.Steps[i] + 0.5))
}

// level returns the level that v falls in: how many of the thresholds
// between levels, Lower + (k+0.5) Step for k = 0..K-1, lie below v.
func (c *CMA) level(i int, v float64) int {
	k := math.Ceil((v-c.s.Lower[i])/c.s.Steps[i] - 0.5)
	return int(min(max(k, 0), float64(c.levels(i))))
}

// Tell updates the distribution with exactly PopSize solutions, in any
// order. A NaN value is an error; infinite values rank last or first.
func (c *CMA) Tell(sols []Solution) error {
	n, pop := c.s.Dim, c.s.PopSize
	if len(sols) != pop {
		return fmt.Errorf("cmaes: Tell got %d solutions, want %d", len(sols), pop)
	}
	for i, s := range sols {
		if len(s.X) != n {
			return fmt.Errorf("cmaes: solution %d has %d coordinates, want %d", i, len(s.X), n)
		}
		if math.IsNaN(s.Value) {
			return fmt.Errorf("cmaes: solution %d has a NaN value", i)
		}
		for _, v := range s.X {
			if !(math.Abs(v) < meanMax) {
				return fmt.Errorf("cmaes: solution %d has coordinate %v", i, v)
			}
		}
	}
	sols = slices.Clone(sols)
	slices.SortStableFunc(sols, func(a, b Solution) int {
		switch {
		case a.Value < b.Value:
			return -1
		case a.Value > b.Value:
			return 1
		}
		return 0
	})
	c.s.Generation++
	k := 2 * (c.s.Generation % c.funTerm)
	c.s.FunHist[k], c.s.FunHist[k+1] = sols[0].Value, sols[pop-1].Value

	b, d := c.eigen()
	c.b, c.d = nil, nil

	ys := make([][]float64, pop)
	for i, s := range sols {
		ys[i] = make([]float64, n)
		for j := range n {
			ys[i][j] = (s.X[j] - c.s.Mean[j]) / c.s.Sigma
		}
	}
	yw := make([]float64, n)
	for j := range n {
		for i := range c.mu {
			yw[j] += ys[i][j] * c.weights[i]
		}
	}
	for j := range n {
		c.s.Mean[j] += c.s.Sigma * yw[j] // c_m = 1
	}

	// invSqrt applies C^(-1/2) = B D^-1 B^T (D^-1 when separable).
	invSqrt := func(v []float64) []float64 {
		out := make([]float64, n)
		if b == nil {
			for j := range n {
				out[j] = v[j] / d[j]
			}
			return out
		}
		t := make([]float64, n)
		for k := range n {
			for j := range n {
				t[k] += b.At(j, k) * v[j]
			}
			t[k] /= d[k]
		}
		for j := range n {
			for k := range n {
				out[j] += b.At(j, k) * t[k]
			}
		}
		return out
	}

	// Step-size control.
	cy := invSqrt(yw)
	f := math.Sqrt(c.cs * (2 - c.cs) * c.muEff)
	for j := range n {
		c.s.Ps[j] = (1-c.cs)*c.s.Ps[j] + f*cy[j]
	}
	normPs := norm(c.s.Ps)
	c.s.Sigma *= math.Exp(c.cs / c.ds * (normPs/c.chiN - 1))
	c.s.Sigma = min(c.s.Sigma, sigmaMax)

	// Covariance adaptation.
	hs := 0.0
	if normPs/math.Sqrt(1-math.Pow(1-c.cs, float64(2*(c.s.Generation+1)))) < (1.4+2/float64(n+1))*c.chiN {
		hs = 1
	}
	f = hs * math.Sqrt(c.cc*(2-c.cc)*c.muEff)
	for j := range n {
		c.s.Pc[j] = (1-c.cc)*c.s.Pc[j] + f*yw[j]
	}
	dh := (1 - hs) * c.cc * (2 - c.cc)
	sumW := 0.0
	for _, w := range c.weights {
		sumW += w
	}
	decay := 1 + c.c1*dh - c.c1 - c.cmu*sumW
	if c.s.Separable {
		for j := range n {
			rankMu := 0.0
			for i, w := range c.weights {
				rankMu += w * ys[i][j] * ys[i][j]
			}
			c.s.C[j] = decay*c.s.C[j] + c.c1*c.s.Pc[j]*c.s.Pc[j] + c.cmu*rankMu
		}
	} else {
		wio := make([]float64, pop)
		for i, w := range c.weights {
			wio[i] = w
			if w < 0 {
				v := norm(invSqrt(ys[i]))
				wio[i] = w * float64(n) / (v*v + eps)
			}
		}
		for r := range n {
			for s := range n {
				rankMu := 0.0
				for i := range pop {
					rankMu += wio[i] * ys[i][r] * ys[i][s]
				}
				c.s.C[r*n+s] = decay*c.s.C[r*n+s] + c.c1*c.s.Pc[r]*c.s.Pc[s] + c.cmu*rankMu
			}
		}
	}
	if len(c.discrete) > 0 {
		c.correctMargin()
	}
	return nil
}

func norm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// normCDF is the standard normal distribution function at (x-loc)/scale.
func normCDF(x, loc, scale float64) float64 {
	return 0.5 * math.Erfc(-(x-loc)/scale/math.Sqrt2)
}

// chi2PPF1 is the quantile function of the chi-squared distribution with
// one degree of freedom.
func chi2PPF1(q float64) float64 {
	e := math.Erfinv(q)
	return 2 * e * e
}

// correctMargin is the margin correction of CMA-ES with Margin: for each
// discrete coordinate, it moves the mean or scales A so that the marginal
// probability of leaving the value the mean encodes to is at least the
// margin on each side that has a neighbouring value (Hamano et al. 2022,
// as in the cmaes library's CMAwM.tell).
func (c *CMA) correctMargin() {
	m, sg, marg := c.s.Mean, c.s.Sigma, c.s.Margin
	n := c.s.Dim
	cii := func(i int) float64 {
		if c.s.Separable {
			return c.s.C[i]
		}
		return c.s.C[i*n+i]
	}
	for _, i := range c.discrete {
		lo, st, kmax := c.s.Lower[i], c.s.Steps[i], c.levels(i)
		if kmax == 0 {
			continue // a single value: nothing to keep open
		}
		threshold := func(k int) float64 { return lo + (float64(k)+0.5)*st }
		// The thresholds below and above the mean's level; at the ends,
		// the only threshold there is.
		k := 0
		for k < kmax && threshold(k) < m[i] {
			k++
		}
		limLow, limUp := threshold(max(k-1, 0)), threshold(min(k, kmax-1))
		scale := sg * c.s.A[i] * math.Sqrt(cii(i))
		lowCDF := normCDF(limLow, m[i], scale)
		upCDF := 1 - normCDF(limUp, m[i], scale)
		midCDF := 1 - (lowCDF + upCDF)
		edge := max(lowCDF, upCDF) > 0.5
		if edge && min(lowCDF, upCDF) < marg {
			sign := 0.0
			if v := m[i] - limUp; v > 0 {
				sign = 1
			} else if v < 0 {
				sign = -1
			}
			dist := sg * c.s.A[i] * math.Sqrt(chi2PPF1(1-2*marg)*cii(i))
			m[i] = limUp + sign*dist
		}
		lowCDF = max(lowCDF, marg/2)
		upCDF = max(upCDF, marg/2)
		den := lowCDF + midCDF + upCDF - 3*marg/2
		modLow := lowCDF + (1-lowCDF-upCDF-midCDF)*(lowCDF-marg/2)/den
		modUp := upCDF + (1-lowCDF-upCDF-midCDF)*(upCDF-marg/2)/den
		modLow = min(max(modLow, 1e-10), 0.5-1e-10)
		modUp = min(max(modUp, 1e-10), 0.5-1e-10)
		if !edge {
			chiLow := math.Sqrt(chi2PPF1(1 - 2*modLow))
			chiUp := math.Sqrt(chi2PPF1(1 - 2*modUp))
			c.s.A[i] = (limUp - limLow) / ((chiLow + chiUp) * sg * math.Sqrt(cii(i)))
			m[i] = (limLow*chiUp + limUp*chiLow) / (chiLow + chiUp)
		}
	}
}

// ShouldStop reports whether a termination criterion of the cmaes library
// holds: the best and worst values of the recent generations differ by
// less than 1e-12 (tolfun); every coordinate's deviation and evolution path
// is below 1e-12 times the initial sigma (tolx); the deviation along an axis
// exceeds 1e4 (divergence); adding a fraction of a deviation no longer
// changes the mean; or C's condition number exceeds 1e14.
func (c *CMA) ShouldStop() bool {
	b, d := c.eigen()
	n := c.s.Dim
	diag := make([]float64, n)
	for i := range n {
		if c.s.Separable {
			diag[i] = c.s.C[i]
		} else {
			diag[i] = c.s.C[i*n+i]
		}
	}
	if c.s.Generation > c.funTerm && slices.Max(c.s.FunHist)-slices.Min(c.s.FunHist) < 1e-12 {
		return true
	}
	small := true
	for i := range n {
		if !(c.s.Sigma*diag[i] < c.s.TolX && c.s.Sigma*c.s.Pc[i] < c.s.TolX) {
			small = false
			break
		}
	}
	if small {
		return true
	}
	if c.s.Sigma*slices.Max(d) > 1e4 {
		return true
	}
	for i := range n {
		if c.s.Mean[i] == c.s.Mean[i]+0.2*c.s.Sigma*math.Sqrt(diag[i]) {
			return true
		}
	}
	ax := c.s.Generation % n
	same := true
	for i := range n {
		v := 1.0
		if b != nil {
			v = b.At(i, ax)
		}
		if c.s.Mean[i] != c.s.Mean[i]+0.1*c.s.Sigma*d[ax]*v {
			same = false
			break
		}
	}
	if same {
		return true
	}
	return slices.Max(d)/slices.Min(d) > 1e14
}
