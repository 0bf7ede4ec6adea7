// Package hypervolume computes the hypervolume of a set of points: the
// measure of the region that they dominate and that a reference point
// bounds, all objectives minimised. It is exact in any number of
// objectives, by the WFG algorithm (While, Bradstreet and Barone 2012),
// with a sweep for two objectives; meant for the small sets that samplers
// and pruners handle (tens of points).
package hypervolume

import (
	"slices"
)

// Compute returns the hypervolume of points against ref. A point that is not
// strictly better than ref in every objective adds nothing. points is not
// modified. It panics if a point's length differs from ref's.
func Compute(points [][]float64, ref []float64) float64 {
	d := len(ref)
	var ps [][]float64
	for _, p := range points {
		if len(p) != d {
			panic("hypervolume: a point and the reference point differ in length")
		}
		if better(p, ref) {
			ps = append(ps, p)
		}
	}
	return wfg(nondominated(ps), ref)
}

// better reports whether p is strictly better than ref in every objective.
func better(p, ref []float64) bool {
	for i := range p {
		if !(p[i] < ref[i]) { // NaN is not better
			return false
		}
	}
	return true
}

// dominates reports whether a is no worse than b everywhere (so that b adds
// nothing beside a).
func weaklyDominates(a, b []float64) bool {
	for i := range a {
		if a[i] > b[i] {
			return false
		}
	}
	return true
}

// nondominated returns the points that no other point weakly dominates
// (of equal points, the first).
func nondominated(ps [][]float64) [][]float64 {
	var out [][]float64
next:
	for i, p := range ps {
		for j, q := range ps {
			if i != j && weaklyDominates(q, p) && (!weaklyDominates(p, q) || j < i) {
				continue next
			}
		}
		out = append(out, p)
	}
	return out
}

func box(p, ref []float64) float64 {
	v := 1.0
	for i := range p {
		v *= ref[i] - p[i]
	}
	return v
}

// wfg is the hypervolume of mutually non-dominated points, all better than
// ref.
func wfg(ps [][]float64, ref []float64) float64 {
	switch {
	case len(ps) == 0:
		return 0
	case len(ps) == 1:
		return box(ps[0], ref)
	case len(ref) == 2:
		return sweep2(ps, ref)
	}
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b []float64) int {
		switch {
		case a[0] < b[0]:
			return -1
		case a[0] > b[0]:
			return 1
		}
		return 0
	})
	v := 0.0
	for i, p := range ps {
		// p's exclusive contribution beside the points after it.
		limited := make([][]float64, 0, len(ps)-i-1)
		for _, q := range ps[i+1:] {
			l := make([]float64, len(q))
			for k := range q {
				l[k] = max(q[k], p[k])
			}
			limited = append(limited, l)
		}
		v += box(p, ref) - wfg(nondominated(limited), ref)
	}
	return v
}

// sweep2 is the hypervolume of two-objective points.
func sweep2(ps [][]float64, ref []float64) float64 {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b []float64) int {
		switch {
		case a[0] < b[0]:
			return -1
		case a[0] > b[0]:
			return 1
		case a[1] < b[1]:
			return -1
		case a[1] > b[1]:
			return 1
		}
		return 0
	})
	v, top := 0.0, ref[1]
	for _, p := range ps {
		if p[1] < top {
			v += (ref[0] - p[0]) * (top - p[1])
			top = p[1]
		}
	}
	return v
}
