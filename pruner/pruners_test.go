package pruner_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/pruner"
)

// TestInvalidSettings: a bad setting fails when the study is made, naming
// the field.
func TestInvalidSettings(t *testing.T) {
	for _, c := range []struct {
		p    pruner.Pruner
		want string
	}{
		{pruner.Percentile{Percentile: 101}, "Percentile = 101"},
		{pruner.Percentile{Percentile: -1}, "Percentile = -1"},
		{pruner.Median{WarmupSteps: -2}, "WarmupSteps = -2"},
		{pruner.Median{IntervalSteps: -1}, "IntervalSteps = -1"},
		{pruner.SuccessiveHalving{ReductionFactor: 1}, "ReductionFactor = 1"},
		{pruner.SuccessiveHalving{MinResource: -1}, "MinResource = -1"},
		{pruner.SuccessiveHalving{MinEarlyStoppingRate: -1}, "MinEarlyStoppingRate = -1"},
		{pruner.SuccessiveHalving{BootstrapCount: -1}, "BootstrapCount = -1"},
		{pruner.Hyperband{ReductionFactor: 1}, "ReductionFactor = 1"},
		{pruner.Hyperband{MinResource: 5, MaxResource: 3}, "MaxResource = 3 is below MinResource = 5"},
		{pruner.Hyperband{BootstrapCount: 2}, "needs a MaxResource"},
		{pruner.Threshold{}, "needs Lower, Upper or both"},
		{pruner.Threshold{Lower: pruner.Bound(2), Upper: pruner.Bound(1)}, "Lower = 2 is above Upper = 1"},
		{pruner.Threshold{Upper: pruner.Bound(1), WarmupSteps: -1}, "WarmupSteps = -1"},
		{pruner.Patient{Patience: -1}, "Patience = -1"},
		{pruner.Patient{Patience: 1, MinDelta: -0.1}, "MinDelta = -0.1"},
		{pruner.Patient{Patience: 1, Pruner: pruner.SuccessiveHalving{ReductionFactor: 1}}, "ReductionFactor = 1"},
		{pruner.Wilcoxon{PThreshold: 1.5}, "PThreshold = 1.5"},
		{pruner.Objective{Index: -1, Pruner: pruner.Median{}}, "Index = -1"},
		{pruner.Objective{}, "needs a Pruner"},
	} {
		_, err := tune.CreateStudy(context.Background(), "bad", tune.WithPruner(c.p))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%#v: CreateStudy error %v, want %q", c.p, err, c.want)
		}
		study := coretest.New([]core.Direction{core.Minimize})
		running := add(study, core.Running, nil, []core.Step{{Step: 0, Value: 1}})
		if _, err := c.p.Prune(context.Background(), study, running); err == nil {
			t.Errorf("%#v: Prune accepted the bad setting", c.p)
		}
	}
}

