// Command tune-cnn tunes the seed CNN's training with tune: TPE over the
// learning rate, the momentum, the batch size and the width of the dense
// layer, each trial reporting its validation accuracy after every epoch
// so that the median pruner stops the hopeless ones early.
//
//	go run ./examples/tune-cnn                        # 12 trials, 3 epochs, 6,000 images
//	go run ./examples/tune-cnn -trials 40 -epochs 10 -limit 0
//
// It is the bridge between learn and tune that learn itself must not
// import: a learn/nn callback (nn.CallbackFunc) reports each epoch to the
// trial and returns tune.ErrPruned when the pruner says so, which stops
// nn.Fit and marks the trial Pruned.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/nn"
	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/pruner"
	"github.com/go-tune/tune/sampler/tpe"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tune-cnn:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, w io.Writer) error {
	flags := flag.NewFlagSet("tune-cnn", flag.ContinueOnError)
	trials := flags.Int("trials", 12, "trials")
	epochs := flags.Int("epochs", 3, "epochs per trial")
	limit := flags.Int("limit", 6000, "training images (0: all 60,000)")
	valN := flags.Int("val", 2000, "validation images: the first of the test set")
	seed := flags.Uint64("seed", 1, "the study's seed")
	storage := flags.String("storage", "", "storage URL (empty: in memory), e.g. sqlite:///tune-cnn.db to resume")
	if err := flags.Parse(args); err != nil {
		return err
	}
	dir, err := data.FindMNIST(ctx)
	if err != nil {
		return err
	}
	train, test, err := data.LoadMNIST(dir)
	if err != nil {
		return err
	}
	if *limit > 0 && *limit < train.N() {
		train = train.Subset(first(*limit))
	}
	val := test.Subset(first(min(*valN, test.N())))

	sampler, err := tpe.New(tpe.Config{StartupTrials: 4})
	if err != nil {
		return err
	}
	opts := []tune.Option{tune.WithSampler(sampler), tune.WithPruner(pruner.Median{StartupTrials: 3}),
		tune.WithDirections(tune.Maximize), tune.WithSeed(*seed)}
	if *storage != "" {
		st, err := tune.OpenStorage(ctx, *storage)
		if err != nil {
			return err
		}
		opts = append(opts, tune.WithStorage(st))
	}
	study, err := tune.CreateStudy(ctx, "tune-cnn", opts...)
	if err != nil {
		return err
	}

	objective := func(ctx context.Context, t *tune.Trial) (float64, error) {
		lr, err := t.Float("lr", 1e-3, 0.3, tune.Log())
		if err != nil {
			return 0, err
		}
		momentum, err := t.Float("momentum", 0, 0.95)
		if err != nil {
			return 0, err
		}
		batch, err := tune.Choice(t, "batch", 32, 64, 128)
		if err != nil {
			return 0, err
		}
		units, err := t.Int("units", 16, 256, tune.Log())
		if err != nil {
			return 0, err
		}
		model, err := nn.SeedCNN(train.Shape, units, 0)
		if err != nil {
			return 0, err
		}
		model.Init(rand.New(rand.NewPCG(uint64(t.Number()), 1)))
		opt, err := optim.SGD{LR: lr, Momentum: momentum}.New()
		if err != nil {
			return 0, err
		}
		// The hook: report each epoch's validation accuracy, and stop when
		// the pruner says so (Fit returns the callback's error).
		report := nn.CallbackFunc(func(epoch int, logs nn.Logs) error {
			if err := t.Report(epoch, logs.ValAccuracy); err != nil {
				return err
			}
			if prune, err := t.ShouldPrune(); err != nil || prune {
				return errors.Join(err, tune.ErrPruned)
			}
			return nil
		})
		hist, err := nn.Fit(ctx, model, opt, train.X, train.Shape, train.Y, nn.FitConfig{
			Epochs: *epochs, BatchSize: batch, Seed: uint64(t.Number()) + 1, Workers: runtime.GOMAXPROCS(0),
			ValX: val.X, ValY: val.Y, Callbacks: []nn.Callback{report},
		})
		if err != nil {
			return 0, err
		}
		last, _ := hist.Last()
		fmt.Fprintf(w, "trial %2d: lr %.4f momentum %.2f batch %3d units %3d -> val accuracy %.4f\n", t.Number(), lr, momentum, batch, units, last.ValAccuracy)
		return last.ValAccuracy, nil
	}
	if err := study.Optimize(ctx, objective, tune.OptimizeOptions{Trials: *trials}); err != nil {
		return err
	}
	pruned, err := study.Trials(ctx, tune.Pruned)
	if err != nil {
		return err
	}
	best, err := study.BestTrial(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "best: val accuracy %.4f with %v (trial %d; %d of %d trials pruned)\n",
		best.Values[0], best.ParamValues(), best.Number, len(pruned), *trials)
	return nil
}

func first(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}
