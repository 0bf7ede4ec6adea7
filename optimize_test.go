package tune_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/pruner"
	"github.com/go-tune/tune/storage/memory"
)

func TestOptimizeCountAndWorkers(t *testing.T) {
	for _, workers := range []int{1, 4, -1} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			s := mustStudy(t, "count")
			var running, peak atomic.Int32
			err := s.Optimize(bg, func(ctx context.Context, t *tune.Trial) (float64, error) {
				n := running.Add(1)
				defer running.Add(-1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(time.Millisecond)
				return quadratic(ctx, t)
			}, tune.OptimizeOptions{Trials: 40, Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			trials, _ := s.Trials(bg)
			if len(trials) != 40 {
				t.Errorf("%d trials, want 40", len(trials))
			}
			for i, tr := range trials {
				if tr.Number != i || tr.State != tune.Complete {
					t.Errorf("trial %d: number %d state %v", i, tr.Number, tr.State)
				}
			}
			if workers == 4 && peak.Load() < 2 {
				t.Errorf("4 workers never ran trials concurrently (peak %d)", peak.Load())
			}
			if workers == 1 && peak.Load() != 1 {
				t.Errorf("1 worker ran %d trials at once", peak.Load())
			}
		})
	}
}

func TestOptimizeTimeout(t *testing.T) {
	s := mustStudy(t, "timeout")
	start := time.Now()
	err := s.Optimize(bg, func(ctx context.Context, t *tune.Trial) (float64, error) {
		time.Sleep(5 * time.Millisecond)
		return 0, nil
	}, tune.OptimizeOptions{Timeout: 100 * time.Millisecond, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Optimize with a 100ms timeout ran %v", d)
	}
	trials, _ := s.Trials(bg)
	if len(trials) == 0 {
		t.Error("no trial ran before the timeout")
	}
	for _, tr := range trials {
		if tr.State != tune.Complete {
			t.Errorf("trial %d is %v: a timeout must let running trials finish", tr.Number, tr.State)
		}
	}
}

// TestOptimizeCancel: a cancelled ctx stops Optimize with ctx's error; each
// running trial is told what its objective returned, and nothing is lost.
func TestOptimizeCancel(t *testing.T) {
	s := mustStudy(t, "cancel")
	ctx, cancel := context.WithCancel(bg)
	time.AfterFunc(50*time.Millisecond, cancel)
	err := s.Optimize(ctx, func(ctx context.Context, t *tune.Trial) (float64, error) {
		if t.Number()%2 == 0 {
			<-ctx.Done() // a well-behaved objective gives up
			return 0, ctx.Err()
		}
		return 1, nil // a stubborn one finishes
	}, tune.OptimizeOptions{Workers: 4})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Optimize after cancel returned %v, want context.Canceled", err)
	}
	trials, _ := s.Trials(bg)
	if len(trials) < 4 {
		t.Fatalf("%d trials, want at least 4", len(trials))
	}
	for _, tr := range trials {
		switch {
		case tr.State == tune.Running || tr.State == tune.Waiting:
			t.Errorf("trial %d left %v", tr.Number, tr.State)
		case tr.Number%2 == 1 && tr.State != tune.Complete:
			t.Errorf("trial %d finished its objective but is %v", tr.Number, tr.State)
		case tr.Number%2 == 0 && tr.State == tune.Fail && tr.SystemAttrs[tune.FailReasonAttr] != context.Canceled.Error():
			t.Errorf("trial %d fail reason %q", tr.Number, tr.SystemAttrs[tune.FailReasonAttr])
		}
	}
}

