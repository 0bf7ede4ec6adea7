package tune

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/storage"
)

// Trial is a live trial: the handle an objective uses to get its
// parameters, report intermediate values and ask whether to stop. It lasts
// from Ask (or the start of the objective, in Optimize) to Tell.
//
// A Trial carries the context it was asked with, as an *http.Request does:
// its methods make storage calls with it. It is safe for concurrent use.
//
// On a storage that takes parameters in batches (storage.ParamBatcher, the
// databases of storage/rdb), the parameters are written together: at the
// trial's next Report, SetUserAttr or Tell, or a millisecond after the
// first of them, whichever comes first, so that a trial costs one round trip
// for all its parameters. A write that fails is tried again at the next of
// those calls, which returns its error; if it still fails at Tell, the trial
// is told Fail with the reason.
type Trial struct {
	study *Study
	ctx   context.Context
	rng   *rand.Rand

	mu        sync.Mutex
	rec       core.Trial     // the trial as this handle made it
	fixed     map[string]any // enqueued parameters
	relSpace  map[string]core.Distribution
	relParams map[string]float64
	done      bool
	// pending holds the parameters not yet written, on a storage that
	// takes them in batches (storage.ParamBatcher); flushTimer writes them
	// unless a Report, SetUserAttr or Tell does first.
	pending    []core.Param
	flushTimer *time.Timer
}

// paramFlushDelay is how long the parameters that a trial suggests may wait
// to be written together, on a storage.ParamBatcher.
const paramFlushDelay = time.Millisecond

// Number returns the trial's number in its study: 0, 1, 2, ...
func (t *Trial) Number() int { return t.rec.Number }

// ID returns the trial's id in its storage.
func (t *Trial) ID() int64 { return t.rec.ID }

// Context returns the context the trial was asked with.
func (t *Trial) Context() context.Context { return t.ctx }

// Study returns the trial's study.
func (t *Trial) Study() *Study { return t.study }

// ParamOption modifies the distribution of Float and Int.
type ParamOption func(*paramOpts)

type paramOpts struct {
	log  bool
	step float64
}

// Log samples the parameter on a logarithmic scale (low must be > 0).
func Log() ParamOption { return func(o *paramOpts) { o.log = true } }

// Step allows only low, low+step, ..., high; step must divide high-low. For
// Int, step must be a whole number.
func Step(step float64) ParamOption { return func(o *paramOpts) { o.step = step } }

func collect(opts []ParamOption) paramOpts {
	if len(opts) == 0 {
		return paramOpts{} // o below escapes: spare the common case an allocation
	}
	var o paramOpts
	for _, f := range opts {
		f(&o)
	}
	return o
}

// Float returns the trial's value of the float parameter name in
// [low, high]: with Log on a log scale, with Step on a grid.
func (t *Trial) Float(name string, low, high float64, opts ...ParamOption) (float64, error) {
	o := collect(opts)
	x, err := t.suggest(name, core.Float{Low: low, High: high, Log: o.log, Step: o.step})
	return x, err
}

// Int returns the trial's value of the integer parameter name in
// [low, high]: with Log on a log scale, with Step on a grid.
func (t *Trial) Int(name string, low, high int, opts ...ParamOption) (int, error) {
	o := collect(opts)
	step := int(o.step)
	if float64(step) != o.step {
		return 0, fmt.Errorf("tune: parameter %q: %w: step %v is not a whole number", name, core.ErrInvalidDistribution, o.step)
	}
	x, err := t.suggest(name, core.Int{Low: low, High: high, Log: o.log, Step: step})
	return int(x), err
}

// Categorical returns the trial's choice for parameter name, one of choices:
// strings, ints, floats, bools or nil, which may be mixed. Choice is its
// typed form.
func (t *Trial) Categorical(name string, choices ...any) (any, error) {
	d, err := core.NewCategorical(choices...)
	if err != nil {
		return nil, fmt.Errorf("tune: parameter %q: %w", name, err)
	}
	x, err := t.suggest(name, d)
	if err != nil {
		return nil, err
	}
	return d.ToExternal(x), nil
}

// Choice returns the trial's choice for parameter name, one of choices.
func Choice[T string | int | float64 | bool](t *Trial, name string, choices ...T) (T, error) {
	anys := make([]any, len(choices))
	for i, c := range choices {
		anys[i] = c
	}
	d, err := core.NewCategorical(anys...)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("tune: parameter %q: %w", name, err)
	}
	x, err := t.suggest(name, d)
	if err != nil {
		var zero T
		return zero, err
	}
	return choices[int(x)], nil
}

