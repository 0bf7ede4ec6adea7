package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"

	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/learn/tensor"
)

// Layer is one step of a Sequential model. Shapes are per sample, without
// the batch dimension; tensors that a layer sees have the batch first
// ([batch, shape...]), images are NHWC ([batch, height, width, channels]).
//
// A Layer is used by one goroutine at a time (it holds the buffers of its
// last pass), and a model calls, per batch, Forward then (training only)
// Backward once. Layers reuse their output and gradient buffers from batch
// to batch: after the first batch of a given size they do not allocate.
type Layer interface {
	// Build fixes the input shape and returns the output shape. It checks
	// the layer's configuration and allocates its parameters, which are
	// zero until Reset (Resetter) or a Load sets them. It returns a
	// *LayerError if the layer cannot take inShape or is misconfigured.
	// Build is called once, before any pass; it must not keep inShape.
	Build(inShape []int) (outShape []int, err error)

	// Forward computes the output for a batch x of shape [n, inShape...].
	// The result belongs to the layer and stays valid until its next
	// Forward; the caller must not modify it. It may be x itself, or share
	// x's data (Flatten, Dropout at inference). The layer may keep x for
	// Backward: the caller must not change x until then.
	Forward(x *tensor.Tensor, p Pass) *tensor.Tensor

	// Backward takes dy, the gradient of the loss with respect to the
	// output of the last Forward (same shape), sets (overwrites, does not
	// add to) the gradients of the layer's parameters, and returns the
	// gradient with respect to that Forward's input. It may overwrite dy
	// and may return dy itself; the result belongs to the layer. With
	// p.SkipInputGrad it may return nil.
	Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor

	// Params returns the trainable parameters, whose Value and Grad alias
	// the layer's storage: the same slices, in the same order, at every
	// call after Build. Layers without parameters return nil.
	Params() []optim.Param
}

// Resetter is a Layer with random initial values (weights, a dropout
// source). Sequential.Init calls Reset on each, in order.
type Resetter interface {
	// Reset sets the parameters to fresh initial values drawn from rng
	// and keeps rng as the layer's random source where it needs one.
	Reset(rng *rand.Rand)
}

// Stateful is a Layer with non-trainable state that belongs with its
// weights: BatchNorm's running statistics. Save, Load, Weights and
// EarlyStopping's restore include it. The Grad of each entry is nil.
type Stateful interface {
	State() []optim.Param
}

// Pass says how a forward or backward pass runs.
type Pass struct {
	// Training selects training behaviour: Dropout drops units, BatchNorm
	// normalises with the batch's statistics and updates its running ones.
	Training bool
	// Workers is the number of goroutines that the layer may use, in
	// tensor.Gemm and in its own loops; 0 or 1 means the calling one only.
	Workers int
	// SkipInputGrad tells Backward that the gradient with respect to the
	// input is not needed (the model's first layer): it may return nil.
	SkipInputGrad bool
}

// LayerError reports a layer that cannot be built: a configuration that
// is not valid, or an input shape that it cannot take.
type LayerError struct {
	Index int    // position in the model; -1 for a layer built on its own
	Type  string // the layer's type, "Conv2D"
	In    []int  // the input shape that Build was given
	From  string // where In comes from: "the model input", "layer 2 (Flatten)"
	Msg   string // what is wrong, or what the layer needs
}

