package optim_test

import (
	"fmt"
	"log"

	"github.com/go-tune/tune/learn/optim"
)

// Minimizes (x-3)^2 + (y+1)^2 with Adam.
func Example() {
	opt, err := optim.Adam{LR: 0.1}.New()
	if err != nil {
		log.Fatal(err)
	}
	x := []float32{0, 0}
	g := make([]float32, 2)
	params := []optim.Param{{Name: "xy", Value: x, Grad: g}}
	for range 500 {
		g[0], g[1] = 2*(x[0]-3), 2*(x[1]+1)
		opt.Step(params)
	}
	fmt.Printf("x %.3f, y %.3f\n", x[0], x[1])
	// Output:
	// x 3.000, y -1.000
}

// A fit loop's use of a Schedule: Start before the first batch, AfterBatch
// after each step, AfterEpoch after each epoch, each rate handed to SetLR.
func ExampleSchedule() {
	opt, _ := optim.SGD{LR: 0.1, Momentum: 0.9}.New()
	sched, err := optim.Cosine{MinLR: 0.001}.New()
	if err != nil {
		log.Fatal(err)
	}
	const epochs, batches = 4, 10
	opt.SetLR(sched.Start(opt.LR(), batches, epochs))
	for epoch := range epochs {
		fmt.Printf("epoch %d: rate %.4f\n", epoch, opt.LR())
		for range batches {
			// forward, backward, opt.Step(params)
			opt.SetLR(sched.AfterBatch())
		}
		validationLoss := 1.0 / float64(epoch+1)
		opt.SetLR(sched.AfterEpoch(validationLoss))
	}
	// Output:
	// epoch 0: rate 0.1000
	// epoch 1: rate 0.0855
	// epoch 2: rate 0.0505
	// epoch 3: rate 0.0155
}

// The rates of the 10 batches of a run of 2 epochs of 5 batches.
func ExampleOneCycle() {
	sched, _ := optim.OneCycle{MaxLR: 1}.New()
	lr := sched.Start(0.1, 5, 2) // MaxLR overrides the optimizer's 0.1
	for range 10 {
		fmt.Printf("%.4f ", lr)
		lr = sched.AfterBatch()
	}
	fmt.Println()
	// Output:
	// 0.0400 0.5200 1.0000 0.9505 0.8117 0.6113 0.3887 0.1883 0.0495 0.0000
}

// Sums the gradients of two mini-batches and steps once with their mean.
func ExampleAccumulate() {
	opt, _ := optim.GD{LR: 1}.New()
	acc, err := optim.Accumulate{Steps: 2}.Wrap(opt)
	if err != nil {
		log.Fatal(err)
	}
	x := []float32{0}
	g := []float32{0}
	params := []optim.Param{{Value: x, Grad: g}}
	for _, batchGrad := range []float32{1, 3, 5} {
		g[0] = batchGrad
		acc.Step(params)
		fmt.Printf("grad %v: x %v, pending %d\n", batchGrad, x[0], acc.Pending())
	}
	acc.Flush(params) // at the end of the epoch
	fmt.Printf("flushed: x %v\n", x[0])
	// Output:
	// grad 1: x 0, pending 1
	// grad 3: x -2, pending 0
	// grad 5: x -2, pending 1
	// flushed: x -7
}

func ExampleClipGradNorm() {
	params := []optim.Param{
		{Name: "w", Value: make([]float32, 2), Grad: []float32{3, 0}},
		{Name: "b", Value: make([]float32, 1), Grad: []float32{4}},
	}
	norm := optim.ClipGradNorm(params, 1, 2)
	fmt.Printf("norm %v, clipped %.4f %.4f\n", norm, params[0].Grad, params[1].Grad)
	// Output:
	// norm 5, clipped [0.6000 0.0000] [0.8000]
}

// Saves an optimizer's state in the middle of training and resumes it in
// a new optimizer.
func ExampleOptimizer_resume() {
	x := []float32{1}
	g := []float32{0}
	params := []optim.Param{{Value: x, Grad: g}}
	train := func(opt optim.Optimizer, steps int) {
		for range steps {
			g[0] = 2 * x[0]
			opt.Step(params)
		}
	}
	opt, _ := optim.Adam{LR: 0.01}.New()
	train(opt, 10)
	state, err := opt.MarshalBinary()
	if err != nil {
		log.Fatal(err)
	}

	resumed, _ := optim.Adam{LR: 0.01}.New()
	if err := resumed.UnmarshalBinary(state); err != nil {
		log.Fatal(err)
	}
	train(resumed, 10)
	fmt.Printf("x %.4f\n", x[0])

	wrong, _ := optim.SGD{}.New()
	fmt.Println(wrong.UnmarshalBinary(state))
	// Output:
	// x 0.8027
	// optim: state of another optimizer: it is Adam's, and this optimizer is SGD
}