// Suggest returns the trial's external value of parameter name with
// distribution d: a float64 for a FloatDistribution, an int for an
// IntDistribution, the choice for a CategoricalDistribution.
func (t *Trial) Suggest(name string, d Distribution) (any, error) {
	if d == nil {
		return nil, fmt.Errorf("tune: parameter %q: %w: nil", name, core.ErrInvalidDistribution)
	}
	x, err := t.suggest(name, d)
	if err != nil {
		return nil, err
	}
	return d.ToExternal(x), nil
}

// suggest returns the internal value of parameter name: the one the trial
// has already, or an enqueued one, or the only one, or the relative
// sampler's, or the independent sampler's; and records it.
func (t *Trial) suggest(name string, d core.Distribution) (float64, error) {
	if err := d.Validate(); err != nil {
		return 0, fmt.Errorf("tune: parameter %q: %w", name, err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return 0, fmt.Errorf("%w: trial %d cannot take parameter %q", ErrTrialFinished, t.rec.Number, name)
	}
	if p, ok := t.rec.Param(name); ok {
		if !core.Equal(p.Dist, d) {
			return 0, fmt.Errorf("tune: parameter %q asked with %v, but trial %d has it with %v", name, d, t.rec.Number, p.Dist)
		}
		return p.Internal, nil
	}
	var x float64
	var err error
	fixed, isFixed := t.fixed[name]
	rel, isRel := t.relParams[name]
	switch {
	case isFixed:
		x, err = d.ToInternal(fixed)
		if err == nil && !d.Contains(x) {
			err = fmt.Errorf("%v does not contain it", d)
		}
		if err != nil {
			return 0, fmt.Errorf("tune: enqueued value %v of parameter %q: %w", fixed, name, err)
		}
	case d.Single():
		x = singleValue(d)
	case isRel && core.Equal(t.relSpace[name], d):
		x = rel
	default:
		var v core.Study
		if v, err = t.study.samplerView(t.ctx, t.rec.Number); err == nil {
			x, err = t.study.sampler.SampleIndependent(t.ctx, v, t.rec, name, d, t.rng)
		}
		if err != nil {
			return 0, fmt.Errorf("tune: parameter %q: %w", name, err)
		}
	}
	if !d.Contains(x) {
		return 0, fmt.Errorf("tune: parameter %q: the sampler returned %v, which is not in %v", name, x, d)
	}
	p := core.Param{Name: name, Internal: x, Dist: d}
	if _, ok := t.study.storage.(storage.ParamBatcher); ok {
		if old, ok := t.study.dists.Load(name); ok {
			if err := core.CheckCompatible(old.(core.Distribution), d); err != nil {
				return 0, fmt.Errorf("tune: parameter %q: %w", name, err)
			}
		}
		t.pending = append(t.pending, p)
		if t.flushTimer == nil {
			t.flushTimer = time.AfterFunc(paramFlushDelay, t.flushLater)
		}
	} else {
		err := t.study.storage.SetParam(t.ctx, t.rec.ID, p)
		t.study.cache.touch()
		if err != nil {
			return 0, fmt.Errorf("tune: parameter %q: %w", name, err)
		}
	}
	t.rec.Params = append(t.rec.Params, p)
	return x, nil
}

// flushLater writes the pending parameters when flushTimer fires. An error
// is left for the next Report, SetUserAttr or Tell, which try again and
// return it.
func (t *Trial) flushLater() {
	t.mu.Lock()
	defer t.mu.Unlock()
	_ = t.flushLocked(t.ctx)
}

// flushLocked writes the pending parameters in one SetParams; they stay
// pending if it fails. t.mu is held.
func (t *Trial) flushLocked(ctx context.Context) error {
	if t.flushTimer != nil {
		t.flushTimer.Stop()
		t.flushTimer = nil
	}
	if len(t.pending) == 0 {
		return nil
	}
	err := t.study.storage.(storage.ParamBatcher).SetParams(ctx, t.rec.ID, t.pending)
	t.study.cache.touch()
	if err != nil {
		names := make([]string, len(t.pending))
		for i, p := range t.pending {
			names[i] = strconv.Quote(p.Name)
		}
		return fmt.Errorf("write parameters %s: %w", strings.Join(names, ", "), err)
	}
	for _, p := range t.pending {
		t.study.dists.LoadOrStore(p.Name, p.Dist)
	}
	t.pending = nil
	return nil
}

func singleValue(d core.Distribution) float64 {
	switch d := d.(type) {
	case core.Float:
		return d.Low
	case core.Int:
		return float64(d.Low)
	}
	return 0
}

// Report records value as the trial's intermediate value at step (>= 0),
// for the pruner and for plots.
//
//   - A step can be reported once: a second Report of it fails with
//     ErrStepReported and changes nothing (Optuna ignores it with a
//     warning).
//   - Steps may come in any order, as in Optuna: they are kept sorted, and
//     the pruners judge the trial at its largest step so far.
//   - NaN is stored as reported. The pruners treat it as Optuna's do: the
//     median and percentile pruners prune a trial whose values are all
//     NaN, successive halving and Hyperband prune a NaN at a rung, the
//     threshold pruner prunes a NaN, and the Wilcoxon pruner does not judge
//     a trial with one.
func (t *Trial) Report(step int, value float64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.done:
		return fmt.Errorf("%w: trial %d cannot report step %d", ErrTrialFinished, t.rec.Number, step)
	case step < 0:
		return fmt.Errorf("tune: trial %d: step %d is negative", t.rec.Number, step)
	}
	if _, ok := t.rec.At(step); ok {
		return fmt.Errorf("%w: trial %d, step %d", ErrStepReported, t.rec.Number, step)
	}
	if err := t.flushLocked(t.ctx); err != nil {
		return fmt.Errorf("tune: trial %d: %w", t.rec.Number, storageErr(err))
	}
	err := t.study.storage.SetIntermediate(t.ctx, t.rec.ID, step, value)
	t.study.cache.touch()
	if err != nil {
		return fmt.Errorf("tune: trial %d: report: %w", t.rec.Number, err)
	}
	t.rec.SetIntermediate(step, value)
	return nil
}

