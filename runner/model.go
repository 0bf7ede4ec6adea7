package runner

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/forest"
	"github.com/go-tune/tune/learn/modelsel"
)

// Model is a built-in objective: a model of learn/ cross-validated on a
// dataset, so that tuning needs no program at all.
type Model struct {
	// Name is the model: "forest" (a random forest classifier),
	// "forest_regressor", or "cnn" (the seed CNN on MNIST).
	Name string `yaml:"name"`
	// Data is "iris", "digits" or the path of a CSV file with a header
	// (relative to the study file); for cnn, "mnist" (the GoMNIST module)
	// or a directory of MNIST's IDX files.
	Data string `yaml:"data"`
	// Train and Val limit a cnn's training images (0: all 60,000) and
	// validation images (the first of the test set; 0: 10,000).
	Train int `yaml:"train"`
	Val   int `yaml:"val"`
	// Label names the CSV's label column; "" means the last.
	Label string `yaml:"label"`
	// CV is the number of folds; 0 means 5.
	CV int `yaml:"cv"`
	// Scoring names the scorer (modelsel.ScorerNames); "" means accuracy
	// for classifiers and r2 for regressors.
	Scoring string `yaml:"scoring"`
	// Seed seeds the folds' shuffle and the models; 0 means 1.
	Seed uint64 `yaml:"seed"`
}

func (m *Model) check() error {
	switch m.Name {
	case "forest", "forest_regressor":
	case "cnn":
		if m.Scoring != "" && m.Scoring != "accuracy" {
			return fmt.Errorf("the cnn reports its validation accuracy, not %s", m.Scoring)
		}
		if m.Train < 0 || m.Val < 0 {
			return fmt.Errorf("train and val must be >= 0")
		}
	default:
		return fmt.Errorf("name %q: want forest, forest_regressor or cnn", m.Name)
	}
	if m.Data == "" {
		return fmt.Errorf("data is required: iris, digits or a CSV file")
	}
	if m.CV < 0 || m.CV == 1 {
		return fmt.Errorf("cv %d: want 2 or more folds (0: 5)", m.CV)
	}
	if m.Scoring != "" {
		if _, err := modelsel.ScorerByName(m.Scoring); err != nil {
			return err
		}
	}
	return nil
}

// dataset loads the model's data.
func (m *Model) dataset(dir string) (*data.Dataset, error) {
	switch m.Data {
	case "iris":
		return data.Iris(), nil
	case "digits":
		return data.Digits(), nil
	}
	path := m.Data
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	target := data.TargetClasses
	if m.Name == "forest_regressor" {
		target = data.TargetRegression
	}
	return data.LoadCSV(path, data.CSVOptions{Label: m.Label, Target: target})
}

// modelObjective returns the objective of a built-in model: each trial
// binds its parameters to the model's hyperparameters (scikit-learn's
// names: n_estimators, max_depth, ...), cross-validates fold by fold and
// reports the running mean score after each fold, so that the pruner can
// stop it.
func modelObjective(cfg *Config, dir string) (func(context.Context, *tune.Trial) ([]float64, error), error) {
	m := cfg.Model
	if m.Name == "cnn" {
		return cnnObjective(cfg, dir)
	}
	ds, err := m.dataset(dir)
	if err != nil {
		return nil, err
	}
	seed := m.Seed
	if seed == 0 {
		seed = 1
	}
	var factory modelsel.Factory
	var splitter modelsel.Splitter
	k := m.CV
	if k == 0 {
		k = 5
	}
	switch m.Name {
	case "forest":
		factory = modelsel.FromConfig(forest.Config{Seed: seed}, forest.NewClassifier)
		splitter = modelsel.StratifiedKFold{K: k, Shuffle: true, Seed: seed}
	default:
		factory = modelsel.FromConfig(forest.Config{Seed: seed}, forest.NewRegressor)
		splitter = modelsel.KFold{K: k, Shuffle: true, Seed: seed}
	}
	// Check the names of the space against the model before any trial.
	probe := modelsel.Params{}
	for _, p := range cfg.Space {
		switch p.Type {
		case "categorical":
			probe[p.Name] = p.Choices[0]
		case "int":
			probe[p.Name] = int(*p.Low)
		default:
			probe[p.Name] = *p.Low
		}
	}
	est, err := factory(probe)
	if err != nil {
		return nil, fmt.Errorf("runner: model %s: %w", m.Name, err)
	}
	var scorers []modelsel.Scorer
	if m.Scoring != "" {
		if scorers, err = modelsel.Scorers(m.Scoring); err != nil {
			return nil, err
		}
	}
	folds, scorers, err := modelsel.Prepare(est, ds, modelsel.CVConfig{CV: splitter, Scoring: scorers})
	if err != nil {
		return nil, err
	}
	name := scorers[0].Name
	return func(ctx context.Context, t *tune.Trial) ([]float64, error) {
		params, err := suggest(t, cfg.Space)
		if err != nil {
			return nil, err
		}
		var sum float64
		for i, f := range folds {
			est, err := factory(modelsel.Params(params))
			if err != nil {
				return nil, err
			}
			fr := modelsel.FitAndScore(ctx, est, ds, f, scorers, false)
			if fr.Err != nil {
				return nil, fmt.Errorf("fold %d: %w", i+1, fr.Err)
			}
			sum += fr.Test[name]
			mean := sum / float64(i+1)
			if i == len(folds)-1 {
				return []float64{mean}, nil
			}
			if err := t.Report(i, mean); err != nil {
				return nil, err
			}
			if prune, err := t.ShouldPrune(); err != nil {
				return nil, err
			} else if prune {
				return nil, tune.ErrPruned
			}
		}
		return nil, fmt.Errorf("no folds")
	}, nil
}
