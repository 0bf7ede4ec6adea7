package tune_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/storage/rdb"
)

// TestStaleTrialRetried: a trial whose worker stops beating is failed by
// another worker as "stale heartbeat", then retried with its parameters and
// intermediate values; a trial failed by its objective is retried when the
// policy says OnError, up to MaxRetries.
func TestStaleTrialRetried(t *testing.T) {
	url := "sqlite:///" + filepath.Join(t.TempDir(), "hb.db")
	st, err := rdb.OpenWith(bg, url, rdb.Options{HeartbeatInterval: 50 * time.Millisecond, GracePeriod: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	policy := tune.WithRetry(tune.RetryPolicy{MaxRetries: 2, OnError: true, KeepIntermediate: true})
	s, err := tune.CreateStudy(bg, "hb", tune.WithStorage(st), policy, tune.WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	// A "dead" worker: asks, beats once, reports, and is never heard of again.
	dead, err := s.Ask(bg)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := dead.Float("x", 0, 1)
	_ = dead.Report(0, 0.5)
	if err := st.Heartbeat(bg, dead.ID()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)

	bad := -1.0
	err = s.Optimize(bg, func(ctx context.Context, tr *tune.Trial) (float64, error) {
		v, err := tr.Float("x", 0, 1)
		if err != nil {
			return 0, err
		}
		if tr.Number() == 2 {
			bad = v
		}
		if v == bad {
			return 0, context.DeadlineExceeded // these parameters always fail: retried twice
		}
		return v, nil
	}, tune.OptimizeOptions{Trials: 6})
	if err != nil {
		t.Fatal(err)
	}
	trials, _ := s.Trials(bg)
	if trials[0].State != tune.Fail || trials[0].SystemAttrs[tune.FailReasonAttr] != rdb.StaleReason {
		t.Fatalf("dead trial: %v %v, want Fail with %q", trials[0].State, trials[0].SystemAttrs[tune.FailReasonAttr], rdb.StaleReason)
	}
	retry := trials[1] // enqueued by the stale check before the first Ask
	if got, _ := retry.Param("x"); got.Internal != x || retry.SystemAttrs[tune.FailedTrialAttr] != 0.0 {
		t.Errorf("retry of trial 0: x=%v attrs %v, want x=%v failed_trial=0", got.Internal, retry.SystemAttrs, x)
	}
	if v, ok := retry.At(0); !ok || v != 0.5 {
		t.Errorf("retry did not carry the intermediate value over: %v", retry.Intermediate)
	}
	// Trial 2 failed by error; its retries are 3 and 4, and 4 is not retried again.
	var retriesOf2 int
	for _, tr := range trials {
		if tr.SystemAttrs[tune.FailedTrialAttr] == 2.0 {
			retriesOf2++
		}
	}
	if retriesOf2 != 2 {
		t.Errorf("trial 2 was retried %d times, want 2", retriesOf2)
	}
	if h, _ := trials[4].SystemAttrs[tune.RetryHistoryAttr].([]any); len(h) != 2 || h[0] != 2.0 || h[1] != 3.0 {
		t.Errorf("trial 4's retry history %v, want [2 3]", trials[4].SystemAttrs[tune.RetryHistoryAttr])
	}
	for _, tr := range trials {
		if tr.State == tune.Running || tr.State == tune.Waiting {
			t.Errorf("trial %d left %v", tr.Number, tr.State)
		}
	}
}
