package gp

import "math"

// boundedSettings stops minimizeBounded.
type boundedSettings struct {
	// MaxIter caps the iterations; MaxEval the function evaluations
	// (line-search trials included).
	MaxIter, MaxEval int
	// GradTol stops when the projected gradient's largest component,
	// max |clamp(x - g) - x|, is at most GradTol (scipy's pgtol).
	GradTol float64
	// FTol stops when an iteration lowers f by at most
	// FTol*max(|f|, |f'|, 1) (scipy's factr*eps).
	FTol float64
	// Memory is the number of correction pairs kept; 0 means 10.
	Memory int
}

// boundedResult is where minimizeBounded stopped.
type boundedResult struct {
	X           []float64
	F           float64
	Iter, Evals int
}

// minimizeBounded minimizes f over the box [lo, hi] from x0 with a projected
// limited-memory BFGS method in the spirit of L-BFGS-B (Byrd, Lu, Nocedal
// and Zhu 1995), without its generalized Cauchy point: at each iteration
// the variables at a bound whose gradient points out of the box are held
// fixed, the L-BFGS two-loop recursion, restricted to the other (free)
// variables, gives a direction, and a backtracking line search along the
// projected path proj(x + a d) accepts the first step with Armijo's
// sufficient decrease measured on the projected step. A direction that is
// not a descent direction is replaced by the steepest descent one and the
// memory cleared. f writes the gradient at x into grad and returns f(x);
// it may return +Inf or NaN, which the line search treats as a failed step.
//
// lo[i] may equal hi[i] (the variable is fixed); x0 is projected into the
// box first.
func minimizeBounded(f func(x, grad []float64) float64, x0, lo, hi []float64, st boundedSettings) boundedResult {
	n := len(x0)
	m := st.Memory
	if m <= 0 {
		m = 10
	}
	if st.MaxIter <= 0 {
		st.MaxIter = 1000
	}
	if st.MaxEval <= 0 {
		st.MaxEval = 20 * st.MaxIter
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = min(max(x0[i], lo[i]), hi[i])
	}
	g := make([]float64, n)
	fx := f(x, g)
	res := boundedResult{X: x, F: fx, Evals: 1}
	if math.IsNaN(fx) || math.IsInf(fx, 0) || !finiteAll(g) {
		return res
	}

	var (
		sHist, yHist [][]float64
		rho          []float64
		d            = make([]float64, n)
		free         = make([]bool, n)
		alpha        = make([]float64, m)
		xt           = make([]float64, n)
		gt           = make([]float64, n)
	)
	for res.Iter < st.MaxIter && res.Evals < st.MaxEval {
		// Convergence: the projected gradient.
		pg := 0.0
		for i := range x {
			pg = max(pg, math.Abs(min(max(x[i]-g[i], lo[i]), hi[i])-x[i]))
		}
		if pg <= st.GradTol {
			break
		}
		// The free variables: not at a bound that the gradient pushes
		// against.
		nFree := 0
		for i := range x {
			free[i] = !(x[i] <= lo[i] && g[i] > 0 || x[i] >= hi[i] && g[i] < 0 || lo[i] == hi[i])
			if free[i] {
				nFree++
			}
		}
		if nFree == 0 {
			break
		}
		// Two-loop recursion on the free variables: d = -H g.
		for i := range d {
			d[i] = 0
			if free[i] {
				d[i] = -g[i]
			}
		}
		k := len(sHist)
		for j := k - 1; j >= 0; j-- {
			alpha[j] = rho[j] * dotFree(sHist[j], d, free)
			axpyFree(-alpha[j], yHist[j], d, free)
		}
		if k > 0 {
			sy, yy := dotFree(sHist[k-1], yHist[k-1], free), dotFree(yHist[k-1], yHist[k-1], free)
			if sy > 0 && yy > 0 {
				scale(sy/yy, d)
			}
		}
		for j := range k {
			b := rho[j] * dotFree(yHist[j], d, free)
			axpyFree(alpha[j]-b, sHist[j], d, free)
		}
		gd := dot(g, d)
		if !(gd < 0) { // not a descent direction: restart from steepest descent
			sHist, yHist, rho = sHist[:0], yHist[:0], rho[:0]
			for i := range d {
				d[i] = 0
				if free[i] {
					d[i] = -g[i]
				}
			}
		}
		// Backtracking along the projected path.
		step := 1.0
		if len(sHist) == 0 {
			step = min(1, 1/norm2(d))
		}
		accepted := false
		var ft float64
		for range 40 {
			for i := range x {
				xt[i] = min(max(x[i]+step*d[i], lo[i]), hi[i])
			}
			decr := 0.0
			for i := range x {
				decr += g[i] * (xt[i] - x[i])
			}
			ft = f(xt, gt)
			res.Evals++
			if decr < 0 && ft <= fx+1e-4*decr && finiteAll(gt) {
				accepted = true
				break
			}
			if decr >= 0 || res.Evals >= st.MaxEval {
				break
			}
			step *= 0.5
		}
		if !accepted {
			if len(sHist) == 0 {
				break // no progress even along steepest descent
			}
			sHist, yHist, rho = sHist[:0], yHist[:0], rho[:0]
			continue
		}
		res.Iter++
		// Update the memory with the correction pair.
		s := make([]float64, n)
		y := make([]float64, n)
		for i := range x {
			s[i], y[i] = xt[i]-x[i], gt[i]-g[i]
		}
		if sy := dot(s, y); sy > 2.2e-16*dot(y, y) {
			if len(sHist) == m {
				sHist, yHist, rho = sHist[1:], yHist[1:], rho[1:]
			}
			sHist, yHist, rho = append(sHist, s), append(yHist, y), append(rho, 1/sy)
		}
		prev := fx
		copy(x, xt)
		copy(g, gt)
		fx = ft
		res.F = fx
		if prev-fx <= st.FTol*max(math.Abs(prev), math.Abs(fx), 1) {
			break
		}
	}
	res.X, res.F = x, fx
	return res
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func dotFree(a, b []float64, free []bool) float64 {
	s := 0.0
	for i := range a {
		if free[i] {
			s += a[i] * b[i]
		}
	}
	return s
}

func axpyFree(a float64, x, y []float64, free []bool) {
	for i := range x {
		if free[i] {
			y[i] += a * x[i]
		}
	}
}

func scale(a float64, x []float64) {
	for i := range x {
		x[i] *= a
	}
}

func norm2(x []float64) float64 { return math.Sqrt(dot(x, x)) }

func finiteAll(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
