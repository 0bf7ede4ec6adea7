package tpe_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/bench/functions"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/random"
	"github.com/go-tune/tune/sampler/tpe"
)

// hv runs 120 trials of ZDT1 in 5 dimensions and returns the hypervolume of
// what was found.
func hv(t *testing.T, s sampler.Sampler, seed uint64) float64 {
	t.Helper()
	p := functions.ZDT1(5)
	ctx := context.Background()
	study, err := tune.CreateStudy(ctx, "zdt", tune.WithSampler(s), tune.WithSeed(seed),
		tune.WithDirections(tune.Minimize, tune.Minimize))
	if err != nil {
		t.Fatal(err)
	}
	err = study.OptimizeMulti(ctx, func(_ context.Context, tr *tune.Trial) ([]float64, error) {
		return p.Evaluate(tr)
	}, tune.OptimizeOptions{Trials: 120})
	if err != nil {
		t.Fatal(err)
	}
	front, err := study.BestTrials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pts [][]float64
	for _, tr := range front {
		pts = append(pts, tr.Values)
	}
	return functions.Hypervolume2D(pts, p.Ref)
}

// TestMultiObjective: on ZDT1, MOTPE's front has a larger hypervolume than
// random search's in most of 5 seeds.
func TestMultiObjective(t *testing.T) {
	wins := 0
	var log string
	for seed := range uint64(5) {
		a := hv(t, must(tpe.New(tpe.Config{})), seed+1)
		b := hv(t, random.New(), seed+1)
		log += fmt.Sprintf(" %.3f/%.3f", a, b)
		if a > b {
			wins++
		}
	}
	t.Logf("hypervolume TPE/random by seed:%s", log)
	if wins < 4 {
		t.Errorf("TPE's front beat random search's in %d of 5 seeds:%s", wins, log)
	}
}
