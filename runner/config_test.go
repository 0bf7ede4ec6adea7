package runner

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const goodConfig = `study: demo
direction: maximize
metric: val_accuracy
sampler: tpe
pruner: {name: hyperband, config: {min_resource: 1}}
trials: 20
parallel: 2
timeout: 2h
trial_timeout: 90
seed: 7
space:
  lr: {type: float, low: 1.0e-4, high: 1, log: true}
  layers: {type: int, low: 1, high: 4}
  opt: {type: categorical, choices: [sgd, adam]}
  momentum: {type: float, low: 0, high: 0.9, step: 0.1, when: {opt: sgd}}
command: [python3, train.py, "--lr={{.lr}}"]
`

func TestParseConfig(t *testing.T) {
	cfg, err := ParseConfig("study.yaml", []byte(goodConfig))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Study != "demo" || cfg.Sampler.Name != "tpe" || cfg.Pruner.Name != "hyperband" || cfg.Pruner.Config["min_resource"] != 1 ||
		time.Duration(cfg.Timeout) != 2*time.Hour || time.Duration(cfg.TrialTimeout) != 90*time.Second || len(cfg.Space) != 4 ||
		cfg.Space[3].Name != "momentum" || cfg.Space[3].When["opt"] != "sgd" || cfg.Command[2] != "--lr={{.lr}}" {
		t.Fatalf("parsed %+v", cfg)
	}
	// JSON is YAML.
	js := `{"study": "j", "space": {"x": {"type": "float", "low": 0, "high": 1}}, "command": ["./run"]}`
	if cfg, err := ParseConfig("study.json", []byte(js)); err != nil || cfg.Space[0].Name != "x" {
		t.Fatalf("JSON: %+v, %v", cfg, err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		name, file, want string
	}{
		{"unknown key", "study: x\ntrails: 5\n", `study.yaml:2:1: trails: unknown key; the keys are`},
		{"unknown nested key", "study: x\npruner: {name: median, confg: {}}\n", `study.yaml:2:24: pruner.confg: unknown key`},
		{"unknown param key", "study: x\nspace:\n  lr: {type: float, low: 0, hihg: 1}\n", `study.yaml:3:29: space.lr.hihg: unknown key`},
		{"wrong type", "study: x\ntrials: many\n", "study.yaml:2: cannot unmarshal !!str `many` into int"},
		{"bad duration", "study: x\ntimeout: soon\n", `study.yaml:2:10: "soon" is not a duration`},
		{"syntax", "study: [x\n", "study.yaml:"},
		{"empty", "", "study.yaml: the file is empty"},
		{"not a mapping", "- a\n- b\n", "study.yaml:1:1: a study file is a mapping"},
		{"no study", "space: {x: {type: int, low: 0, high: 1}}\ncommand: [a]\n", "study: a study name is required"},
		{"empty space", "study: x\ncommand: [a]\n", "space: the search space is empty"},
		{"no command", "study: x\nspace: {x: {type: int, low: 0, high: 1}}\n", "command: a command (an argv"},
		{"low above high", "study: x\nspace:\n  lr: {type: float, low: 2, high: 1}\ncommand: [a]\n", "study.yaml:3:3: space.lr: low 2 is above high 1"},
		{"log of zero", "study: x\nspace:\n  lr: {type: float, low: 0, high: 1, log: true}\ncommand: [a]\n", "space.lr: a log scale needs low > 0"},
		{"step", "study: x\nspace:\n  n: {type: float, low: 0, high: 1, step: 0.3}\ncommand: [a]\n", "space.n: step 0.3 does not divide"},
		{"int bounds", "study: x\nspace:\n  n: {type: int, low: 0.5, high: 3}\ncommand: [a]\n", "whole low and high"},
		{"no choices", "study: x\nspace:\n  c: {type: categorical}\ncommand: [a]\n", "space.c: a categorical parameter needs choices"},
		{"no type", "study: x\nspace:\n  c: {low: 1, high: 2}\ncommand: [a]\n", "space.c: type is required"},
		{"when unknown", "study: x\nspace:\n  m: {type: float, low: 0, high: 1, when: {opt: sgd}}\ncommand: [a]\n", `space.m: when names "opt"`},
		{"when value", "study: x\nspace:\n  opt: {type: categorical, choices: [sgd]}\n  m: {type: float, low: 0, high: 1, when: {opt: adam}}\ncommand: [a]\n", "when opt = adam, which is not one of its choices"},
		{"direction", "study: x\ndirection: up\nspace: {x: {type: int, low: 0, high: 1}}\ncommand: [a]\n", `direction: "up": want minimize or maximize`},
		{"metrics count", "study: x\ndirections: [minimize, maximize]\nmetric: loss\nspace: {x: {type: int, low: 0, high: 1}}\ncommand: [a]\n", "metrics: 1 metrics for 2 directions"},
		{"metrics_from", "study: x\nmetrics_from: socket\nspace: {x: {type: int, low: 0, high: 1}}\ncommand: [a]\n", `metrics_from: "socket"`},
		{"shared metrics file", "study: x\nparallel: 2\nmetrics_from: file:m.jsonl\nspace: {x: {type: int, low: 0, high: 1}}\ncommand: [a]\n", "put $TUNE_TRIAL_NUMBER in its name"},
		{"negative trials", "study: x\ntrials: -1\nspace: {x: {type: int, low: 0, high: 1}}\ncommand: [a]\n", "study.yaml:2:9: trials: -1, must be >= 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig("study.yaml", []byte(c.file))
			var e *Error
			if err == nil || !errors.As(err, &e) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want an *Error containing %q", err, c.want)
			}
		})
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add(goodConfig)
	f.Add(`{"study": "j", "space": {"x": {"type": "float", "low": 0, "high": 1}}, "command": ["./run"]}`)
	f.Add("study: x\nspace:\n  c: {type: categorical, choices: [1, a, null, true]}\ncommand: [a]\n")
	f.Add("study: [x\n")
	f.Fuzz(func(t *testing.T, file string) {
		cfg, err := ParseConfig("f.yaml", []byte(file))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("an error that is not an *Error: %v", err)
			}
			return
		}
		if cfg.Study == "" || len(cfg.Space) == 0 || len(cfg.Command) == 0 {
			t.Fatalf("accepted an incomplete config: %+v", cfg)
		}
	})
}
