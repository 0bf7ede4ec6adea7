package forest

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/go-tune/tune/learn/data"
)

// synthetic20k is bench/forest's 20,000-row set.
func synthetic20k(tb testing.TB) *data.Dataset {
	ds, err := data.MakeClassification(data.ClassificationConfig{
		Samples: 20000, Features: 20, Informative: 10, Redundant: 5, Classes: 3, FlipY: 0.02,
	}, rand.New(rand.NewPCG(20000, 1)))
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}

func benchmarkFit(b *testing.B, ds *data.Dataset) {
	jobs := runtime.GOMAXPROCS(0)
	for i := 0; b.Loop(); i++ {
		f := NewClassifier(Config{Trees: 100, Jobs: jobs, Seed: uint64(i + 1)})
		if err := f.Fit(context.Background(), ds); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkForestFit20k fits 100 trees on the 20,000x20 synthetic set with
// GOMAXPROCS goroutines (go test -bench ForestFit -cpu 1,2).
func BenchmarkForestFit20k(b *testing.B) { benchmarkFit(b, synthetic20k(b)) }

// BenchmarkForestFitDigits fits 100 trees on the 1,797x64 digits.
func BenchmarkForestFitDigits(b *testing.B) { benchmarkFit(b, data.Digits()) }
