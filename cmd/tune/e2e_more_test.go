package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// slowScript reports 3 steps of a loss, pausing between them.
const slowScript = `#!/bin/sh
for s in 0 1 2; do
	echo "step=$s loss=$TUNE_PARAM_X"
	sleep 0.2
done
`

func setupSlow(t *testing.T, trials int) (bin, dir string) {
	t.Helper()
	bin = buildTune(t)
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "train.sh"), []byte(slowScript), 0o755); err != nil {
		t.Fatal(err)
	}
	study := "study: slow\nmetric: loss\npruner: none\ntrials: " + itoa(trials) + "\nspace:\n  x: {type: float, low: 0, high: 1}\ncommand: [./train.sh]\n"
	if err := os.WriteFile(filepath.Join(dir, "study.yaml"), []byte(study), 0o644); err != nil {
		t.Fatal(err)
	}
	return bin, dir
}

// trialStatesQuiet is trialStates for polling: no study yet is no trials.
func trialStatesQuiet(bin, dir string) map[string]int {
	cmd := exec.Command(bin, "trials", "slow", "--format", "json")
	cmd.Dir = dir
	js, err := cmd.Output()
	if err != nil {
		return nil
	}
	var trials []struct{ State string }
	_ = json.Unmarshal(js, &trials)
	n := map[string]int{}
	for _, tr := range trials {
		n[tr.State]++
	}
	return n
}

func trialStates(t *testing.T, bin, dir string) map[string]int {
	t.Helper()
	cmd := exec.Command(bin, "trials", "slow", "--format", "json")
	cmd.Dir = dir
	js, err := cmd.Output()
	if err != nil {
		t.Fatalf("tune trials: %v", err)
	}
	var trials []struct{ State string }
	if err := json.Unmarshal(js, &trials); err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, tr := range trials {
		n[tr.State]++
	}
	return n
}

