package benchutil

import (
	"math"
	"slices"
)

// MannWhitneyGreater returns the exact one-sided p-value of the
// Mann-Whitney U (Wilcoxon rank-sum) test that the values in a tend to be
// larger than those in b: the probability, when both come from one
// distribution, that a's rank sum in the pooled sample is at least the one
// observed. Ties get mid-ranks, and the null distribution is that of the
// tied ranks (counted exactly, so the p-value stays exact with ties). It
// returns NaN if a or b is empty or holds a NaN.
//
// Benchmarks use it to say whether one tool's results are worse than
// another's beyond what the spread of a few seeds explains.
func MannWhitneyGreater(a, b []float64) float64 {
	m, n := len(a), len(b)
	if m == 0 || n == 0 || slices.ContainsFunc(a, math.IsNaN) || slices.ContainsFunc(b, math.IsNaN) {
		return math.NaN()
	}
	// Twice the mid-ranks, which are integers.
	type obs struct {
		v     float64
		fromA bool
	}
	pool := make([]obs, 0, m+n)
	for _, v := range a {
		pool = append(pool, obs{v, true})
	}
	for _, v := range b {
		pool = append(pool, obs{v, false})
	}
	slices.SortStableFunc(pool, func(x, y obs) int {
		switch {
		case x.v < y.v:
			return -1
		case x.v > y.v:
			return 1
		}
		return 0
	})
	ranks := make([]int, len(pool))
	observed := 0
	for i := 0; i < len(pool); {
		j := i
		for j < len(pool) && pool[j].v == pool[i].v {
			j++
		}
		r := i + 1 + j // twice the mid-rank of positions i..j-1 (1-based)
		for k := i; k < j; k++ {
			ranks[k] = r
			if pool[k].fromA {
				observed += r
			}
		}
		i = j
	}
	// ways[k][s]: the number of k-subsets of the ranks seen so far whose
	// (doubled) ranks sum to s; as float64, which is exact up to 2^53 and
	// close enough beyond.
	maxSum := 0
	for _, r := range ranks {
		maxSum += r
	}
	ways := make([][]float64, m+1)
	for k := range ways {
		ways[k] = make([]float64, maxSum+1)
	}
	ways[0][0] = 1
	for i, r := range ranks {
		for k := min(i+1, m); k >= 1; k-- {
			prev, cur := ways[k-1], ways[k]
			for s := maxSum; s >= r; s-- {
				cur[s] += prev[s-r]
			}
		}
	}
	var total, tail float64
	for s, w := range ways[m] {
		total += w
		if s >= observed {
			tail += w
		}
	}
	return tail / total
}

// Holm returns the Holm-Bonferroni adjusted p-values of ps (in the same
// order), which control the chance of any false positive among the tests
// at the level they are compared with. NaNs stay NaN and do not count.
func Holm(ps []float64) []float64 {
	idx := make([]int, 0, len(ps))
	for i, p := range ps {
		if !math.IsNaN(p) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		switch {
		case ps[i] < ps[j]:
			return -1
		case ps[i] > ps[j]:
			return 1
		}
		return 0
	})
	out := make([]float64, len(ps))
	for i := range out {
		out[i] = math.NaN()
	}
	running := 0.0
	for rank, i := range idx {
		running = max(running, min(1, float64(len(idx)-rank)*ps[i]))
		out[i] = running
	}
	return out
}
