package tpe_test

import (
	"context"
	"fmt"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/sampler/tpe"
)

func Example() {
	smp, err := tpe.New(tpe.Config{}) // Optuna's defaults, with the constant liar
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	study, _ := tune.CreateStudy(ctx, "tpe-example", tune.WithSampler(smp), tune.WithSeed(42))
	_ = study.Optimize(ctx, func(_ context.Context, t *tune.Trial) (float64, error) {
		x, _ := t.Float("x", -10, 10)
		y, _ := t.Float("y", -10, 10)
		return (x-2)*(x-2) + (y+1)*(y+1), nil
	}, tune.OptimizeOptions{Trials: 100})
	best, _ := study.BestValue(ctx)
	fmt.Println(best < 0.5)
	// Output: true
}
