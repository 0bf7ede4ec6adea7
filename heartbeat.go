package tune

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/storage"
)

// RetryPolicy re-enqueues the parameters of failed trials, so that a trial
// lost with its worker (or, if asked, one whose objective failed) is run
// again. The retry is a new trial with the same parameters; its system
// attributes link it to the trial it retries (Optuna's "failed_trial", the
// first trial's number, and "retry_history", the numbers of all the trials
// before it).
type RetryPolicy struct {
	// MaxRetries is how many times one set of parameters is retried; 0
	// means never.
	MaxRetries int
	// OnError retries trials whose objective returned an error or
	// panicked, not only trials whose heartbeat stopped.
	OnError bool
	// KeepIntermediate carries the failed trial's intermediate values over
	// to the retry.
	KeepIntermediate bool
}

// WithRetry sets the study's retry policy; the default retries nothing.
func WithRetry(p RetryPolicy) Option { return func(c *config) { c.retry = p } }

// The system attributes of a retried trial, Optuna's keys.
const (
	FailedTrialAttr  = "failed_trial"
	RetryHistoryAttr = "retry_history"
)

// heartbeats returns the storage's heartbeat capability, if it has one and
// heartbeats are on.
func (s *Study) heartbeats() (storage.Heartbeater, time.Duration) {
	hb, ok := s.storage.(storage.Heartbeater)
	if !ok {
		return nil, 0
	}
	iv := hb.HeartbeatInterval()
	if iv <= 0 {
		return nil, 0
	}
	return hb, iv
}

// beat records t's heartbeats until the returned function is called: one
// now, then one each interval. It does nothing for a storage without
// heartbeats.
func (s *Study) beat(ctx context.Context, t *Trial) (stop func()) {
	hb, iv := s.heartbeats()
	if hb == nil {
		return func() {}
	}
	if t.rec.Heartbeat.IsZero() { // not beaten when it was created
		s.heartbeat(ctx, t)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(iv)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				s.heartbeat(ctx, t)
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

func (s *Study) heartbeat(ctx context.Context, t *Trial) {
	if err := s.storage.Heartbeat(context.WithoutCancel(ctx), t.rec.ID); err != nil {
		s.log.Warn("heartbeat failed", "study", s.info.Name, "number", t.rec.Number, "err", err)
	}
}

// failStale marks Fail the study's trials whose heartbeat stopped, at most
// once per heartbeat interval per handle, and retries them if the policy
// says so.
func (s *Study) failStale(ctx context.Context) error {
	hb, iv := s.heartbeats()
	if hb == nil {
		return nil
	}
	s.staleMu.Lock()
	if time.Since(s.staleAt) < iv {
		s.staleMu.Unlock()
		return nil
	}
	s.staleAt = time.Now()
	s.staleMu.Unlock()
	failed, err := hb.FailStaleTrials(ctx, s.info.ID)
	s.cache.touch()
	if err != nil {
		return err
	}
	for _, t := range failed {
		s.log.Info("trial failed: stale heartbeat", "study", s.info.Name, "number", t.Number)
		if err := s.retry(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// retry enqueues a retry of the failed trial t if the policy allows one.
func (s *Study) retry(ctx context.Context, t core.Trial) error {
	p := s.retryPolicy
	if p.MaxRetries <= 0 || t.State != core.Fail {
		return nil
	}
	var history []any
	if h, ok := t.SystemAttrs[RetryHistoryAttr].([]any); ok {
		history = slices.Clone(h)
	}
	if len(history) >= p.MaxRetries {
		return nil
	}
	first := any(t.Number)
	if f, ok := t.SystemAttrs[FailedTrialAttr]; ok {
		first = f
	}
	spec := storage.TrialSpec{
		State:     core.Waiting,
		UserAttrs: t.UserAttrs,
		SystemAttrs: map[string]any{
			FixedParamsAttr:  t.ParamValues(),
			FailedTrialAttr:  first,
			RetryHistoryAttr: append(history, t.Number),
		},
	}
	if p.KeepIntermediate {
		spec.Intermediate = t.Intermediate
	}
	r, err := s.storage.CreateTrial(ctx, s.info.ID, spec)
	s.cache.touch()
	if err != nil {
		return err
	}
	s.log.Info("trial enqueued for retry", "study", s.info.Name, "number", r.Number, "retries", t.Number)
	return nil
}

// isStale reports whether err says that the trial was already finished,
// which happens when another worker took its heartbeat for stopped.
func isStale(err error) bool { return errors.Is(err, ErrTrialFinished) }
