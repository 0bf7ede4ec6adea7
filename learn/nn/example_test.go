package nn_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/go-tune/tune/learn/nn"
	"github.com/go-tune/tune/learn/optim"
)

// The classic Keras MNIST network, as the seed example trains it.
func ExampleSequential_Summary() {
	m, err := nn.NewSequential([]int{28, 28, 1},
		&nn.Conv2D{Filters: 32, Kernel: 3, Activation: nn.ActReLU},
		&nn.MaxPool2D{},
		&nn.Conv2D{Filters: 64, Kernel: 3, Activation: nn.ActReLU},
		&nn.MaxPool2D{},
		&nn.Flatten{},
		&nn.Dense{Units: 128, Activation: nn.ActReLU},
		&nn.Dense{Units: 10},
	)
	if err != nil {
		panic(err)
	}
	fmt.Print(m.Summary())
	// Output:
	// Layer (type)               Output Shape         Param #
	// =======================================================
	// conv2d (Conv2D)            (None, 26, 26, 32)       320
	// max_pool2d (MaxPool2D)     (None, 13, 13, 32)         0
	// conv2d_1 (Conv2D)          (None, 11, 11, 64)    18,496
	// max_pool2d_1 (MaxPool2D)   (None, 5, 5, 64)           0
	// flatten (Flatten)          (None, 1600)               0
	// dense (Dense)              (None, 128)          204,928
	// dense_1 (Dense)            (None, 10)             1,290
	// =======================================================
	// Total params: 225,034
	// Trainable params: 225,034
	// Non-trainable params: 0
}

// A layer that cannot take its input says which, and why.
func ExampleNewSequential_error() {
	_, err := nn.NewSequential([]int{28, 28, 1},
		&nn.Flatten{},
		&nn.Conv2D{Filters: 32, Kernel: 3},
	)
	fmt.Println(err)
	// Output:
	// nn: layer 1 (Conv2D): input shape [784] from layer 0 (Flatten): needs an image shape [height width channels]
}

// A hyperparameter tuner hooks into Fit with a CallbackFunc: it reports
// each epoch's validation loss to the trial and returns its pruned error
// when the trial should stop; Fit returns that error.
func ExampleCallbackFunc() {
	// Points in the plane, labelled by the side of a line.
	rng := rand.New(rand.NewPCG(1, 2))
	X := make([]float32, 2*500)
	y := make([]int32, 500)
	for i := range y {
		a, b := rng.Float64()*2-1, rng.Float64()*2-1
		X[2*i], X[2*i+1] = float32(a), float32(b)
		if a+2*b > 0.1 {
			y[i] = 1
		}
	}
	m, err := nn.NewSequential([]int{2},
		&nn.Dense{Units: 16, Activation: nn.ActTanh},
		&nn.Dense{Units: 2},
	)
	if err != nil {
		panic(err)
	}
	m.Init(rand.New(rand.NewPCG(3, 4)))

	errPruned := errors.New("trial pruned") // tune.ErrPruned, say
	report := nn.CallbackFunc(func(epoch int, logs nn.Logs) error {
		// A tune objective would call trial.Report(logs.ValLoss, epoch)
		// and return tune.ErrPruned if trial.ShouldPrune().
		if epoch == 2 {
			return errPruned
		}
		return nil
	})
	opt, err := optim.SGD{LR: 0.5}.New()
	if err != nil {
		panic(err)
	}
	h, err := nn.Fit(context.Background(), m, opt, X, []int{2}, y, nn.FitConfig{
		Epochs: 10, BatchSize: 20, Seed: 5, ValidationSplit: 0.2,
		Callbacks: []nn.Callback{report},
	})
	last, _ := h.Last()
	fmt.Printf("%d epochs, pruned: %v, val_accuracy above 0.9: %v\n", len(h.Epochs), errors.Is(err, errPruned), last.ValAccuracy > 0.9)
	// Output:
	// 3 epochs, pruned: true, val_accuracy above 0.9: true
}

// SeedCNN builds the same network in one call, here with a narrower dense
// layer, as a tuner would when it tunes the width.
func ExampleSeedCNN() {
	m, err := nn.SeedCNN([]int{28, 28, 1}, 64, 0)
	if err != nil {
		panic(err)
	}
	n := 0
	for _, p := range m.Params() {
		n += len(p.Value)
	}
	fmt.Println(n, "parameters")
	// Output: 121930 parameters
}
