package tpe

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/go-tune/tune/core"
)

// dim is one parameter of an estimator's space. Numeric parameters live in
// the kernels' space: log scale applied, and the bounds of a discrete one
// (int, or float with a step) widened by half a step.
type dim struct {
	dist      core.Distribution
	choices   int     // > 0: categorical, with this many choices
	low, high float64 // the kernels' bounds
	q         float64 // the step of a discrete parameter; 0 if continuous
	log       bool
}

func newDim(d core.Distribution) dim {
	switch d := d.(type) {
	case core.Categorical:
		return dim{dist: d, choices: d.Len()}
	case core.Float:
		switch {
		case d.Log:
			return dim{dist: d, low: math.Log(d.Low), high: math.Log(d.High), log: true}
		case d.Step > 0:
			return dim{dist: d, low: d.Low - d.Step/2, high: d.High + d.Step/2, q: d.Step}
		}
		return dim{dist: d, low: d.Low, high: d.High}
	case core.Int:
		if d.Log {
			return dim{dist: d, low: math.Log(float64(d.Low) - 0.5), high: math.Log(float64(d.High) + 0.5), log: true}
		}
		q := float64(d.StepOrOne())
		return dim{dist: d, low: float64(d.Low) - q/2, high: float64(d.High) + q/2, q: q}
	}
	panic("tpe: unknown distribution") // core.Distribution is sealed
}

// toKernel maps an internal value to the kernels' space.
func (d *dim) toKernel(x float64) float64 {
	if d.log {
		return math.Log(x)
	}
	return x
}

// fromKernel maps a point of the kernels' space to an internal value that
// the distribution contains.
func (d *dim) fromKernel(x float64) float64 {
	switch dist := d.dist.(type) {
	case core.Float:
		switch {
		case dist.Log:
			return min(max(math.Exp(x), dist.Low), dist.High)
		case dist.Step > 0:
			return min(max(math.Round((x-dist.Low)/dist.Step)*dist.Step+dist.Low, dist.Low), dist.High)
		}
		return min(max(x, dist.Low), dist.High)
	case core.Int:
		lo, hi := float64(dist.Low), float64(dist.High)
		if dist.Log {
			return min(max(math.Round(math.Exp(x)), lo), hi)
		}
		return min(max(math.Round((x-lo)/d.q)*d.q+lo, lo), hi)
	}
	return x // categorical: an index already
}

// params are the estimator's settings (Config, resolved).
type params struct {
	priorWeight  float64
	magicClip    bool
	endpoints    bool
	multivariate bool
	unscaled     bool // leave out the kernels' 1/sigma (Optuna 3.1)
}

// estimator is a Parzen estimator: a weighted mixture of kernels, one per
// observation and the prior (the last kernel). In each kernel the
// parameters are independent: a truncated normal for a numeric one, a
// smoothed point mass for a categorical one.
type estimator struct {
	dims   []dim
	w      []float64   // the kernels' weights, summing to 1
	logW   []float64   // their logs
	mus    [][]float64 // [dim][kernel], numeric dims
	sigmas [][]float64
	// norm is each kernel's log normaliser: the log of its mass on
	// [low, high] (and, for a continuous parameter, of its sigma).
	norm [][]float64
	inv  [][]float64 // 1 / sigma
	cat  [][]float64 // [dim][kernel*choices+c], categorical dims: log probabilities
	// blocks group the observations' kernels of a one-parameter numeric
	// estimator by their mus, so that logPDF can skip the groups far from
	// a point (nil otherwise).
	blocks []block
	order  []int // the observations' kernels in mu order
	// For a continuous parameter, the kernels' mu, 1/sigma and logW - norm
	// in that order, so that logPDF1 reads them in sequence.
	oMu, oInv, oC []float64
	sc            *scratch // where its slices are, or nil
}

// block is a run of kernels in mu order, with bounds on their terms.
type block struct {
	start, end int     // in order
	lo, hi     float64 // the smallest and largest mu
	maxSigma   float64
	// maxC bounds each kernel's term at distance 0: logW - norm, and for
	// a discrete parameter + log(q) - log(sigma sqrt(2 pi)), an upper bound
	// of the log of its mass on one step.
	maxC float64
}

