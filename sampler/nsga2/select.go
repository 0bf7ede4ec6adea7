package nsga2

import (
	"cmp"
	"math"
	"slices"
)

// member is a Complete trial as selection sees it.
type member struct {
	number int
	// values are the objective values, negated for Maximize, so that every
	// objective is minimised.
	values []float64
	// raw are the values as they are, which the crowding distance sorts
	// as Optuna does (the order of ties depends on it).
	raw []float64
	// cons are the constraint values; nil when the trial has none.
	cons []float64
}

// dominates reports whether a dominates b: no worse in every objective and
// not equal in all (Optuna's _dominates).
func dominates(a, b *member) bool {
	if slices.Equal(a.values, b.values) {
		return false
	}
	for i, v := range a.values {
		if !(v <= b.values[i]) {
			return false
		}
	}
	return true
}

// feasible reports whether no constraint value is positive, and the total
// violation (the sum of the positive values).
func feasible(cons []float64) (bool, float64) {
	var viol float64
	for _, c := range cons {
		if c > 0 {
			viol += c
		}
	}
	return viol == 0, viol
}

// constrainedDominates is Optuna's constrained domination: a trial with
// constraint values dominates one without; a feasible trial dominates an
// infeasible one; of two infeasible trials, the smaller total violation
// dominates; of two feasible trials, or two without constraint values,
// plain domination decides. With no constraint values anywhere it is
// dominates.
func constrainedDominates(a, b *member) bool {
	switch {
	case a.cons == nil && b.cons == nil:
		return dominates(a, b)
	case b.cons == nil:
		return true
	case a.cons == nil:
		return false
	}
	fa, va := feasible(a.cons)
	fb, vb := feasible(b.cons)
	switch {
	case fa && fb:
		return dominates(a, b)
	case fa:
		return true
	case fb:
		return false
	}
	return va < vb
}

// nondominatedSort splits pop into fronts of constrained non-domination,
// best first. Within each front the order is the one Optuna's
// _fast_non_dominated_sort gives, so that ties are broken alike.
func nondominatedSort(pop []*member) [][]*member {
	n := len(pop)
	count := make([]int, n)
	beats := make([][]int, n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			switch {
			case constrainedDominates(pop[i], pop[j]):
				beats[i] = append(beats[i], j)
				count[j]++
			case constrainedDominates(pop[j], pop[i]):
				beats[j] = append(beats[j], i)
				count[i]++
			}
		}
	}
	// rest holds indices into pop; a front is taken out of it by moving the
	// last element into each hole, as Optuna's loop does.
	rest := make([]int, n)
	for i := range rest {
		rest[i] = i
	}
	var fronts [][]*member
	for len(rest) > 0 {
		var front []int
		for i := 0; i < len(rest); {
			if count[rest[i]] != 0 {
				i++
				continue
			}
			front = append(front, rest[i])
			last := len(rest) - 1
			rest[i] = rest[last]
			rest = rest[:last]
		}
		if len(front) == 0 { // a cycle, impossible for a strict order: keep the rest together
			front, rest = rest, nil
		}
		out := make([]*member, len(front))
		for k, i := range front {
			out[k] = pop[i]
			for _, j := range beats[i] {
				count[j]--
			}
		}
		fronts = append(fronts, out)
	}
	return fronts
}

// crowdingSort sorts front by decreasing crowding distance (Deb et al.,
// 2002, section III-B) as Optuna's _crowding_distance_sort does: the
// distance of a member is the sum over objectives of the gap between its
// two neighbours, divided by the objective's finite range; the extremes'
// gaps are infinite. It sorts front in place, with Optuna's order of ties.
func crowdingSort(front []*member) {
	if len(front) == 0 {
		return
	}
	dist := make(map[*member]float64, len(front))
	vs := make([]float64, len(front)+2)
	for k := range front[0].raw {
		slices.SortStableFunc(front, func(a, b *member) int { return cmp.Compare(a.raw[k], b.raw[k]) })
		if front[0].raw[k] == front[len(front)-1].raw[k] {
			continue
		}
		vs[0], vs[len(vs)-1] = math.Inf(-1), math.Inf(1)
		for j, m := range front {
			vs[j+1] = m.raw[k]
		}
		lo := vs[slices.IndexFunc(vs, func(v float64) bool { return !math.IsInf(v, -1) })]
		hi := math.Inf(-1)
		for j := len(vs) - 1; j >= 0; j-- {
			if !math.IsInf(vs[j], 1) {
				hi = vs[j]
				break
			}
		}
		width := hi - lo
		if !(width > 0) {
			width = 1
		}
		for j, m := range front {
			gap := 0.0
			if vs[j] != vs[j+2] {
				gap = vs[j+2] - vs[j]
			}
			dist[m] += gap / width
		}
	}
	slices.SortStableFunc(front, func(a, b *member) int { return cmp.Compare(dist[a], dist[b]) })
	slices.Reverse(front)
}

// selectElite returns the best size members of pop (Optuna's
// _select_elite_population): whole fronts while they fit, then the most
// isolated members of the next front by crowding distance. It may reorder
// pop.
func selectElite(pop []*member, size int) []*member {
	var elite []*member
	for _, front := range nondominatedSort(pop) {
		if len(elite)+len(front) < size {
			elite = append(elite, front...)
			continue
		}
		crowdingSort(front)
		elite = append(elite, front[:size-len(elite)]...)
		break
	}
	return elite
}
