package tune_test

import (
	"context"
	"runtime"
	"strconv"
	"testing"

	"github.com/go-tune/tune"
)

// The benchmarks of the performance targets: in-memory Ask+Tell with
// the random sampler and 5 float parameters at most 20µs per trial, flat
// (the time at 10,000 finished trials within 1.5x of the time at 100), and
// 100,000 such trials in under 200 MB. They run only with -bench:
//
//	go test -run='^$' -bench=. -benchmem -count=5 .
//
// bench/asktell measures the same workload side by side with Optuna.

// benchParams are the names of the 5 float parameters of every benchmark
// trial, each in [-10, 10].
var benchParams = [...]string{"x0", "x1", "x2", "x3", "x4"}

// askTell runs one trial by hand: Ask, the 5 parameters, Tell.
func askTell(ctx context.Context, b *testing.B, s *tune.Study) {
	t, err := s.Ask(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var v float64
	for _, name := range benchParams {
		x, err := t.Float(name, -10, 10)
		if err != nil {
			b.Fatal(err)
		}
		v += x * x
	}
	if _, err := s.Tell(ctx, t, []float64{v}, nil); err != nil {
		b.Fatal(err)
	}
}

// newBenchStudy returns a study (seed 1, in-memory storage, random sampler)
// that holds n finished trials.
func newBenchStudy(ctx context.Context, b *testing.B, n int) *tune.Study {
	s, err := tune.CreateStudy(ctx, "bench", tune.WithSeed(1))
	if err != nil {
		b.Fatal(err)
	}
	for range n {
		askTell(ctx, b, s)
	}
	return s
}

// BenchmarkAskTell measures one Ask+Tell trial on a study that already holds
// finished=N trials; ns/op is the time per trial.
//
// Each iteration adds a trial, and b.N reaches 10^5 and more, so left alone
// the study would grow far past N. Instead, every block of max(1, N/4)
// iterations runs on a fresh study, pre-filled with the timer stopped: the
// study holds between N and 1.25N trials while timed (the "finished-avg"
// metric reports the mean). Both sizes grow by the same factor, so the ratio
// of their times, the flatness target, is not biased by it; a tighter bound
// would cost more untimed pre-filling (the wall time is already about 5
// times the timed time).
//
// The heap holds one study of about N trials, as in a real run, and the
// garbage collector runs when it would: the timed iterations pay a share of
// its work, including some for the pre-fill's garbage, 4 trials' worth per
// timed trial at both sizes. (A runtime.GC after each pre-fill would let the
// 25 timed iterations at N=100 pay none of it, and favour the small size.)
func BenchmarkAskTell(b *testing.B) {
	for _, finished := range []int{100, 10000} {
		b.Run("finished="+strconv.Itoa(finished), func(b *testing.B) {
			ctx := context.Background()
			block := max(1, finished/4)
			var s *tune.Study
			var sizes float64
			i := 0
			for b.Loop() {
				if i%block == 0 {
					b.StopTimer()
					s = newBenchStudy(ctx, b, finished)
					b.StartTimer()
				}
				sizes += float64(finished + i%block)
				askTell(ctx, b, s)
				i++
			}
			b.ReportMetric(sizes/float64(i), "finished-avg")
		})
	}
}

// BenchmarkOptimize measures Optimize per trial, with a trivial objective
// of the 5 parameters, with 1 and 4 workers. Each Optimize call runs 1,000
// trials on a new study, created with the timer stopped, so that the study's
// size stays in [0, 1000) whatever b.N is; ns/op is the time per trial.
func BenchmarkOptimize(b *testing.B) {
	const perCall = 1000
	objective := func(ctx context.Context, t *tune.Trial) (float64, error) {
		var v float64
		for _, name := range benchParams {
			x, err := t.Float(name, -10, 10)
			if err != nil {
				return 0, err
			}
			v += x * x
		}
		return v, nil
	}
	for _, workers := range []int{1, 4} {
		b.Run("workers="+strconv.Itoa(workers), func(b *testing.B) {
			ctx := context.Background()
			for done := 0; done < b.N; done += perCall {
				b.StopTimer()
				s, err := tune.CreateStudy(ctx, "bench", tune.WithSeed(1))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				n := min(perCall, b.N-done)
				err = s.Optimize(ctx, objective, tune.OptimizeOptions{Trials: n, Workers: workers})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMemory100k measures the heap that a study holding 100,000
// finished trials of 5 float parameters keeps: the live heap (HeapAlloc
// after runtime.GC) with the study minus the live heap before it, in MB
// (10^6 bytes). MB-heap is the in-memory storage's share, right after the
// trials ran; MB-heap+cache adds the study's trial cache, which the first
// read of its trials (here BestTrial) fills with its own copy of the records.
// ns/op is the time of the 100,000 trials and the two measurements.
func BenchmarkMemory100k(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	live := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var storageMB, cacheMB float64
	for b.Loop() {
		before := live()
		s := newBenchStudy(ctx, b, n)
		storageMB = float64(live()-before) / 1e6
		if _, err := s.BestTrial(ctx); err != nil {
			b.Fatal(err)
		}
		cacheMB = float64(live()-before) / 1e6
		runtime.KeepAlive(s)
	}
	b.ReportMetric(storageMB, "MB-heap")
	b.ReportMetric(cacheMB, "MB-heap+cache")
	b.ReportMetric(storageMB*1e6/n, "B/trial")
}