func TestFailures(t *testing.T) {
	s := mustStudy(t, "failures")
	err := s.Optimize(bg, func(ctx context.Context, t *tune.Trial) (float64, error) {
		switch t.Number() {
		case 0:
			return 0, errors.New("diverged")
		case 1:
			panic("index out of range")
		case 2:
			return math.NaN(), nil
		case 3:
			return math.Inf(1), nil
		case 4:
			var m map[string]int
			m["x"] = 1 // a runtime panic
		}
		return 1, nil
	}, tune.OptimizeOptions{Trials: 6})
	if err != nil {
		t.Fatalf("failing trials stopped the study: %v", err)
	}
	trials, _ := s.Trials(bg)
	want := []struct {
		state  tune.State
		reason string
	}{
		{tune.Fail, "diverged"},
		{tune.Fail, "objective panicked: index out of range"},
		{tune.Fail, "objective value 0 is NaN"},
		{tune.Fail, "objective value 0 is +Inf"},
		{tune.Fail, "objective panicked: assignment to entry in nil map"},
		{tune.Complete, ""},
	}
	for i, w := range want {
		tr := trials[i]
		reason, _ := tr.SystemAttrs[tune.FailReasonAttr].(string)
		if tr.State != w.state || reason != w.reason {
			t.Errorf("trial %d: %v %q, want %v %q", i, tr.State, reason, w.state, w.reason)
		}
	}
	stack, _ := trials[1].SystemAttrs[tune.FailStackAttr].(string)
	if !strings.Contains(stack, "optimize_test.go") {
		t.Errorf("panic stack does not show the objective:\n%s", stack)
	}
}

func TestWrongNumberOfValues(t *testing.T) {
	s := mustStudy(t, "mo", tune.WithDirections(tune.Minimize, tune.Minimize))
	err := s.OptimizeMulti(bg, func(ctx context.Context, t *tune.Trial) ([]float64, error) {
		if t.Number() == 0 {
			return []float64{1}, nil
		}
		return []float64{1, 2}, nil
	}, tune.OptimizeOptions{Trials: 2})
	if err != nil {
		t.Fatal(err)
	}
	trials, _ := s.Trials(bg)
	if trials[0].State != tune.Fail || !strings.Contains(trials[0].SystemAttrs[tune.FailReasonAttr].(string), "returned 1 value(s)") {
		t.Errorf("trial 0 = %v %v", trials[0].State, trials[0].SystemAttrs)
	}
	if trials[1].State != tune.Complete || len(trials[1].Values) != 2 {
		t.Errorf("trial 1 = %v %v", trials[1].State, trials[1].Values)
	}
}

func TestCallbacksAndStop(t *testing.T) {
	s := mustStudy(t, "callbacks")
	var inside atomic.Int32
	var calls []int
	var mu sync.Mutex
	cb := func(st *tune.Study, tr tune.FrozenTrial) {
		if inside.Add(1) != 1 {
			t.Error("callbacks ran concurrently")
		}
		defer inside.Add(-1)
		time.Sleep(100 * time.Microsecond)
		mu.Lock()
		calls = append(calls, tr.Number)
		n := len(calls)
		mu.Unlock()
		if tr.State != tune.Complete {
			t.Errorf("callback got trial %d in state %v", tr.Number, tr.State)
		}
		if n == 20 {
			st.Stop()
		}
	}
	err := s.Optimize(bg, quadratic, tune.OptimizeOptions{Workers: 4, Callbacks: []tune.Callback{cb}})
	if err != nil {
		t.Fatal(err)
	}
	trials, _ := s.Trials(bg)
	// Stop lets the other workers' running trials finish: at most 3 more.
	if len(calls) < 20 || len(calls) > 23 || len(trials) != len(calls) {
		t.Errorf("%d callbacks for %d trials, want 20 to 23 of each", len(calls), len(trials))
	}
	// Stop does not stick: the next Optimize runs.
	if err := s.Optimize(bg, quadratic, tune.OptimizeOptions{Trials: 2}); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Trials(bg); len(again) != len(trials)+2 {
		t.Errorf("Optimize after Stop ran %d trials, want 2", len(again)-len(trials))
	}
}

