package cmaes_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/go-tune/tune/sampler/cmaes"
)

// Minimize a 2-D quadratic with the ask-and-tell core.
func ExampleCMA() {
	c, err := cmaes.NewCMA(cmaes.Options{Mean: []float64{0, 0}, Sigma: 1.3})
	if err != nil {
		panic(err)
	}
	f := func(x []float64) float64 { return (x[0]-3)*(x[0]-3) + 100*(x[1]+2)*(x[1]+2) }
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		sols := make([]cmaes.Solution, c.PopSize())
		for i := range sols {
			x, raw := c.Ask(rng)
			sols[i] = cmaes.Solution{X: raw, Value: f(x)}
		}
		if err := c.Tell(sols); err != nil {
			panic(err)
		}
		if c.ShouldStop() {
			break
		}
	}
	m := c.Mean()
	fmt.Printf("population %d, mean (%.4f, %.4f)\n", c.PopSize(), m[0], m[1])
	// Output:
	// population 6, mean (3.0000, -2.0000)
}