// TestWorkerJoins: tune run and a tune worker in another process share
// one SQLite study and finish its trials between them.
func TestWorkerJoins(t *testing.T) {
	bin, dir := setupSlow(t, 12)
	run := exec.Command(bin, "run", "study.yaml")
	run.Dir = dir
	var runOut bytes.Buffer
	run.Stdout, run.Stderr = &runOut, &runOut
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	// The worker joins once the study exists.
	var workerOut []byte
	deadline := time.Now().Add(20 * time.Second)
	for {
		w := exec.Command(bin, "worker", "--study", "slow")
		w.Dir = dir
		out, err := w.CombinedOutput()
		if err == nil {
			workerOut = out
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the worker never joined: %v\n%s", err, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := run.Wait(); err != nil {
		t.Fatalf("tune run: %v\n%s", err, runOut.String())
	}
	ran, joined := strings.Count(runOut.String(), "trial "), strings.Count(string(workerOut), "trial ")
	// Each process may finish the trial it had started when the study
	// reached its 12: one more at most with one trial at a time each.
	if states := trialStates(t, bin, dir); states["complete"] < 12 || states["complete"] > 13 || len(states) != 1 {
		t.Errorf("states %v, want 12 (or 13) complete", states)
	}
	if joined == 0 {
		t.Errorf("the worker ran no trial (tune run ran %d):\n%s", ran, workerOut)
	}
}

// TestInterruptAndResume: SIGINT stops tune run, which marks its running
// trial Fail("interrupted") and exits non-zero; running it again
// finishes the study.
func TestInterruptAndResume(t *testing.T) {
	bin, dir := setupSlow(t, 6)
	run := exec.Command(bin, "run", "study.yaml")
	run.Dir = dir
	var out bytes.Buffer
	run.Stdout, run.Stderr = &out, &out
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once a trial is complete and the next one runs.
	deadline := time.Now().Add(30 * time.Second)
	for trialStatesQuiet(bin, dir)["complete"] < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("no trial completed:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	if err := run.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := run.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 || !strings.Contains(out.String(), "interrupted") {
		t.Fatalf("after SIGINT: %v\n%s", err, out.String())
	}
	states := trialStates(t, bin, dir)
	if states["fail"] > 1 || states["complete"] == 0 || states["complete"]+states["fail"] >= 6 || states["running"] != 0 {
		t.Fatalf("states after the interrupt %v, want some complete, the running one failed, none left running", states)
	}
	again := exec.Command(bin, "run", "study.yaml")
	again.Dir = dir
	if out, err := again.CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	states = trialStates(t, bin, dir)
	if states["complete"]+states["fail"] != 6 {
		t.Errorf("after resuming: %v, want 6 trials in all", states)
	}
}

func TestChangedSpaceIsRefused(t *testing.T) {
	bin, dir := setupSlow(t, 1)
	run := exec.Command(bin, "run", "study.yaml")
	run.Dir = dir
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	changed := "study: slow\nmetric: loss\ntrials: 2\nspace:\n  x: {type: float, low: 0, high: 5}\ncommand: [./train.sh]\n"
	if err := os.WriteFile(filepath.Join(dir, "changed.yaml"), []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	run = exec.Command(bin, "run", "changed.yaml")
	run.Dir = dir
	out, err := run.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "parameter 1 is x float [0, 1] there, x float [0, 5] here; use another study name, or --force") {
		t.Errorf("a changed space: %v\n%s", err, out)
	}
	run = exec.Command(bin, "run", "--force", "changed.yaml")
	run.Dir = dir
	if out, err := run.CombinedOutput(); err != nil {
		t.Errorf("--force: %v\n%s", err, out)
	}
}

// TestIrisExample runs examples/iris.yaml, the built-in forest on iris,
// as the README shows it.
func TestIrisExample(t *testing.T) {
	bin := buildTune(t)
	dir := t.TempDir()
	raw, err := os.ReadFile("../../examples/iris.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "iris.yaml"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "iris.yaml")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	cmd = exec.Command(bin, "best", "iris-forest")
	cmd.Dir = dir
	best, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var score float64
	if _, err := fmt.Sscanf(strings.SplitN(string(best), "[", 2)[1], "%g", &score); err != nil || score < 0.95 {
		t.Errorf("best 5-fold accuracy %v (%v); scikit-learn's forests reach 0.95-0.97:\n%s", score, err, best)
	}
	if states := strings.Count(string(out), "\ntrial ") + 1; states < 30 {
		t.Errorf("%d trials reported:\n%s", states, out)
	}
}

// TestKilledWorker: tune run and two tune workers share a study; one
// worker is killed with SIGKILL in the middle of a trial. The others
// finish the study, one of them fails the dead worker's trial once its
// heartbeat is stale, and every trial ends in a final state: nothing is
// lost.
func TestKilledWorker(t *testing.T) {
	bin, dir := setupSlow(t, 16)
	start := func(args ...string) (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &out
	}
	hb := "--heartbeat=300ms" // a dead worker's trial is failed after 1.2 s
	run, runOut := start("run", hb, "study.yaml")
	// Wait for the study, then start the workers.
	deadline := time.Now().Add(20 * time.Second)
	for {
		cmd := exec.Command(bin, "trials", "slow")
		cmd.Dir = dir
		if cmd.Run() == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the study never appeared")
		}
		time.Sleep(50 * time.Millisecond)
	}
	victim, _ := start("worker", hb, "--study", "slow")
	other, otherOut := start("worker", hb, "--study", "slow")
	time.Sleep(700 * time.Millisecond) // the victim is in its first trial
	if err := victim.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = victim.Wait()
	if err := run.Wait(); err != nil {
		t.Fatalf("tune run: %v\n%s", err, runOut.String())
	}
	if err := other.Wait(); err != nil {
		t.Fatalf("the other worker: %v\n%s", err, otherOut.String())
	}
	states := trialStates(t, bin, dir)
	if states["running"] != 0 || states["waiting"] != 0 {
		t.Errorf("trials left unfinished: %v", states)
	}
	// On a loaded machine a live worker's heartbeat may also come late and
	// its trial be failed; what matters is that the dead worker's was, and
	// that every trial finished.
	if states["fail"] < 1 || states["complete"]+states["fail"] < 16 {
		t.Errorf("states %v: want the killed worker's trial failed and 16 trials finished", states)
	}
}

// TestAskTell drives a study from the shell: ask, run something, tell.
func TestAskTell(t *testing.T) {
	bin, dir := setupSlow(t, 1)
	tuneCmd := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := tuneCmd("run", "study.yaml"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for i := range 3 {
		out, err := tuneCmd("ask", "slow")
		if err != nil {
			t.Fatalf("ask: %v\n%s", err, out)
		}
		var a struct {
			Number int
			Params map[string]float64
		}
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatalf("%v: %q", err, out)
		}
		if x, ok := a.Params["x"]; !ok || x < 0 || x > 1 {
			t.Fatalf("asked params %v", a.Params)
		}
		args := []string{"tell", "slow", itoa(a.Number), fmt.Sprint(a.Params["x"])}
		if i == 2 {
			args = []string{"tell", "slow", itoa(a.Number), "--pruned"}
		}
		if out, err := tuneCmd(args...); err != nil {
			t.Fatalf("tell: %v\n%s", err, out)
		}
	}
	if states := trialStates(t, bin, dir); states["complete"] != 3 || states["pruned"] != 1 {
		t.Errorf("states %v, want 3 complete (1 from run, 2 told) and 1 pruned", states)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"tell", "slow", "99", "1"}, "no running trial 99"},
		{[]string{"tell", "slow", "x", "1"}, `trial number "x"`},
	} {
		if out, err := tuneCmd(c.args...); err == nil || !strings.Contains(out, c.want) {
			t.Errorf("tune %v: %v\n%s", c.args, err, out)
		}
	}
	out, _ := tuneCmd("ask", "slow")
	var a struct{ Number int }
	_ = json.Unmarshal([]byte(out), &a)
	if out, err := tuneCmd("tell", "slow", itoa(a.Number), "1", "2"); err == nil || !strings.Contains(out, "2 values for a study of 1 objectives") {
		t.Errorf("two values: %v\n%s", err, out)
	}
}
