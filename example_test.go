package tune_test

import (
	"context"
	"fmt"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/pruner"
	"github.com/go-tune/tune/sampler/grid"
)

func Example() {
	ctx := context.Background()
	study, err := tune.CreateStudy(ctx, "example", tune.WithSeed(1))
	if err != nil {
		panic(err)
	}
	err = study.Optimize(ctx, func(ctx context.Context, t *tune.Trial) (float64, error) {
		x, err := t.Float("x", -10, 10)
		if err != nil {
			return 0, err
		}
		return (x - 2) * (x - 2), nil
	}, tune.OptimizeOptions{Trials: 200})
	if err != nil {
		panic(err)
	}
	best, _ := study.BestTrial(ctx)
	fmt.Printf("best x %.1f after %d trials\n", best.ParamValues()["x"], len(mustTrials(study)))
	// Output: best x 2.0 after 200 trials
}

func mustTrials(s *tune.Study) []tune.FrozenTrial {
	trials, err := s.Trials(context.Background())
	if err != nil {
		panic(err)
	}
	return trials
}

// A loop of the caller's own: ask for a trial, evaluate it, tell the result.
func ExampleStudy_Ask() {
	ctx := context.Background()
	study, _ := tune.CreateStudy(ctx, "ask-tell", tune.WithDirections(tune.Maximize), tune.WithSeed(3))
	for range 20 {
		t, err := study.Ask(ctx)
		if err != nil {
			panic(err)
		}
		n, _ := t.Int("n", 1, 10)
		if _, err := study.Tell(ctx, t, []float64{float64(n)}, nil); err != nil {
			panic(err)
		}
	}
	v, _ := study.BestValue(ctx)
	fmt.Println("best n:", v)
	// Output: best n: 10
}

// Enqueued parameters are tried first, exactly once.
func ExampleStudy_Enqueue() {
	ctx := context.Background()
	study, _ := tune.CreateStudy(ctx, "enqueue", tune.WithSeed(1))
	_, _ = study.Enqueue(ctx, map[string]any{"lr": 0.01, "optimizer": "adam"})
	_ = study.Optimize(ctx, func(ctx context.Context, t *tune.Trial) (float64, error) {
		lr, _ := t.Float("lr", 1e-5, 1, tune.Log())
		opt, _ := tune.Choice(t, "optimizer", "sgd", "adam")
		if t.Number() == 0 {
			fmt.Println("trial 0:", lr, opt)
		}
		return lr, nil
	}, tune.OptimizeOptions{Trials: 5})
	// Output: trial 0: 0.01 adam
}

// A grid study evaluates every combination once and stops by itself.
func ExampleStudy_Optimize_grid() {
	ctx := context.Background()
	g, _ := grid.New(map[string][]any{"depth": {2, 4}, "criterion": {"gini", "entropy"}})
	study, _ := tune.CreateStudy(ctx, "grid", tune.WithSampler(g))
	_ = study.Optimize(ctx, func(ctx context.Context, t *tune.Trial) (float64, error) {
		d, _ := t.Int("depth", 1, 8)
		c, _ := tune.Choice(t, "criterion", "gini", "entropy")
		if c == "entropy" {
			return float64(d) - 0.5, nil
		}
		return float64(d), nil
	}, tune.OptimizeOptions{Workers: 4})
	best, _ := study.BestParams(ctx)
	fmt.Println(len(mustTrials(study)), "trials; best", best["criterion"], best["depth"])
	// Output: 4 trials; best entropy 2
}

// An objective reports a learning curve; the median pruner stops the trials
// that fall behind.
func ExampleTrial_ShouldPrune() {
	ctx := context.Background()
	study, _ := tune.CreateStudy(ctx, "prune", tune.WithSeed(4), tune.WithPruner(pruner.Median{StartupTrials: 5}))
	_ = study.Optimize(ctx, func(ctx context.Context, t *tune.Trial) (float64, error) {
		rate, _ := t.Float("rate", 0, 1)
		loss := 1.0
		for epoch := range 20 {
			loss *= 1 - rate/2
			if err := t.Report(epoch, loss); err != nil {
				return 0, err
			}
			if prune, _ := t.ShouldPrune(); prune {
				return 0, tune.ErrPruned
			}
		}
		return loss, nil
	}, tune.OptimizeOptions{Trials: 30})
	pruned, _ := study.Trials(ctx, tune.Pruned)
	complete, _ := study.Trials(ctx, tune.Complete)
	fmt.Println(len(pruned), "pruned,", len(complete), "complete")
	// Output: 20 pruned, 10 complete
}
