package nn

import (
	"math/rand/v2"

	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/learn/tensor"
)

// Dense is a fully connected layer on the last axis: y = act(x W + b),
// with the kernel W stored [in, units] (Keras' layout; PyTorch's Linear
// stores its transpose) and the bias b [units]. An input [d1, ..., in]
// gives an output [d1, ..., units]; images go through Flatten first.
type Dense struct {
	Units      int         // output units; must be positive
	Activation Activation  // fused activation; zero: linear
	KernelInit Initializer // zero: GlorotUniform
	BiasInit   Initializer // zero: Zeros
	NoBias     bool        // no bias (before a BatchNorm, say)

	in, rows   int   // input units; rows of the last batch
	outShape   []int // per sample
	w, b       []float32
	dw, db     []float32
	params     []optim.Param
	x          *tensor.Tensor
	out, dx    tensor.Tensor
	z          []float32 // pre-activation values, for GELU's backward
	acc        []float64 // bias-gradient partial sums, per worker
	inputShape []int
}

// Build implements Layer.
func (d *Dense) Build(in []int) ([]int, error) {
	if d.Units <= 0 {
		return nil, layerError("Dense", in, "Units is %d, must be positive", d.Units)
	}
	if d.Activation >= numActivations {
		return nil, layerError("Dense", in, "unknown activation %d", d.Activation)
	}
	if len(in) == 0 {
		return nil, layerError("Dense", in, "needs at least one axis (Dense acts on the last)")
	}
	d.in = in[len(in)-1]
	d.inputShape = append([]int(nil), in...)
	d.outShape = append(append([]int(nil), in[:len(in)-1]...), d.Units)
	d.w = make([]float32, d.in*d.Units)
	d.dw = make([]float32, len(d.w))
	d.params = []optim.Param{{Name: "kernel", Value: d.w, Grad: d.dw}}
	if !d.NoBias {
		d.b = make([]float32, d.Units)
		d.db = make([]float32, d.Units)
		d.params = append(d.params, optim.Param{Name: "bias", Value: d.b, Grad: d.db})
	}
	return append([]int(nil), d.outShape...), nil
}

// Reset implements Resetter.
func (d *Dense) Reset(rng *rand.Rand) {
	d.KernelInit.Fill(rng, d.w, d.in, d.Units)
	if d.b != nil {
		initBias(d.BiasInit, rng, d.b, d.in, d.Units)
	}
}

// Params implements Layer: "kernel" [in*units], then "bias" [units].
func (d *Dense) Params() []optim.Param { return d.params }

// Forward implements Layer.
func (d *Dense) Forward(x *tensor.Tensor, p Pass) *tensor.Tensor {
	n := x.Shape[0]
	d.rows = len(x.Data) / d.in
	setShape(&d.out, n, d.outShape)
	tensor.Gemm(p.Workers, false, false, d.rows, d.Units, d.in, 1, x.Data, d.in, d.w, d.Units, 0, d.out.Data, d.Units)
	var z []float32
	if d.Activation == ActGELU {
		d.z = resize(d.z, len(d.out.Data))
		z = d.z
	}
	biasAct(p.Workers, d.out.Data, d.Units, d.b, d.Activation, z)
	d.x = x
	return &d.out
}

// Backward implements Layer.
func (d *Dense) Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor {
	dz := dy.Data
	d.acc = resize(d.acc, max(p.Workers, 1)*d.Units)
	actBack(p.Workers, d.Activation, dz, d.out.Data, d.z, d.Units, d.db, d.acc)
	tensor.Gemm(p.Workers, true, false, d.in, d.Units, d.rows, 1, d.x.Data, d.in, dz, d.Units, 0, d.dw, d.Units)
	if p.SkipInputGrad {
		return nil
	}
	setShape(&d.dx, d.x.Shape[0], d.inputShape)
	tensor.Gemm(p.Workers, false, true, d.rows, d.in, d.Units, 1, dz, d.Units, d.w, d.Units, 0, d.dx.Data, d.in)
	return &d.dx
}
