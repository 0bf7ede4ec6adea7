package tpe_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler/tpe"
	"github.com/go-tune/tune/storage"
	"github.com/go-tune/tune/storage/memory"
)

// BenchmarkTrial: one trial of 5 float parameters (Ask, 5 Float, Tell)
// through tune, on the in-memory storage, on a study that already holds N
// finished trials of the sphere function: the sampler's cost per trial,
// with tune's (small) own.
func BenchmarkTrial(b *testing.B) {
	names := []string{"x0", "x1", "x2", "x3", "x4"}
	d := core.Float{Low: -10, High: 10}
	ctx := context.Background()
	for _, mode := range []struct {
		name string
		cfg  tpe.Config
	}{{"independent", tpe.Config{}}, {"optuna31", tpe.Optuna31()}, {"multivariate", tpe.Config{Multivariate: true}}} {
		for _, n := range []int{100, 1000, 10000} {
			b.Run(fmt.Sprintf("%s/finished=%d", mode.name, n), func(b *testing.B) {
				st := memory.New()
				info, err := st.CreateStudy(ctx, "bench", []core.Direction{core.Minimize}, nil)
				if err != nil {
					b.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(1, 2))
				for range n {
					tr, err := st.CreateTrial(ctx, info.ID, storage.TrialSpec{})
					if err != nil {
						b.Fatal(err)
					}
					v := 0.0
					for _, name := range names {
						x := -10 + 20*rng.Float64()
						v += x * x
						if err := st.SetParam(ctx, tr.ID, core.Param{Name: name, Internal: x, Dist: d}); err != nil {
							b.Fatal(err)
						}
					}
					if err := st.FinishTrial(ctx, tr.ID, core.Complete, []float64{v}); err != nil {
						b.Fatal(err)
					}
				}
				study, err := tune.LoadStudy(ctx, "bench", tune.WithStorage(st), tune.WithSampler(must(tpe.New(mode.cfg))), tune.WithSeed(1))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := study.Trials(ctx); err != nil { // fill the cache
					b.Fatal(err)
				}
				b.ResetTimer()
				for range b.N {
					tr, err := study.Ask(ctx)
					if err != nil {
						b.Fatal(err)
					}
					v := 0.0
					for _, name := range names {
						x, err := tr.Float(name, -10, 10)
						if err != nil {
							b.Fatal(err)
						}
						v += x * x
					}
					if _, err := study.Tell(ctx, tr, []float64{v}, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
