package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestRunTuneOnly runs the benchmark for tune alone, smaller than -quick,
// and checks the tables' rows.
func TestRunTuneOnly(t *testing.T) {
	var out bytes.Buffer
	c := config{rounds: 1, batches: 1, batch: 8, threads: []int{1, 2}, torch: false}
	if err := run(context.Background(), c, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"PyTorch: not measured", "train        1", "infer        2", "conv2 forward", "dense1 input gradient"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "targets:") {
		t.Errorf("verdicts printed without PyTorch:\n%s", out.String())
	}
}