// Error says which layer, which input shape, and what is wrong.
func (e *LayerError) Error() string {
	var b strings.Builder
	b.WriteString("nn: ")
	if e.Index >= 0 {
		fmt.Fprintf(&b, "layer %d (%s)", e.Index, e.Type)
	} else {
		b.WriteString(e.Type)
	}
	fmt.Fprintf(&b, ": input shape %v", e.In)
	if e.From != "" {
		fmt.Fprintf(&b, " from %s", e.From)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// layerError returns a *LayerError for a layer of type typ given input
// shape in.
func layerError(typ string, in []int, format string, args ...any) error {
	return &LayerError{Index: -1, Type: typ, In: append([]int(nil), in...), Msg: fmt.Sprintf(format, args...)}
}

// LayerType returns a layer's type name, as Summary and Save write it:
// the name of its Go type without package or pointer ("Conv2D").
func LayerType(l Layer) string {
	t := reflect.TypeOf(l)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// Activation is an activation function fused into Dense and Conv2D: it is
// applied to the output in the same pass as the bias. The zero value is
// ActLinear (none). It marshals as its Keras name ("relu").
type Activation uint8

const (
	ActLinear  Activation = iota // identity ("linear")
	ActReLU                      // max(x, 0) ("relu")
	ActTanh                      // tanh(x) ("tanh")
	ActSigmoid                   // 1/(1+exp(-x)) ("sigmoid")
	ActGELU                      // x Φ(x), the exact erf form, PyTorch's default ("gelu")
	ActSoftmax                   // softmax over the last axis ("softmax")
	numActivations
)

var activationNames = [...]string{"linear", "relu", "tanh", "sigmoid", "gelu", "softmax"}

// String returns the activation's name, "relu".
func (a Activation) String() string {
	if a < numActivations {
		return activationNames[a]
	}
	return fmt.Sprintf("Activation(%d)", a)
}

// MarshalText returns the activation's name.
func (a Activation) MarshalText() ([]byte, error) {
	if a >= numActivations {
		return nil, fmt.Errorf("nn: unknown activation %d", a)
	}
	return []byte(a.String()), nil
}

// UnmarshalText parses a name that MarshalText returns; "" is linear.
func (a *Activation) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "" {
		*a = ActLinear
		return nil
	}
	for i, n := range activationNames {
		if n == s {
			*a = Activation(i)
			return nil
		}
	}
	return fmt.Errorf("nn: unknown activation %q (want one of %s)", s, strings.Join(activationNames[:], ", "))
}

// Padding is a convolution's padding, as Keras names it. The zero value is
// Valid.
type Padding uint8

const (
	// Valid uses no padding: the output is (in-kernel)/stride+1 wide.
	Valid Padding = iota
	// Same pads with zeros so that the output is ceil(in/stride) wide;
	// when the padding is odd, the extra row and column go at the bottom
	// and right, as in TensorFlow.
	Same
)

// String returns "valid" or "same".
func (p Padding) String() string {
	switch p {
	case Valid:
		return "valid"
	case Same:
		return "same"
	}
	return fmt.Sprintf("Padding(%d)", p)
}

// MarshalText returns "valid" or "same".
func (p Padding) MarshalText() ([]byte, error) {
	if p > Same {
		return nil, fmt.Errorf("nn: unknown padding %d", p)
	}
	return []byte(p.String()), nil
}

// UnmarshalText parses "valid" (or "") and "same".
func (p *Padding) UnmarshalText(b []byte) error {
	switch string(b) {
	case "", "valid":
		*p = Valid
	case "same":
		*p = Same
	default:
		return fmt.Errorf("nn: unknown padding %q (want valid or same)", b)
	}
	return nil
}

// Initializer says how a layer's kernel or bias starts. The zero value,
// DefaultInit, is the layer's default: GlorotUniform for kernels (Keras'
// default) and Zeros for biases. Fan-in and fan-out are the input and
// output units of a Dense layer, kh*kw*cin and kh*kw*cout for a
// convolution. It marshals as its Keras name ("he_normal").
type Initializer uint8

const (
	DefaultInit Initializer = iota // the layer's default ("default")
	// GlorotUniform draws from U(-l, l), l = sqrt(6/(fanIn+fanOut))
	// (Glorot and Bengio, 2010) ("glorot_uniform").
	GlorotUniform
	// GlorotNormal draws from N(0, 2/(fanIn+fanOut)), untruncated as in
	// PyTorch's xavier_normal_ ("glorot_normal").
	GlorotNormal
	// HeNormal draws from N(0, 2/fanIn) (He et al., 2015), untruncated as
	// in PyTorch's kaiming_normal_ ("he_normal").
	HeNormal
	// HeUniform draws from U(-l, l), l = sqrt(6/fanIn) ("he_uniform").
	HeUniform
	// Zeros sets every value to 0 ("zeros").
	Zeros
	numInitializers
)

var initializerNames = [...]string{"default", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "zeros"}

// String returns the initializer's name, "glorot_uniform".
func (i Initializer) String() string {
	if i < numInitializers {
		return initializerNames[i]
	}
	return fmt.Sprintf("Initializer(%d)", i)
}

// MarshalText returns the initializer's name.
func (i Initializer) MarshalText() ([]byte, error) {
	if i >= numInitializers {
		return nil, fmt.Errorf("nn: unknown initializer %d", i)
	}
	return []byte(i.String()), nil
}

// UnmarshalText parses a name that MarshalText returns; "" is the default.
func (i *Initializer) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "" {
		*i = DefaultInit
		return nil
	}
	for k, n := range initializerNames {
		if n == s {
			*i = Initializer(k)
			return nil
		}
	}
	return fmt.Errorf("nn: unknown initializer %q (want one of %s)", s, strings.Join(initializerNames[:], ", "))
}

// Fill sets w to values drawn from rng as i says; DefaultInit fills as
// GlorotUniform. It panics on an unknown Initializer.
func (i Initializer) Fill(rng *rand.Rand, w []float32, fanIn, fanOut int) {
	switch i {
	case DefaultInit, GlorotUniform:
		uniform(rng, w, math.Sqrt(6/float64(fanIn+fanOut)))
	case GlorotNormal:
		normal(rng, w, math.Sqrt(2/float64(fanIn+fanOut)))
	case HeNormal:
		normal(rng, w, math.Sqrt(2/float64(fanIn)))
	case HeUniform:
		uniform(rng, w, math.Sqrt(6/float64(fanIn)))
	case Zeros:
		clear(w)
	default:
		panic(fmt.Sprintf("nn: unknown initializer %d", i))
	}
}

func uniform(rng *rand.Rand, w []float32, limit float64) {
	for j := range w {
		w[j] = float32((2*rng.Float64() - 1) * limit)
	}
}

func normal(rng *rand.Rand, w []float32, std float64) {
	for j := range w {
		w[j] = float32(rng.NormFloat64() * std)
	}
}

// initBias fills a bias with init, whose default is Zeros.
func initBias(init Initializer, rng *rand.Rand, b []float32, fanIn, fanOut int) {
	if init == DefaultInit {
		init = Zeros
	}
	init.Fill(rng, b, fanIn, fanOut)
}

// size returns the number of elements of a sample of the given shape.
func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// resize returns buf with length n, reusing its storage when it is large
// enough. The contents are not cleared.
func resize[T any](buf []T, n int) []T {
	if cap(buf) >= n {
		return buf[:n]
	}
	return make([]T, n)
}

// setShape gives t the shape [n, shape...] over storage of its own, reused
// when large enough.
func setShape(t *tensor.Tensor, n int, shape []int) {
	t.Shape = append(append(t.Shape[:0], n), shape...)
	t.Data = resize(t.Data, n*size(shape))
}

// alias gives t the shape [n, shape...] over data, not copied.
func alias(t *tensor.Tensor, data []float32, n int, shape []int) {
	t.Shape = append(append(t.Shape[:0], n), shape...)
	t.Data = data
}

func positive(shape []int) bool {
	for _, d := range shape {
		if d <= 0 {
			return false
		}
	}
	return true
}
