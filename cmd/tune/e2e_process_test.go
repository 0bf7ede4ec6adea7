package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, s := range files {
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), mode); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPrunedProcessGroupIsKilled: a pruned trial's program, and the child
// it started, are stopped at once, not left to run their 30 seconds.
func TestPrunedProcessGroupIsKilled(t *testing.T) {
	bin := buildTune(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"long.sh": `#!/bin/sh
sleep 30 &
echo "step=0 loss=100"
echo "step=1 loss=100"
wait
`,
		"study.yaml": `study: long
metric: loss
pruner: {name: threshold, config: {upper: 10}}
trials: 2
trial_timeout: 60
space: {x: {type: float, low: 0, high: 1}}
command: [./long.sh]
`,
	})
	start := time.Now()
	cmd := exec.Command(bin, "run", "study.yaml")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("two pruned trials took %v: the sleeping child was not killed", d)
	}
	if strings.Count(string(out), "pruned") != 2 {
		t.Errorf("output:\n%s", out)
	}
}

// TestTrialTimeoutAndMetricsFile: a program that exceeds trial_timeout
// fails with the reason; metrics may come from a file the program writes.
func TestTrialTimeoutAndMetricsFile(t *testing.T) {
	bin := buildTune(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"file.sh": `#!/bin/sh
echo '{"step": 0, "loss": 3}' > metrics.jsonl
echo '{"final": true, "loss": 1.5}' >> metrics.jsonl
`,
		"slow.sh": "#!/bin/sh\nsleep 30\n",
		"follow.sh": `#!/bin/sh
f="m-$TUNE_TRIAL_NUMBER.jsonl"
echo '{"step": 0, "loss": 50}' >> "$f"
sleep 30
echo '{"step": 1, "loss": 1}' >> "$f"
`,
		"follow.yaml": `study: follow
metric: loss
trials: 2
parallel: 2
pruner: {name: threshold, config: {upper: 10}}
metrics_from: file:m-$TUNE_TRIAL_NUMBER.jsonl
space: {x: {type: float, low: 0, high: 1}}
command: [./follow.sh]
`,
		"file.yaml": `study: file
metric: loss
trials: 1
metrics_from: file:metrics.jsonl
space: {x: {type: float, low: 0, high: 1}}
command: [./file.sh]
`,
		"slow.yaml": `study: slow
metric: loss
trials: 1
max_failures: 1
trial_timeout: 1
space: {x: {type: float, low: 0, high: 1}}
command: [./slow.sh]
`,
	})
	cmd := exec.Command(bin, "run", "file.yaml")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "best: trial 0, [1.5]") {
		t.Errorf("metrics from a file: %v\n%s", err, out)
	}
	// The file is followed as it grows: the first line prunes the trials
	// long before their programs would end.
	start := time.Now()
	cmd = exec.Command(bin, "run", "follow.yaml")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || strings.Count(string(out), " pruned ") != 2 || time.Since(start) > 20*time.Second {
		t.Errorf("following a metrics file (%v): %v\n%s", time.Since(start), err, out)
	}
	start = time.Now()
	cmd = exec.Command(bin, "run", "slow.yaml")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "exceeded trial_timeout 1s") || time.Since(start) > 20*time.Second {
		t.Errorf("a trial past its timeout (%v): %v\n%s", time.Since(start), err, out)
	}
}

// TestPythonExample tunes examples/python-sklearn's script with the
// python3 on the PATH (with or without scikit-learn), with pruning.
func TestPythonExample(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 is not on the PATH")
		}
		t.Skip("python3 is not on the PATH")
	}
	bin := buildTune(t)
	dir := t.TempDir()
	for _, f := range []string{"train.py", "study.yaml"} {
		raw, err := os.ReadFile(filepath.Join("../../examples/python-sklearn", f))
		if err != nil {
			t.Fatal(err)
		}
		writeFiles(t, dir, map[string]string{f: string(raw)})
	}
	cmd := exec.Command(bin, "run", "study.yaml")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "best: trial") || !strings.Contains(string(out), " pruned ") || !strings.Contains(string(out), " complete ") {
		t.Errorf("want complete and pruned trials and a best one:\n%s", out)
	}
}

// TestCNNModel runs the built-in CNN on a few MNIST images for two trials.
func TestCNNModel(t *testing.T) {
	bin := buildTune(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"cnn.yaml": `study: cnn
metric: accuracy
pruner: none
trials: 2
seed: 1
model: {name: cnn, data: mnist, train: 600, val: 200}
space:
  epochs: {type: int, low: 2, high: 2}
  lr: {type: float, low: 0.01, high: 0.1, log: true}
  optimizer: {type: categorical, choices: [sgd, adam]}
  units: {type: int, low: 16, high: 32}
  activation: {type: categorical, choices: [relu, tanh]}
`})
	cmd := exec.Command(bin, "run", "cnn.yaml")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if strings.Count(string(out), " complete ") != 2 || !strings.Contains(string(out), "best: trial") {
		t.Errorf("output:\n%s", out)
	}
	writeFiles(t, dir, map[string]string{"bad.yaml": "study: bad\nmodel: {name: cnn, data: mnist}\nspace: {depth: {type: int, low: 1, high: 2}}\n"})
	cmd = exec.Command(bin, "run", "bad.yaml")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), `model cnn has no parameter "depth"`) {
		t.Errorf("an unknown cnn parameter: %v\n%s", err, out)
	}
}

// TestGPUsStderrAndTwoObjectives: with gpus: [0, 1] and parallel 4, no
// two running trials share a device; metrics can come from stderr; two
// metrics make a two-objective study.
func TestGPUsStderrAndTwoObjectives(t *testing.T) {
	bin := buildTune(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"gpu.sh": `#!/bin/sh
dev="$CUDA_VISIBLE_DEVICES"
if ! mkdir "lock-$dev" 2>/dev/null; then echo "device $dev is in use" >&2; exit 3; fi
sleep 0.3
rmdir "lock-$dev"
echo "loss=$TUNE_PARAM_X size=$TUNE_PARAM_N" >&2
`,
		"study.yaml": `study: gpus
metrics: [loss, size]
directions: [minimize, maximize]
metrics_from: stderr
sampler: random
trials: 8
parallel: 4
gpus: ["0", "1"]
space:
  x: {type: float, low: 0, high: 1}
  n: {type: int, low: 1, high: 9}
command: [./gpu.sh]
`,
	})
	cmd := exec.Command(bin, "run", "study.yaml")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if n := strings.Count(string(out), " complete ["); n != 8 {
		t.Errorf("%d complete trials, want 8 (a shared device fails a trial):\n%s", n, out)
	}
}
