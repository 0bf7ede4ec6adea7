package nn

import (
	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/learn/tensor"
)

// ReLU is the layer max(x, 0). Dense and Conv2D can fuse it instead
// (Activation: ActReLU), which saves a pass over the data.
type ReLU struct{ elementwise }

// LeakyReLU is the layer x for x > 0, Alpha x otherwise.
type LeakyReLU struct {
	Alpha float64 // slope below zero; zero: 0.01, PyTorch's default

	elementwise
}

// Tanh is the layer tanh(x).
type Tanh struct{ elementwise }

// Sigmoid is the layer 1/(1+exp(-x)).
type Sigmoid struct{ elementwise }

// GELU is the layer x Φ(x), with Φ the standard normal distribution
// function in its exact erf form (Hendrycks and Gimpel, 2016; PyTorch's
// default, not the tanh approximation).
type GELU struct{ elementwise }

// Softmax is the layer exp(x_i) / sum_j exp(x_j) over the last axis. To
// train a classifier, leave it out and use SoftmaxCrossEntropy on the
// logits, which is cheaper and numerically stable; add it for inference.
type Softmax struct{ elementwise }

// elementwise holds what the activation layers share.
type elementwise struct {
	shape []int
	cols  int // the last axis: Softmax's rows
	x     *tensor.Tensor
	out   tensor.Tensor
}

// Build implements Layer: the output has the input's shape.
func (e *elementwise) Build(in []int) ([]int, error) {
	e.shape = append([]int(nil), in...)
	e.cols = 1
	if len(in) > 0 {
		e.cols = in[len(in)-1]
	}
	return append([]int(nil), in...), nil
}

// Params implements Layer: activations have none.
func (e *elementwise) Params() []optim.Param { return nil }

func (e *elementwise) forward(a Activation, x *tensor.Tensor, p Pass) *tensor.Tensor {
	setShape(&e.out, x.Shape[0], e.shape)
	copy(e.out.Data, x.Data)
	biasAct(p.Workers, e.out.Data, e.cols, nil, a, nil)
	e.x = x
	return &e.out
}

func (e *elementwise) backward(a Activation, dy *tensor.Tensor, p Pass) *tensor.Tensor {
	if p.SkipInputGrad {
		return nil
	}
	actBack(p.Workers, a, dy.Data, e.out.Data, e.x.Data, e.cols, nil, nil)
	return dy
}

// Forward implements Layer.
func (r *ReLU) Forward(x *tensor.Tensor, p Pass) *tensor.Tensor { return r.forward(ActReLU, x, p) }

// Backward implements Layer; it works in place on dy.
func (r *ReLU) Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor {
	return r.backward(ActReLU, dy, p)
}

// Forward implements Layer.
func (t *Tanh) Forward(x *tensor.Tensor, p Pass) *tensor.Tensor { return t.forward(ActTanh, x, p) }

// Backward implements Layer; it works in place on dy.
func (t *Tanh) Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor {
	return t.backward(ActTanh, dy, p)
}

// Forward implements Layer.
func (s *Sigmoid) Forward(x *tensor.Tensor, p Pass) *tensor.Tensor {
	return s.forward(ActSigmoid, x, p)
}

// Backward implements Layer; it works in place on dy.
func (s *Sigmoid) Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor {
	return s.backward(ActSigmoid, dy, p)
}

// Forward implements Layer.
func (g *GELU) Forward(x *tensor.Tensor, p Pass) *tensor.Tensor { return g.forward(ActGELU, x, p) }

// Backward implements Layer; it works in place on dy.
func (g *GELU) Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor {
	return g.backward(ActGELU, dy, p)
}

// Forward implements Layer.
func (s *Softmax) Forward(x *tensor.Tensor, p Pass) *tensor.Tensor {
	return s.forward(ActSoftmax, x, p)
}

// Backward implements Layer; it works in place on dy.
func (s *Softmax) Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor {
	return s.backward(ActSoftmax, dy, p)
}

func (l *LeakyReLU) alpha() float32 {
	if l.Alpha == 0 {
		return 0.01
	}
	return float32(l.Alpha)
}

// Forward implements Layer.
func (l *LeakyReLU) Forward(x *tensor.Tensor, p Pass) *tensor.Tensor {
	setShape(&l.out, x.Shape[0], l.shape)
	leakyReLU(l.out.Data, x.Data, l.alpha())
	l.x = x
	return &l.out
}

// Backward implements Layer; it works in place on dy.
func (l *LeakyReLU) Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor {
	if p.SkipInputGrad {
		return nil
	}
	leakyReLUBack(dy.Data, l.x.Data, l.alpha())
	return dy
}
