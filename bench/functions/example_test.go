package functions_test

import (
	"fmt"

	"github.com/go-tune/tune/bench/functions"
)

func Example() {
	for _, p := range functions.SingleObjective() {
		fmt.Printf("%-17s %2d params, optimum %.6g\n", p.Name, len(p.Space), p.Optimum)
	}
	for _, p := range functions.MultiObjective() {
		fmt.Printf("%-17s %2d params, front hypervolume %.6g against %v\n", p.Name, len(p.Space), p.FrontHV, p.Ref)
	}
	// Output:
	// Branin             2 params, optimum 0.397887
	// Hartmann-6         6 params, optimum -3.32237
	// Rosenbrock-10     10 params, optimum 0
	// Ackley-10         10 params, optimum 0
	// Styblinski-Tang-8  8 params, optimum -313.329
	// Mixed-5            5 params, optimum 0
	// ZDT1-30           30 params, front hypervolume 120.667 against [11 11]
	// ZDT2-30           30 params, front hypervolume 120.333 against [11 11]
}

func ExampleMixed() {
	p := functions.Mixed()
	for _, q := range p.Space {
		fmt.Println(q.Name, q.Dist)
	}
	// The internal value of the categorical "optimizer" is its index: 0 is sgd.
	x := []float64{1e-2, 0.9, 0.2, 3, 0}
	fmt.Printf("sgd at its best: %.3g\n", p.Eval(x)[0])
	fmt.Printf("optimum %v at %v\n", p.Optimum, p.ArgMin)
	// Output:
	// lr Float[1e-05, 0.1 log]
	// momentum Float[0, 1]
	// dropout Float[0, 0.5 step 0.05]
	// layers Int[1, 8]
	// optimizer Categorical["sgd", "adam", "rmsprop"]
	// sgd at its best: 0.5
	// optimum 0 at [0.001 0.9 0.2 3 1]
}

func ExampleHypervolume2D() {
	p := functions.ZDT1(30)
	x := make([]float64, 30) // x1..x29 = 0: on the Pareto front
	var points [][]float64
	for _, x0 := range []float64{0, 0.25, 1} {
		x[0] = x0
		points = append(points, p.Eval(x))
	}
	hv := functions.Hypervolume2D(points, p.Ref)
	fmt.Println(points)
	fmt.Printf("hypervolume %.4f, gap %.4f\n", hv, p.FrontHV-hv)
	// Output:
	// [[0 1] [0.25 0.5] [1 0]]
	// hypervolume 120.3750, gap 0.2917
}
