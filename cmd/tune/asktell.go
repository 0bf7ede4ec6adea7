package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/runner"
	"github.com/go-tune/tune/storage/rdb"
)

// cmdAsk starts a trial of a study made by tune run and prints its number
// and parameters as JSON, for loops written in the shell:
//
//	trial=$(tune ask mystudy)   # {"number": 3, "params": {"lr": 0.01}}
//	... run something ...
//	tune tell mystudy 3 0.27
//
// The trial has no heartbeat (the asking process exits), so no worker
// fails it for silence; tell it, or it stays Running.
func cmdAsk(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	url := storageFlag(fs)
	name, err := nameAndFlags(fs, args)
	if err != nil {
		return err
	}
	st, err := rdbOrMemory(ctx, *url)
	if err != nil {
		return err
	}
	cfg, err := runner.LoadStoredConfig(ctx, st, name)
	if err != nil {
		return err
	}
	smp, err := runner.NewSampler(cfg.Sampler)
	if err != nil {
		return err
	}
	study, err := tune.LoadStudy(ctx, name, tune.WithStorage(st), tune.WithSampler(smp))
	if err != nil {
		return err
	}
	t, err := study.Ask(ctx)
	if err != nil {
		return err
	}
	params, err := runner.Suggest(t, cfg.Space)
	if err != nil {
		return err
	}
	// Writing an attribute flushes the parameters before the process
	// exits.
	if err := t.SetUserAttr("asked_by", "tune ask"); err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(map[string]any{"number": t.Number(), "params": params})
}

func rdbOrMemory(ctx context.Context, url string) (*rdb.Storage, error) {
	if url == "memory" || url == "" {
		return nil, errors.New("ask and tell need a database storage")
	}
	return rdb.OpenWith(ctx, url, rdb.Options{HeartbeatInterval: -1})
}

// cmdTell finishes trial NUMBER with its values (one per direction), or as
// pruned (--pruned) or failed (--fail REASON).
func cmdTell(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("tell", flag.ContinueOnError)
	url := storageFlag(fs)
	pruned := fs.Bool("pruned", false, "the trial was pruned")
	fail := fs.String("fail", "", "the trial failed, for this reason")
	var pos []string
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return usageError{err}
		}
		rest = fs.Args()
		if len(rest) > 0 {
			pos, rest = append(pos, rest[0]), rest[1:]
		}
	}
	if len(pos) < 2 {
		return usageError{errors.New("want NAME NUMBER [VALUE ...]")}
	}
	name := pos[0]
	number, err := strconv.Atoi(pos[1])
	if err != nil {
		return usageError{fmt.Errorf("trial number %q", pos[1])}
	}
	st, err := rdbOrMemory(ctx, *url)
	if err != nil {
		return err
	}
	info, err := st.LoadStudy(ctx, name)
	if err != nil {
		return err
	}
	// The study's own sampler (from its study file, when it has one), so
	// that samplers with an after-trial hook see the told trial.
	opts := []tune.Option{tune.WithStorage(st)}
	if cfg, err := runner.LoadStoredConfig(ctx, st, name); err == nil {
		if smp, err := runner.NewSampler(cfg.Sampler); err == nil {
			opts = append(opts, tune.WithSampler(smp))
		}
	}
	study, err := tune.LoadStudy(ctx, name, opts...)
	if err != nil {
		return err
	}
	var values []float64
	var outcome error
	switch {
	case *pruned:
		outcome = tune.ErrPruned
	case *fail != "":
		outcome = errors.New(*fail)
	default:
		if len(pos)-2 != len(info.Directions) {
			return usageError{fmt.Errorf("%d values for a study of %d objectives", len(pos)-2, len(info.Directions))}
		}
		for _, s := range pos[2:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return usageError{fmt.Errorf("value %q is not a finite number (tell --fail REASON for a failed trial)", s)}
			}
			values = append(values, v)
		}
	}
	ft, err := study.TellNumber(ctx, number, values, outcome)
	if err != nil {
		return err
	}
	state := ft.State
	fmt.Fprintf(stdout, "trial %d %s\n", number, state)
	return nil
}
