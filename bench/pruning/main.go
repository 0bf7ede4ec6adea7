// Command pruning measures what tune's pruners save and what they cost,
// against no pruning, on two kinds of learning curves:
//
//   - synthetic: a reproducible family of noisy learning curves (power-law
//     and exponential-saturation, some slow starters that end best) whose
//     final value depends on three hyperparameters; for each pruner, over
//     20 seeds of TPE, the compute spent (sum of steps run) and the best
//     final value reached;
//   - cnn: TPE tuning the seed CNN (learning rate, momentum, batch size,
//     dense width) on MNIST for a fixed number of trials (48 of 8 epochs),
//     with no pruning, ASHA (Optuna's defaults, and with η = 3) and
//     Hyperband (Optuna's defaults): the best validation accuracy reached
//     and the epochs spent.
//
// Run it from the repository root:
//
//	go run ./bench/pruning -sections synthetic   # under a minute
//	go run ./bench/pruning -sections cnn         # about 30 minutes on 2 cores
//
// See bench/README.md ("Pruning") for the results.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/go-tune/tune/internal/benchutil"
	"github.com/go-tune/tune/pruner"
)

type config struct {
	seeds, trials, steps int
	cnnTrials, epochs    int
	train, val           int
	sections             []string
}

func main() {
	var c config
	flag.IntVar(&c.seeds, "seeds", 20, "synthetic: studies per pruner")
	flag.IntVar(&c.trials, "trials", 60, "synthetic: trials per study")
	flag.IntVar(&c.steps, "steps", 81, "synthetic: steps per learning curve")
	flag.IntVar(&c.cnnTrials, "cnn-trials", 48, "cnn: trials per study")
	flag.IntVar(&c.epochs, "epochs", 8, "cnn: epochs per trial")
	flag.IntVar(&c.train, "train", 10000, "cnn: training images (the first of MNIST's training set)")
	flag.IntVar(&c.val, "val", 5000, "cnn: validation images (the first of MNIST's test set)")
	sections := flag.String("sections", "synthetic,cnn", "sections to run")
	quick := flag.Bool("quick", false, "smoke run")
	flag.Parse()
	c.sections = benchutil.SplitList(*sections)
	if *quick {
		c.seeds, c.trials, c.steps, c.cnnTrials, c.epochs, c.train, c.val = 2, 20, 27, 4, 3, 1000, 500
	}
	if err := run(context.Background(), c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pruning:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config, w io.Writer) error {
	fmt.Fprintf(w, "pruning: %s, %s/%s, %d CPUs, %s\n", time.Now().Format("2006-01-02"),
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	for _, s := range c.sections {
		var err error
		switch s {
		case "synthetic":
			err = synthetic(ctx, w, c)
		case "cnn":
			err = cnn(ctx, w, c)
		default:
			err = fmt.Errorf("unknown section %q (synthetic, cnn)", s)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// arm is one pruner under test.
type arm struct {
	name   string
	pruner func(steps int) pruner.Pruner
}

func arms() []arm {
	return []arm{
		{"none", func(int) pruner.Pruner { return pruner.Nop{} }},
		{"median", func(int) pruner.Pruner { return pruner.Median{} }},
		{"percentile 25", func(int) pruner.Pruner { return pruner.Percentile{Percentile: 25} }},
		{"patient 3 + median", func(int) pruner.Pruner { return pruner.Patient{Pruner: pruner.Median{}, Patience: 3} }},
		{"ASHA", func(int) pruner.Pruner { return pruner.SuccessiveHalving{MinResource: 1, ReductionFactor: 3} }},
		{"ASHA, first rung at steps/9", func(steps int) pruner.Pruner {
			return pruner.SuccessiveHalving{MinResource: max(1, steps/9), ReductionFactor: 3}
		}},
		{"Hyperband", func(steps int) pruner.Pruner {
			return pruner.Hyperband{MinResource: 1, MaxResource: steps, ReductionFactor: 3}
		}},
	}
}
