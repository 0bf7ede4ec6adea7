package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/modelsel"
	"github.com/go-tune/tune/pruner"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/tpe"
	"github.com/go-tune/tune/storage"
)

// FoldsAttr is the trial user attribute that holds each finished fold's
// scores and times, so that a resumed search can report the trials of
// earlier runs: a list of {"test": {scorer: score}, "train": {...},
// "fit_s": seconds, "score_s": seconds}.
const FoldsAttr = "cv_folds"

// Search tunes the hyperparameters of Estimator over Space with a tune
// sampler and cross-validation. The zero value of each field is documented
// with it; Estimator and Space are required.
type Search struct {
	// Estimator makes the models; see modelsel.FromConfig.
	Estimator modelsel.Factory
	// Space gives each hyperparameter's range: modelsel.Values become
	// categorical parameters (their values must be strings, ints,
	// floats, bools or nil), Uniform and LogUniform float parameters
	// (log-scaled for LogUniform), IntUniform int parameters.
	Space modelsel.Space
	// Trials is the number of candidates the study should have in all,
	// counting those of earlier runs of the same study; 0 means 10.
	Trials int
	// Sampler proposes the candidates; nil means TPE with its defaults
	// (tpe.Config{}), seeded by Seed.
	Sampler sampler.Sampler
	// Pruner stops candidates early on their first folds; nil means
	// tune's default, the median pruner (pruner.Median{}); pruner.Nop{}
	// never prunes.
	Pruner pruner.Pruner
	// Storage keeps the study; nil means in memory. With a persistent
	// storage an existing study of the same name is resumed.
	Storage storage.Storage
	// StudyName names the study; "" means "search".
	StudyName string
	// Seed seeds the study (and so the sampler); 0 means random, and
	// recorded in the study.
	Seed uint64
	// SearchConfig sets the folds, scorers (the first is maximised),
	// verbose lines and refit as for modelsel's searches. Jobs is the
	// number of candidates evaluated at once (tune workers); a
	// candidate's folds run one after the other so that it can be pruned.
	modelsel.SearchConfig
}

// Result is a search's outcome: modelsel's result table over every trial
// of the study (those of earlier runs too), and the study itself.
type Result struct {
	*modelsel.SearchResult
	Study *tune.Study
}

