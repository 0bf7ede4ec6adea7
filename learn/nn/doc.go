// Package nn builds and trains neural networks: layers, losses, a
// Sequential model, saving and loading, and a Keras-like Fit loop with
// callbacks.
//
// The classic MNIST network of the Keras examples reads:
//
//	m, err := nn.NewSequential([]int{28, 28, 1},
//		&nn.Conv2D{Filters: 32, Kernel: 3, Activation: nn.ActReLU},
//		&nn.MaxPool2D{},
//		&nn.Conv2D{Filters: 64, Kernel: 3, Activation: nn.ActReLU},
//		&nn.MaxPool2D{},
//		&nn.Flatten{},
//		&nn.Dense{Units: 128, Activation: nn.ActReLU},
//		&nn.Dense{Units: 10},
//	)
//	m.Init(rand.New(rand.NewPCG(1, 2)))
//	h, err := nn.Fit(ctx, m, opt, X, []int{28, 28, 1}, y, nn.FitConfig{Epochs: 10})
//
// with opt one of learn/optim's optimizers, and the loss, by default,
// SoftmaxCrossEntropy on the logits of the last layer.
//
// # Conventions
//
// Values are float32. Tensors have the batch first, and images are NHWC
// ([batch, height, width, channels]), as in Keras; layer shapes are given
// per sample, without the batch. A Dense kernel is stored [in, units] and
// a Conv2D kernel [kh*kw*cin, filters] (rows ordered (ky, kx, ci)), so
// that a layer's forward pass over a batch is one matrix product
// (tensor.Gemm): for a convolution, the im2col matrix of the batch, one
// row per output pixel, times the kernel. Initial weights, losses,
// BatchNorm's running statistics and GELU follow PyTorch's definitions,
// and the tests check every layer, loss and gradient against values that
// PyTorch computed (testdata/gen_reference.py).
//
// # Speed
//
// Layers keep their activations and gradients in buffers that they reuse
// from batch to batch: after the first batch of a given size, a training
// step with Workers <= 1 allocates nothing. The Workers setting (of the
// model, or of FitConfig) goes to tensor.Gemm and to the layers' own
// loops, which split the batch over goroutines where it pays; results are
// deterministic for a given number of workers.
//
// # Tuning
//
// A hyperparameter tuner hooks in as a callback: a CallbackFunc reports
// each epoch's validation metrics and returns the tuner's pruned error to
// stop the training (see CallbackFunc).
package nn
