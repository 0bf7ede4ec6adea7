package runner

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/nn"
	"github.com/go-tune/tune/learn/optim"
)

// cnnParams are the parameters a "cnn" model's space may name, with their
// defaults.
var cnnParams = map[string]any{
	"lr": 0.01, "momentum": 0.9, "batch_size": 64, "units": 128, "epochs": 3, "filters1": 32, "filters2": 64,
	"optimizer": "sgd", "activation": "relu", "weight_decay": 0.0,
}

// cnnObjective trains the seed CNN (Conv-Pool-Conv-Pool-Dense-Dense, the
// layer widths filters1, filters2 and units) on
// MNIST with the trial's hyperparameters and reports each epoch's
// validation accuracy (step = epochs done), so that the pruner can stop
// it; the trial's value is the last epoch's.
func cnnObjective(cfg *Config, dir string) (func(context.Context, *tune.Trial) ([]float64, error), error) {
	m := cfg.Model
	for _, p := range cfg.Space {
		if _, ok := cnnParams[p.Name]; !ok {
			return nil, fmt.Errorf("runner: model cnn has no parameter %q; it has epochs, lr, momentum, weight_decay, batch_size, filters1, filters2, units, optimizer (sgd, adam), activation (relu, tanh, gelu, ...)", p.Name)
		}
	}
	mdir := m.Data
	if mdir == "mnist" {
		d, err := data.FindMNIST(context.Background())
		if err != nil {
			return nil, err
		}
		mdir = d
	}
	train, test, err := data.LoadMNIST(mdir)
	if err != nil {
		return nil, err
	}
	if m.Train > 0 && m.Train < train.N() {
		train = train.Subset(firstN(m.Train))
	}
	nVal := m.Val
	if nVal == 0 {
		nVal = 10000
	}
	val := test.Subset(firstN(min(nVal, test.N())))
	return func(ctx context.Context, t *tune.Trial) ([]float64, error) {
		params, err := suggest(t, cfg.Space)
		if err != nil {
			return nil, err
		}
		get := func(name string) any {
			if v, ok := params[name]; ok {
				return v
			}
			return cnnParams[name]
		}
		var act nn.Activation
		if err := act.UnmarshalText([]byte(fmt.Sprint(get("activation")))); err != nil {
			return nil, err
		}
		units, batch, epochs := toInt(get("units")), toInt(get("batch_size")), toInt(get("epochs"))
		model, err := nn.NewSequential(train.Shape,
			&nn.Conv2D{Filters: toInt(get("filters1")), Kernel: 3, Activation: act},
			&nn.MaxPool2D{},
			&nn.Conv2D{Filters: toInt(get("filters2")), Kernel: 3, Activation: act},
			&nn.MaxPool2D{},
			&nn.Flatten{},
			&nn.Dense{Units: units, Activation: act},
			&nn.Dense{Units: 10},
		)
		if err != nil {
			return nil, err
		}
		model.Init(rand.New(rand.NewPCG(uint64(t.Number())+1, 1)))
		lr, wd := toFloat(get("lr")), toFloat(get("weight_decay"))
		var opt optim.Optimizer
		switch get("optimizer") {
		case "sgd":
			opt, err = optim.SGD{LR: lr, Momentum: toFloat(get("momentum")), WeightDecay: wd}.New()
		case "adam":
			opt, err = optim.Adam{LR: lr, WeightDecay: wd}.New()
		default:
			return nil, fmt.Errorf("optimizer %v: want sgd or adam", get("optimizer"))
		}
		if err != nil {
			return nil, err
		}
		report := nn.CallbackFunc(func(epoch int, logs nn.Logs) error {
			if err := t.Report(epoch+1, logs.ValAccuracy); err != nil {
				return err
			}
			if prune, err := t.ShouldPrune(); err != nil || prune {
				return errors.Join(err, tune.ErrPruned)
			}
			return nil
		})
		hist, err := nn.Fit(ctx, model, opt, train.X, train.Shape, train.Y, nn.FitConfig{
			Epochs: epochs, BatchSize: batch, Seed: uint64(t.Number()) + 1, Workers: runtime.GOMAXPROCS(0),
			ValX: val.X, ValY: val.Y, Callbacks: []nn.Callback{report},
		})
		if err != nil {
			return nil, err
		}
		last, _ := hist.Last()
		return []float64{last.ValAccuracy}, nil
	}, nil
}

func firstN(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

func toInt(v any) int {
	switch v := v.(type) {
	case int:
		return v
	case float64:
		return int(v)
	}
	return 0
}

func toFloat(v any) float64 {
	switch v := v.(type) {
	case int:
		return float64(v)
	case float64:
		return v
	}
	return 0
}
