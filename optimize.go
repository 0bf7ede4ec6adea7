package tune

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/storage"
)

// Objective evaluates one trial of a single-objective study. Returning an
// error (or panicking) makes the trial Fail, with the reason recorded, and
// the study goes on; returning ErrPruned makes it Pruned; a NaN or infinite
// value makes it Fail.
type Objective func(ctx context.Context, t *Trial) (float64, error)

// MultiObjective evaluates one trial of a study with several objectives:
// one value per direction, in order.
type MultiObjective func(ctx context.Context, t *Trial) ([]float64, error)

// Callback is called after each trial that Optimize runs is told, with the
// finished trial. Callbacks are never called concurrently, even with several
// workers. A callback that wants the study to end calls s.Stop.
type Callback func(s *Study, t FrozenTrial)

// OptimizeOptions says how long Optimize runs and with how many workers.
// The zero value runs one worker until the sampler is exhausted or ctx is
// done.
type OptimizeOptions struct {
	// Trials is the number of trials to run; 0 means no limit.
	Trials int
	// Timeout stops starting new trials after this long; trials already
	// running finish. 0 means none.
	Timeout time.Duration
	// Workers is the number of trials run at once, each in its own
	// goroutine. 0 means 1; a negative number means GOMAXPROCS.
	Workers int
	// Callbacks are called after each trial.
	Callbacks []Callback
}

// Optimize runs objective on new trials until opts.Trials have run, the
// timeout passes, ctx is done, the sampler is exhausted, or a callback calls
// Stop. Waiting (enqueued) trials are run first.
//
// It returns nil when it stops for one of these reasons, except for a done
// ctx, whose error it returns. When ctx is done, the objectives that are
// running see it through their own ctx; each running trial is then told
// whatever its objective returns (an objective that returns ctx's error
// makes its trial Fail, with that reason), so that nothing is lost. A
// storage error stops Optimize and is returned; trials' own failures never
// do.
func (s *Study) Optimize(ctx context.Context, objective Objective, opts OptimizeOptions) error {
	if n := len(s.info.Directions); n != 1 {
		return fmt.Errorf("tune: study %q has %d objectives: use OptimizeMulti", s.info.Name, n)
	}
	return s.OptimizeMulti(ctx, func(ctx context.Context, t *Trial) ([]float64, error) {
		v, err := objective(ctx, t)
		if err != nil {
			return nil, err
		}
		return []float64{v}, nil
	}, opts)
}

