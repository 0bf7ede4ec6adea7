package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/bench/functions"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/internal/benchutil"
)

// side is the tool that ran a sampler.
type side int

const (
	sideTune side = iota
	sideOptuna
)

func (s side) String() string { return [...]string{"tune", "Optuna"}[s] }

// cellKey names the runs of one sampler row, on one side, on one problem.
type cellKey struct {
	problem, sampler string
	side             side
}

// cell holds the runs of a cellKey: regrets[b][i] is seed i's simple
// regret after budgets[b] trials.
type cell struct {
	regrets [][]float64
	err     error
}

// spread is the median and the quartiles of a cell's regrets at one budget.
type spread struct{ q1, med, q3 float64 }

func (c *cell) at(b int) (spread, bool) {
	if c == nil || c.err != nil || len(c.regrets) <= b || len(c.regrets[b]) == 0 {
		return spread{}, false
	}
	r := c.regrets[b]
	return spread{quantile(r, 0.25), benchutil.Median(r), quantile(r, 0.75)}, true
}

// quantile returns the q-quantile of xs, interpolated linearly between
// order statistics (numpy's default); xs is not changed.
func quantile(xs []float64, q float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	pos := q * float64(len(s)-1)
	i := int(pos)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (pos-float64(i))*(s[i+1]-s[i])
}

// regrets returns the simple regret after each budget of a run whose
// objective values, in trial order, are values: the best value among the
// first budget trials minus optimum. NaN for a budget that the run did not
// reach.
func regrets(values []float64, budgets []int, optimum float64) []float64 {
	out := make([]float64, len(budgets))
	best, n := math.Inf(1), 0
	for i, b := range budgets {
		for ; n < b && n < len(values); n++ {
			best = min(best, values[n])
		}
		out[i] = math.NaN()
		if n == b {
			out[i] = best - optimum
		}
	}
	return out
}

// seeds returns the seeds of the runs, 1..n (tune's seed 0 means random).
func seedList(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// runRegret measures every selected sampler on every selected problem, tune's
// side one goroutine per seed, Optuna's one process per sampler and problem,
// at most GOMAXPROCS of them at once.
func runRegret(ctx context.Context, c *config) map[cellKey]*cell {
	out := map[cellKey]*cell{}
	var mu sync.Mutex
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	spawn := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() == nil {
				f()
			}
		}()
	}
	seeds := seedList(c.seeds)
	for _, p := range c.problems {
		for _, e := range c.samplers {
			if e.Optuna != "" && c.optunaWhy == "" {
				cl := &cell{}
				out[cellKey{p.Name, e.Name, sideOptuna}] = cl
				spawn(func() {
					start := time.Now()
					runs, err := runOptuna(ctx, c, p, e, seeds)
					mu.Lock()
					defer mu.Unlock()
					cl.err = err
					for _, v := range runs {
						cl.add(regrets(v, c.budgets, p.Optimum))
					}
					status := "ok"
					if err != nil {
						status = err.Error()
					}
					fmt.Fprintf(os.Stderr, "samplers: Optuna %s on %s: %.1fs, %s\n", e.Name, p.Name, time.Since(start).Seconds(), status)
				})
			}
			if e.Tune == nil {
				continue
			}
			cl := &cell{}
			out[cellKey{p.Name, e.Name, sideTune}] = cl
			for _, seed := range seeds {
				spawn(func() {
					v, err := runTune(ctx, p, e, seed, c.trials)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						cl.err = err
						return
					}
					cl.add(regrets(v, c.budgets, p.Optimum))
				})
			}
		}
	}
	wg.Wait()
	return out
}

func (c *cell) add(r []float64) {
	if c.regrets == nil {
		c.regrets = make([][]float64, len(r))
	}
	for b, x := range r {
		c.regrets[b] = append(c.regrets[b], x)
	}
}

// runTune runs trials trials of tune with e's sampler on p and returns the
// objective values in trial order.
func runTune(ctx context.Context, p functions.Problem, e entry, seed, trials int) ([]float64, error) {
	s, err := e.Tune()
	if err != nil {
		return nil, err
	}
	// The name is fixed too: QMC's scrambling is seeded by the seed and the name.
	name := fmt.Sprintf("%s-%s-%d", p.Name, e.Name, seed)
	study, err := tune.CreateStudy(ctx, name, tune.WithSampler(s), tune.WithSeed(uint64(seed)))
	if err != nil {
		return nil, err
	}
	values := make([]float64, 0, trials)
	err = study.Optimize(ctx, func(_ context.Context, t *tune.Trial) (float64, error) {
		vs, err := p.Evaluate(t)
		if err != nil {
			return 0, err
		}
		values = append(values, vs[0])
		return vs[0], nil
	}, tune.OptimizeOptions{Trials: trials})
	if err == nil && len(values) != trials {
		err = fmt.Errorf("%d trials ran, not %d", len(values), trials)
	}
	if err != nil {
		return nil, fmt.Errorf("tune %s on %s, seed %d: %w", e.Name, p.Name, seed, err)
	}
	return values, nil
}

