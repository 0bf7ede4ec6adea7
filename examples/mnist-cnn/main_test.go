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

// TestRun trains one epoch on the first 6,400 real MNIST images and checks
// that the network learned (the first 1,000 test images, above 80%; chance is
// 10%) and that the output has the lines the README quotes. Under the race
// detector: 1,280 images, above 30%.
func TestRun(t *testing.T) {
	if _, err := data.FindMNIST(context.Background()); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("MNIST: %v", err)
		}
		t.Skipf("MNIST not available here: %v", err)
	}
	limit, want := "6400", 0.8
	if raceEnabled {
		limit, want = "1280", 0.3
	}
	for _, opt := range []string{"sgd", "adam"} {
		var out bytes.Buffer
		if err := run([]string{"-optimizer", opt, "-epochs", "1", "-limit", limit, "-test-limit", "1000"}, &out); err != nil {
			t.Fatalf("%s: %v\n%s", opt, err, out.String())
		}
		m := regexp.MustCompile(`test accuracy ([0-9.]+) after 1 epochs`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("%s: no accuracy line in:\n%s", opt, out.String())
		}
		if acc, _ := strconv.ParseFloat(m[1], 64); acc < want {
			t.Errorf("%s: test accuracy %v after one epoch on %s images, want > %v", opt, acc, limit, want)
		}
		if !bytes.Contains(out.Bytes(), []byte("epoch 1/1 - ")) {
			t.Errorf("%s: no progress line in:\n%s", opt, out.String())
		}
	}
	if err := run([]string{"-optimizer", "rmsprop"}, new(bytes.Buffer)); err == nil {
		t.Error("-optimizer rmsprop: no error")
	}
}
