package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/go-tune/tune/learn/tensor"
)

// BenchmarkSeedCNNTrainStep times one training step (forward, loss,
// backward, SGD update) of the seed CNN on a batch of 64 28x28x1 images.
func BenchmarkSeedCNNTrainStep(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			m := seedCNN(b)
			m.Workers = workers
			rng := rand.New(rand.NewPCG(1, 2))
			m.Init(rng)
			x := tensor.New(64, 28, 28, 1)
			for i := range x.Data {
				x.Data[i] = float32(rng.Float64())
			}
			y := make([]int32, 64)
			for i := range y {
				y[i] = int32(rng.IntN(10))
			}
			opt := &sgd{lr: 0.01, momentum: 0.9}
			t := Targets{Labels: y}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := m.TrainStep(x, t, SoftmaxCrossEntropy{}, opt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(64*b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}
