package tpe

import (
	"slices"

	"github.com/go-tune/tune/internal/hypervolume"
)

// Several objectives (MOTPE, as Optuna's TPE does it): the good set is
// filled by non-domination rank, the rank that does not fit whole by
// greedy hypervolume subset selection, and the good trials are weighted by
// their hypervolume contributions.

const eps = 1e-12

// ranks returns each point's non-domination rank: 0 for the Pareto front,
// 1 for the front of the rest, and so on.
func ranks(pts [][]float64) []int {
	n := len(pts)
	r := make([]int, n)
	for i := range r {
		r[i] = -1
	}
	dominates := func(a, b []float64) bool { // a dominates b
		strict := false
		for k := range a {
			if a[k] > b[k] {
				return false
			}
			if a[k] < b[k] {
				strict = true
			}
		}
		return strict
	}
	left := n
	for rank := 0; left > 0; rank++ {
		var front []int
		for i := range n {
			if r[i] != -1 {
				continue
			}
			free := true
			for j := range n {
				if r[j] == -1 && j != i && dominates(pts[j], pts[i]) {
					free = false
					break
				}
			}
			if free {
				front = append(front, i)
			}
		}
		for _, i := range front {
			r[i] = rank
		}
		left -= len(front)
	}
	return r
}

// refPoint is Optuna's reference point for a set of (lower is better)
// points: 1.1 times the worst in each objective (0.9 times where that is
// negative), eps where it is 0.
func refPoint(pts [][]float64) []float64 {
	ref := slices.Clone(pts[0])
	for _, p := range pts[1:] {
		for k := range ref {
			ref[k] = max(ref[k], p[k])
		}
	}
	for k, w := range ref {
		ref[k] = max(1.1*w, 0.9*w)
		if ref[k] == 0 {
			ref[k] = eps
		}
	}
	return ref
}

// splitMulti is split for several objectives: the good set in rank order,
// then in the order the subset selection chose; the rest in number order.
func splitMulti(scores []score, nBelow int) (below, above []int) {
	nBelow = min(nBelow, len(scores))
	pts := make([][]float64, len(scores))
	for i, sc := range scores {
		pts[i] = sc.vals
	}
	rk := ranks(pts)
	rank := 0
	for len(below) < nBelow {
		var at []int
		for i, r := range rk {
			if r == rank {
				at = append(at, i)
			}
		}
		if len(below)+len(at) > nBelow {
			sub := make([][]float64, len(at))
			for j, i := range at {
				sub[j] = pts[i]
			}
			for _, j := range hssp(sub, nBelow-len(below), refPoint(sub)) {
				below = append(below, at[j])
			}
			break
		}
		below = append(below, at...)
		rank++
	}
	taken := make([]bool, len(scores))
	for _, i := range below {
		taken[i] = true
	}
	for i := range scores {
		if !taken[i] {
			above = append(above, i)
		}
	}
	return below, above
}

// hssp chooses k of pts greedily by hypervolume contribution (a 1 - 1/e
// approximation of the hypervolume subset selection problem), and returns
// their positions in the order chosen.
func hssp(pts [][]float64, k int, ref []float64) []int {
	contrib := make([]float64, len(pts))
	for i, p := range pts {
		contrib[i] = hypervolume.Compute([][]float64{p}, ref)
	}
	chosen := make([]bool, len(pts))
	var sel [][]float64
	var out []int
	hvSel := 0.0
	for len(out) < k {
		best := -1
		for i, c := range contrib {
			if !chosen[i] && (best < 0 || c > contrib[best]) {
				best = i
			}
		}
		chosen[best] = true
		v := pts[best]
		for j, p := range pts {
			if chosen[j] {
				continue
			}
			q := make([]float64, len(p))
			for d := range p {
				q[d] = max(v[d], p[d])
			}
			contrib[j] -= hypervolume.Compute(append(slices.Clone(sel), q), ref) - hvSel
		}
		sel = append(sel, v)
		out = append(out, best)
		hvSel = hypervolume.Compute(sel, ref)
	}
	return out
}

// weightsMulti weights the good trials (below, in that order) by their
// share of the good set's hypervolume, scaled so that the largest is 1.
func weightsMulti(scores []score, below []int) []float64 {
	switch len(below) {
	case 0:
		return []float64{}
	case 1:
		return []float64{1}
	}
	pts := make([][]float64, len(below))
	for j, i := range below {
		pts[j] = scores[i].vals
	}
	ref := refPoint(pts)
	all := hypervolume.Compute(pts, ref)
	w := make([]float64, len(pts))
	top := 0.0
	for j := range pts {
		rest := append(slices.Clone(pts[:j]), pts[j+1:]...)
		w[j] = all - hypervolume.Compute(rest, ref) + eps
		top = max(top, w[j])
	}
	for j := range w {
		w[j] = min(max(w[j]/top, 0), 1)
	}
	return w
}
