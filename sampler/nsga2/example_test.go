package nsga2_test

import (
	"context"
	"fmt"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/bench/functions"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler/nsga2"
)

// Minimize the two objectives of ZDT1 and measure the front found.
func Example() {
	ctx := context.Background()
	s, err := nsga2.New(nsga2.Config{PopulationSize: 20, Crossover: nsga2.SBX})
	if err != nil {
		panic(err)
	}
	study, err := tune.CreateStudy(ctx, "zdt1", tune.WithSampler(s), tune.WithSeed(1),
		tune.WithDirections(tune.Minimize, tune.Minimize))
	if err != nil {
		panic(err)
	}
	p := functions.ZDT1(5)
	err = study.OptimizeMulti(ctx, func(_ context.Context, t *tune.Trial) ([]float64, error) {
		x := make([]float64, len(p.Space))
		for i, q := range p.Space {
			if x[i], err = t.Float(q.Name, 0, 1); err != nil {
				return nil, err
			}
		}
		return p.Eval(x), nil
	}, tune.OptimizeOptions{Trials: 400})
	if err != nil {
		panic(err)
	}
	front, err := study.BestTrials(ctx)
	if err != nil {
		panic(err)
	}
	var pts [][]float64
	for _, t := range front {
		pts = append(pts, t.Values)
	}
	trials, _ := study.Trials(ctx)
	last := trials[len(trials)-1]
	fmt.Println("last trial's generation:", last.SystemAttrs[nsga2.AttrGeneration])
	fmt.Println("within 2% of the best hypervolume:", functions.Hypervolume2D(pts, p.Ref) > 0.98*p.FrontHV)
	// Output:
	// last trial's generation: 19
	// within 2% of the best hypervolume: true
}

// Constraints: the objective leaves its constraint value in a user
// attribute, and ConstraintsFunc hands it to the sampler, which stores it
// in the trial's system attribute AttrConstraints.
func ExampleConfig_constraints() {
	s, err := nsga2.New(nsga2.Config{
		ConstraintsFunc: func(t core.Trial) []float64 {
			c, _ := t.UserAttrs["g"].(float64) // g <= 0 is feasible
			return []float64{c}
		},
	})
	if err != nil {
		panic(err)
	}
	// In the objective:
	//	x, _ := t.Float("x", 0, 1)
	//	t.SetUserAttr("g", 0.3-x) // feasible when x >= 0.3
	fmt.Println(s.Config().PopulationSize, s.Config().Crossover)
	// Output:
	// 50 uniform
}
