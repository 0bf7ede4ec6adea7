package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/go-tune/tune/learn/data"
)

// TestRun tunes 6 trials of 2 epochs on 2,000 real MNIST images (500 to validate): every
// trial ends Complete (a line each) or Pruned (through the nn callback),
// and the best one learned (above 50%; chance is 10%). Under the race
// detector: 640 images, above 20%.
func TestRun(t *testing.T) {
	if _, err := data.FindMNIST(context.Background()); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("MNIST: %v", err)
		}
		t.Skipf("MNIST not available here: %v", err)
	}
	limit, want := "2000", 0.5
	if raceEnabled {
		limit, want = "640", 0.2
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-trials", "6", "-epochs", "2", "-limit", limit, "-val", "500"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	m := regexp.MustCompile(`best: val accuracy ([0-9.]+) .*; (\d+) of 6 trials pruned\)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no best line in:\n%s", out.String())
	}
	acc, _ := strconv.ParseFloat(m[1], 64)
	pruned, _ := strconv.Atoi(m[2])
	complete := len(regexp.MustCompile(`(?m)^trial +\d+: `).FindAllString(out.String(), -1))
	if complete+pruned != 6 {
		t.Errorf("%d complete and %d pruned trials, want 6 in all:\n%s", complete, pruned, out.String())
	}
	if acc < want {
		t.Errorf("best validation accuracy %v, want > %v:\n%s", acc, want, out.String())
	}
}