// ShouldPrune asks the study's pruner whether the trial should stop now,
// from its reported values and the other trials'. An objective that gets
// true returns ErrPruned.
func (t *Trial) ShouldPrune() (bool, error) {
	t.mu.Lock()
	rec := t.rec
	rec.Intermediate = append([]core.Step(nil), rec.Intermediate...) // Report may insert into it
	done := t.done
	t.mu.Unlock()
	if done {
		return false, fmt.Errorf("%w: trial %d", ErrTrialFinished, rec.Number)
	}
	prune, err := t.study.pruner.Prune(t.ctx, view{t.study}, rec)
	if err != nil {
		return false, fmt.Errorf("tune: trial %d: pruner: %w", rec.Number, err)
	}
	return prune, nil
}

// SetUserAttr sets a user attribute of the trial. value must be JSON.
func (t *Trial) SetUserAttr(key string, value any) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return fmt.Errorf("%w: trial %d", ErrTrialFinished, t.rec.Number)
	}
	if err := t.flushLocked(t.ctx); err != nil {
		return fmt.Errorf("tune: trial %d: %w", t.rec.Number, storageErr(err))
	}
	err := t.study.storage.SetTrialUserAttr(t.ctx, t.rec.ID, key, value)
	t.study.cache.touch()
	if err != nil {
		return fmt.Errorf("tune: trial %d: %w", t.rec.Number, err)
	}
	v, _ := core.NormalizeJSON(value)
	if t.rec.UserAttrs == nil {
		t.rec.UserAttrs = map[string]any{}
	} else {
		t.rec.UserAttrs = core.CloneAttrs(t.rec.UserAttrs) // the map may be shared with a snapshot
	}
	t.rec.UserAttrs[key] = v
	return nil
}

// Params returns the trial's parameters so far, by name.
func (t *Trial) Params() map[string]any {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rec.ParamValues()
}

// Snapshot returns a copy of the trial's record as this handle knows it.
func (t *Trial) Snapshot() FrozenTrial {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rec.Clone()
}

// outcome turns what an objective returned into the trial's final state,
// values and, for Fail, the reason.
func (t *Trial) outcome(values []float64, err error) (core.State, []float64, string) {
	ndir := len(t.study.info.Directions)
	switch {
	case errors.Is(err, ErrPruned):
		if last, ok := t.rec.LastStep(); ok && ndir == 1 && !math.IsNaN(last.Value) {
			return core.Pruned, []float64{last.Value}, ""
		}
		return core.Pruned, nil, ""
	case err != nil:
		return core.Fail, nil, err.Error()
	case len(values) != ndir:
		return core.Fail, nil, fmt.Sprintf("objective returned %d value(s); the study has %d objective(s)", len(values), ndir)
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return core.Fail, nil, fmt.Sprintf("objective value %d is %v", i, v)
		}
	}
	return core.Complete, values, ""
}

// storageErr maps the storage's "finished" error to ErrTrialFinished.
func storageErr(err error) error {
	if errors.Is(err, storage.ErrFinished) {
		return fmt.Errorf("%w: %w", ErrTrialFinished, err)
	}
	return err
}
