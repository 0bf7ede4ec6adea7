package nn

// SeedCNN returns the classic Keras MNIST network for inputs of shape
// inputShape (height, width, channels; MNIST's is 28, 28, 1):
// Conv2D(32, 3x3, relu) -> MaxPool2D(2x2) -> Conv2D(64, 3x3, relu) ->
// MaxPool2D(2x2) -> Flatten -> Dense(units, relu) -> Dense(classes), to be
// trained with SoftmaxCrossEntropy on the logits. units 0 means 128 and
// classes 0 means 10. Like NewSequential, it leaves the weights zero: call
// Init (or Load).
func SeedCNN(inputShape []int, units, classes int) (*Sequential, error) {
	if units == 0 {
		units = 128
	}
	if classes == 0 {
		classes = 10
	}
	return NewSequential(inputShape,
		&Conv2D{Filters: 32, Kernel: 3, Activation: ActReLU},
		&MaxPool2D{},
		&Conv2D{Filters: 64, Kernel: 3, Activation: ActReLU},
		&MaxPool2D{},
		&Flatten{},
		&Dense{Units: units, Activation: ActReLU},
		&Dense{Units: classes},
	)
}
