// Command samplers measures tune's samplers side by side with Optuna 3.1's,
// in one run, against the targets:
//
//   - sample efficiency: for each problem of functions.SingleObjective()
//     (Branin, Hartmann-6, Rosenbrock-10, Ackley-10, Styblinski-Tang-8,
//     Mixed-5) and each sampler, the simple regret (the best value found
//     minus the problem's optimum) after 25, 50, 100 and 200 trials, over
//     -seeds seeds (1, 2, ...): the median and the 25th and 75th
//     percentiles. The samplers are the rows of the table entries (table.go):
//     random, TPE as Optuna 3.1 configures it (independent), multivariate
//     TPE without the constant liar, tune's default TPE (independent with
//     the liar, which does nothing with one worker; tune only), scrambled
//     Sobol QMC, and CMA-ES, each with its Optuna counterpart.
//     Targets: tune's default TPE no worse than Optuna's default TPE on any
//     function (on the medians at the largest budget); tune's best sampler
//     better than Optuna's best on most functions at 100 trials;
//   - cost per trial: the time of Ask, 5 Float parameters and Tell of the
//     sphere function on a study that already holds 100, 1,000 and 10,000
//     finished trials, for tune's TPE (Optuna 3.1's configuration, and
//     multivariate) and Optuna's TPE (default, and multivariate). Targets:
//     tune's TPE at least 50x faster than Optuna's at 1,000 trials, and its
//     time per trial growing no faster than n log n from 1,000 to 10,000;
//   - two objectives (tune only, multi.go): the hypervolume gap of random,
//     MOTPE, NSGA-II and the auto sampler on ZDT1 and ZDT2 in 30
//     dimensions after 100, 250, 500 and 1,000 trials, the evidence for the
//     auto sampler's rule for several objectives.
//
// Usage, from the repository root:
//
//	go run ./bench/samplers [-quick] [-seeds 10] [-trials 200] [-problems branin,mixed-5] [-samplers random,tpe] [-optuna=false]
//
// -h lists the flags. -quick is a smoke run of about a minute.
//
// Both sides evaluate the same Go objective (Problem.Eval). Optuna's side is
// optuna_samplers.py, embedded in this program and run with -python, one
// process per sampler and problem that runs the seeds in turn: it asks a
// trial with the problem's distributions (sent as Optuna's distribution
// JSON), writes the trial's internal values (a categorical's is its choice's
// index, as in tune) on a line, and tells the value that this program
// computed and wrote back. tune's runs are Study.Optimize with one worker,
// one goroutine per seed. Up to GOMAXPROCS runs (goroutines or processes)
// go at once; the cost is measured afterwards, alone.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-tune/tune/bench/functions"
	"github.com/go-tune/tune/internal/benchutil"
)

//go:embed optuna_samplers.py
var optunaScript string

// The targets.
const (
	targetSpeedup  = 50.0 // Optuna's TPE time per trial / tune's, at 1,000 trials, at least
	targetAtSize   = 1000 // the size of that target
	targetCompared = 100  // the budget at which the best samplers are compared
)

type config struct {
	seeds         int
	trials        int
	budgets       []int
	problems      []functions.Problem
	samplers      []entry
	python        string
	optuna        bool
	costSizes     []int
	costTrials    int
	optunaCostMap map[int]int
	moSeeds       int
	moBudgets     []int

	// Set by run.
	optunaWhy     string // why Optuna is not measured, if it is not
	optunaVersion string
	script        string // optuna_samplers.py, written out
	tmp           string // the scripts' directory and working directory
}

// optunaCostTrials is the number of timed Optuna trials at n finished ones.
func (c *config) optunaCostTrials(n int) int {
	if k, ok := c.optunaCostMap[n]; ok {
		return k
	}
	return 5
}

