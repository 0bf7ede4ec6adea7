package pruner_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/pruner"
)

// medianCase is one case of testdata/median.json; see gen_pruner.py.
type medianCase struct {
	Direction      string `json:"direction"`
	NStartupTrials int    `json:"n_startup_trials"`
	NWarmupSteps   int    `json:"n_warmup_steps"`
	IntervalSteps  int    `json:"interval_steps"`
	NMinTrials     int    `json:"n_min_trials"`
	Trials         []struct {
		State        string   `json:"state"`
		Value        *string  `json:"value"`
		Intermediate []reprKV `json:"intermediate"`
	} `json:"trials"`
	Running []reprKV `json:"running"`
	Prune   bool     `json:"prune"`
}

// reprKV is a [step, "repr"] pair.
type reprKV struct {
	Step  int
	Value float64
}

func (kv *reprKV) UnmarshalJSON(b []byte) error {
	var pair [2]json.RawMessage
	if err := json.Unmarshal(b, &pair); err != nil {
		return err
	}
	if err := json.Unmarshal(pair[0], &kv.Step); err != nil {
		return err
	}
	var s string
	if err := json.Unmarshal(pair[1], &s); err != nil {
		return err
	}
	var err error
	kv.Value, err = strconv.ParseFloat(s, 64)
	return err
}

func steps(kvs []reprKV) []core.Step {
	out := make([]core.Step, len(kvs))
	for i, kv := range kvs {
		out[i] = core.Step{Step: kv.Step, Value: kv.Value}
	}
	return out
}

// config maps Optuna's MedianPruner arguments onto Median's fields, whose
// zero values mean Optuna's defaults; alt picks the zero value where it
// means the same as the explicit one.
func (c medianCase) config(alt bool) pruner.Median {
	m := pruner.Median{
		StartupTrials: c.NStartupTrials,
		WarmupSteps:   c.NWarmupSteps,
		IntervalSteps: c.IntervalSteps,
		MinTrials:     c.NMinTrials,
	}
	if m.StartupTrials == 0 {
		m.StartupTrials = -1 // 0 would mean 5
	}
	if alt {
		if m.StartupTrials == 5 {
			m.StartupTrials = 0
		}
		if m.IntervalSteps == 1 {
			m.IntervalSteps = 0
		}
		if m.MinTrials == 1 {
			m.MinTrials = 0
		}
	}
	return m
}

func loadMedianCases(t *testing.T) []medianCase {
	t.Helper()
	b, err := os.ReadFile("testdata/median.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct{ Cases []medianCase }
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) == 0 {
		t.Fatal("no cases")
	}
	return g.Cases
}

func TestMedianGolden(t *testing.T) {
	ctx := context.Background()
	decisions := map[bool]int{}
	for i, c := range loadMedianCases(t) {
		dir, err := core.ParseDirection(c.Direction)
		if err != nil {
			t.Fatal(err)
		}
		study := coretest.New([]core.Direction{dir})
		study.StudyName = fmt.Sprint("case", i)
		for _, tr := range c.Trials {
			state, err := core.ParseState(tr.State)
			if err != nil {
				t.Fatal(err)
			}
			var values []float64
			if tr.Value != nil {
				v, err := strconv.ParseFloat(*tr.Value, 64)
				if err != nil {
					t.Fatal(err)
				}
				values = []float64{v}
			}
			add(study, state, values, steps(tr.Intermediate))
		}
		running := add(study, core.Running, nil, steps(c.Running))
		for _, alt := range []bool{false, true} {
			m := c.config(alt)
			got, err := m.Prune(ctx, study, running)
			if err != nil {
				t.Fatalf("case %d: %+v.Prune: %v", i, m, err)
			}
			if got != c.Prune {
				t.Errorf("case %d: %+v.Prune = %t, Optuna's MedianPruner(n_startup_trials=%d, n_warmup_steps=%d, interval_steps=%d, n_min_trials=%d) says %t\n%s: trials %+v\nrunning %v",
					i, m, got, c.NStartupTrials, c.NWarmupSteps, c.IntervalSteps, c.NMinTrials, c.Prune,
					c.Direction, c.Trials, running.Intermediate)
			}
		}
		decisions[c.Prune]++
	}
	if decisions[true] < 100 || decisions[false] < 100 {
		t.Errorf("golden decisions are unbalanced: %v", decisions)
	}
}

