package qmc_test

import (
	"context"
	"fmt"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/sampler/qmc"
)

// The first eight unscrambled Sobol' points in two dimensions, as
// scipy.stats.qmc.Sobol(2, scramble=False) gives them.
func ExampleNewSobol() {
	seq, _ := qmc.NewSobol(2, false, 0)
	p := make([]float64, 2)
	for i := range uint64(8) {
		fmt.Println(seq.Point(i, p))
	}
	// Output:
	// [0 0]
	// [0.5 0.5]
	// [0.75 0.25]
	// [0.25 0.75]
	// [0.375 0.375]
	// [0.875 0.875]
	// [0.625 0.125]
	// [0.125 0.625]
}

func ExampleNewHalton() {
	seq, _ := qmc.NewHalton(2, false, 0)
	p := make([]float64, 2)
	for i := range uint64(4) {
		fmt.Printf("%.4f\n", seq.Point(i, p))
	}
	// Output:
	// [0.0000 0.0000]
	// [0.5000 0.3333]
	// [0.2500 0.6667]
	// [0.7500 0.1111]
}

// Trial number n of a study takes point n of the sequence, over the numeric
// parameters of the study's first finished trial.
func ExampleSampler() {
	s, _ := qmc.New(qmc.Config{NoScramble: true})
	study := coretest.New(nil, core.Trial{
		State:  core.Complete,
		Values: []float64{0},
		Params: []core.Param{
			{Name: "x", Internal: 0.5, Dist: core.Float{Low: -1, High: 1}},
			{Name: "n", Internal: 16, Dist: core.Int{Low: 1, High: 128, Log: true}},
		},
	})
	ctx := context.Background()
	for range 4 {
		t := study.Add(core.Trial{State: core.Running})
		space, _ := s.RelativeSpace(ctx, study, t)
		values, _ := s.SampleRelative(ctx, study, t, space, nil)
		fmt.Printf("trial %d: n=%v x=%v\n", t.Number, values["n"], values["x"])
	}
	// Output:
	// trial 1: n=8 x=0
	// trial 2: n=32 x=-0.5
	// trial 3: n=2 x=0.5
	// trial 4: n=4 x=-0.25
}
