package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// buildTune builds the tune binary into a temporary directory.
func buildTune(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tune")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// trainScript prints a learning curve as JSON lines: the loss of x after
// each of 5 steps, (x-2)^2 + 1/(step+1).
const trainScript = `#!/bin/sh
awk -v x="$TUNE_PARAM_X" -v n="$TUNE_TRIAL_NUMBER" 'BEGIN {
	print "starting trial " n
	for (s = 0; s < 5; s++) printf "{\"step\": %d, \"loss\": %f}\n", s, (x - 2) ^ 2 + 1 / (s + 1)
}'
`

func TestRunStudy(t *testing.T) {
	bin := buildTune(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "train.sh"), []byte(trainScript), 0o755); err != nil {
		t.Fatal(err)
	}
	study := `study: e2e
metric: loss
sampler: {name: tpe, config: {startup_trials: 5}}
pruner: {name: threshold, config: {upper: 5}}
trials: 20
parallel: 2
seed: 3
space:
  x: {type: float, low: -5, high: 5}
command: [./train.sh, "--x={{.x}}"]
`
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(study), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "study.yaml")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("tune run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "best: trial") || strings.Count(string(out), "\ntrial ") < 19 {
		t.Errorf("output:\n%s", out)
	}
	// The trials, as JSON.
	cmd = exec.Command(bin, "trials", "e2e", "--format", "json")
	cmd.Dir = dir
	js, err := cmd.Output()
	if err != nil {
		t.Fatalf("tune trials: %v", err)
	}
	var trials []struct {
		Number int
		State  string
		Values []float64
		Params map[string]float64
	}
	if err := json.Unmarshal(js, &trials); err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	if len(trials) != 20 {
		t.Fatalf("%d trials", len(trials))
	}
	pruned, complete := 0, 0
	for _, tr := range trials {
		x := tr.Params["x"]
		switch tr.State {
		case "pruned":
			pruned++
			if (x-2)*(x-2)+1 <= 5 {
				t.Errorf("trial %d (x = %v) pruned below the threshold", tr.Number, x)
			}
		case "complete":
			complete++
			if want := (x-2)*(x-2) + 0.2; len(tr.Values) != 1 || abs(tr.Values[0]-want) > 1e-5 {
				t.Errorf("trial %d (x = %v): value %v, want the last step's loss %v", tr.Number, x, tr.Values, want)
			}
		default:
			t.Errorf("trial %d is %s", tr.Number, tr.State)
		}
		if _, err := os.Stat(filepath.Join(dir, "tune-logs", "e2e", "trial-"+itoa(tr.Number)+".log")); err != nil {
			t.Errorf("no log of trial %d: %v", tr.Number, err)
		}
	}
	if pruned == 0 || complete == 0 {
		t.Errorf("%d pruned, %d complete; want both", pruned, complete)
	}
	// Running it again resumes: the study has its 20 trials, so nothing runs.
	cmd = exec.Command(bin, "run", "--quiet", "study.yaml")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || strings.Contains(string(out), "\ntrial ") {
		t.Errorf("second run: %v\n%s", err, out)
	}
	cmd = exec.Command(bin, "studies")
	cmd.Dir = dir
	if out, err := cmd.Output(); err != nil || !strings.Contains(string(out), "e2e") || !strings.Contains(string(out), "20") {
		t.Errorf("tune studies: %v\n%s", err, out)
	}
	// An enqueued point is the next trial's.
	cmd = exec.Command(bin, "enqueue", "e2e", "x=2")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "enqueued trial 20") {
		t.Fatalf("tune enqueue: %v\n%s", err, out)
	}
	os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(strings.Replace(study, "trials: 20", "trials: 21", 1)), 0o644)
	cmd = exec.Command(bin, "run", "--quiet", "study.yaml")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "best: trial 20, [0.2]") {
		t.Errorf("the enqueued trial: %v\n%s", err, out)
	}
	// Export, then import into another storage under another name.
	cmd = exec.Command(bin, "export", "e2e")
	cmd.Dir = dir
	dump, err := cmd.Output()
	if err != nil {
		t.Fatalf("tune export: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "e2e.json"), dump, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(bin, "import", "e2e.json", "--name", "copy", "--storage", "sqlite:///"+filepath.Join(dir, "other.db"))
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "imported 21 trials") {
		t.Fatalf("tune import: %v\n%s", err, out)
	}
	cmd = exec.Command(bin, "best", "copy", "--storage", "sqlite:///"+filepath.Join(dir, "other.db"))
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "trial 20: [0.2]") {
		t.Errorf("the imported study's best: %v\n%s", err, out)
	}
	cmd = exec.Command(bin, "delete", "e2e")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tune delete: %v\n%s", err, out)
	}
	cmd = exec.Command(bin, "best", "e2e")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "not found") {
		t.Errorf("tune best after delete: %v\n%s", err, out)
	}
}

func TestBadInput(t *testing.T) {
	bin := buildTune(t)
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("typo.yaml", "study: x\ntrails: 3\nspace: {x: {type: float, low: 0, high: 1}}\ncommand: [true]\n")
	write("template.yaml", "study: x\nspace: {x: {type: float, low: 0, high: 1}}\ncommand: [echo, \"{{.y}}\"]\n")
	write("missing.yaml", "study: m\ntrials: 10\nmax_failures: 3\nspace: {x: {type: float, low: 0, high: 1}}\ncommand: [./no-such-program]\n")
	write("failing.yaml", "study: f\ntrials: 10\nmax_failures: 3\nspace: {x: {type: float, low: 0, high: 1}}\ncommand: [\"false\"]\n")
	write("silent.yaml", "study: s\ntrials: 10\nmax_failures: 2\nmetric: loss\nspace: {x: {type: float, low: 0, high: 1}}\ncommand: [echo, hello]\n")
	for _, c := range []struct {
		file, want string
		code       int
	}{
		{"nope.yaml", "open nope.yaml: no such file", 1},
		{"typo.yaml", "typo.yaml:2:1: trails: unknown key", 1},
		{"template.yaml", `names a parameter that the space does not have`, 1},
		{"missing.yaml", `command "./no-such-program": no executable file`, 1},
		{"failing.yaml", "3 trials in a row failed; the last: false exit status 1", 1},
		{"silent.yaml", `never reported the metric "loss"; the last lines of its output:` + "\nhello", 1},
	} {
		cmd := exec.Command(bin, "run", c.file)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != c.code || !strings.Contains(string(out), c.want) {
			t.Errorf("tune run %s: exit %d, output:\n%s\nwant exit %d and %q", c.file, code, out, c.code, c.want)
		}
	}
	// A missing program changed nothing: no study was created.
	cmd := exec.Command(bin, "studies")
	cmd.Dir = dir
	if out, err := cmd.Output(); err != nil || strings.Contains(string(out), "\nm ") {
		t.Errorf("tune studies after a missing program: %v\n%s", err, out)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func itoa(n int) string { return strconv.Itoa(n) }