func TestReproducible(t *testing.T) {
	run := func(seed uint64) []tune.FrozenTrial {
		s := mustStudy(t, "repro", tune.WithSeed(seed))
		obj := func(ctx context.Context, t *tune.Trial) (float64, error) {
			x, _ := t.Float("x", -10, 10)
			lr, _ := t.Float("lr", 1e-5, 1, tune.Log())
			n, _ := t.Int("n", 1, 1000, tune.Log())
			opt, _ := tune.Choice(t, "opt", "sgd", "adam", "rmsprop")
			v := x*x + math.Log(lr) + float64(n)
			if opt == "adam" {
				d, _ := t.Float("beta", 0.8, 0.999) // a conditional parameter
				v += d
			}
			return v, nil
		}
		if err := s.Optimize(bg, obj, tune.OptimizeOptions{Trials: 30}); err != nil {
			t.Fatal(err)
		}
		trials, _ := s.Trials(bg)
		return trials
	}
	same := func(a, b []tune.FrozenTrial) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if fmt.Sprint(a[i].ParamValues()) != fmt.Sprint(b[i].ParamValues()) || a[i].Values[0] != b[i].Values[0] {
				return false
			}
		}
		return true
	}
	a, b, c := run(11), run(11), run(12)
	if !same(a, b) {
		t.Error("two runs with seed 11 differ")
	}
	if same(a, c) {
		t.Error("seeds 11 and 12 gave the same trials")
	}
	withBeta := 0
	for _, tr := range a {
		if _, ok := tr.Param("beta"); ok {
			withBeta++
		}
	}
	if withBeta == 0 || withBeta == len(a) {
		t.Errorf("conditional parameter present in %d of %d trials", withBeta, len(a))
	}
}

// TestReproducibleWorkers: random search gives each trial number the same
// parameters whatever the number of workers, since a trial's randomness
// depends only on the seed and its number.
func TestReproducibleWorkers(t *testing.T) {
	params := func(workers int) map[int]string {
		s := mustStudy(t, "repro-workers", tune.WithSeed(99))
		if err := s.Optimize(bg, quadratic, tune.OptimizeOptions{Trials: 50, Workers: workers}); err != nil {
			t.Fatal(err)
		}
		trials, _ := s.Trials(bg)
		m := map[int]string{}
		for _, tr := range trials {
			m[tr.Number] = fmt.Sprint(tr.ParamValues())
		}
		return m
	}
	one, eight := params(1), params(8)
	for n, p := range one {
		if eight[n] != p {
			t.Fatalf("trial %d: %s with 1 worker, %s with 8", n, p, eight[n])
		}
	}
}

func TestPruning(t *testing.T) {
	s := mustStudy(t, "prune", tune.WithSeed(2), tune.WithPruner(pruner.Median{StartupTrials: 3}))
	err := s.Optimize(bg, func(ctx context.Context, t *tune.Trial) (float64, error) {
		x, _ := t.Float("x", 0, 1)
		for step := range 10 {
			v := x * float64(10-step) // curves ordered by x
			if err := t.Report(step, v); err != nil {
				return 0, err
			}
			prune, err := t.ShouldPrune()
			if err != nil {
				return 0, err
			}
			if prune {
				return 0, tune.ErrPruned
			}
		}
		return x, nil
	}, tune.OptimizeOptions{Trials: 40})
	if err != nil {
		t.Fatal(err)
	}
	pruned, _ := s.Trials(bg, tune.Pruned)
	complete, _ := s.Trials(bg, tune.Complete)
	if len(pruned) == 0 || len(complete) < 3 {
		t.Fatalf("%d pruned, %d complete", len(pruned), len(complete))
	}
	for _, tr := range pruned {
		last, _ := tr.LastStep()
		if len(tr.Values) != 1 || tr.Values[0] != last.Value {
			t.Errorf("pruned trial %d has values %v, want its last reported value %v", tr.Number, tr.Values, last.Value)
		}
	}
}

