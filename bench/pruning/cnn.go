package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/nn"
	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/pruner"
	"github.com/go-tune/tune/sampler/tpe"
)

// cnn tunes the seed CNN with TPE, unpruned and with ASHA and Hyperband,
// the same trial budget and study seed for each.
func cnn(ctx context.Context, w io.Writer, c config) error {
	dir, err := data.FindMNIST(ctx)
	if err != nil {
		return err
	}
	train, test, err := data.LoadMNIST(dir)
	if err != nil {
		return err
	}
	train = train.Subset(first(min(c.train, train.N())))
	val := test.Subset(first(min(c.val, test.N())))
	cnnArms := []arm{
		arms()[0],
		{"ASHA, Optuna's defaults (first rung auto, η = 4)", func(int) pruner.Pruner { return pruner.SuccessiveHalving{} }},
		arms()[4],
		{"Hyperband, Optuna's defaults (max auto, η = 3)", func(int) pruner.Pruner { return pruner.Hyperband{} }},
	}
	fmt.Fprintf(w, "\n## The seed CNN on MNIST: TPE, %d trials of %d epochs, %d training and %d validation images\n\n", c.cnnTrials, c.epochs, train.N(), val.N())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "pruner\tbest val accuracy\tdifference\tepochs\tof unpruned\tpruned trials\ttime")
	var base float64
	var baseEpochs int
	for i, a := range cnnArms {
		start := time.Now()
		best, epochs, pruned, err := cnnStudy(ctx, c, a, train, val)
		if err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
		if i == 0 {
			base, baseEpochs = best, epochs
		}
		fmt.Fprintf(tw, "%s\t%.4f\t%+.2f pp\t%d\t%.0f%%\t%d\t%s\n", a.name, best, 100*(best-base), epochs,
			100*float64(epochs)/float64(baseEpochs), pruned, time.Since(start).Round(time.Second))
		fmt.Fprintf(os.Stderr, "pruning: cnn %s done in %v\n", a.name, time.Since(start).Round(time.Second))
	}
	fmt.Fprintln(tw, "Target: ASHA and Hyperband within 0.3 pp of the unpruned best with at most a third of its epochs.")
	return tw.Flush()
}

func cnnStudy(ctx context.Context, c config, a arm, train, val *data.Dataset) (best float64, epochs, pruned int, err error) {
	smp, err := tpe.New(tpe.Config{StartupTrials: c.cnnTrials / 3})
	if err != nil {
		return 0, 0, 0, err
	}
	study, err := tune.CreateStudy(ctx, "cnn", tune.WithSeed(1), tune.WithSampler(smp),
		tune.WithPruner(a.pruner(c.epochs+1)), tune.WithDirections(tune.Maximize)) // steps 1..epochs: Optuna's max resource is the last step + 1
	if err != nil {
		return 0, 0, 0, err
	}
	err = study.Optimize(ctx, func(ctx context.Context, t *tune.Trial) (float64, error) {
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
		// The step is the resource spent, epochs completed (1, 2, ...), as
		// Hyperband's papers count it, so that the first rung of
		// MinResource 1 comes after one epoch, not two.
		report := nn.CallbackFunc(func(epoch int, logs nn.Logs) error {
			epochs++
			if err := t.Report(epoch+1, logs.ValAccuracy); err != nil {
				return err
			}
			if prune, err := t.ShouldPrune(); err != nil || prune {
				return errors.Join(err, tune.ErrPruned)
			}
			return nil
		})
		hist, err := nn.Fit(ctx, model, opt, train.X, train.Shape, train.Y, nn.FitConfig{
			Epochs: c.epochs, BatchSize: batch, Seed: uint64(t.Number()) + 1, Workers: runtime.GOMAXPROCS(0),
			ValX: val.X, ValY: val.Y, Callbacks: []nn.Callback{report},
		})
		if err != nil {
			return 0, err
		}
		last, _ := hist.Last()
		return last.ValAccuracy, nil
	}, tune.OptimizeOptions{Trials: c.cnnTrials})
	if err != nil {
		return 0, 0, 0, err
	}
	bt, err := study.BestTrial(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	p, err := study.Trials(ctx, tune.Pruned)
	if err != nil {
		return 0, 0, 0, err
	}
	return bt.Values[0], epochs, len(p), nil
}

func first(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}