// OptimizeMulti is Optimize for an objective with several values.
func (s *Study) OptimizeMulti(ctx context.Context, objective MultiObjective, opts OptimizeOptions) error {
	workers := opts.Workers
	if workers == 0 {
		workers = 1
	} else if workers < 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var deadline time.Time
	if opts.Timeout > 0 {
		deadline = time.Now().Add(opts.Timeout)
	}
	s.stop.Store(false)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		started   atomic.Int64
		exhausted atomic.Bool
		errOnce   sync.Once
		firstErr  error
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	worker := func() {
		for {
			if runCtx.Err() != nil || s.stop.Load() || exhausted.Load() ||
				!deadline.IsZero() && !time.Now().Before(deadline) ||
				opts.Trials > 0 && started.Add(1) > int64(opts.Trials) {
				return
			}
			if err := s.failStale(runCtx); err != nil && runCtx.Err() == nil {
				fail(err)
				return
			}
			t, err := s.ask(runCtx, true)
			switch {
			case errors.Is(err, ErrExhausted):
				exhausted.Store(true)
				return
			case err != nil && runCtx.Err() != nil:
				return
			case err != nil:
				fail(err)
				return
			}
			stopBeat := s.beat(runCtx, t)
			values, objErr := call(runCtx, objective, t)
			stopBeat()
			// Tell even when ctx is done, so that no result is lost.
			rec, err := s.Tell(context.WithoutCancel(runCtx), t, values, objErr)
			if isStale(err) {
				// Another worker took this trial's heartbeat for stopped and
				// failed it: its result cannot be stored, the study goes on.
				s.log.Warn("result lost: trial was failed as stale", "study", s.info.Name, "number", t.Number(), "err", err)
				continue
			}
			if err != nil {
				fail(err)
				return
			}

			if len(opts.Callbacks) > 0 {
				s.cbMu.Lock()
				for _, cb := range opts.Callbacks {
					cb(s, rec)
				}
				s.cbMu.Unlock()
			}
		}
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(worker)
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// call runs the objective, turning a panic into a *PanicError.
func call(ctx context.Context, f MultiObjective, t *Trial) (values []float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			values, err = nil, &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return f(ctx, t)
}

// Ask starts a trial: it claims the study's oldest Waiting trial if there is
// one, and otherwise creates a new one (as the sampler plans it, if the
// sampler is a sampler.Planner). It fails with ErrExhausted when the sampler
// has no point left. The trial carries ctx (see Trial).
//
// Ask records no heartbeat: a trial that a loop of the caller's own runs is
// never taken for one whose worker died. Optimize's trials beat.
func (s *Study) Ask(ctx context.Context) (*Trial, error) {
	return s.ask(ctx, false)
}

// ask is Ask; with beat, a new trial is created with its first heartbeat
// (Optimize then keeps it beating).
func (s *Study) ask(ctx context.Context, beat bool) (*Trial, error) {
	rec, err := s.newTrial(ctx, beat)
	if err != nil {
		return nil, fmt.Errorf("tune: ask: %w", err)
	}
	t := &Trial{
		study: s,
		ctx:   ctx,
		rng:   trialRand(s.seed, rec.Number),
		rec:   rec,
	}
	t.fixed, _ = rec.SystemAttrs[FixedParamsAttr].(map[string]any)
	if err := s.startTrial(ctx, t); err != nil {
		// Do not leave a Running trial behind that nobody will tell.
		_, _ = s.Tell(context.WithoutCancel(ctx), t, nil, err)
		return nil, fmt.Errorf("tune: ask: trial %d: %w", rec.Number, err)
	}
	return t, nil
}

// newTrial claims the study's first Waiting trial or, if there is none,
// creates a Running trial, planned by the sampler if it plans. Without a
// plan, that is one storage call (storage.TrialSpec.OrClaim).
func (s *Study) newTrial(ctx context.Context, beat bool) (core.Trial, error) {
	defer s.cache.touch() // a trial was created or claimed
	planner, ok := s.sampler.(sampler.Planner)
	if _, iv := s.heartbeats(); iv <= 0 {
		beat = false
	}
	if !ok {
		return s.storage.CreateTrial(ctx, s.info.ID, storage.TrialSpec{OrClaim: true, Heartbeat: beat})
	}
	// A planned trial: the Waiting trials go first, before a plan is made.
	rec, err := s.storage.ClaimTrial(ctx, s.info.ID)
	if !errors.Is(err, storage.ErrNoWaiting) {
		return rec, err
	}
	for attempt := 0; ; attempt++ {
		s.planMu.Lock()
		plan, err := planner.Plan(ctx, view{s}, s.planRng)
		s.planMu.Unlock()
		if err != nil {
			return core.Trial{}, err
		}
		rec, err := s.storage.CreateTrial(ctx, s.info.ID, storage.TrialSpec{Key: plan.Key, SystemAttrs: plan.SystemAttrs, Heartbeat: beat})
		if !errors.Is(err, storage.ErrDuplicateKey) {
			return rec, err
		}
		// A trial with the key is there, unseen: the next plan must see it.
		s.cache.touch()
		if attempt == 1000 {
			return core.Trial{}, fmt.Errorf("sampler planned 1000 keys that were taken, the last %q: %w", plan.Key, err)
		}
	}
}

// startTrial runs the sampler's hooks that start a trial: BeforeTrial, then
// relative sampling.
func (s *Study) startTrial(ctx context.Context, t *Trial) error {
	v, err := s.samplerView(ctx, t.rec.Number)
	if err != nil {
		return err
	}
	if b, ok := s.sampler.(sampler.BeforeTrialer); ok {
		if err := b.BeforeTrial(ctx, v, t.rec); err != nil {
			return fmt.Errorf("sampler: before trial: %w", err)
		}
		rec, err := s.storage.Trial(ctx, t.rec.ID) // the hook may have set attributes
		if err != nil {
			return err
		}
		t.rec = rec
	}
	rel, ok := s.sampler.(sampler.Relative)
	if !ok {
		return nil
	}
	space, err := rel.RelativeSpace(ctx, v, t.rec)
	if err != nil {
		return fmt.Errorf("sampler: relative space: %w", err)
	}
	if len(space) == 0 {
		return nil
	}
	params, err := rel.SampleRelative(ctx, v, t.rec, space, t.rng)
	if err != nil {
		return fmt.Errorf("sampler: relative sampling: %w", err)
	}
	t.relSpace, t.relParams = space, params
	return nil
}

// trialRand returns the random source of trial number n: seeded by the
// study's seed and n, so that it does not depend on which worker, or which
// process, runs the trial.
func trialRand(seed uint64, n int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, splitmix64(uint64(n)^seed)))
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// TellNumber tells the study's Running trial of the given number, which
// another process may have asked (Optuna's study.tell with a trial
// number): as Tell, with the sampler's after-trial hook. It fails if the
// study has no Running trial of that number.
func (s *Study) TellNumber(ctx context.Context, number int, values []float64, err error) (FrozenTrial, error) {
	trials, e := s.storage.Trials(ctx, s.info.ID, storage.TrialQuery{From: number})
	if e != nil {
		return FrozenTrial{}, fmt.Errorf("tune: tell trial %d: %w", number, storageErr(e))
	}
	for _, rec := range trials {
		if rec.Number == number && rec.State == core.Running {
			return s.Tell(ctx, &Trial{study: s, ctx: ctx, rec: rec}, values, err)
		}
	}
	return FrozenTrial{}, fmt.Errorf("tune: study %s has no running trial %d", s.info.Name, number)
}

// Tell ends trial t with what its objective returned: values and err, as
// Objective describes (err nil: Complete, or Fail for NaN, infinite or the
// wrong number of values; ErrPruned: Pruned, with the last reported value;
// another error: Fail, with err's text as the reason). It returns the
// finished trial. Telling a trial twice fails with ErrTrialFinished.
//
// Tell uses ctx, not the trial's context, so that a trial whose context is
// done can still be told.
func (s *Study) Tell(ctx context.Context, t *Trial, values []float64, err error) (FrozenTrial, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return FrozenTrial{}, fmt.Errorf("%w: trial %d is %v", ErrTrialFinished, t.rec.Number, t.rec.State)
	}
	state, values, reason := t.outcome(values, err)
	if e := t.flushLocked(ctx); e != nil {
		if errors.Is(e, storage.ErrFinished) || errors.Is(e, storage.ErrNotFound) {
			// Finished by another worker (a stale heartbeat) or deleted.
			t.done = errors.Is(e, storage.ErrFinished)
			return FrozenTrial{}, fmt.Errorf("tune: tell trial %d: %w", t.rec.Number, storageErr(e))
		}
		// The trial cannot be recorded as it ran: it fails, saying why.
		state, values, reason = core.Fail, nil, e.Error()
	}
	var errs []error
	if state == core.Fail {
		if e := s.storage.SetTrialSystemAttr(ctx, t.rec.ID, FailReasonAttr, reason); e != nil {
			return FrozenTrial{}, fmt.Errorf("tune: tell trial %d: %w", t.rec.Number, storageErr(e))
		}
		if pe := (*PanicError)(nil); errors.As(err, &pe) {
			if e := s.storage.SetTrialSystemAttr(ctx, t.rec.ID, FailStackAttr, string(pe.Stack)); e != nil {
				return FrozenTrial{}, fmt.Errorf("tune: tell trial %d: %w", t.rec.Number, storageErr(e))
			}
		}
	}
	if a, ok := s.sampler.(sampler.AfterTrialer); ok {
		if e := a.AfterTrial(ctx, view{s}, t.rec, state, values); e != nil {
			errs = append(errs, fmt.Errorf("tune: trial %d: sampler: after trial: %w", t.rec.Number, e))
		}
	}
	e := s.storage.FinishTrial(ctx, t.rec.ID, state, values)
	s.cache.touch()
	if e != nil {
		if errors.Is(e, storage.ErrFinished) {
			t.done = true
		}
		return FrozenTrial{}, errors.Join(append(errs, fmt.Errorf("tune: tell trial %d: %w", t.rec.Number, storageErr(e)))...)
	}
	t.done = true
	// t.rec is the handle's own; snapshots handed out share its slices and
	// maps, so replace what changes instead of writing into it.
	t.rec.State, t.rec.Values, t.rec.Complete = state, append([]float64(nil), values...), time.Now()
	if reason != "" {
		t.rec.SystemAttrs = core.CloneAttrs(t.rec.SystemAttrs)
		if t.rec.SystemAttrs == nil {
			t.rec.SystemAttrs = map[string]any{}
		}
		t.rec.SystemAttrs[FailReasonAttr] = reason
	}
	rec := t.rec.Clone()
	if state == core.Fail && s.retryPolicy.OnError {
		if e := s.retry(ctx, rec); e != nil {
			errs = append(errs, fmt.Errorf("tune: trial %d: retry: %w", rec.Number, e))
		}
	}
	if s.log.Enabled(ctx, slog.LevelInfo) {
		s.log.Info("trial finished", "study", s.info.Name, "number", rec.Number, "state", rec.State,
			"values", rec.Values, "params", rec.ParamValues(), "reason", reason)
	}
	return rec, errors.Join(errs...)
}
