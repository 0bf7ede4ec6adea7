package nn

import (
	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/learn/tensor"
)

// MaxPool2D takes the maximum of each Pool x Pool window of an NHWC image,
// channel by channel, without padding (Keras' MaxPooling2D with valid
// padding, PyTorch's MaxPool2d). The gradient goes to the first maximum
// of each window.
type MaxPool2D struct {
	Pool   int // window height and width; zero: 2
	Stride int // zero: Pool

	pool
	idx []int32        // argmax, for windows other than 2x2 with stride 2
	x   *tensor.Tensor // the input, for 2x2 windows with stride 2
}

// AvgPool2D averages each Pool x Pool window of an NHWC image, channel by
// channel, without padding (Keras' AveragePooling2D with valid padding,
// PyTorch's AvgPool2d).
type AvgPool2D struct {
	Pool   int // window height and width; zero: 2
	Stride int // zero: Pool

	pool
}

// pool is what the two poolings share.
type pool struct {
	g        poolGeom
	inShape  []int
	outShape []int
	n        int
	out, dx  tensor.Tensor
}

func (p *pool) build(typ string, in []int, size, stride int) ([]int, error) {
	switch {
	case size < 0:
		return nil, layerError(typ, in, "Pool is %d, must be positive (or 0 for 2)", size)
	case stride < 0:
		return nil, layerError(typ, in, "Stride is %d, must be positive (or 0 for Pool)", stride)
	case len(in) != 3:
		return nil, layerError(typ, in, "needs an image shape [height width channels]")
	}
	if size == 0 {
		size = 2
	}
	if stride == 0 {
		stride = size
	}
	if in[0] < size || in[1] < size {
		return nil, layerError(typ, in, "window %dx%d is larger than the input", size, size)
	}
	p.g = poolGeom{h: in[0], w: in[1], c: in[2], ph: size, pw: size, sh: stride, sw: stride}
	p.g.oh = (p.g.h-size)/stride + 1
	p.g.ow = (p.g.w-size)/stride + 1
	p.inShape = append([]int(nil), in...)
	p.outShape = []int{p.g.oh, p.g.ow, p.g.c}
	return append([]int(nil), p.outShape...), nil
}

// Params implements Layer: a pooling has none.
func (p *pool) Params() []optim.Param { return nil }

// Build implements Layer.
func (m *MaxPool2D) Build(in []int) ([]int, error) {
	return m.build("MaxPool2D", in, m.Pool, m.Stride)
}

// Forward implements Layer.
func (m *MaxPool2D) Forward(x *tensor.Tensor, p Pass) *tensor.Tensor {
	m.n = x.Shape[0]
	setShape(&m.out, m.n, m.outShape)
	if m.g.ph == 2 && m.g.pw == 2 && m.g.sh == 2 && m.g.sw == 2 {
		m.x = x
		maxPool2(p.Workers, &m.g, m.n, x.Data, m.out.Data)
		return &m.out
	}
	m.idx = resize(m.idx, len(m.out.Data))
	maxPool(p.Workers, &m.g, m.n, x.Data, m.out.Data, m.idx)
	return &m.out
}

// Backward implements Layer.
func (m *MaxPool2D) Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor {
	if p.SkipInputGrad {
		return nil
	}
	setShape(&m.dx, m.n, m.inShape)
	if m.x != nil {
		maxPool2Back(p.Workers, &m.g, m.n, m.x.Data, m.out.Data, dy.Data, m.dx.Data)
		return &m.dx
	}
	maxPoolBack(p.Workers, &m.g, m.n, dy.Data, m.idx, m.dx.Data)
	return &m.dx
}

// Build implements Layer.
func (a *AvgPool2D) Build(in []int) ([]int, error) {
	return a.build("AvgPool2D", in, a.Pool, a.Stride)
}

// Forward implements Layer.
func (a *AvgPool2D) Forward(x *tensor.Tensor, p Pass) *tensor.Tensor {
	a.n = x.Shape[0]
	setShape(&a.out, a.n, a.outShape)
	avgPool(p.Workers, &a.g, a.n, x.Data, a.out.Data)
	return &a.out
}

// Backward implements Layer.
func (a *AvgPool2D) Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor {
	if p.SkipInputGrad {
		return nil
	}
	setShape(&a.dx, a.n, a.inShape)
	avgPoolBack(p.Workers, &a.g, a.n, dy.Data, a.dx.Data)
	return &a.dx
}
