package nn

import (
	"math/rand/v2"

	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/learn/tensor"
)

// Conv2D is a 2-D convolution over NHWC images (Keras' Conv2D; PyTorch's
// Conv2d is the same operation on NCHW): input [height, width, channels],
// output [oh, ow, filters], y = act(conv(x, W) + b).
//
// The kernel is stored [kh*kw*cin, filters], rows ordered (ky, kx, ci), so
// that a batch's forward pass is one matrix product: the im2col matrix of
// the batch (one row per output pixel) times the kernel. PyTorch's weight
// [cout, cin, kh, kw] maps to it by permuting to (kh, kw, cin, cout).
type Conv2D struct {
	Filters    int         // output channels; must be positive
	Kernel     int         // kernel height and width; must be positive
	Stride     int         // step in both directions; zero: 1
	Padding    Padding     // zero: Valid
	Activation Activation  // fused activation; zero: linear
	KernelInit Initializer // zero: GlorotUniform
	BiasInit   Initializer // zero: Zeros
	NoBias     bool        // no bias (before a BatchNorm, say)

	g        convGeom
	k        int // kh*kw*cin: rows of the kernel, columns of im2col
	inShape  []int
	outShape []int
	w, b     []float32
	dw, db   []float32
	params   []optim.Param
	x        *tensor.Tensor
	rows     int       // output pixels of the last batch
	col      []float32 // im2col of the last input; reused for its gradient
	direct   bool      // 1x1 kernel, stride 1: the input is its own im2col
	out, dx  tensor.Tensor
	z        []float32
	acc      []float64
}

// Build implements Layer.
func (c *Conv2D) Build(in []int) ([]int, error) {
	switch {
	case c.Filters <= 0:
		return nil, layerError("Conv2D", in, "Filters is %d, must be positive", c.Filters)
	case c.Kernel <= 0:
		return nil, layerError("Conv2D", in, "Kernel is %d, must be positive", c.Kernel)
	case c.Stride < 0:
		return nil, layerError("Conv2D", in, "Stride is %d, must be positive (or 0 for 1)", c.Stride)
	case c.Padding > Same:
		return nil, layerError("Conv2D", in, "unknown padding %d", c.Padding)
	case c.Activation >= numActivations:
		return nil, layerError("Conv2D", in, "unknown activation %d", c.Activation)
	case len(in) != 3:
		return nil, layerError("Conv2D", in, "needs an image shape [height width channels]")
	}
	s := max(c.Stride, 1)
	g := convGeom{h: in[0], w: in[1], c: in[2], kh: c.Kernel, kw: c.Kernel, sh: s, sw: s}
	if c.Padding == Same {
		g.oh, g.padT = samePad(g.h, g.kh, s)
		g.ow, g.padL = samePad(g.w, g.kw, s)
	} else {
		if g.h < g.kh || g.w < g.kw {
			return nil, layerError("Conv2D", in, "kernel %dx%d is larger than the input with valid padding", g.kh, g.kw)
		}
		g.oh = (g.h-g.kh)/s + 1
		g.ow = (g.w-g.kw)/s + 1
	}
	c.g = g
	c.k = g.kh * g.kw * g.c
	c.direct = g.kh == 1 && g.kw == 1 && s == 1
	c.inShape = append([]int(nil), in...)
	c.outShape = []int{g.oh, g.ow, c.Filters}
	c.w = make([]float32, c.k*c.Filters)
	c.dw = make([]float32, len(c.w))
	c.params = []optim.Param{{Name: "kernel", Value: c.w, Grad: c.dw}}
	if !c.NoBias {
		c.b = make([]float32, c.Filters)
		c.db = make([]float32, c.Filters)
		c.params = append(c.params, optim.Param{Name: "bias", Value: c.b, Grad: c.db})
	}
	return append([]int(nil), c.outShape...), nil
}

// samePad returns the output size of a "same" convolution and its leading
// padding: TensorFlow's rule, the odd one out going to the trailing side.
func samePad(in, k, s int) (out, lead int) {
	out = (in + s - 1) / s
	total := max((out-1)*s+k-in, 0)
	return out, total / 2
}

// Reset implements Resetter.
func (c *Conv2D) Reset(rng *rand.Rand) {
	fanIn, fanOut := c.k, c.g.kh*c.g.kw*c.Filters
	c.KernelInit.Fill(rng, c.w, fanIn, fanOut)
	if c.b != nil {
		initBias(c.BiasInit, rng, c.b, fanIn, fanOut)
	}
}

// Params implements Layer: "kernel" [kh*kw*cin*filters], then "bias"
// [filters].
func (c *Conv2D) Params() []optim.Param { return c.params }

// Forward implements Layer.
func (c *Conv2D) Forward(x *tensor.Tensor, p Pass) *tensor.Tensor {
	n := x.Shape[0]
	c.rows = n * c.g.oh * c.g.ow
	col := x.Data
	if !c.direct {
		c.col = resize(c.col, c.rows*c.k)
		im2col(p.Workers, &c.g, n, x.Data, c.col)
		col = c.col
	}
	setShape(&c.out, n, c.outShape)
	tensor.Gemm(p.Workers, false, false, c.rows, c.Filters, c.k, 1, col, c.k, c.w, c.Filters, 0, c.out.Data, c.Filters)
	var z []float32
	if c.Activation == ActGELU {
		c.z = resize(c.z, len(c.out.Data))
		z = c.z
	}
	biasAct(p.Workers, c.out.Data, c.Filters, c.b, c.Activation, z)
	c.x = x
	return &c.out
}

// Backward implements Layer.
func (c *Conv2D) Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor {
	dz := dy.Data
	c.acc = resize(c.acc, max(p.Workers, 1)*c.Filters)
	actBack(p.Workers, c.Activation, dz, c.out.Data, c.z, c.Filters, c.db, c.acc)
	col := c.x.Data
	if !c.direct {
		col = c.col
	}
	tensor.Gemm(p.Workers, true, false, c.k, c.Filters, c.rows, 1, col, c.k, dz, c.Filters, 0, c.dw, c.Filters)
	if p.SkipInputGrad {
		return nil
	}
	n := c.x.Shape[0]
	setShape(&c.dx, n, c.inShape)
	if c.direct {
		tensor.Gemm(p.Workers, false, true, c.rows, c.k, c.Filters, 1, dz, c.Filters, c.w, c.Filters, 0, c.dx.Data, c.k)
		return &c.dx
	}
	// The im2col matrix has served (for the kernel's gradient): its
	// storage takes the gradient with respect to it.
	tensor.Gemm(p.Workers, false, true, c.rows, c.k, c.Filters, 1, dz, c.Filters, c.w, c.Filters, 0, c.col, c.k)
	col2im(p.Workers, &c.g, n, c.col, c.dx.Data)
	return &c.dx
}
