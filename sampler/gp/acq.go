package gp

import (
	"cmp"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"github.com/go-tune/tune/sampler/qmc"
)

// coord is one coordinate of the acquisition's domain: a numeric one in
// [0, 1], continuous or snapped to a grid, or a categorical index.
type coord struct {
	choices int                   // > 0: categorical with this many choices
	snap    func(float64) float64 // nil: continuous; else the nearest legal coordinate
}

// acquisition is log EI of a model's posterior over best (maximization).
type acquisition struct {
	m    *Model
	best float64
}

func (a *acquisition) value(x, buf []float64) float64 {
	mean, v := a.m.predict(x, buf, nil, nil)
	return nanToInf(LogEI(mean, v, a.best))
}

// valueGrad returns log EI at x and writes its gradient into g; dm and dv
// are scratch space of len(x).
func (a *acquisition) valueGrad(x, buf, g, dm, dv []float64) float64 {
	mean, v := a.m.predict(x, buf, dm, dv)
	sigma := math.Sqrt(v)
	z := (mean - a.best) / sigma
	val := math.Log(sigma) + logH(z)
	dl := dLogH(z)
	for j := range g {
		ds := dv[j] / (2 * sigma)
		g[j] = ds/sigma + dl*(dm[j]-z*ds)/sigma
	}
	return nanToInf(val)
}

func nanToInf(v float64) float64 {
	if math.IsNaN(v) {
		return math.Inf(-1)
	}
	return v
}

// searchSettings tunes maximize.
type searchSettings struct {
	candidates, localSearches int
	localIter                 int
}

// maximize returns the point of the domain coords with the largest
// acquisition value that it finds: the best of candidates quasi-random
// points (scrambled Sobol, seeded by rng) and of the points starts, then,
// from the best localSearches of these (starts[0] always among them), a
// bounded quasi-Newton ascent over the numeric coordinates, rounded onto
// their grids, and one sweep over each categorical coordinate's choices.
func (a *acquisition) maximize(coords []coord, starts [][]float64, st searchSettings, rng *rand.Rand) []float64 {
	d := len(coords)
	pts := make([][]float64, 0, st.candidates+len(starts))
	seq, err := qmc.NewSobol(max(d, 1), true, rng.Uint64())
	for i := range st.candidates {
		u := make([]float64, max(d, 1))
		if err == nil {
			seq.Point(uint64(i), u)
		} else {
			for j := range u {
				u[j] = rng.Float64()
			}
		}
		for j, c := range coords {
			switch {
			case c.choices > 0:
				u[j] = min(math.Floor(u[j]*float64(c.choices)), float64(c.choices-1))
			case c.snap != nil:
				u[j] = c.snap(u[j])
			}
		}
		pts = append(pts, u[:d])
	}
	pts = append(pts, starts...)
	vals := make([]float64, len(pts))
	parallel(len(pts), func(lo, hi int) {
		buf := make([]float64, 2*a.m.N())
		for i := lo; i < hi; i++ {
			vals[i] = a.value(pts[i], buf)
		}
	})
	order := make([]int, len(pts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(vals[j], vals[i]) })

	// The starts of the local searches.
	var from []int
	if len(starts) > 0 && st.localSearches > 0 {
		from = append(from, st.candidates) // the incumbent
	}
	for _, i := range order {
		if len(from) >= st.localSearches {
			break
		}
		if i != st.candidates || len(starts) == 0 {
			from = append(from, i)
		}
	}
	bestX, bestV := pts[order[0]], vals[order[0]]
	found := make([][]float64, len(from))
	foundV := make([]float64, len(from))
	parallel(len(from), func(lo, hi int) {
		for k := lo; k < hi; k++ {
			found[k], foundV[k] = a.localSearch(coords, pts[from[k]], vals[from[k]], st.localIter)
		}
	})
	for k := range found {
		if foundV[k] > bestV {
			bestX, bestV = found[k], foundV[k]
		}
	}
	return bestX
}

// localSearch improves x0 (of value v0) and returns the better point and
// its value.
func (a *acquisition) localSearch(coords []coord, x0 []float64, v0 float64, iters int) ([]float64, float64) {
	d := len(coords)
	buf := make([]float64, 2*a.m.N())
	x := slices.Clone(x0)
	v := v0
	numeric := false
	lo, hi := make([]float64, d), make([]float64, d)
	for j, c := range coords {
		if c.choices > 0 {
			lo[j], hi[j] = x[j], x[j] // held fixed
			continue
		}
		numeric = true
		lo[j], hi[j] = 0, 1
	}
	if numeric && iters > 0 {
		dm, dv := make([]float64, d), make([]float64, d)
		neg := func(y, g []float64) float64 {
			val := a.valueGrad(y, buf, g, dm, dv)
			for j := range g {
				g[j] = -g[j]
			}
			return -val
		}
		res := minimizeBounded(neg, x, lo, hi, boundedSettings{MaxIter: iters, GradTol: 1e-5, FTol: 1e-9})
		y := res.X
		for j, c := range coords {
			if c.snap != nil {
				y[j] = c.snap(y[j])
			}
		}
		if vy := a.value(y, buf); vy > v {
			x, v = y, vy
		}
	}
	// One sweep over the categorical choices.
	for j, c := range coords {
		if c.choices == 0 {
			continue
		}
		keep := x[j]
		for k := range c.choices {
			if float64(k) == keep {
				continue
			}
			x[j] = float64(k)
			if vy := a.value(x, buf); vy > v {
				v, keep = vy, x[j]
			}
		}
		x[j] = keep
	}
	return x, v
}

// parallel runs f over [0, n) in contiguous chunks on up to GOMAXPROCS
// goroutines. The chunks do not depend on scheduling, so neither do the
// results.
func parallel(n int, f func(lo, hi int)) {
	w := min(runtime.GOMAXPROCS(0), n)
	if w <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for k := range w {
		lo, hi := k*n/w, (k+1)*n/w
		wg.Go(func() { f(lo, hi) })
	}
	wg.Wait()
}