func main() {
	var c config
	quick := flag.Bool("quick", false, "smoke run: 2 seeds, 50 trials, cost at 100 and 1,000 finished trials with few trials")
	flag.IntVar(&c.seeds, "seeds", 10, "seeds (runs) per sampler and problem")
	flag.IntVar(&c.trials, "trials", 200, "trials per run")
	budgets := flag.String("budgets", "25,50,100,200", "comma-separated numbers of trials to report the regret after (those above -trials are dropped)")
	problems := flag.String("problems", "", "comma-separated problems (branin, hartmann-6, rosenbrock-10, ackley-10, styblinski-tang-8, mixed-5; the part before '-' is enough); empty: all")
	samplers := flag.String("samplers", "", "comma-separated samplers ("+strings.Join(entryNames(), ", ")+"); empty: all; none: skip the regret")
	flag.StringVar(&c.python, "python", "/usr/bin/python3", "Python interpreter with optuna (and cmaes) installed")
	flag.BoolVar(&c.optuna, "optuna", true, "measure Optuna too, if -python can import it")
	costSizes := flag.String("cost-sizes", "100,1000,10000", "comma-separated numbers of finished trials to measure the cost per trial at (empty: skip)")
	flag.IntVar(&c.costTrials, "cost-trials", 300, "tune's timed trials at each cost size")
	optunaCost := flag.String("optuna-cost-trials", "100=100,1000=20,10000=5", "Optuna's timed trials at each cost size, size=trials (5 at sizes not listed)")
	flag.IntVar(&c.moSeeds, "mo-seeds", 3, "seeds of the two-objective runs (0: skip them)")
	moBudgets := flag.String("mo-budgets", "100,250,500,1000", "comma-separated budgets of the two-objective runs")
	flag.Parse()

	if *quick {
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["seeds"] {
			c.seeds = 2
		}
		if !set["trials"] {
			c.trials = 50
		}
		if !set["cost-sizes"] {
			*costSizes = "100,1000"
		}
		if !set["cost-trials"] {
			c.costTrials = 50
		}
		if !set["optuna-cost-trials"] {
			*optunaCost = "100=10,1000=3"
		}
		if !set["mo-seeds"] {
			c.moSeeds = 1
		}
		if !set["mo-budgets"] {
			*moBudgets = "50,100"
		}
	}
	err := c.parse(*budgets, *problems, *samplers, *costSizes, *optunaCost)
	if err == nil {
		if c.moBudgets, err = benchutil.ParseInts(*moBudgets, 1); err != nil {
			err = fmt.Errorf("-mo-budgets: %w", err)
		}
		slices.Sort(c.moBudgets)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "samplers: bad flags:", err)
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, &c); err != nil {
		fmt.Fprintln(os.Stderr, "samplers:", err)
		os.Exit(1)
	}
}

func entryNames() []string {
	var names []string
	for _, e := range entries {
		names = append(names, e.Name)
	}
	return names
}

// parse fills c from the list flags.
func (c *config) parse(budgets, problems, samplers, costSizes, optunaCost string) error {
	if c.seeds < 1 || c.trials < 1 || c.costTrials < 1 {
		return errors.New("-seeds, -trials and -cost-trials must be at least 1")
	}
	bs, err := benchutil.ParseInts(budgets, 1)
	if err != nil {
		return fmt.Errorf("-budgets: %w", err)
	}
	for _, b := range bs {
		if b <= c.trials {
			c.budgets = append(c.budgets, b)
		}
	}
	slices.Sort(c.budgets)
	c.budgets = slices.Compact(c.budgets)
	if len(c.budgets) == 0 {
		c.budgets = []int{c.trials}
	}
	if c.costSizes, err = benchutil.ParseInts(costSizes, 1); err != nil {
		return fmt.Errorf("-cost-sizes: %w", err)
	}
	c.optunaCostMap = map[int]int{}
	for _, f := range benchutil.SplitList(optunaCost) {
		k, v, _ := strings.Cut(f, "=")
		n, err1 := strconv.Atoi(k)
		t, err2 := strconv.Atoi(v)
		if err1 != nil || err2 != nil || t < 1 {
			return fmt.Errorf("-optuna-cost-trials: %q is not size=trials", f)
		}
		c.optunaCostMap[n] = t
	}

	all := functions.SingleObjective()
	if c.problems, err = pick(all, benchutil.SplitList(problems), func(p functions.Problem) string { return p.Name }, true); err != nil {
		return fmt.Errorf("-problems: %w", err)
	}
	if samplers == "none" {
		c.samplers = nil
	} else if c.samplers, err = pick(entries, benchutil.SplitList(samplers), func(e entry) string { return e.Name }, false); err != nil {
		return fmt.Errorf("-samplers: %w", err)
	}
	return nil
}

