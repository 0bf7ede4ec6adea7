package pruner_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/pruner"
)

// replayCase is one case of testdata/replay.json; see gen_replay.py.
type replayCase struct {
	Label     string
	Study     string
	Direction string
	Curves    [][]string
	PrunedAt  []*int `json:"pruned_at"`
}

func replayPruner(t *testing.T, raw map[string]any) pruner.Pruner {
	t.Helper()
	num := func(k string) float64 { v, _ := raw[k].(float64); return v }
	i := func(k string) int { return int(num(k)) }
	switch raw["kind"] {
	case "sha":
		return pruner.SuccessiveHalving{MinResource: i("min_resource"), ReductionFactor: i("reduction_factor"),
			MinEarlyStoppingRate: i("min_early_stopping_rate"), BootstrapCount: i("bootstrap_count")}
	case "hyperband":
		return pruner.Hyperband{MinResource: i("min_resource"), MaxResource: i("max_resource"),
			ReductionFactor: i("reduction_factor"), BootstrapCount: i("bootstrap_count")}
	case "threshold":
		p := pruner.Threshold{WarmupSteps: i("warmup"), IntervalSteps: i("interval")}
		if _, ok := raw["lower"]; ok {
			p.Lower = pruner.Bound(num("lower"))
		}
		if _, ok := raw["upper"]; ok {
			p.Upper = pruner.Bound(num("upper"))
		}
		return p
	case "patient":
		p := pruner.Patient{Patience: i("patience"), MinDelta: num("min_delta")}
		if raw["wrapped"] == "median3" {
			p.Pruner = pruner.Median{StartupTrials: 3}
		}
		return p
	case "percentile":
		return pruner.Percentile{Percentile: num("percentile"), StartupTrials: i("startup"), WarmupSteps: i("warmup")}
	}
	t.Fatalf("unknown pruner %v", raw)
	return nil
}

// TestReplayMatchesOptuna runs Optuna's scripted studies through tune
// studies: every trial must be pruned at the same step as in Optuna 3.1
// (or not at all), under successive halving, Hyperband, threshold,
// patient and percentile pruners.
func TestReplayMatchesOptuna(t *testing.T) {
	raw, err := os.ReadFile("testdata/replay.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Cases []json.RawMessage
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pruned := 0
	for _, rc := range g.Cases {
		var c replayCase
		var cfg struct{ Config map[string]any }
		if err := json.Unmarshal(rc, &c); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(rc, &cfg); err != nil {
			t.Fatal(err)
		}
		p := replayPruner(t, cfg.Config)
		t.Run(c.Label+" "+c.Direction, func(t *testing.T) {
			dir, err := core.ParseDirection(c.Direction)
			if err != nil {
				t.Fatal(err)
			}
			study, err := tune.CreateStudy(ctx, c.Study, tune.WithDirections(dir), tune.WithPruner(p))
			if err != nil {
				t.Fatal(err)
			}
			for n, curve := range c.Curves {
				tr, err := study.Ask(ctx)
				if err != nil {
					t.Fatal(err)
				}
				at := -1
				var last float64
				for s, str := range curve {
					v, err := strconv.ParseFloat(str, 64)
					if err != nil {
						t.Fatal(err)
					}
					last = v
					if err := tr.Report(s, v); err != nil {
						t.Fatal(err)
					}
					prune, err := tr.ShouldPrune()
					if err != nil {
						t.Fatal(err)
					}
					if prune {
						at = s
						break
					}
				}
				want := -1
				if c.PrunedAt[n] != nil {
					want = *c.PrunedAt[n]
					pruned++
				}
				if at != want {
					t.Fatalf("trial %d: pruned at step %d, Optuna at %d (-1: not pruned)", n, at, want)
				}
				switch {
				case at >= 0:
					_, err = study.Tell(ctx, tr, nil, tune.ErrPruned)
				case math.IsNaN(last):
					_, err = study.Tell(ctx, tr, nil, errors.New("NaN"))
				default:
					_, err = study.Tell(ctx, tr, []float64{last}, nil)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	if pruned < 200 {
		t.Errorf("only %d pruned trials in the golden data", pruned)
	}
}
