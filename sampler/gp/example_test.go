package gp_test

import (
	"context"
	"fmt"
	"math"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/sampler/gp"
)

// Minimize the Branin function (minimum 0.397887) in 30 trials: 10 random
// ones, then 20 proposed by the GP.
func Example() {
	ctx := context.Background()
	s, err := gp.New(gp.Config{})
	if err != nil {
		panic(err)
	}
	study, err := tune.CreateStudy(ctx, "branin", tune.WithSampler(s), tune.WithSeed(1))
	if err != nil {
		panic(err)
	}
	err = study.Optimize(ctx, func(ctx context.Context, t *tune.Trial) (float64, error) {
		x, err := t.Float("x", -5, 10)
		if err != nil {
			return 0, err
		}
		y, err := t.Float("y", 0, 15)
		if err != nil {
			return 0, err
		}
		u := y - 5.1/(4*math.Pi*math.Pi)*x*x + 5/math.Pi*x - 6
		return u*u + 10*(1-1/(8*math.Pi))*math.Cos(x) + 10, nil
	}, tune.OptimizeOptions{Trials: 30})
	if err != nil {
		panic(err)
	}
	best, err := study.BestValue(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("within 0.05 of the minimum:", best-0.397887 < 0.05)
	// Output:
	// within 0.05 of the minimum: true
}
