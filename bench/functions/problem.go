package functions

import (
	"fmt"
	"strconv"

	"github.com/go-tune/tune/core"
)

// Param is one parameter of a Problem's search space.
type Param struct {
	Name string
	Dist core.Distribution
}

// Problem is a benchmark problem: a search space and an objective to minimise.
// Its fields are not to be changed; each constructor returns a new Problem,
// and Eval is safe for concurrent use.
type Problem struct {
	// Name names the problem and, where it varies, its dimension, such as
	// "Rosenbrock-10".
	Name string
	// Space lists the parameters in the order that Eval reads them.
	Space []Param
	// Directions is the number of objectives, 1 or 2. All are minimised.
	Directions int
	// Optimum is the global minimum of a single-objective problem; 0 for two
	// objectives.
	Optimum float64
	// ArgMin is a point where a single-objective problem reaches Optimum, as
	// internal values in Space order; nil for two objectives.
	ArgMin []float64
	// Ref is the reference point of the hypervolume of a two-objective
	// problem; nil for one objective. Every point of the space is strictly
	// better than Ref in both objectives.
	Ref []float64
	// FrontHV is the hypervolume (Hypervolume2D) of the whole Pareto front of
	// a two-objective problem against Ref: no set of points exceeds it, and
	// FrontHV minus a run's hypervolume is the run's gap. 0 for one objective.
	FrontHV float64
	// Eval returns the Directions objective values at x, the internal values
	// of the parameters in Space order (a categorical's is its choice's
	// index). It panics if len(x) != len(Space).
	Eval func(x []float64) []float64
}

// SingleObjective returns the single-objective problems of the sampler
// benchmark at their standard dimensions, in this order: Branin, Hartmann-6,
// Rosenbrock-10, Ackley-10, Styblinski-Tang-8 and Mixed-5.
func SingleObjective() []Problem {
	return []Problem{Branin(), Hartmann6(), Rosenbrock(10), Ackley(10), StyblinskiTang(8), Mixed()}
}

// MultiObjective returns the two-objective problems of the sampler
// benchmark: ZDT1 and ZDT2 in 30 dimensions.
func MultiObjective() []Problem {
	return []Problem{ZDT1(30), ZDT2(30)}
}

// single builds a single-objective Problem from f.
func single(name string, space []Param, optimum float64, argMin []float64, f func(x []float64) float64) Problem {
	return Problem{
		Name:       name,
		Space:      space,
		Directions: 1,
		Optimum:    optimum,
		ArgMin:     argMin,
		Eval: checked(name, len(space), func(x []float64) []float64 {
			return []float64{f(x)}
		}),
	}
}

// checked wraps f with the check that it is given n values.
func checked(name string, n int, f func(x []float64) []float64) func(x []float64) []float64 {
	return func(x []float64) []float64 {
		if len(x) != n {
			panic(fmt.Sprintf("functions: %s takes %d values, got %d", name, n, len(x)))
		}
		return f(x)
	}
}

// box returns n Float parameters x0, x1, ... on [low, high].
func box(n int, low, high float64) []Param {
	space := make([]Param, n)
	for i := range space {
		space[i] = Param{Name: "x" + strconv.Itoa(i), Dist: core.Float{Low: low, High: high}}
	}
	return space
}

// filled returns n copies of v.
func filled(n int, v float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

// checkDim panics unless n >= lowest, a programmer error at setup.
func checkDim(name string, n, lowest int) {
	if n < lowest {
		panic(fmt.Sprintf("functions: %s needs at least %d dimensions, got %d", name, lowest, n))
	}
}

// Suggester is what Evaluate asks for parameters: a tune.Trial.
type Suggester interface {
	Suggest(name string, d core.Distribution) (any, error)
}

// Evaluate asks t for the problem's parameters, in Space order, and
// returns the objective values there: the body of an objective for tune's
// Optimize (one value) or OptimizeMulti.
func (p Problem) Evaluate(t Suggester) ([]float64, error) {
	x := make([]float64, len(p.Space))
	for i, prm := range p.Space {
		v, err := t.Suggest(prm.Name, prm.Dist)
		if err != nil {
			return nil, err
		}
		if x[i], err = prm.Dist.ToInternal(v); err != nil {
			return nil, fmt.Errorf("functions: %s: parameter %s: %w", p.Name, prm.Name, err)
		}
	}
	return p.Eval(x), nil
}