func TestAskTell(t *testing.T) {
	s := mustStudy(t, "asktell", tune.WithSeed(4))
	tr, err := s.Ask(bg)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Report(0, 1); err != nil {
		t.Fatal(err)
	}
	if err := tr.Report(0, 2); !errors.Is(err, tune.ErrStepReported) {
		t.Errorf("reporting step 0 twice: %v, want ErrStepReported", err)
	}
	// Steps may go backwards; NaN is kept as reported.
	if err := tr.Report(5, math.NaN()); err != nil {
		t.Fatal(err)
	}
	if err := tr.Report(3, 0.5); err != nil {
		t.Fatal(err)
	}
	snap := tr.Snapshot()
	if last, ok := snap.LastStep(); !ok || last.Step != 5 || !math.IsNaN(last.Value) {
		t.Errorf("last step %+v, want step 5 with NaN", last)
	}
	if v, ok := snap.At(0); !ok || v != 1 {
		t.Errorf("step 0 = %v, %v after a refused second report; want 1", v, ok)
	}
	if err := tr.Report(-1, 2); err == nil {
		t.Error("reporting step -1 succeeded")
	}
	if err := tr.SetUserAttr("note", "hi"); err != nil {
		t.Fatal(err)
	}
	x, _ := tr.Float("x", 0, 1)
	rec, err := s.Tell(bg, tr, []float64{x}, nil)
	if err != nil || rec.State != tune.Complete || rec.Values[0] != x || rec.UserAttrs["note"] != "hi" {
		t.Fatalf("Tell = %+v, %v", rec, err)
	}
	if _, err := s.Tell(bg, tr, []float64{1}, nil); !errors.Is(err, tune.ErrTrialFinished) {
		t.Errorf("telling twice: %v, want ErrTrialFinished", err)
	}
	if _, err := tr.Float("y", 0, 1); !errors.Is(err, tune.ErrTrialFinished) {
		t.Errorf("a parameter after Tell: %v, want ErrTrialFinished", err)
	}
	if err := tr.Report(1, 1); !errors.Is(err, tune.ErrTrialFinished) {
		t.Errorf("Report after Tell: %v, want ErrTrialFinished", err)
	}
	// Pruned by the caller, with no report: no value.
	tr2, _ := s.Ask(bg)
	rec2, err := s.Tell(bg, tr2, nil, tune.ErrPruned)
	if err != nil || rec2.State != tune.Pruned || len(rec2.Values) != 0 {
		t.Errorf("Tell(ErrPruned) = %v %v, %v", rec2.State, rec2.Values, err)
	}
	stored, _ := s.Trials(bg)
	if len(stored) != 2 || stored[0].State != tune.Complete || stored[1].State != tune.Pruned {
		t.Errorf("stored trials %v", stored)
	}
}

