package gp_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/sampler/gp"
)

// benchStudy returns a study of n Complete trials of a d-dimensional
// Styblinski-Tang-like function over Float[-5, 5] parameters. With warm,
// the last trial was sampled by s and holds its hyperparameters, as in a
// running study; otherwise every fit starts from the defaults.
func benchStudy(b *testing.B, s *gp.Sampler, n, d int, warm bool) *coretest.Study {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(d)))
	dist := core.Float{Low: -5, High: 5}
	var trials []core.Trial
	f := func(x []float64) float64 {
		v := 0.0
		for _, xi := range x {
			v += xi*xi*xi*xi - 16*xi*xi + 5*xi
		}
		return v / 2
	}
	for range n {
		tr := core.Trial{State: core.Complete}
		x := make([]float64, d)
		for j := range x {
			x[j] = -5 + 10*rng.Float64()
			tr.Params = append(tr.Params, core.Param{Name: fmt.Sprintf("x%d", j), Internal: x[j], Dist: dist})
		}
		tr.Values = []float64{f(x)}
		trials = append(trials, tr)
	}
	study := coretest.New(nil, trials[:n-1]...)
	if !warm {
		return coretest.New(nil, trials...)
	}
	// Sample the last trial with s, and complete it.
	ctx := context.Background()
	tr := study.Add(core.Trial{State: core.Running})
	space, _ := s.RelativeSpace(ctx, study, tr)
	got, err := s.SampleRelative(ctx, study, tr, space, nil)
	if err != nil {
		b.Fatal(err)
	}
	all, _ := study.Trials(ctx)
	last := all[len(all)-1]
	x := make([]float64, d)
	for j := range x {
		x[j] = got[fmt.Sprintf("x%d", j)]
		last.Params = append(last.Params, core.Param{Name: fmt.Sprintf("x%d", j), Internal: x[j], Dist: dist})
	}
	last.State, last.Values = core.Complete, []float64{f(x)}
	all[len(all)-1] = last
	return coretest.New(nil, all...)
}

// BenchmarkSuggest: one relative sampling (the GP's whole cost per trial:
// fit, acquisition over 2048 candidates, 10 local searches) on a study of
// N Complete trials of D float parameters, in steady state (the fit warm
// started from the previous trial's hyperparameters) and cold.
func BenchmarkSuggest(b *testing.B) {
	ctx := context.Background()
	for _, mode := range []string{"warm", "cold"} {
		for _, d := range []int{5, 10} {
			for _, n := range []int{100, 300} {
				b.Run(fmt.Sprintf("%s/dims=%d/trials=%d", mode, d, n), func(b *testing.B) {
					s := must(gp.New(gp.Config{Seed: 1}))
					study := benchStudy(b, s, n, d, mode == "warm")
					b.ResetTimer()
					for range b.N {
						tr := study.Add(core.Trial{State: core.Running})
						space, err := s.RelativeSpace(ctx, study, tr)
						if err != nil {
							b.Fatal(err)
						}
						got, err := s.SampleRelative(ctx, study, tr, space, nil)
						if err != nil || len(got) != d || math.IsNaN(got["x0"]) {
							b.Fatal(got, err)
						}
					}
				})
			}
		}
	}
}
