// Command quickstart minimizes a 2-D function with random search and prints
// the best trial: the smallest tune program.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/go-tune/tune"
)

func main() {
	ctx := context.Background()
	study, err := tune.CreateStudy(ctx, "quickstart", tune.WithSeed(42))
	if err != nil {
		log.Fatal(err)
	}
	// The bowl (x-2)^2 + (y+1)^2 has its minimum 0 at (2, -1).
	objective := func(ctx context.Context, t *tune.Trial) (float64, error) {
		x, err := t.Float("x", -10, 10)
		if err != nil {
			return 0, err
		}
		y, err := t.Float("y", -10, 10)
		if err != nil {
			return 0, err
		}
		return (x-2)*(x-2) + (y+1)*(y+1), nil
	}
	if err := study.Optimize(ctx, objective, tune.OptimizeOptions{Trials: 1000, Workers: 4}); err != nil {
		log.Fatal(err)
	}
	best, err := study.BestTrial(ctx)
	if err != nil {
		log.Fatal(err)
	}
	p := best.ParamValues()
	fmt.Printf("best value %.4f at x=%.3f y=%.3f (trial %d of 1000)\n", best.Values[0], p["x"], p["y"], best.Number)
}
