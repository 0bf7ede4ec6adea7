package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/internal/benchutil"
	"github.com/go-tune/tune/sampler/tpe"
	"github.com/go-tune/tune/storage/memory"
)

// costEntry is one column of the cost table.
type costEntry struct {
	name, label string
	tune        *tpe.Config // tune's sampler, or
	optuna      string      // Optuna's, as a Python expression of seed
}

var (
	tune31     = tpe.Optuna31()
	tuneMV     = tpe.Config{Multivariate: true, NoConstantLiar: true}
	costTuneI  = costEntry{name: "tune-tpe31", label: "tune TPE (Optuna31)", tune: &tune31}
	costTuneMV = costEntry{name: "tune-tpe-mv", label: "tune TPE multivariate", tune: &tuneMV}
	costOptI   = costEntry{name: "optuna-tpe", label: "Optuna TPE", optuna: "optuna.samplers.TPESampler(seed=seed)"}
	costOptMV  = costEntry{name: "optuna-tpe-mv", label: "Optuna TPE mv", optuna: "optuna.samplers.TPESampler(multivariate=True, seed=seed)"}
)

// costPairs are the comparisons of the cost table: tune's TPE as Optuna 3.1
// configures it against Optuna's default, and tune's multivariate TPE
// against Optuna's.
var costPairs = [][2]costEntry{{costTuneI, costOptI}, {costTuneMV, costOptMV}}

var costParams = [...]string{"x0", "x1", "x2", "x3", "x4"}

// sphereTrial runs one trial by hand: Ask, 5 Float in [-10, 10], Tell with
// the sum of their squares.
func sphereTrial(ctx context.Context, s *tune.Study) error {
	t, err := s.Ask(ctx)
	if err != nil {
		return err
	}
	v := 0.0
	for _, name := range costParams {
		x, err := t.Float(name, -10, 10)
		if err != nil {
			return err
		}
		v += x * x
	}
	_, err = s.Tell(ctx, t, []float64{v}, nil)
	return err
}

// filledStudy returns a study with the TPE sampler of cfg that holds n
// finished trials of the sphere, filled at random points with the random
// sampler (not timed), and that has run one more, untimed, trial with cfg
// (which fills the study's trial cache).
func filledStudy(ctx context.Context, cfg tpe.Config, n int) (*tune.Study, error) {
	st := memory.New()
	fill, err := tune.CreateStudy(ctx, "cost", tune.WithStorage(st), tune.WithSeed(1))
	if err != nil {
		return nil, err
	}
	for range n {
		if err := sphereTrial(ctx, fill); err != nil {
			return nil, err
		}
	}
	s, err := tpe.New(cfg)
	if err != nil {
		return nil, err
	}
	study, err := tune.LoadStudy(ctx, "cost", tune.WithStorage(st), tune.WithSampler(s))
	if err != nil {
		return nil, err
	}
	return study, sphereTrial(ctx, study)
}

// tuneCost returns the time in µs of each of trials trials of sphereTrial
// with cfg on a study of n finished trials, kept between n and 1.25n
// trials: the timed trials run in blocks of max(1, n/4), each on a newly
// filled study.
func tuneCost(ctx context.Context, cfg tpe.Config, n, trials int) ([]float64, error) {
	block := max(1, n/4)
	var us []float64
	for len(us) < trials {
		study, err := filledStudy(ctx, cfg, n)
		if err != nil {
			return nil, err
		}
		for range min(block, trials-len(us)) {
			start := time.Now()
			if err := sphereTrial(ctx, study); err != nil {
				return nil, err
			}
			us = append(us, float64(time.Since(start).Nanoseconds())/1e3)
		}
	}
	return us, nil
}

// costJob is the job that optuna_samplers.py runs in its cost mode.
type costJob struct {
	Mode     string         `json:"mode"`
	Samplers []costSampler  `json:"samplers"`
	Sizes    []int          `json:"sizes"`
	Trials   map[string]int `json:"trials"`
	Seed     int            `json:"seed"`
}

type costSampler struct {
	Name string `json:"name"`
	Expr string `json:"expr"`
}

type costReply struct {
	Cost []struct {
		Sampler string    `json:"sampler"`
		Size    int       `json:"size"`
		US      []float64 `json:"us"`
	} `json:"cost"`
}

// costResult is the median µs per trial by column name and size.
type costResult map[string]map[int]float64

func (r costResult) set(name string, n int, us float64) {
	if r[name] == nil {
		r[name] = map[int]float64{}
	}
	r[name][n] = us
}

// get returns the median, or NaN where it was not measured.
func (r costResult) get(name string, n int) float64 {
	if v, ok := r[name][n]; ok {
		return v
	}
	return math.NaN()
}

// runCost measures the cost table: tune's columns here, Optuna's in one
// Python process.
func runCost(ctx context.Context, c *config) (costResult, error) {
	res := costResult{}
	for _, pair := range costPairs {
		e := pair[0]
		for _, n := range c.costSizes {
			fmt.Fprintf(os.Stderr, "samplers: cost, %s at %d finished trials: %d trials\n", e.label, n, c.costTrials)
			us, err := tuneCost(ctx, *e.tune, n, c.costTrials)
			if err != nil {
				return nil, fmt.Errorf("cost of %s at %d: %w", e.label, n, err)
			}
			res.set(e.name, n, benchutil.Median(us))
		}
	}
	if c.optunaWhy != "" {
		return res, nil
	}
	job := costJob{Mode: "cost", Sizes: c.costSizes, Trials: map[string]int{}, Seed: 1}
	for _, pair := range costPairs {
		job.Samplers = append(job.Samplers, costSampler{pair[1].name, pair[1].optuna})
	}
	for _, n := range c.costSizes {
		job.Trials[strconv.Itoa(n)] = c.optunaCostTrials(n)
	}
	in, err := json.Marshal(job)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "samplers: cost, Optuna at %v finished trials: %v trials\n", c.costSizes, job.Trials)
	cmd := exec.CommandContext(ctx, c.python, c.script)
	cmd.Dir = c.tmp
	cmd.Stdin = bytes.NewReader(append(in, '\n'))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("Optuna's cost: %w", err)
	}
	var reply costReply
	if err := json.Unmarshal(out, &reply); err != nil {
		return nil, fmt.Errorf("Optuna's cost: %w: %s", err, benchutil.LastLine(out))
	}
	for _, r := range reply.Cost {
		if len(r.US) > 0 {
			res.set(r.Sampler, r.Size, benchutil.Median(r.US))
		}
	}
	return res, nil
}
