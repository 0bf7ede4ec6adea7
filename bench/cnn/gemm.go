package main

import (
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/go-tune/tune/internal/benchutil"
	"github.com/go-tune/tune/learn/tensor"
)

// gemmShape is one matrix product of a training step of the seed CNN at
// batch 64 (im2col convolutions, NHWC).
type gemmShape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

func gemmShapes(batch int) []gemmShape {
	return []gemmShape{
		{"conv1 forward", false, false, batch * 26 * 26, 32, 9},
		{"conv1 weight gradient", true, false, 9, 32, batch * 26 * 26},
		{"conv2 forward", false, false, batch * 11 * 11, 64, 288},
		{"conv2 weight gradient", true, false, 288, 64, batch * 11 * 11},
		{"conv2 input gradient", false, true, batch * 11 * 11, 288, 64},
		{"dense1 forward", false, false, batch, 128, 1600},
		{"dense1 weight gradient", true, false, 1600, 128, batch},
		{"dense1 input gradient", false, true, batch, 1600, 128},
	}
}

// gemmTable prints tensor.Gemm's GFLOP/s at the model's shapes, with one
// and two workers, against the measured single-core peak.
func gemmTable(w io.Writer, c config) {
	peak := tensor.PeakGFLOPS()
	fmt.Fprintf(w, "\nGEMM (tensor.Gemm, kernel %s) at the model's shapes, batch %d: GFLOP/s, median of %d runs of 20 products;\n", tensor.GemmKernel(), c.batch, max(c.rounds, 3))
	if peak > 0 {
		fmt.Fprintf(w, "%% of the measured peak: %.0f GFLOP/s per core (the kernel's registers, independent FMAs)\n", peak)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "product\tm x n x k\t"
	for _, t := range c.threads {
		head += fmt.Sprintf("%d thread(s)\t", t)
	}
	fmt.Fprintln(tw, head)
	for _, s := range gemmShapes(c.batch) {
		row := fmt.Sprintf("%s\t%d x %d x %d\t", s.name, s.m, s.n, s.k)
		for _, t := range c.threads {
			g := gemmSpeed(s, t, max(c.rounds, 3))
			row += fmt.Sprintf("%.0f", g)
			if peak > 0 {
				row += fmt.Sprintf(" (%.0f%%)", 100*g/(peak*float64(t)))
			}
			row += "\t"
		}
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
}

func gemmSpeed(s gemmShape, threads, runs int) float64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
	a := make([]float32, s.m*s.k)
	b := make([]float32, s.k*s.n)
	c := make([]float32, s.m*s.n)
	for i := range a {
		a[i] = float32(i%7) - 3
	}
	for i := range b {
		b[i] = float32(i%5) - 2
	}
	lda, ldb := s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	product := func() { tensor.Gemm(threads, s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n) }
	product()
	var gs []float64
	for range runs {
		start := time.Now()
		for range 20 {
			product()
		}
		gs = append(gs, 20*2*float64(s.m)*float64(s.n)*float64(s.k)/time.Since(start).Seconds()/1e9)
	}
	return benchutil.Median(gs)
}
