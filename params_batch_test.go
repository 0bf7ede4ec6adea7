package tune_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/storage"
	"github.com/go-tune/tune/storage/rdb"
)

// batchStudy creates a study in a new SQLite file, a storage whose
// parameters tune writes in batches (storage.ParamBatcher).
func batchStudy(t *testing.T) (*tune.Study, *rdb.Storage, string) {
	t.Helper()
	url := "sqlite:///" + filepath.Join(t.TempDir(), "batch.db")
	st, err := rdb.Open(bg, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, err := tune.CreateStudy(bg, "batch", tune.WithStorage(st), tune.WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	return s, st, url
}

func storedParams(t *testing.T, st storage.Storage, id int64) []string {
	t.Helper()
	rec, err := st.Trial(bg, id)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range rec.Params {
		names = append(names, p.Name)
	}
	return names
}

// TestParamsWrittenBehind: the parameters a trial suggests reach the
// storage together, soon after (without any other call), at once at the
// next Report, and all of them by Tell.
func TestParamsWrittenBehind(t *testing.T) {
	s, st, _ := batchStudy(t)
	tr, err := s.Ask(bg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Float("x", 0, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Int("n", 1, 9); err != nil {
		t.Fatal(err)
	}
	// Written by the flush timer, while the objective would be running.
	deadline := time.Now().Add(5 * time.Second)
	for got := storedParams(t, st, tr.ID()); strings.Join(got, ",") != "x,n"; got = storedParams(t, st, tr.ID()) {
		if time.Now().After(deadline) {
			t.Fatalf("stored params after 5 s: %v, want [x n]", got)
		}
		time.Sleep(time.Millisecond)
	}
	// Report writes what is pending before the intermediate value.
	if _, err := tr.Categorical("c", "a", "b"); err != nil {
		t.Fatal(err)
	}
	if err := tr.Report(0, 0.5); err != nil {
		t.Fatal(err)
	}
	if got := storedParams(t, st, tr.ID()); strings.Join(got, ",") != "x,n,c" {
		t.Errorf("stored params after Report: %v, want [x n c]", got)
	}
	if _, err := tr.Float("y", 0, 1); err != nil {
		t.Fatal(err)
	}
	rec, err := s.Tell(bg, tr, []float64{1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rec.State != tune.Complete || len(rec.Params) != 4 {
		t.Errorf("told trial: %v with %d params, want Complete with 4", rec.State, len(rec.Params))
	}
	if got := storedParams(t, st, tr.ID()); strings.Join(got, ",") != "x,n,c,y" {
		t.Errorf("stored params after Tell: %v, want [x n c y]", got)
	}
}

// floatX runs one trial that gives parameter x a float distribution.
func floatX(t *testing.T, s *tune.Study) {
	t.Helper()
	err := s.Optimize(bg, func(_ context.Context, tr *tune.Trial) (float64, error) {
		return tr.Float("x", 0, 1)
	}, tune.OptimizeOptions{Trials: 1})
	if err != nil {
		t.Fatal(err)
	}
}

// TestParamsIncompatibleAtOnce: a handle that wrote a parameter refuses an
// incompatible distribution of it at once, although the write is held back.
func TestParamsIncompatibleAtOnce(t *testing.T) {
	s, _, _ := batchStudy(t)
	floatX(t, s)
	tr, err := s.Ask(bg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Int("x", 0, 10); !errors.Is(err, core.ErrIncompatible) {
		t.Errorf("Int after Float: %v, want core.ErrIncompatible", err)
	}
}

// TestParamsIncompatibleAtTell: when the held-back write is refused (here a
// distribution that another process gave the parameter first), the trial is
// told Fail with the reason, and its refused parameters are not stored.
func TestParamsIncompatibleAtTell(t *testing.T) {
	s, _, url := batchStudy(t)
	floatX(t, s)
	// Another process: its own storage handle and study handle.
	st2, err := rdb.Open(bg, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	s2, err := tune.LoadStudy(bg, "batch", tune.WithStorage(st2))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := s2.Ask(bg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Int("x", 0, 10); err != nil {
		t.Fatalf("Int: %v (this handle has not seen x yet)", err)
	}
	rec, err := s2.Tell(bg, tr, []float64{1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	reason, _ := rec.SystemAttrs[tune.FailReasonAttr].(string)
	if rec.State != tune.Fail || !strings.Contains(reason, `"x"`) || !strings.Contains(reason, "incompatible") {
		t.Errorf("told trial: %v, reason %q; want Fail, naming x and the incompatibility", rec.State, reason)
	}
	stored, err := st2.Trial(bg, tr.ID())
	if err != nil {
		t.Fatal(err)
	}
	if stored.State != core.Fail || len(stored.Params) != 0 || stored.SystemAttrs[tune.FailReasonAttr] != reason {
		t.Errorf("stored trial: %v with params %v and reason %v", stored.State, stored.Params, stored.SystemAttrs[tune.FailReasonAttr])
	}
}

// TestParamsOfTrialFinishedElsewhere: a trial that another worker finished
// (as a stale heartbeat does) before its parameters were written: Report
// and Tell say it is finished, and nothing is written to it.
func TestParamsOfTrialFinishedElsewhere(t *testing.T) {
	s, st, _ := batchStudy(t)
	tr, err := s.Ask(bg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Float("x", 0, 1); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishTrial(bg, tr.ID(), core.Fail, nil); err != nil {
		t.Fatal(err)
	}
	if err := tr.Report(0, 1); !errors.Is(err, tune.ErrTrialFinished) {
		t.Errorf("Report: %v, want ErrTrialFinished", err)
	}
	if _, err := s.Tell(bg, tr, []float64{1}, nil); !errors.Is(err, tune.ErrTrialFinished) {
		t.Errorf("Tell: %v, want ErrTrialFinished", err)
	}
	if got := storedParams(t, st, tr.ID()); len(got) != 0 {
		t.Errorf("stored params %v, want none", got)
	}
}