func TestMedianMultiObjective(t *testing.T) {
	study := coretest.New([]core.Direction{core.Minimize, core.Maximize})
	for range 6 {
		add(study, core.Complete, []float64{1, 2}, []core.Step{{Step: 0, Value: 1}})
	}
	running := add(study, core.Running, nil, []core.Step{{Step: 0, Value: 100}})
	for _, m := range []pruner.Median{{}, {StartupTrials: -1}} {
		got, err := m.Prune(context.Background(), study, running)
		if !errors.Is(err, pruner.ErrMultiObjective) || got {
			t.Errorf("%+v.Prune on a two-objective study = %t, %v; want false, ErrMultiObjective", m, got, err)
		}
	}
}

func TestMedianStudyError(t *testing.T) {
	study := coretest.New([]core.Direction{core.Minimize})
	add(study, core.Complete, []float64{0}, []core.Step{{Step: 0, Value: 0}})
	running := add(study, core.Running, nil, []core.Step{{Step: 0, Value: 100}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, err := pruner.Median{StartupTrials: -1}.Prune(ctx, study, running)
	if !errors.Is(err, context.Canceled) || got {
		t.Errorf("Prune with a failing study = %t, %v; want false, context.Canceled", got, err)
	}
	// And with a live context the same study prunes.
	if got, err := (pruner.Median{StartupTrials: -1}).Prune(context.Background(), study, running); err != nil || !got {
		t.Errorf("Prune = %t, %v; want true", got, err)
	}
}

func TestMedianDefaults(t *testing.T) {
	ctx := context.Background()
	study := coretest.New([]core.Direction{core.Minimize})
	running := core.Trial{State: core.Running, Intermediate: []core.Step{{Step: 0, Value: 10}}}
	// The zero Median waits for 5 Complete trials.
	for n := 1; n <= 5; n++ {
		add(study, core.Complete, []float64{0}, []core.Step{{Step: 0, Value: 0}})
		got, err := pruner.Median{}.Prune(ctx, study, running)
		if err != nil {
			t.Fatal(err)
		}
		if want := n >= 5; got != want {
			t.Errorf("with %d complete trials: Prune = %t, want %t", n, got, want)
		}
	}
	// Pruned, failed and running trials do not count.
	study = coretest.New([]core.Direction{core.Minimize})
	for _, s := range []core.State{core.Pruned, core.Fail, core.Running, core.Waiting} {
		add(study, s, nil, []core.Step{{Step: 0, Value: 0}})
	}
	if got, err := (pruner.Median{StartupTrials: -1}).Prune(ctx, study, running); err != nil || got {
		t.Errorf("with no complete trials: Prune = %t, %v; want false", got, err)
	}
}

func TestNop(t *testing.T) {
	study := coretest.New([]core.Direction{core.Minimize})
	for range 10 {
		add(study, core.Complete, []float64{0}, []core.Step{{Step: 0, Value: 0}})
	}
	multi := coretest.New([]core.Direction{core.Minimize, core.Minimize})
	for _, s := range []core.Study{study, multi} {
		for _, tr := range []core.Trial{
			{},
			{Intermediate: []core.Step{{Step: 0, Value: 1e300}}},
			{Intermediate: []core.Step{{Step: 0, Value: 0}, {Step: 1, Value: 0}}},
		} {
			tr.Values = nil
			if got, err := (pruner.Nop{}).Prune(context.Background(), s, tr); got || err != nil {
				t.Errorf("Nop.Prune = %t, %v; want false, nil", got, err)
			}
		}
	}
	var _ pruner.Pruner = pruner.Nop{}
	var _ pruner.Pruner = pruner.Median{}
}