func TestParams(t *testing.T) {
	s := mustStudy(t, "params", tune.WithSeed(8))
	for range 200 {
		tr, err := s.Ask(bg)
		if err != nil {
			t.Fatal(err)
		}
		check := func(name string, v any, err error, ok func() bool) {
			t.Helper()
			if err != nil || !ok() {
				t.Fatalf("%s = %v, %v", name, v, err)
			}
		}
		f, err := tr.Float("f", -1, 1)
		check("f", f, err, func() bool { return f >= -1 && f <= 1 })
		lf, err := tr.Float("lf", 1e-6, 1e-2, tune.Log())
		check("lf", lf, err, func() bool { return lf >= 1e-6 && lf <= 1e-2 })
		sf, err := tr.Float("sf", 0, 1, tune.Step(0.25))
		check("sf", sf, err, func() bool { k := sf / 0.25; return sf >= 0 && sf <= 1 && math.Abs(k-math.Round(k)) < 1e-9 })
		i, err := tr.Int("i", -3, 3)
		check("i", i, err, func() bool { return i >= -3 && i <= 3 })
		li, err := tr.Int("li", 1, 1024, tune.Log())
		check("li", li, err, func() bool { return li >= 1 && li <= 1024 })
		si, err := tr.Int("si", 0, 100, tune.Step(10))
		check("si", si, err, func() bool { return si%10 == 0 && si >= 0 && si <= 100 })
		c, err := tr.Categorical("c", "a", 1, 2.5, true, nil)
		check("c", c, err, func() bool { return c == "a" || c == 1 || c == 2.5 || c == true || c == nil })
		one, err := tr.Float("one", 3, 3)
		check("one", one, err, func() bool { return one == 3 })
		again, err := tr.Float("f", -1, 1)
		check("f again", again, err, func() bool { return again == f })
		if _, err := s.Tell(bg, tr, []float64{f}, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func TestParamErrors(t *testing.T) {
	s := mustStudy(t, "param-errors")
	tr, err := s.Ask(bg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Float("x", 0, 1); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		call func() error
	}{
		{"low>high", func() error { _, err := tr.Float("a", 2, 1); return err }},
		{"log with low 0", func() error { _, err := tr.Float("b", 0, 1, tune.Log()); return err }},
		{"log and step", func() error { _, err := tr.Float("c", 1, 2, tune.Log(), tune.Step(0.5)); return err }},
		{"step not dividing", func() error { _, err := tr.Float("d", 0, 1, tune.Step(0.3)); return err }},
		{"int step not dividing", func() error { _, err := tr.Int("e", 0, 10, tune.Step(3)); return err }},
		{"int fractional step", func() error { _, err := tr.Int("f", 0, 10, tune.Step(0.5)); return err }},
		{"int log low 0", func() error { _, err := tr.Int("g", 0, 10, tune.Log()); return err }},
		{"no choices", func() error { _, err := tr.Categorical("h"); return err }},
		{"duplicate choices", func() error { _, err := tune.Choice(tr, "i", "a", "a"); return err }},
		{"bad choice type", func() error { _, err := tr.Categorical("j", struct{}{}); return err }},
		{"same name, other distribution", func() error { _, err := tr.Float("x", 0, 2); return err }},
		{"same name, other kind", func() error { _, err := tr.Int("x", 0, 1); return err }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if err == nil {
				t.Fatal("no error")
			}
			// The error names the parameter.
			if !strings.Contains(err.Error(), `"`) {
				t.Errorf("error %q does not name the parameter", err)
			}
		})
	}
	// Across trials, a parameter may change range but not kind.
	if _, err := s.Tell(bg, tr, []float64{0}, nil); err != nil {
		t.Fatal(err)
	}
	tr2, _ := s.Ask(bg)
	if _, err := tr2.Float("x", 5, 6); err != nil {
		t.Errorf("a new range in a new trial: %v", err)
	}
	if _, err := tr2.Categorical("y", "a"); err != nil {
		t.Fatal(err)
	}
	_, _ = s.Tell(bg, tr2, []float64{0}, nil)
	tr3, _ := s.Ask(bg)
	if _, err := tr3.Int("x", 0, 1); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Errorf("a new kind in a new trial: %v, want an error naming x", err)
	}
	if _, err := tr3.Categorical("y", "a", "b"); err == nil {
		t.Error("new choices for a categorical in a new trial succeeded")
	}
}

func TestConcurrentTrialUse(t *testing.T) {
	// A Trial is safe for concurrent use: report from goroutines (run with -race).
	s := mustStudy(t, "concurrent-trial")
	tr, _ := s.Ask(bg)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 25 {
				_ = tr.Report(g*25+i, float64(i))
				_, _ = tr.ShouldPrune()
				_, _ = tr.Float(fmt.Sprint("p", g), 0, 1)
			}
		})
	}
	wg.Wait()
	rec, err := s.Tell(bg, tr, []float64{0}, nil)
	if err != nil || len(rec.Intermediate) != 100 || len(rec.Params) != 4 {
		t.Errorf("after concurrent use: %d steps, %d params, %v", len(rec.Intermediate), len(rec.Params), err)
	}
}

func TestTellNumber(t *testing.T) {
	st := memory.New()
	a := mustStudy(t, "tellnumber", tune.WithStorage(st))
	tr, err := a.Ask(bg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Float("x", 0, 1); err != nil {
		t.Fatal(err)
	}
	// Another handle, as another process would have, tells it by number.
	b, err := tune.LoadStudy(bg, "tellnumber", tune.WithStorage(st))
	if err != nil {
		t.Fatal(err)
	}
	ft, err := b.TellNumber(bg, tr.Number(), []float64{0.5}, nil)
	if err != nil || ft.State != tune.Complete || ft.Values[0] != 0.5 {
		t.Fatalf("TellNumber: %+v, %v", ft, err)
	}
	if _, err := b.TellNumber(bg, tr.Number(), []float64{0.5}, nil); err == nil || !strings.Contains(err.Error(), "no running trial 0") {
		t.Errorf("telling a finished trial again: %v", err)
	}
	if _, err := b.TellNumber(bg, 7, nil, tune.ErrPruned); err == nil {
		t.Error("told a trial that does not exist")
	}
}