const blockSize = 16

// defaultWeights are Optuna's weights of n observations in time order:
// flat for the newest 25, a linear ramp from 1/n for the older ones.
func defaultWeights(n int, sc *scratch) []float64 {
	w := sc.floats(n)
	ramp := n - 25
	for i := range w {
		switch {
		case i >= ramp:
			w[i] = 1
		case ramp == 1:
			w[i] = 1 / float64(n)
		default:
			lo := 1 / float64(n)
			w[i] = lo + float64(i)*(1-lo)/float64(ramp-1)
		}
	}
	return w
}

// kernelWeights are the normalised default weights of n observations and
// the prior, and their logs; read-only once made.
type kernelWeights struct {
	n       int
	prior   float64
	w, logW []float64
}

var (
	weightsMu    sync.Mutex
	weightsCache [4]*kernelWeights // the last ones made
	weightsNext  int
)

// defaultKernelWeights returns the normalised defaultWeights(n) with the
// prior's weight last, and their logs, from a small cache.
func defaultKernelWeights(n int, prior float64) (w, logW []float64) {
	weightsMu.Lock()
	for _, c := range weightsCache {
		if c != nil && c.n == n && c.prior == prior {
			weightsMu.Unlock()
			return c.w, c.logW
		}
	}
	weightsMu.Unlock()
	raw := defaultWeights(n, nil)
	c := &kernelWeights{n: n, prior: prior, w: make([]float64, n+1), logW: make([]float64, n+1)}
	sum := prior
	for _, v := range raw {
		sum += v
	}
	for i, v := range raw {
		c.w[i] = v / sum
	}
	c.w[n] = prior / sum
	for i, v := range c.w {
		c.logW[i] = math.Log(v)
	}
	weightsMu.Lock()
	weightsCache[weightsNext] = c
	weightsNext = (weightsNext + 1) % len(weightsCache)
	weightsMu.Unlock()
	return c.w, c.logW
}

// newEstimator fits an estimator to n observations: obs[d][i] is the
// internal value of dimension d in observation i, in time order. weights,
// when not nil, are the observations' weights (else defaultWeights).
func newEstimator(dims []dim, obs [][]float64, n int, p params, weights []float64) *estimator {
	return newEstimatorIn(nil, dims, obs, n, p, weights)
}

