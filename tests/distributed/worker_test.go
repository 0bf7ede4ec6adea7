package distributed_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/pruner"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/grid"
	"github.com/go-tune/tune/sampler/random"
	"github.com/go-tune/tune/storage"
	"github.com/go-tune/tune/storage/rdb"
)

// workerEnv holds, in a process that the tests start, the worker's
// configuration as JSON: the test binary then runs that worker instead of
// the tests.
const workerEnv = "TUNE_DISTRIBUTED_WORKER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(workerEnv); spec != "" {
		os.Exit(workerMain(spec))
	}
	os.Exit(m.Run())
}

// workerConfig says what one worker process does.
type workerConfig struct {
	// ID is the worker's number; each trial it runs gets it as the user
	// attribute "worker".
	ID int
	// URL is the storage; Heartbeat and Grace are its rdb.Options.
	URL              string
	Heartbeat, Grace time.Duration
	// Study is the study's name. The worker loads it before it says it is
	// ready, unless Create is set: then it opens the storage and calls
	// CreateStudy with LoadIfExists only after the start signal, so that all
	// workers race to create it.
	Study  string
	Create bool
	// Grid samples from gridSpace instead of at random.
	Grid bool
	// Trials and Workers are the OptimizeOptions.
	Trials, Workers int
	// Retries is the study's RetryPolicy.MaxRetries.
	Retries int
	// Sleep is how long each objective sleeps.
	Sleep time.Duration
	// BlockAt > 0 makes the BlockAt-th objective that the worker starts
	// report an intermediate value and then block until the process is
	// killed.
	BlockAt int
	// UntilFailover > 0 makes the worker stop, once it has told that many
	// trials, as soon as the study has a trial that failed for a stale
	// heartbeat and, with Retries, the retry of that trial is finished.
	UntilFailover int
	// Timeout bounds Optimize (OptimizeOptions.Timeout); 0 means none.
	Timeout time.Duration
	// Pruner, if set ("asha" or "hyperband"), makes the objective a
	// learning curve of Steps steps that reports each step and stops when
	// the pruner says so.
	Pruner string
	Steps  int
}

// workerResult is what a worker reports at its end, on the line
// "result <JSON>" of its output.
type workerResult struct {
	ID int
	// Told is how many trials Optimize told (counted by a callback).
	Told int
	// Created says that the worker's CreateStudy created the study; Existed
	// that it found the study there and loaded it.
	Created, Existed bool
	// Seed is the study handle's seed.
	Seed uint64
	// Err is the error of Optimize or of the setup; "" for none.
	Err string
}

// gridSpace is the grid of the grid tests: 5 x 4 x 6 = 120 combinations,
// over the parameters that objective asks for.
func gridSpace() map[string][]any {
	return map[string][]any{
		"x": {-2.0, -1.0, 0.0, 1.0, 2.0},
		"y": {0, 1, 2, 3},
		"c": {"a", "b", "c", "d", "e", "f"},
	}
}

// choices are the values of parameter "c".
var choices = []string{"a", "b", "c", "d", "e", "f"}

// objectiveValue is the objective's value for its parameters, so that the
// tests can check that each stored value belongs to its trial's parameters.
func objectiveValue(x float64, y int, c string) float64 {
	return x*x + float64(y) + float64(c[0]-'a')/10
}

// The lines of a worker's output.
const (
	readyLine  = "ready"
	toldPrefix = "told "
	resultLine = "result "
)

// workerMain runs a worker process and returns its exit code. The protocol
// on its standard streams: it writes "ready" when it is set up, waits for a
// line "go" on its input, writes "told <n>" after each trial it tells and
// "result <JSON>" at the end. It exits at once if its input closes, so that
// no worker outlives the test that started it.
func workerMain(spec string) int {
	var cfg workerConfig
	if err := json.Unmarshal([]byte(spec), &cfg); err != nil {
		fmt.Fprintf(os.Stderr, "worker: bad %s: %v\n", workerEnv, err)
		return 2
	}
	res := workerResult{ID: cfg.ID}
	if err := runWorker(&cfg, &res); err != nil {
		res.Err = err.Error()
	}
	b, _ := json.Marshal(res)
	fmt.Printf("%s%s\n", resultLine, b)
	return 0
}

// recorder is a storage that records what its CreateStudy found. Embedding
// *rdb.Storage keeps its heartbeat capability.
type recorder struct {
	*rdb.Storage
	created, existed atomic.Bool
}

func (r *recorder) CreateStudy(ctx context.Context, name string, dirs []core.Direction, attrs map[string]any) (core.StudyInfo, error) {
	info, err := r.Storage.CreateStudy(ctx, name, dirs, attrs)
	switch {
	case err == nil:
		r.created.Store(true)
	case errors.Is(err, storage.ErrStudyExists):
		r.existed.Store(true)
	}
	return info, err
}