func TestWilcoxonPrunesAClearlyWorseTrial(t *testing.T) {
	ctx := context.Background()
	study := coretest.New([]core.Direction{core.Minimize})
	// The best trial: per-fold losses around 1.
	var best []core.Step
	for i := range 10 {
		best = append(best, core.Step{Step: i, Value: 1 + 0.01*float64(i%3)})
	}
	add(study, core.Complete, []float64{1.01}, best)
	add(study, core.Complete, []float64{3}, best[:3])
	judge := func(vals ...float64) bool {
		var steps []core.Step
		for i, v := range vals {
			steps = append(steps, core.Step{Step: i, Value: v})
		}
		got, err := pruner.Wilcoxon{}.Prune(ctx, study, core.Trial{State: core.Running, Intermediate: steps})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if judge(2) {
		t.Error("pruned before the 2 startup steps")
	}
	if !judge(2, 2.1, 1.9, 2.2, 2.3) {
		t.Error("did not prune a trial worse at every fold")
	}
	if judge(0.5, 0.6, 0.5, 0.4) {
		t.Error("pruned a trial better at every fold")
	}
	// Worse at most folds but better on average: the safety rule keeps it.
	if judge(1.1, 1.1, 1.1, 1.1, -5) {
		t.Error("pruned a trial whose mean beats the best trial's")
	}
}

func TestObjectivePrunesOneOfSeveral(t *testing.T) {
	ctx := context.Background()
	study := coretest.New([]core.Direction{core.Minimize, core.Maximize})
	for i := range 5 {
		add(study, core.Complete, []float64{1, float64(i)}, []core.Step{{Step: 0, Value: float64(10 + i)}})
	}
	p := pruner.Objective{Index: 1, Pruner: pruner.Median{}}
	low := core.Trial{State: core.Running, Intermediate: []core.Step{{Step: 0, Value: 1}}}
	high := core.Trial{State: core.Running, Intermediate: []core.Step{{Step: 0, Value: 100}}}
	if got, err := p.Prune(ctx, study, low); err != nil || !got {
		t.Errorf("a value below the median of a maximised objective: %v, %v; want pruned", got, err)
	}
	if got, err := p.Prune(ctx, study, high); err != nil || got {
		t.Errorf("a value above the median: %v, %v; want kept", got, err)
	}
	if _, err := (pruner.Objective{Index: 2, Pruner: pruner.Median{}}).Prune(ctx, study, low); err == nil {
		t.Error("objective 2 of 2 accepted")
	}
	if _, err := (pruner.Median{}).Prune(ctx, study, low); !errors.Is(err, pruner.ErrMultiObjective) {
		t.Errorf("Median on two objectives: %v", err)
	}
}

// bracketRecorder samples 0.5 and records which trials the sampler of
// each trial was shown.
type bracketRecorder struct {
	mu   sync.Mutex
	seen map[int][]int
	view core.Study
}

func (r *bracketRecorder) SampleIndependent(ctx context.Context, study core.Study, t core.Trial, _ string, _ core.Distribution, _ *rand.Rand) (float64, error) {
	trials, err := study.Trials(ctx)
	if err != nil {
		return 0, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[int][]int{}
	}
	for _, o := range trials {
		r.seen[t.Number] = append(r.seen[t.Number], o.Number)
	}
	r.view = study
	return 0.5, nil
}

func TestHyperbandSamplerSeesItsBracket(t *testing.T) {
	ctx := context.Background()
	h := pruner.Hyperband{MaxResource: 27}
	rec := &bracketRecorder{}
	study, err := tune.CreateStudy(ctx, "brackets", tune.WithPruner(h), tune.WithSampler(rec))
	if err != nil {
		t.Fatal(err)
	}
	for range 40 {
		tr, err := study.Ask(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Float("x", 0, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := study.Tell(ctx, tr, []float64{1}, nil); err != nil {
			t.Fatal(err)
		}
	}
	bracket := func(n int) int {
		g, err := h.Group(ctx, rec.view, n)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	groups := map[int]int{}
	others := 0
	for n, seen := range rec.seen {
		g := bracket(n)
		groups[g]++
		for _, m := range seen {
			if bracket(m) != g {
				t.Errorf("the sampler of trial %d (bracket %d) saw trial %d of bracket %d", n, g, m, bracket(m))
			}
			if m != n {
				others++
			}
		}
	}
	if len(groups) != 4 || others == 0 {
		t.Errorf("brackets %v, %d other trials seen; 27 steps and η = 3 make 4 brackets", groups, others)
	}
}

// TestConcurrentWorkers: eight goroutines share an in-memory study under
// successive halving. Every rung a trial recorded is one it reached,
// without gaps, and a pruned trial stopped exactly at its last rung.
func TestConcurrentWorkers(t *testing.T) {
	ctx := context.Background()
	study, err := tune.CreateStudy(ctx, "asha", tune.WithSeed(1),
		tune.WithPruner(pruner.SuccessiveHalving{MinResource: 1, ReductionFactor: 2}))
	if err != nil {
		t.Fatal(err)
	}
	const steps = 17
	err = study.Optimize(ctx, func(ctx context.Context, tr *tune.Trial) (float64, error) {
		x, err := tr.Float("x", 0, 1)
		if err != nil {
			return 0, err
		}
		v := x
		for s := range steps {
			v = x + 1/float64(s+1)
			if err := tr.Report(s, v); err != nil {
				return 0, err
			}
			if prune, err := tr.ShouldPrune(); err != nil || prune {
				return 0, errors.Join(err, tune.ErrPruned)
			}
		}
		return v, nil
	}, tune.OptimizeOptions{Trials: 200, Workers: 8})
	if err != nil {
		t.Fatal(err)
	}
	trials, err := study.Trials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pruned := 0
	for _, tr := range trials {
		rungs := 0
		for k := range 10 {
			if _, ok := tr.SystemAttrs[fmt.Sprintf("completed_rung_%d", k)]; ok {
				if k != rungs {
					t.Fatalf("trial %d has rung %d without rung %d", tr.Number, k, rungs)
				}
				rungs++
			}
		}
		last, _ := tr.LastStep()
		if tr.State == core.Pruned {
			pruned++
			if rungs == 0 || last.Step != 1<<(rungs-1) {
				t.Errorf("trial %d was pruned at step %d with %d rungs", tr.Number, last.Step, rungs)
			}
		}
	}
	if pruned < 100 {
		t.Errorf("%d of 200 trials pruned", pruned)
	}
}