// newEstimatorIn is newEstimator with its slices in sc (nil: allocated).
func newEstimatorIn(sc *scratch, dims []dim, obs [][]float64, n int, p params, weights []float64) *estimator {
	k := n + 1
	e := &estimator{sc: sc, dims: dims,
		mus: make([][]float64, len(dims)), sigmas: make([][]float64, len(dims)), norm: make([][]float64, len(dims)), inv: make([][]float64, len(dims)), cat: make([][]float64, len(dims))}
	if weights == nil {
		// The default weights depend on n alone: the estimators of one
		// trial's parameters share them.
		e.w, e.logW = defaultKernelWeights(n, p.priorWeight)
	} else {
		e.w, e.logW = sc.floats(k), sc.floats(k)
		sum := p.priorWeight
		for i := range n {
			sum += weights[i]
		}
		for i := range n {
			e.w[i] = weights[i] / sum
		}
		e.w[n] = p.priorWeight / sum
		for i, w := range e.w {
			e.logW[i] = math.Log(w)
		}
	}
	var sigma0 float64
	if p.multivariate {
		// Scott's rule, as in BOHB and Optuna.
		sigma0 = 0.2 * math.Pow(float64(max(n, 1)), -1/float64(len(dims)+4))
	}
	for d := range dims {
		dm := &dims[d]
		if dm.choices > 0 {
			c := dm.choices
			cw := make([]float64, k*c)
			base := p.priorWeight / float64(k)
			for j := range cw {
				cw[j] = base
			}
			for i := range n {
				cw[i*c+int(obs[d][i])]++
			}
			for i := range k {
				row := cw[i*c : (i+1)*c]
				s := 0.0
				for _, v := range row {
					s += v
				}
				for j := range row {
					row[j] = math.Log(row[j] / s)
				}
			}
			e.cat[d] = cw
			continue
		}
		mus := sc.floats(k)
		for i := range n {
			mus[i] = dm.toKernel(obs[d][i])
		}
		width := dm.high - dm.low
		mus[n] = (dm.low + dm.high) / 2
		sigmas := sc.floats(k)
		blocks := len(dims) == 1 && n > 2*blockSize
		var order []int
		if !p.multivariate || blocks {
			order = sortedOrderIn(sc, mus)
		}
		if p.multivariate {
			for i := range sigmas {
				sigmas[i] = sigma0 * width
			}
		} else {
			bandwidths(sc, mus, sigmas, order, dm.low, dm.high, p.endpoints)
		}
		minSigma := 1e-12
		if p.magicClip {
			minSigma = width / min(100, 1+float64(k))
		}
		for i := range sigmas {
			sigmas[i] = min(max(sigmas[i], minSigma), width)
		}
		sigmas[n] = width // the prior's
		norm, inv := sc.floats(k), sc.floats(k)
		lastSigma, logSigma := math.NaN(), 0.0
		for i := range norm {
			s := sigmas[i]
			inv[i] = 1 / s
			a, b := (dm.low-mus[i])*inv[i], (dm.high-mus[i])*inv[i]
			if a > -tailCut || b < tailCut {
				norm[i] = logGaussMass(a, b)
			}
			if dm.q == 0 {
				if s != lastSigma && !p.unscaled { // multivariate kernels share theirs
					lastSigma, logSigma = s, math.Log(s)
				}
				norm[i] += logSigma + logSqrt2Pi
			}
		}
		e.mus[d], e.sigmas[d], e.norm[d], e.inv[d] = mus, sigmas, norm, inv
		if blocks {
			e.buildBlocks(order, n)
		}
	}
	return e
}

// bandwidths sets each kernel's sigma to the larger of the gaps to its
// neighbours among the sorted mus and the bounds; without endpoints, the
// first and last kernels look only inward.
func bandwidths(sc *scratch, mus, sigmas []float64, order []int, low, high float64, endpoints bool) {
	k := len(mus)
	sorted := sc.floats(k + 2)
	sorted[0], sorted[k+1] = low, high
	for r, i := range order {
		sorted[r+1] = mus[i]
	}
	s := sc.floats(k)
	for r := range k {
		s[r] = max(sorted[r+1]-sorted[r], sorted[r+2]-sorted[r+1])
	}
	if !endpoints && k+2 >= 4 {
		s[0] = sorted[2] - sorted[1]
		s[k-1] = sorted[k] - sorted[k-1]
	}
	for r, i := range order {
		sigmas[i] = s[r]
	}
}

// sortedOrder returns the indices of mus in increasing order, ties by
// index (a stable order): an LSD radix sort on the floats' bits, which at a
// thousand observations is several times faster than a comparison sort.
func sortedOrder(mus []float64) []int { return sortedOrderIn(nil, mus) }

// sortedOrderIn is sortedOrder with its slices in sc (nil: allocated).
func sortedOrderIn(sc *scratch, mus []float64) []int {
	n := len(mus)
	keys := sc.uints(n)
	idx := sc.int32s(n)
	for i, mu := range mus {
		b := math.Float64bits(mu + 0) // -0 sorts as 0
		if b>>63 == 1 {
			b = ^b
		} else {
			b |= 1 << 63
		}
		keys[i], idx[i] = b, int32(i)
	}
	tmpK, tmpI := sc.uints(n), sc.int32s(n)
	var count [256]int
	for shift := uint(0); shift < 64 && n > 1; shift += 8 {
		clear(count[:])
		for _, k := range keys {
			count[(k>>shift)&0xff]++
		}
		if count[(keys[0]>>shift)&0xff] == n {
			continue // every key has this byte
		}
		pos := 0
		for b, c := range count {
			count[b] = pos
			pos += c
		}
		for i, k := range keys {
			b := (k >> shift) & 0xff
			tmpK[count[b]], tmpI[count[b]] = k, idx[i]
			count[b]++
		}
		keys, tmpK = tmpK, keys
		idx, tmpI = tmpI, idx
	}
	order := sc.ints(n)
	for r, i := range idx {
		order[r] = int(i)
	}
	return order
}