func runWorker(cfg *workerConfig, res *workerResult) error {
	ctx := context.Background()
	var smp sampler.Sampler = random.New()
	if cfg.Grid {
		g, err := grid.New(gridSpace())
		if err != nil {
			return err
		}
		smp = g
	}
	open := func() (*tune.Study, *recorder, error) {
		s, err := rdb.OpenWith(ctx, cfg.URL, rdb.Options{HeartbeatInterval: cfg.Heartbeat, GracePeriod: cfg.Grace})
		if err != nil {
			return nil, nil, err
		}
		rec := &recorder{Storage: s}
		opts := []tune.Option{tune.WithStorage(rec), tune.WithSampler(smp), tune.WithRetry(tune.RetryPolicy{MaxRetries: cfg.Retries}),
			tune.WithPruner(workerPruner(cfg.Pruner)),
			// Warnings (a failed heartbeat, a result lost) go to stderr,
			// where the tests look for them.
			tune.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))}
		var study *tune.Study
		if cfg.Create {
			study, err = tune.CreateStudy(ctx, cfg.Study, append(opts, tune.LoadIfExists())...)
		} else {
			study, err = tune.LoadStudy(ctx, cfg.Study, opts...)
		}
		if err != nil {
			s.Close()
			return nil, nil, err
		}
		return study, rec, nil
	}

	var (
		study *tune.Study
		rec   *recorder
		err   error
	)
	if !cfg.Create {
		if study, rec, err = open(); err != nil {
			return err
		}
	}
	fmt.Println(readyLine)
	in := bufio.NewScanner(os.Stdin)
	if !in.Scan() || in.Text() != "go" {
		return errors.New("no start signal")
	}
	go func() {
		for in.Scan() {
		}
		os.Exit(3) // the test is gone
	}()
	if cfg.Create {
		if study, rec, err = open(); err != nil {
			return err
		}
	}
	defer rec.Close()
	res.Created, res.Existed, res.Seed = rec.created.Load(), rec.existed.Load(), study.Seed()

	var started atomic.Int64
	objective := func(ctx context.Context, t *tune.Trial) (float64, error) {
		n := started.Add(1)
		if err := t.SetUserAttr("worker", cfg.ID); err != nil {
			return 0, err
		}
		x, err := t.Float("x", -10, 10)
		if err != nil {
			return 0, err
		}
		y, err := t.Int("y", 0, 99)
		if err != nil {
			return 0, err
		}
		c, err := tune.Choice(t, "c", choices...)
		if err != nil {
			return 0, err
		}
		v := objectiveValue(x, y, c)
		if cfg.Pruner != "" {
			return curve(t, v, cfg.Steps, cfg.Sleep)
		}
		if cfg.BlockAt > 0 && n == int64(cfg.BlockAt) {
			if err := t.Report(0, v); err != nil {
				return 0, err
			}
			<-ctx.Done() // the test kills the process before
			return 0, ctx.Err()
		}
		time.Sleep(cfg.Sleep)
		return v, nil
	}
	told := 0
	callback := func(s *tune.Study, _ tune.FrozenTrial) {
		told++
		res.Told = told
		fmt.Printf("%s%d\n", toldPrefix, told)
		if cfg.UntilFailover > 0 && told >= cfg.UntilFailover && failedOver(ctx, s, cfg.Retries > 0) {
			s.Stop()
		}
	}
	return study.Optimize(ctx, objective, tune.OptimizeOptions{
		Trials:    cfg.Trials,
		Workers:   cfg.Workers,
		Timeout:   cfg.Timeout,
		Callbacks: []tune.Callback{callback},
	})
}

// workerPruner returns the pruner that a worker's Pruner names.
func workerPruner(name string) pruner.Pruner {
	switch name {
	case "asha":
		return pruner.SuccessiveHalving{MinResource: 1, ReductionFactor: 3}
	case "hyperband":
		return pruner.Hyperband{MinResource: 1, MaxResource: 27}
	}
	return pruner.Median{}
}

// curve reports a learning curve that decays to final over steps steps,
// pausing between steps so that the workers interleave, and stops when the
// pruner says so.
func curve(t *tune.Trial, final float64, steps int, pause time.Duration) (float64, error) {
	v := final
	for s := range steps {
		v = final + 10/float64(s+1)
		if err := t.Report(s, v); err != nil {
			return 0, err
		}
		if prune, err := t.ShouldPrune(); err != nil {
			return 0, err
		} else if prune {
			return 0, tune.ErrPruned
		}
		time.Sleep(pause)
	}
	return v, nil
}

// failedOver reports whether the study has a trial that failed for a stale
// heartbeat and, if retried is set, a finished retry of it.
func failedOver(ctx context.Context, s *tune.Study, retried bool) bool {
	trials, err := s.Trials(ctx)
	if err != nil {
		return false
	}
	stale, retry := false, false
	for _, t := range trials {
		if t.State == tune.Fail && t.SystemAttrs[tune.FailReasonAttr] == rdb.StaleReason {
			stale = true
		}
		if _, ok := t.SystemAttrs[tune.FailedTrialAttr]; ok && t.State.Finished() {
			retry = true
		}
	}
	return stale && (retry || !retried)
}