// pick returns the items that names select, in the order of all; all of
// them for no names. With short, a name may leave out the part from '-' on.
func pick[T any](all []T, names []string, name func(T) string, short bool) ([]T, error) {
	if len(names) == 0 {
		return all, nil
	}
	var out []T
	for _, n := range names {
		i := slices.IndexFunc(all, func(x T) bool {
			full := strings.ToLower(name(x))
			base, _, _ := strings.Cut(full, "-")
			return full == strings.ToLower(n) || short && base == strings.ToLower(n)
		})
		if i < 0 {
			return nil, fmt.Errorf("unknown name %q", n)
		}
		out = append(out, all[i])
	}
	slices.SortStableFunc(out, func(a, b T) int {
		return slices.IndexFunc(all, func(x T) bool { return name(x) == name(a) }) -
			slices.IndexFunc(all, func(x T) bool { return name(x) == name(b) })
	})
	return slices.CompactFunc(out, func(a, b T) bool { return name(a) == name(b) }), nil
}

func run(ctx context.Context, c *config) error {
	var err error
	if c.tmp, err = os.MkdirTemp("", "tune-bench-samplers-"); err != nil {
		return err
	}
	defer os.RemoveAll(c.tmp)
	fmt.Printf("samplers: %s, %s/%s, %d CPUs (GOMAXPROCS %d), %s\n",
		time.Now().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	if c.optuna {
		c.checkOptuna()
	} else {
		c.optunaWhy = "not asked for (-optuna=false)"
	}
	if c.optunaWhy != "" {
		fmt.Printf("Optuna: not measured: %s\n", c.optunaWhy)
	} else {
		fmt.Printf("Optuna: %s\n", c.optunaVersion)
	}

	start := time.Now()
	res := runRegret(ctx, c)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	fmt.Fprintf(os.Stderr, "samplers: regret measured in %s\n", time.Since(start).Round(time.Second))
	var multi multiResult
	if c.moSeeds > 0 && len(c.moBudgets) > 0 {
		start = time.Now()
		if multi, err = runMulti(ctx, c.moSeeds, c.moBudgets); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "samplers: two objectives measured in %s\n", time.Since(start).Round(time.Second))
	}
	var cost costResult
	if len(c.costSizes) > 0 {
		if cost, err = runCost(ctx, c); err != nil {
			return err
		}
	}
	rep := report{c: c, res: res, cost: cost, w: os.Stdout}
	if multi != nil {
		printMulti(os.Stdout, multi, c.moSeeds, c.moBudgets)
	}
	rep.print()
	return nil
}

// checkOptuna sets optunaWhy if Optuna cannot be run, and writes its script
// out otherwise.
func (c *config) checkOptuna() {
	var err error
	c.optunaVersion, c.script, err = benchutil.Reference(c.python, c.tmp,
		"import optuna, cmaes, platform; print('Optuna %s, cmaes %s, Python %s' % (optuna.__version__, cmaes.__version__, platform.python_version()))",
		"optuna_samplers.py", optunaScript, "install them with apt-get install -y python3-optuna python3-cmaes")
	if err != nil {
		c.optunaWhy = err.Error()
	}
}
