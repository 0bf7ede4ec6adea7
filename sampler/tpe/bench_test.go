package tpe_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/sampler/tpe"
)

// BenchmarkSample: the sampling time of one trial of 5 float parameters
// (relative sampling, then independent sampling of what is left), on a
// study of N finished trials of the sphere function.
func BenchmarkSample(b *testing.B) {
	names := []string{"x0", "x1", "x2", "x3", "x4"}
	d := core.Float{Low: -10, High: 10}
	for _, mode := range []struct {
		name string
		cfg  tpe.Config
	}{{"independent", tpe.Optuna31()}, {"multivariate", tpe.Config{}}} {
		for _, n := range []int{100, 1000, 10000} {
			b.Run(fmt.Sprintf("%s/finished=%d", mode.name, n), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				study := coretest.New([]core.Direction{core.Minimize})
				for range n {
					tr := core.Trial{State: core.Complete}
					v := 0.0
					for _, name := range names {
						x := -10 + 20*rng.Float64()
						v += x * x
						tr.Params = append(tr.Params, core.Param{Name: name, Internal: x, Dist: d})
					}
					tr.Values = []float64{v}
					study.Add(tr)
				}
				s := must(tpe.New(mode.cfg))
				ctx := context.Background()
				self := core.Trial{State: core.Running, ID: -1, Number: -1}
				b.ResetTimer()
				for range b.N {
					space, err := s.RelativeSpace(ctx, study, self)
					if err != nil {
						b.Fatal(err)
					}
					rel, err := s.SampleRelative(ctx, study, self, space, rng)
					if err != nil {
						b.Fatal(err)
					}
					for _, name := range names {
						if _, ok := rel[name]; ok {
							continue
						}
						if _, err := s.SampleIndependent(ctx, study, self, name, d, rng); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}
