package tensor

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The MNIST network's convolutions and pools, batch 64, NHWC.
var (
	benchConv1 = ConvShape{N: 64, H: 28, W: 28, C: 1, KH: 3, KW: 3}
	benchConv2 = ConvShape{N: 64, H: 13, W: 13, C: 32, KH: 3, KW: 3}
	benchPool1 = PoolShape{N: 64, H: 26, W: 26, C: 32, Size: 2}
	benchPool2 = PoolShape{N: 64, H: 11, W: 11, C: 64, Size: 2}
)

// reportGBs reports the rate of moving bytes per op.
func reportGBs(b *testing.B, bytes int) {
	b.ReportMetric(float64(bytes)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
}

func BenchmarkIm2col(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for name, s := range map[string]ConvShape{"conv1": benchConv1, "conv2": benchConv2} {
		x := randSlice(rng, s.N*s.H*s.W*s.C)
		col := make([]float32, s.ColRows()*s.ColCols())
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/w%d", name, workers), func(b *testing.B) {
				for b.Loop() {
					Im2col(workers, s, x, col)
				}
				reportGBs(b, 4*(len(x)+len(col)))
			})
			b.Run(fmt.Sprintf("col2im_%s/w%d", name, workers), func(b *testing.B) {
				for b.Loop() {
					Col2im(workers, s, col, x)
				}
				reportGBs(b, 4*(len(x)+len(col)))
			})
		}
	}
}

func BenchmarkMaxPool(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for name, s := range map[string]PoolShape{"pool1": benchPool1, "pool2": benchPool2} {
		x := randSlice(rng, s.N*s.H*s.W*s.C)
		y, arg := make([]float32, s.OutLen()), make([]int32, s.OutLen())
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/w%d", name, workers), func(b *testing.B) {
				for b.Loop() {
					MaxPool(workers, s, x, y, arg)
				}
				reportGBs(b, 4*(len(x)+2*len(y)))
			})
			b.Run(fmt.Sprintf("back_%s/w%d", name, workers), func(b *testing.B) {
				for b.Loop() {
					MaxPoolBackward(workers, s, y, arg, x)
				}
				reportGBs(b, 4*(len(x)+2*len(y)))
			})
		}
	}
}

func BenchmarkActivations(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, bias := randSlice(rng, 43264*32), randSlice(rng, 32)
	y := make([]float32, len(x))
	b.Run("BiasReLU", func(b *testing.B) {
		for b.Loop() {
			BiasReLU(y, x, bias)
		}
		reportGBs(b, 8*len(x))
	})
	b.Run("ReLUBackward", func(b *testing.B) {
		for b.Loop() {
			ReLUBackward(y, x, y)
		}
		reportGBs(b, 12*len(x))
	})
	b.Run("SumRows", func(b *testing.B) {
		for b.Loop() {
			SumRows(bias, x)
		}
		reportGBs(b, 4*len(x))
	})
	b.Run("Axpy", func(b *testing.B) {
		for b.Loop() {
			Axpy(0.5, x, y)
		}
		reportGBs(b, 12*len(x))
	})
}