// regretJob is the job that optuna_samplers.py runs in its regret mode.
type regretJob struct {
	Mode    string       `json:"mode"`
	Sampler string       `json:"sampler"`
	Seeds   []int        `json:"seeds"`
	Trials  int          `json:"trials"`
	Space   []spaceParam `json:"space"`
}

type spaceParam struct {
	Name string `json:"name"`
	Dist string `json:"dist"` // Optuna's JSON form
}

// newRegretJob returns the job of running Optuna's sampler expr on p.
func newRegretJob(p functions.Problem, expr string, seeds []int, trials int) regretJob {
	job := regretJob{Mode: "regret", Sampler: expr, Seeds: seeds, Trials: trials}
	for _, prm := range p.Space {
		job.Space = append(job.Space, spaceParam{prm.Name, core.DistributionJSON(prm.Dist)})
	}
	return job
}

// askMsg is a line that the script writes in its regret mode: a trial's
// internal values, or the end.
type askMsg struct {
	Seed int       `json:"seed"`
	X    []float64 `json:"x"`
	Done bool      `json:"done"`
}

// parseAsk parses a line of the script: a trial's dim internal values, each
// one that its distribution in space contains, or the end.
func parseAsk(line []byte, space []functions.Param) (askMsg, error) {
	var m askMsg
	if err := json.Unmarshal(line, &m); err != nil {
		return m, fmt.Errorf("bad line from Optuna %q: %w", line, err)
	}
	if m.Done {
		return m, nil
	}
	if len(m.X) != len(space) {
		return m, fmt.Errorf("line from Optuna %q: %d values, want %d", line, len(m.X), len(space))
	}
	for i, x := range m.X {
		if !space[i].Dist.Contains(x) {
			return m, fmt.Errorf("line from Optuna %q: %s = %v is not in %v", line, space[i].Name, x, space[i].Dist)
		}
	}
	return m, nil
}

// runOptuna runs Optuna's sampler of e on p, one run per seed, in one Python
// process that asks, and returns each run's objective values in trial order.
// The values are computed here, with p.Eval, as on tune's side.
func runOptuna(ctx context.Context, c *config, p functions.Problem, e entry, seeds []int) ([][]float64, error) {
	job := newRegretJob(p, e.Optuna, seeds, c.trials)
	cmd := exec.CommandContext(ctx, c.python, c.script)
	cmd.Dir = c.tmp
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	runs, err := converse(stdin, bufio.NewReader(stdout), job, p)
	stdin.Close()
	if werr := cmd.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		return nil, fmt.Errorf("optuna %s on %s: %w: %s", e.Name, p.Name, err, benchutil.LastLine(stderr.Bytes()))
	}
	return runs, nil
}

// converse writes job to the script and answers its asks with p's values,
// until it says it is done; it returns each seed's values in trial order.
func converse(w io.Writer, r *bufio.Reader, job regretJob, p functions.Problem) ([][]float64, error) {
	b, err := json.Marshal(job)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return nil, err
	}
	runs := make([][]float64, len(job.Seeds))
	for i := 0; ; {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return nil, fmt.Errorf("reading Optuna's asks: %w", err)
		}
		m, err := parseAsk(line, p.Space)
		if err != nil {
			return nil, err
		}
		if m.Done {
			for _, r := range runs {
				if len(r) != job.Trials {
					return nil, errors.New("Optuna stopped early")
				}
			}
			return runs, nil
		}
		if i < len(runs) && len(runs[i]) == job.Trials {
			i++
		}
		if i >= len(runs) || m.Seed != job.Seeds[i] {
			return nil, fmt.Errorf("Optuna asked for seed %d out of turn", m.Seed)
		}
		v := p.Eval(m.X)[0]
		runs[i] = append(runs[i], v)
		if _, err := io.WriteString(w, strconv.FormatFloat(v, 'g', -1, 64)+"\n"); err != nil {
			return nil, err
		}
	}
}
