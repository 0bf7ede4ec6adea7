package modelsel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Distribution is where a randomized search draws one hyperparameter
// from: Values (a list), Uniform, LogUniform or IntUniform. The set is
// closed, so that other searches (tune's samplers, in package search) can
// translate every kind.
type Distribution interface {
	// Sample draws a value.
	Sample(r *rand.Rand) any
	// validate reports what is wrong with the distribution.
	validate() error
}

// Values is a list of choices, drawn with equal probability. A space made
// of lists only is sampled without replacement, as scikit-learn does.
type Values []any

// Sample returns one of the values at random.
func (v Values) Sample(r *rand.Rand) any { return v[r.IntN(len(v))] }

func (v Values) validate() error {
	if len(v) == 0 {
		return fmt.Errorf("an empty list of values")
	}
	return nil
}

// Uniform is the uniform distribution over [Low, High).
type Uniform struct{ Low, High float64 }

// Sample draws a float64 in [Low, High).
func (u Uniform) Sample(r *rand.Rand) any { return u.Low + (u.High-u.Low)*r.Float64() }

func (u Uniform) validate() error {
	if !(u.Low < u.High) || math.IsInf(u.Low, 0) || math.IsInf(u.High, 0) {
		return fmt.Errorf("Uniform{%v, %v}: needs finite Low < High", u.Low, u.High)
	}
	return nil
}

// LogUniform is the log-uniform (reciprocal) distribution over
// [Low, High), scipy's loguniform, for scales such as learning rates.
type LogUniform struct{ Low, High float64 }

// Sample draws a float64 in [Low, High) whose logarithm is uniform.
func (u LogUniform) Sample(r *rand.Rand) any {
	return math.Exp(math.Log(u.Low) + (math.Log(u.High)-math.Log(u.Low))*r.Float64())
}

func (u LogUniform) validate() error {
	if !(u.Low > 0 && u.Low < u.High) || math.IsInf(u.High, 0) {
		return fmt.Errorf("LogUniform{%v, %v}: needs 0 < Low < High, finite", u.Low, u.High)
	}
	return nil
}

// IntUniform draws integers in [Low, High], both ends included (scipy's
// randint excludes High), uniformly or, with Log, log-uniformly.
type IntUniform struct {
	Low, High int
	Log       bool
}

// Sample draws an int in [Low, High].
func (u IntUniform) Sample(r *rand.Rand) any {
	if !u.Log {
		return u.Low + r.IntN(u.High-u.Low+1)
	}
	lo, hi := math.Log(float64(u.Low)-0.5), math.Log(float64(u.High)+0.5)
	v := int(math.Round(math.Exp(lo + (hi-lo)*r.Float64())))
	return min(max(v, u.Low), u.High)
}

func (u IntUniform) validate() error {
	if u.Low > u.High || (u.Log && u.Low < 1) {
		return fmt.Errorf("IntUniform{%d, %d, Log: %v}: needs Low <= High (and Low >= 1 with Log)", u.Low, u.High, u.Log)
	}
	return nil
}

// Space is a randomized search's hyperparameter space.
type Space map[string]Distribution

// Validate checks every distribution and names the parameter of the first
// one that is wrong.
func (s Space) Validate() error {
	if len(s) == 0 {
		return fmt.Errorf("modelsel: empty search space")
	}
	for _, k := range sortedKeys(s) {
		if s[k] == nil {
			return fmt.Errorf("modelsel: hyperparameter %q: nil distribution", k)
		}
		if err := s[k].validate(); err != nil {
			return fmt.Errorf("modelsel: hyperparameter %q: %w", k, err)
		}
	}
	return nil
}

// Grid maps each hyperparameter to the values a grid search tries; every
// combination is a candidate.
type Grid map[string][]any

// Size returns the number of combinations of g.
func (g Grid) Size() int {
	n := 1
	for _, v := range g {
		n *= len(v)
	}
	return n
}

// At returns combination i of g, in scikit-learn's ParameterGrid order:
// names sorted, the last name's values varying fastest.
func (g Grid) At(i int) Params {
	keys := sortedKeys(g)
	p := make(Params, len(keys))
	for j := len(keys) - 1; j >= 0; j-- {
		vals := g[keys[j]]
		p[keys[j]] = vals[i%len(vals)]
		i /= len(vals)
	}
	return p
}

func (g Grid) validate() error {
	for _, k := range sortedKeys(g) {
		if len(g[k]) == 0 {
			return fmt.Errorf("modelsel: hyperparameter %q has no values in the grid", k)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// GridCandidates lists every combination of the grids, one grid after the
// other, as scikit-learn's ParameterGrid does with a list of dicts.
func GridCandidates(grids ...Grid) ([]Params, error) {
	var out []Params
	for _, g := range grids {
		if err := g.validate(); err != nil {
			return nil, err
		}
		for i := range g.Size() {
			out = append(out, g.At(i))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("modelsel: empty parameter grid")
	}
	return out, nil
}

// SampleCandidates draws n candidates from s, as scikit-learn's
// ParameterSampler does: when every distribution is a list, n distinct
// combinations of the grid they make (all of them, in a random order, when
// the grid has fewer than n); otherwise each candidate draws each
// parameter independently, names in sorted order.
func SampleCandidates(s Space, n int, r *rand.Rand) ([]Params, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("modelsel: %d candidates requested, need at least 1", n)
	}
	keys := sortedKeys(s)
	grid := Grid{}
	for _, k := range keys {
		v, ok := s[k].(Values)
		if !ok {
			grid = nil
			break
		}
		grid[k] = v
	}
	out := make([]Params, 0, n)
	if grid != nil {
		size := grid.Size()
		for _, i := range r.Perm(size)[:min(n, size)] {
			out = append(out, grid.At(i))
		}
		return out, nil
	}
	for range n {
		p := make(Params, len(keys))
		for _, k := range keys {
			p[k] = s[k].Sample(r)
		}
		out = append(out, p)
	}
	return out, nil
}

func (s Space) String() string {
	parts := make([]string, 0, len(s))
	for _, k := range sortedKeys(s) {
		parts = append(parts, fmt.Sprintf("%s: %v", k, s[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
