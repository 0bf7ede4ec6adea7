package auto_test

import (
	"context"
	"fmt"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/sampler/auto"
)

func Example() {
	smp, err := auto.New(auto.Config{}) // picks GP, TPE or NSGA-II trial by trial
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	study, _ := tune.CreateStudy(ctx, "auto-example", tune.WithSampler(smp), tune.WithSeed(7))
	_ = study.Optimize(ctx, func(_ context.Context, t *tune.Trial) (float64, error) {
		x, _ := t.Float("x", -5, 5)
		return (x - 2) * (x - 2), nil
	}, tune.OptimizeOptions{Trials: 20})
	best, _ := study.BestValue(ctx)
	attrs, _ := study.SystemAttrs(ctx)
	fmt.Println(attrs[auto.AttrSampler], best < 0.01)
	// Output: gp true
}