// buildBlocks groups the n observations' kernels of a one-parameter numeric
// estimator (the prior, kernel n, stays out) into blocks of blockSize, in
// mu order (order: all kernels sorted by mu).
func (e *estimator) buildBlocks(order []int, n int) {
	dm := &e.dims[0]
	mus, sigmas, norm := e.mus[0], e.sigmas[0], e.norm[0]
	e.order = e.sc.ints(n)[:0]
	for _, i := range order {
		if i != n { // the prior
			e.order = append(e.order, i)
		}
	}
	if dm.q == 0 {
		e.oMu, e.oInv, e.oC = e.sc.floats(n), e.sc.floats(n), e.sc.floats(n)
		for r, i := range e.order {
			e.oMu[r], e.oInv[r], e.oC[r] = mus[i], e.inv[0][i], e.logW[i]-norm[i]
		}
	}
	for start := 0; start < n; start += blockSize {
		end := min(start+blockSize, n)
		b := block{start: start, end: end, lo: mus[e.order[start]], hi: mus[e.order[end-1]], maxC: math.Inf(-1)}
		for _, i := range e.order[start:end] {
			b.maxSigma = max(b.maxSigma, sigmas[i])
			c := e.logW[i] - norm[i]
			if dm.q > 0 {
				c += math.Log(dm.q) - math.Log(sigmas[i]) - logSqrt2Pi
			}
			b.maxC = max(b.maxC, c)
		}
		e.blocks = append(e.blocks, b)
	}
}

// sample draws size points from the estimator: samples[d][j] is the
// internal value of dimension d in point j.
func (e *estimator) sample(rng *rand.Rand, size int) [][]float64 {
	cum := make([]float64, len(e.w))
	c := 0.0
	for i, w := range e.w {
		c += w
		cum[i] = c
	}
	active := make([]int, size)
	for j := range active {
		u := rng.Float64() * c
		// The first kernel whose cumulative weight exceeds u.
		i, _ := slices.BinarySearchFunc(cum, u, func(cw, u float64) int {
			if cw <= u {
				return -1
			}
			return 1
		})
		active[j] = min(i, len(cum)-1)
	}
	out := make([][]float64, len(e.dims))
	for d := range e.dims {
		dm := &e.dims[d]
		xs := make([]float64, size)
		for j, a := range active {
			if dm.choices > 0 {
				row := e.cat[d][a*dm.choices : (a+1)*dm.choices]
				u, s := rng.Float64(), 0.0
				x := dm.choices - 1
				for ci, lp := range row {
					s += math.Exp(lp)
					if u < s {
						x = ci
						break
					}
				}
				xs[j] = float64(x)
				continue
			}
			u := rng.Float64()
			for u == 0 {
				u = rng.Float64()
			}
			xs[j] = dm.fromKernel(truncSample(u, dm.low, dm.high, e.mus[d][a], e.sigmas[d][a]))
		}
		out[d] = xs
	}
	return out
}

// logPDF returns the log density (or, for discrete parameters, log mass) of
// the estimator at each point of samples (laid out as sample returns them).
func (e *estimator) logPDF(samples [][]float64) []float64 {
	if e.blocks != nil {
		return e.logPDF1(samples[0])
	}
	size := len(samples[0])
	k := len(e.w)
	out := e.sc.floats(size)
	comp := e.sc.floats(k)
	for j := range size {
		copy(comp, e.logW)
		for d := range e.dims {
			dm := &e.dims[d]
			x := samples[d][j]
			if dm.choices > 0 {
				c := int(x)
				for i := range k {
					comp[i] += e.cat[d][i*dm.choices+c]
				}
				continue
			}
			x = dm.toKernel(x)
			mus, sigmas, norm := e.mus[d], e.sigmas[d], e.norm[d]
			if dm.q == 0 {
				if x < dm.low || x > dm.high {
					for i := range k {
						comp[i] = math.Inf(-1)
					}
					continue
				}
				inv := e.inv[d]
				mus, norm := mus[:k], norm[:k]
				for i := range inv {
					z := (x - mus[i]) * inv[i]
					comp[i] -= 0.5*z*z + norm[i]
				}
				continue
			}
			lo, hi := max(x-dm.q/2, dm.low), min(x+dm.q/2, dm.high)
			for i := range k {
				mu, s := mus[i], sigmas[i]
				comp[i] += logGaussMass((lo-mu)/s, (hi-mu)/s) - norm[i]
			}
		}
		out[j] = logSumExp(comp)
	}
	return out
}

