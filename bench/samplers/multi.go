package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"text/tabwriter"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/bench/functions"
	"github.com/go-tune/tune/internal/benchutil"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/auto"
	"github.com/go-tune/tune/sampler/nsga2"
	"github.com/go-tune/tune/sampler/random"
	"github.com/go-tune/tune/sampler/tpe"
)

// The two-objective part: tune's samplers on functions.MultiObjective()
// (ZDT1 and ZDT2 in 30 dimensions), the gap between the hypervolume of the
// true Pareto front and that of the front found (lower is better) after
// each budget, median over the seeds. It is what the auto sampler's rule
// for several objectives (MOTPE, then NSGA-II) rests on; tune only.

// multiSampler is one row of the two-objective table.
type multiSampler struct {
	name string
	new  func() (sampler.Sampler, error)
}

var multiSamplers = []multiSampler{
	{"random", func() (sampler.Sampler, error) { return random.New(), nil }},
	{"MOTPE (tpe)", func() (sampler.Sampler, error) { return tpe.New(tpe.Config{}) }},
	{"NSGA-II", func() (sampler.Sampler, error) { return nsga2.New(nsga2.Config{}) }},
	{"auto", func() (sampler.Sampler, error) { return auto.New(auto.Config{}) }},
}

// multiResult holds the gaps by problem, sampler and budget: one per seed.
type multiResult map[string]map[string][][]float64

// runMulti runs every sampler of multiSamplers on every two-objective
// problem for seeds 1..seeds, up to the largest budget.
func runMulti(ctx context.Context, seeds int, budgets []int) (multiResult, error) {
	res := multiResult{}
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, p := range functions.MultiObjective() {
		res[p.Name] = map[string][][]float64{}
		for _, ms := range multiSamplers {
			gaps := make([][]float64, len(budgets))
			res[p.Name][ms.name] = gaps
			for seed := 1; seed <= seeds; seed++ {
				wg.Go(func() {
					sem <- struct{}{}
					defer func() { <-sem }()
					g, err := multiRun(ctx, p, ms, seed, budgets)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						if firstErr == nil {
							firstErr = fmt.Errorf("%s on %s, seed %d: %w", ms.name, p.Name, seed, err)
						}
						return
					}
					for i, v := range g {
						gaps[i] = append(gaps[i], v)
					}
				})
			}
		}
	}
	wg.Wait()
	return res, firstErr
}

// multiRun runs one study and returns its hypervolume gap after each budget.
func multiRun(ctx context.Context, p functions.Problem, ms multiSampler, seed int, budgets []int) ([]float64, error) {
	s, err := ms.new()
	if err != nil {
		return nil, err
	}
	study, err := tune.CreateStudy(ctx, fmt.Sprintf("%s-%s-%d", p.Name, ms.name, seed),
		tune.WithSampler(s), tune.WithSeed(uint64(seed)), tune.WithDirections(tune.Minimize, tune.Minimize))
	if err != nil {
		return nil, err
	}
	objective := func(_ context.Context, tr *tune.Trial) ([]float64, error) {
		return p.Evaluate(tr)
	}
	var gaps []float64
	done := 0
	for _, b := range budgets {
		if err := study.OptimizeMulti(ctx, objective, tune.OptimizeOptions{Trials: b - done}); err != nil {
			return nil, err
		}
		done = b
		front, err := study.BestTrials(ctx)
		if err != nil {
			return nil, err
		}
		pts := make([][]float64, len(front))
		for i, t := range front {
			pts[i] = t.Values
		}
		gaps = append(gaps, p.FrontHV-functions.Hypervolume2D(pts, p.Ref))
	}
	return gaps, nil
}

// printMulti writes the two-objective table.
func printMulti(w io.Writer, res multiResult, seeds int, budgets []int) {
	fmt.Fprintf(w, "\ntwo objectives: hypervolume gap to the true front (lower is better), median [min, max] over %d seeds; tune only\n", seeds)
	for _, p := range functions.MultiObjective() {
		fmt.Fprintf(w, "\n%s (%d parameters, reference point %v, front hypervolume %s)\n", p.Name, len(p.Space), p.Ref, num(p.FrontHV))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		head := "sampler\t"
		for _, b := range budgets {
			head += fmt.Sprintf("%d trials\t", b)
		}
		fmt.Fprintln(tw, head)
		for _, ms := range multiSamplers {
			line := ms.name + "\t"
			for _, g := range res[p.Name][ms.name] {
				if len(g) == 0 {
					line += "-\t"
					continue
				}
				line += fmt.Sprintf("%s [%s, %s]\t", num(benchutil.Median(g)), num(quantile(g, 0)), num(quantile(g, 1)))
			}
			fmt.Fprintln(tw, line)
		}
		tw.Flush()
	}
}
