package tensor

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// gemmShape is one product the MNIST network of learn/nn runs per batch of
// 64 (im2col convolutions, NHWC), or a square one.
type gemmShape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

var gemmShapes = []gemmShape{
	{name: "conv1_fwd", m: 64 * 26 * 26, n: 32, k: 9},
	{name: "conv1_dW", transA: true, m: 9, n: 32, k: 64 * 26 * 26},
	{name: "conv2_fwd", m: 64 * 11 * 11, n: 64, k: 288},
	{name: "conv2_dW", transA: true, m: 288, n: 64, k: 64 * 11 * 11},
	{name: "conv2_dX", transB: true, m: 64 * 11 * 11, n: 288, k: 64},
	{name: "dense1_fwd", m: 64, n: 128, k: 1600},
	{name: "dense1_dW", transA: true, m: 1600, n: 128, k: 64},
	{name: "dense1_dX", transB: true, m: 64, n: 1600, k: 128},
	{name: "dense2_fwd", m: 64, n: 10, k: 128},
	{name: "sq512", m: 512, n: 512, k: 512},
	{name: "sq1024", m: 1024, n: 1024, k: 1024},
	{name: "sq1024_TT", transA: true, transB: true, m: 1024, n: 1024, k: 1024},
}

func BenchmarkGemm(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, s := range gemmShapes {
		ar, ac := s.m, s.k
		if s.transA {
			ar, ac = s.k, s.m
		}
		br, bc := s.k, s.n
		if s.transB {
			br, bc = s.n, s.k
		}
		a, bm, c := randSlice(rng, ar*ac), randSlice(rng, br*bc), make([]float32, s.m*s.n)
		for _, kn := range kernels() {
			for _, workers := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%s/w%d", s.name, kn.name, workers), func(b *testing.B) {
					for b.Loop() {
						gemm(kn, workers, s.transA, s.transB, s.m, s.n, s.k, 1, a, ac, bm, bc, 0, c, s.n)
					}
					flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
					b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}

// BenchmarkFMAPeak measures one core's FMA throughput with each assembly
// kernel's registers, the peak that BenchmarkGemm's GFLOP/s compare with.
func BenchmarkFMAPeak(b *testing.B) {
	for _, kn := range kernels() {
		if kn.peak == nil {
			continue
		}
		b.Run(kn.name, func(b *testing.B) {
			const trips = 1 << 16
			for b.Loop() {
				kn.peak(trips)
			}
			flops := float64(kn.peakFlops) * trips * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

var speed = flag.Bool("speed", false, "TestGemmSpeed: print Gemm's GFLOP/s on the network's shapes against the FMA peak")

// bestTime runs f reps times after a warm-up run and returns the least and
// the median duration. On a shared machine the least is the best estimate
// of what the code can do; the median shows what it did.
func bestTime(reps int, f func()) (best, median time.Duration) {
	f()
	ds := make([]time.Duration, reps)
	for i := range ds {
		t0 := time.Now()
		f()
		ds[i] = time.Since(t0)
	}
	slices.Sort(ds)
	return ds[0], ds[reps/2]
}

// TestGemmSpeed prints, with -speed, each micro-kernel's GFLOP/s on
// gemmShapes for 1 and 2 workers (best and median of many runs) and the
// share of the FMA peak that BenchmarkFMAPeak's loop measures:
//
//	go test -run GemmSpeed -speed -v ./learn/tensor
func TestGemmSpeed(t *testing.T) {
	if !*speed {
		t.Skip("timing report: run with -speed")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, kn := range kernels() {
		peak := 0.0
		if kn.peak != nil {
			const trips = 1 << 14
			best, _ := bestTime(200, func() { kn.peak(trips) })
			peak = float64(kn.peakFlops) * trips / best.Seconds() / 1e9
		}
		t.Logf("kernel %s (%d x %d), FMA peak %.1f GFLOP/s per core", kn.name, kn.mr, kn.nr, peak)
		t.Logf("  %-12s %22s %22s", "shape", "1 worker: best/median", "2 workers: best/median")
		for _, s := range gemmShapes {
			ar, ac := s.m, s.k
			if s.transA {
				ar, ac = s.k, s.m
			}
			br, bc := s.k, s.n
			if s.transB {
				br, bc = s.n, s.k
			}
			a, bm, c := randSlice(rng, ar*ac), randSlice(rng, br*bc), make([]float32, s.m*s.n)
			flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
			line := fmt.Sprintf("  %-12s", s.name)
			for _, workers := range []int{1, 2} {
				reps := max(10, min(300, int(3e8/flops)))
				if kn.peak == nil {
					reps = 3
				}
				best, med := bestTime(reps, func() {
					gemm(kn, workers, s.transA, s.transB, s.m, s.n, s.k, 1, a, ac, bm, bc, 0, c, s.n)
				})
				g := flops / best.Seconds() / 1e9
				pct := ""
				if peak > 0 {
					pct = fmt.Sprintf(" (%3.0f%%)", 100*g/(peak*float64(workers)))
				}
				line += fmt.Sprintf(" %7.1f%s /%6.1f", g, pct, flops/med.Seconds()/1e9)
			}
			t.Log(line)
		}
	}
}
