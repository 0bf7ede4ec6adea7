package pruner

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/go-tune/tune/core"
)

// Wilcoxon prunes a trial whose intermediate values are significantly
// worse than the best trial's at the same steps, by a one-sided Wilcoxon
// signed-rank test on the paired differences, as Optuna's WilcoxonPruner
// (Optuna 3.6; 3.1 has none). It is for objectives that are a mean over
// instances or folds, each reported as the step of its index: a trial is
// stopped once the instances it has run make it clearly worse.
//
// For safety it never prunes a trial whose mean so far is at least as good
// as the best trial's mean, and, like Optuna, it does not prune a trial
// with a NaN or infinite value (the test is undefined there).
type Wilcoxon struct {
	// PThreshold is the p-value below which the trial is pruned; 0 means
	// 0.1; it must be in (0, 1].
	PThreshold float64
	// StartupSteps is the fewest paired steps before a test; 0 means 2; a
	// negative value means none.
	StartupSteps int
}

// Validate reports the first field out of range, naming it.
func (w Wilcoxon) Validate() error {
	if w.PThreshold < 0 || w.PThreshold > 1 || math.IsNaN(w.PThreshold) {
		return fmt.Errorf("pruner: PThreshold = %v, must be in (0, 1] (0: 0.1)", w.PThreshold)
	}
	return nil
}

// Prune implements Pruner.
func (w Wilcoxon) Prune(ctx context.Context, study core.Study, t core.Trial) (bool, error) {
	if err := w.Validate(); err != nil {
		return false, err
	}
	dirs := study.Directions()
	if len(dirs) != 1 {
		return false, ErrMultiObjective
	}
	if len(t.Intermediate) == 0 || !allFinite(t.Intermediate) {
		return false, nil
	}
	complete, err := study.Trials(ctx, core.Complete)
	if err != nil {
		return false, err
	}
	maximize := dirs[0] == core.Maximize
	best := -1
	for i := range complete {
		if len(complete[i].Values) == 0 || math.IsNaN(complete[i].Values[0]) {
			continue
		}
		if v := complete[i].Values[0]; best < 0 || (maximize && v > complete[best].Values[0]) || (!maximize && v < complete[best].Values[0]) {
			best = i
		}
	}
	if best < 0 || len(complete[best].Intermediate) == 0 || !allFinite(complete[best].Intermediate) {
		return false, nil
	}
	var diffs []float64
	for _, s := range t.Intermediate {
		if v, ok := complete[best].At(s.Step); ok {
			diffs = append(diffs, s.Value-v)
		}
	}
	startup := orDefault(w.StartupSteps, 2)
	if len(diffs) < startup || len(diffs) == 0 {
		return false, nil
	}
	mean := func(steps []core.Step) float64 {
		var s float64
		for _, x := range steps {
			s += x.Value
		}
		return s / float64(len(steps))
	}
	mt, mb := mean(t.Intermediate), mean(complete[best].Intermediate)
	var p float64
	var averageIsBest bool
	if maximize {
		p = wilcoxonP(diffs, true)
		averageIsBest = mb <= mt
	} else {
		p = wilcoxonP(diffs, false)
		averageIsBest = mb >= mt
	}
	threshold := w.PThreshold
	if threshold == 0 {
		threshold = 0.1
	}
	if p < threshold && averageIsBest {
		return false, nil
	}
	return p < threshold, nil
}

func allFinite(steps []core.Step) bool {
	for _, s := range steps {
		if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
			return false
		}
	}
	return true
}

// wilcoxonP is SciPy 1.10's wilcoxon(d, zero_method="zsplit",
// alternative=...).pvalue with the default mode: "less" (the differences
// tend to be negative) when less is set, else "greater". The exact null
// distribution is used for up to 50 differences without zeros, the normal
// approximation (with the tie correction, no continuity correction)
// otherwise.
func wilcoxonP(d []float64, less bool) float64 {
	n := len(d)
	abs := make([]float64, n)
	for i, v := range d {
		abs[i] = math.Abs(v)
	}
	ranks, ties := rankData(abs)
	var rPlus, rZero float64
	zeros := 0
	for i, v := range d {
		switch {
		case v > 0:
			rPlus += ranks[i]
		case v == 0:
			rZero += ranks[i]
			zeros++
		}
	}
	rPlus += rZero / 2
	if n <= 50 && zeros == 0 {
		pmf := signedRankPMF(n)
		r := int(rPlus) // SciPy truncates a tied statistic
		var p float64
		if less {
			for _, x := range pmf[:r+1] {
				p += x
			}
		} else {
			for _, x := range pmf[r:] {
				p += x
			}
		}
		return min(max(p, 0), 1)
	}
	fn := float64(n)
	mn := fn * (fn + 1) / 4
	se := fn * (fn + 1) * (2*fn + 1)
	for _, c := range ties {
		se -= 0.5 * c * (c*c - 1)
	}
	se = math.Sqrt(se / 24)
	z := (rPlus - mn) / se
	if less {
		return 0.5 * math.Erfc(-z/math.Sqrt2) // the normal CDF at z
	}
	return 0.5 * math.Erfc(z/math.Sqrt2) // the normal survival function at z
}

// rankData returns the average ranks (1-based) of x and, for each group
// of tied values, its size.
func rankData(x []float64) (ranks, ties []float64) {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case x[a] < x[b]:
			return -1
		case x[a] > x[b]:
			return 1
		}
		return 0
	})
	ranks = make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && x[idx[j]] == x[idx[i]] {
			j++
		}
		for _, k := range idx[i:j] {
			ranks[k] = float64(i+j+1) / 2
		}
		if j-i > 1 {
			ties = append(ties, float64(j-i))
		}
		i = j
	}
	return ranks, ties
}

// signedRankPMF is the null distribution of the Wilcoxon signed-rank
// statistic for n untied differences: P(R+ = r), r = 0..n(n+1)/2.
func signedRankPMF(n int) []float64 {
	m := n * (n + 1) / 2
	counts := make([]float64, m+1)
	counts[0] = 1
	for k := 1; k <= n; k++ {
		for r := m; r >= k; r-- {
			counts[r] += counts[r-k]
		}
	}
	total := math.Ldexp(1, n)
	for i := range counts {
		counts[i] /= total
	}
	return counts
}