// Fit runs the search on ds until the study has Trials finished
// candidates, then ranks them and refits the best on ds (unless
// NoRefit). Bad configuration (an unknown hyperparameter name, a value
// tune cannot store, a dataset no model can fit) fails before any trial.
// A candidate whose fit fails becomes a Fail trial and the search goes
// on; when every candidate fails, Fit returns the first reason.
func (s Search) Fit(ctx context.Context, ds *data.Dataset) (*Result, error) {
	if s.Estimator == nil {
		return nil, errors.New("search: no estimator Factory")
	}
	if err := s.Space.Validate(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if err := checkSpace(s.Space); err != nil {
		return nil, err
	}
	probe, err := s.Estimator(firstValues(s.Space))
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	folds, scorers, err := modelsel.Prepare(probe, ds, s.CVConfig)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	study, err := s.study(ctx)
	if err != nil {
		return nil, err
	}
	total := s.Trials
	if total == 0 {
		total = 10
	}
	done, err := study.Trials(ctx, tune.Complete, tune.Pruned, tune.Fail)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	progress := modelsel.NewProgress(s.Verbose, s.Log, len(folds), total)
	if left := total - len(done); left > 0 {
		progress.Start()
		obj := s.objective(ds, folds, scorers, progress)
		workers := s.Jobs
		if workers == 0 {
			workers = 1
		}
		if err := study.Optimize(ctx, obj, tune.OptimizeOptions{Trials: left, Workers: workers}); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
	}
	trials, err := study.Trials(ctx, tune.Complete, tune.Pruned, tune.Fail)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	cands := candidates(trials, scorers)
	ok := 0
	for _, c := range cands {
		if c.Err == nil && !c.Pruned {
			ok++
		}
	}
	if ok == 0 {
		if len(cands) > 0 && cands[0].Err != nil {
			return nil, fmt.Errorf("search: no candidate finished; the first failed: %w", cands[0].Err)
		}
		return nil, errors.New("search: no candidate finished all its folds")
	}
	r := modelsel.Summarize(cands, scorerNames(scorers))
	if !s.NoRefit {
		e, err := s.Estimator(r.BestParams)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		start := time.Now()
		if err := e.Fit(ctx, ds); err != nil {
			return nil, fmt.Errorf("search: refitting the best candidate: %w", err)
		}
		r.RefitTime, r.BestEstimator = time.Since(start), e
	}
	return &Result{SearchResult: r, Study: study}, nil
}

func (s Search) study(ctx context.Context) (*tune.Study, error) {
	smp := s.Sampler
	if smp == nil {
		t, err := tpe.New(tpe.Config{})
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		smp = t
	}
	opts := []tune.Option{tune.WithSampler(smp), tune.WithDirections(tune.Maximize), tune.LoadIfExists()}
	if s.Pruner != nil {
		opts = append(opts, tune.WithPruner(s.Pruner))
	}
	if s.Storage != nil {
		opts = append(opts, tune.WithStorage(s.Storage))
	}
	if s.Seed != 0 {
		opts = append(opts, tune.WithSeed(s.Seed))
	}
	name := s.StudyName
	if name == "" {
		name = "search"
	}
	study, err := tune.CreateStudy(ctx, name, opts...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return study, nil
}

// objective evaluates one candidate fold by fold, reporting the running
// mean of the first scorer after each fold and stopping when pruned.
func (s Search) objective(ds *data.Dataset, folds []modelsel.Fold, scorers []modelsel.Scorer, progress *modelsel.Progress) tune.Objective {
	primary := scorers[0].Name
	return func(ctx context.Context, t *tune.Trial) (float64, error) {
		params, err := suggest(t, s.Space)
		if err != nil {
			return 0, err
		}
		var (
			sum    float64
			record []any
		)
		for k, fold := range folds {
			progress.FitStart(t.Number(), k, params)
			est, err := s.Estimator(params)
			if err != nil {
				return 0, err
			}
			fr := modelsel.FitAndScore(ctx, est, ds, fold, scorers, s.TrainScore)
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			progress.FitEnd(t.Number(), k, params, fr, scorers)
			if fr.Err != nil {
				return 0, fmt.Errorf("fold %d: %w", k+1, fr.Err)
			}
			record = append(record, foldAttr(fr))
			if err := t.SetUserAttr(FoldsAttr, record); err != nil {
				return 0, err
			}
			sum += fr.Test[primary]
			mean := sum / float64(k+1)
			if k == len(folds)-1 {
				return mean, nil
			}
			if err := t.Report(k, mean); err != nil {
				return 0, err
			}
			if prune, err := t.ShouldPrune(); err != nil {
				return 0, err
			} else if prune {
				return 0, tune.ErrPruned
			}
		}
		return math.NaN(), errors.New("search: no folds")
	}
}

func suggest(t *tune.Trial, space modelsel.Space) (modelsel.Params, error) {
	p := modelsel.Params{}
	for _, name := range sortedNames(space) {
		var (
			v   any
			err error
		)
		switch d := space[name].(type) {
		case modelsel.Values:
			v, err = t.Categorical(name, d...)
		case modelsel.Uniform:
			v, err = t.Float(name, d.Low, d.High)
		case modelsel.LogUniform:
			v, err = t.Float(name, d.Low, d.High, tune.Log())
		case modelsel.IntUniform:
			if d.Log {
				v, err = t.Int(name, d.Low, d.High, tune.Log())
			} else {
				v, err = t.Int(name, d.Low, d.High)
			}
		default:
			err = fmt.Errorf("search: hyperparameter %q: unsupported distribution %T", name, d)
		}
		if err != nil {
			return nil, err
		}
		p[name] = v
	}
	return p, nil
}

// checkSpace rejects categorical values that a tune study cannot store.
func checkSpace(space modelsel.Space) error {
	for _, name := range sortedNames(space) {
		vals, ok := space[name].(modelsel.Values)
		if !ok {
			continue
		}
		for _, v := range vals {
			switch v.(type) {
			case nil, string, bool, int, int8, int16, int32, int64, uint8, uint16, uint32, float32, float64:
			default:
				return fmt.Errorf("search: hyperparameter %q: value %v (%T) cannot be a tune categorical choice (strings, ints, floats, bools, nil)", name, v, v)
			}
		}
	}
	return nil
}

// firstValues is one candidate of the space, to check the names before
// any trial: the first value of each list, the low end of each range.
func firstValues(space modelsel.Space) modelsel.Params {
	p := modelsel.Params{}
	for name, d := range space {
		switch d := d.(type) {
		case modelsel.Values:
			p[name] = d[0]
		case modelsel.Uniform:
			p[name] = d.Low
		case modelsel.LogUniform:
			p[name] = d.Low
		case modelsel.IntUniform:
			p[name] = d.Low
		}
	}
	return p
}

func foldAttr(fr modelsel.FoldResult) map[string]any {
	m := map[string]any{
		"test":    scoresAttr(fr.Test),
		"fit_s":   fr.FitTime.Seconds(),
		"score_s": fr.ScoreTime.Seconds(),
	}
	if fr.Train != nil {
		m["train"] = scoresAttr(fr.Train)
	}
	return m
}

func scoresAttr(s map[string]float64) map[string]any {
	m := make(map[string]any, len(s))
	for k, v := range s {
		m[k] = v
	}
	return m
}

// candidates rebuilds the candidates from the study's finished trials, in
// trial order.
func candidates(trials []tune.FrozenTrial, scorers []modelsel.Scorer) []modelsel.Candidate {
	out := make([]modelsel.Candidate, 0, len(trials))
	for _, t := range trials {
		c := modelsel.Candidate{Params: modelsel.Params(t.ParamValues())}
		raw, _ := t.UserAttrs[FoldsAttr].([]any)
		for _, f := range raw {
			c.Folds = append(c.Folds, foldFromAttr(f))
		}
		switch t.State {
		case tune.Pruned:
			c.Pruned = true
		case tune.Fail:
			reason, _ := t.SystemAttrs[tune.FailReasonAttr].(string)
			c.Err = errors.New(reason)
			c.Folds = nil
		}
		out = append(out, c)
	}
	return out
}

func foldFromAttr(v any) modelsel.FoldResult {
	m, _ := v.(map[string]any)
	fr := modelsel.FoldResult{Test: floats(m["test"])}
	if tr, ok := m["train"]; ok {
		fr.Train = floats(tr)
	}
	fit, _ := m["fit_s"].(float64)
	score, _ := m["score_s"].(float64)
	fr.FitTime = time.Duration(fit * float64(time.Second))
	fr.ScoreTime = time.Duration(score * float64(time.Second))
	return fr
}

func floats(v any) map[string]float64 {
	m, _ := v.(map[string]any)
	out := make(map[string]float64, len(m))
	for k, x := range m {
		if f, ok := x.(float64); ok {
			out[k] = f
		}
	}
	return out
}

func sortedNames(space modelsel.Space) []string {
	return modelsel.Params(firstValues(space)).Keys()
}

func scorerNames(s []modelsel.Scorer) []string {
	out := make([]string, len(s))
	for i, sc := range s {
		out[i] = sc.Name
	}
	return out
}