// term returns the log of kernel i's weighted density (or mass) at x, in
// the kernels' space, for a one-parameter numeric estimator.
func (e *estimator) term(i int, x float64) float64 {
	dm := &e.dims[0]
	mu, s := e.mus[0][i], e.sigmas[0][i]
	if dm.q == 0 {
		z := (x - mu) / s
		return e.logW[i] - 0.5*z*z - e.norm[0][i]
	}
	lo, hi := max(x-dm.q/2, dm.low), min(x+dm.q/2, dm.high)
	return e.logW[i] + logGaussMass((lo-mu)/s, (hi-mu)/s) - e.norm[0][i]
}

// logPDF1 is logPDF for a one-parameter numeric estimator with blocks: a
// block whose bound on its kernels' terms is more than logCut below the
// largest term found so far is skipped, and so is such a term. The block at
// the point goes first, so that the bound has a good largest term to
// compare with.
func (e *estimator) logPDF1(xs []float64) []float64 {
	dm := &e.dims[0]
	prior := len(e.w) - 1
	out := e.sc.floats(len(xs))
	terms := e.sc.floats(len(e.w))[:0]
	for j, x := range xs {
		x = dm.toKernel(x)
		if dm.q == 0 && (x < dm.low || x > dm.high) {
			out[j] = math.Inf(-1)
			continue
		}
		terms = append(terms[:0], e.term(prior, x))
		m := terms[0]
		near, _ := slices.BinarySearchFunc(e.blocks, x, func(b block, x float64) int {
			if b.hi < x {
				return -1
			}
			return 1
		})
		near = min(near, len(e.blocks)-1)
		for v := -1; v < len(e.blocks); v++ {
			k := v
			switch {
			case v < 0:
				k = near // first
			case v == near:
				continue
			}
			b := &e.blocks[k]
			dist := max(b.lo-x, x-b.hi, 0)
			if dm.q > 0 {
				dist = max(dist-dm.q/2, 0)
			}
			z := dist / b.maxSigma
			if b.maxC-0.5*z*z < m-logCut {
				continue
			}
			if dm.q == 0 {
				mu, inv, c := e.oMu[b.start:b.end], e.oInv[b.start:b.end], e.oC[b.start:b.end]
				for r := range mu {
					z := (x - mu[r]) * inv[r]
					if t := c[r] - 0.5*z*z; t >= m-logCut {
						terms = append(terms, t)
						m = max(m, t)
					}
				}
				continue
			}
			for _, i := range e.order[b.start:b.end] {
				if t := e.term(i, x); t >= m-logCut {
					terms = append(terms, t)
					m = max(m, t)
				}
			}
		}
		out[j] = logSumExpMax(terms, m)
	}
	return out
}

// logCut is how far below the largest term of a log-sum-exp a term may be
// left out: its weight relative to the largest is under 1e-13, and the
// terms left out change a log density by under 1e-10 even at 10,000
// kernels (the reference tests hold tune to Optuna's to 1e-9).
const logCut = 30

// logSumExp returns log(sum(exp(xs))), leaving out the terms more than
// logCut below the largest: with kernels far from the point, most are.
func logSumExp(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = max(m, x)
	}
	return logSumExpMax(xs, m)
}

// logSumExpMax is logSumExp given the largest term m.
func logSumExpMax(xs []float64, m float64) float64 {
	if math.IsInf(m, 0) {
		return m
	}
	s := 0.0
	cut := m - logCut
	for _, x := range xs {
		if x > cut {
			s += expNonPos(x - m)
		}
	}
	return m + math.Log(s)
}
