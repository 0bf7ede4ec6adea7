package grid_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/sampler/grid"
	"github.com/go-tune/tune/storage/memory"
)

var bg = context.Background()

func TestNewErrors(t *testing.T) {
	for name, space := range map[string]map[string][]any{
		"empty":      {},
		"no values":  {"x": {}},
		"duplicate":  {"x": {1, 1}},
		"not scalar": {"x": {[]int{1}}},
		"NaN":        {"x": {0.5, json.Number("NaN")}},
	} {
		if _, err := grid.New(space); err == nil {
			t.Errorf("%s: New(%v) succeeded", name, space)
		}
	}
}

// TestOptunaOrder: combination i is Optuna's grid_id i for the same space.
func TestOptunaOrder(t *testing.T) {
	b, err := os.ReadFile("testdata/optuna_grid.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Space      map[string][]any
		Grids      [][]any
		ParamNames []string `json:"param_names"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&golden); err != nil {
		t.Fatal(err)
	}
	g, err := grid.New(golden.Space)
	if err != nil {
		t.Fatal(err)
	}
	if g.Size() != len(golden.Grids) {
		t.Fatalf("Size = %d, Optuna has %d", g.Size(), len(golden.Grids))
	}
	for i, want := range golden.Grids {
		p := g.Point(i)
		for j, name := range golden.ParamNames {
			if fmt.Sprint(p[name]) != fmt.Sprint(want[j]) {
				t.Fatalf("combination %d: %s = %v, Optuna has %v", i, name, p[name], want[j])
			}
		}
	}
}

func space() map[string][]any {
	return map[string][]any{"x": {-1.0, 0.0, 1.0}, "n": {1, 2, 3, 4}, "act": {"relu", "tanh"}}
}

func objective(mu *sync.Mutex, seen map[string]int) tune.Objective {
	return func(ctx context.Context, t *tune.Trial) (float64, error) {
		x, err := t.Float("x", -1, 1)
		if err != nil {
			return 0, err
		}
		n, err := t.Int("n", 1, 4)
		if err != nil {
			return 0, err
		}
		act, err := tune.Choice(t, "act", "relu", "tanh", "gelu")
		if err != nil {
			return 0, err
		}
		mu.Lock()
		seen[fmt.Sprint(x, n, act)]++
		mu.Unlock()
		return x * float64(n), nil
	}
}

// TestExactlyOnce: 8 workers, and a second study handle on the same storage
// (as a second process would be), evaluate each of the 24 combinations
// exactly once, and stop when the grid is exhausted.
func TestExactlyOnce(t *testing.T) {
	st := memory.New()
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for h := range 2 {
		g, err := grid.New(space())
		if err != nil {
			t.Fatal(err)
		}
		s, err := tune.CreateStudy(bg, "grid", tune.WithStorage(st), tune.WithSampler(g), tune.LoadIfExists(), tune.WithSeed(uint64(h+1)))
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			if err := s.Optimize(bg, objective(&mu, seen), tune.OptimizeOptions{Workers: 8}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(seen) != 24 {
		t.Errorf("%d combinations evaluated, want 24", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("combination %s evaluated %d times", k, n)
		}
	}
	s, _ := tune.LoadStudy(bg, "grid", tune.WithStorage(st))
	trials, _ := s.Trials(bg)
	if len(trials) != 24 {
		t.Errorf("%d trials, want 24", len(trials))
	}
	for _, tr := range trials {
		if tr.State != tune.Complete {
			t.Errorf("trial %d is %v: %v", tr.Number, tr.State, tr.SystemAttrs[tune.FailReasonAttr])
		}
	}
}

func TestErrorsNameTheParameter(t *testing.T) {
	g, err := grid.New(map[string][]any{"x": {0.5, 2.0}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := tune.CreateStudy(bg, "grid-errors", tune.WithSampler(g))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Optimize(bg, func(ctx context.Context, t *tune.Trial) (float64, error) {
		x, err := t.Float("x", 0, 1) // 2.0 is outside
		if err != nil {
			return 0, err
		}
		_, err = t.Float("y", 0, 1) // not in the grid
		return x, err
	}, tune.OptimizeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	trials, _ := s.Trials(bg)
	if len(trials) != 2 {
		t.Fatalf("%d trials, want 2 (the grid's size)", len(trials))
	}
	for _, tr := range trials {
		reason, _ := tr.SystemAttrs[tune.FailReasonAttr].(string)
		x, _ := tr.SystemAttrs[grid.GridIDAttr].(float64)
		want := `parameter "y" is not in the grid`
		if x == 1 {
			want = `value 2 of parameter "x"`
		}
		if tr.State != tune.Fail || !strings.Contains(reason, want) {
			t.Errorf("trial %d: %v %q, want Fail with %q", tr.Number, tr.State, reason, want)
		}
	}
}

func TestEnqueuedWithGrid(t *testing.T) {
	g, _ := grid.New(map[string][]any{"x": {0.0, 1.0}})
	s, _ := tune.CreateStudy(bg, "grid-enqueue", tune.WithSampler(g))
	if _, err := s.Enqueue(bg, map[string]any{"x": 0.5}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Enqueue(bg, map[string]any{}); err != nil {
		t.Fatal(err)
	}
	err := s.Optimize(bg, func(ctx context.Context, t *tune.Trial) (float64, error) {
		return t.Float("x", 0, 1)
	}, tune.OptimizeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	trials, _ := s.Trials(bg)
	var states []string
	for _, tr := range trials {
		states = append(states, fmt.Sprint(tr.State, tr.ParamValues()["x"]))
	}
	// The enqueued trials run first; the second fixes nothing, which a grid cannot sample.
	want := "[COMPLETE 0.5 FAIL <nil>"
	if got := fmt.Sprint(states); !strings.HasPrefix(got, want) || len(trials) != 4 {
		t.Errorf("trials %s, want %s... and 4 trials", got, want)
	}
	if reason := trials[1].SystemAttrs[tune.FailReasonAttr].(string); !strings.Contains(reason, "must fix every parameter") {
		t.Errorf("reason %q", reason)
	}
}
