package nn

import (
	"math/rand/v2"

	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/learn/tensor"
)

// Flatten reshapes each sample to one axis, in row-major order: an NHWC
// image [h, w, c] becomes [h*w*c], channels fastest. (PyTorch's flatten
// of an NCHW tensor orders the same values (c, h, w).) It copies nothing.
type Flatten struct {
	inShape []int
	outSize int
	out, dx tensor.Tensor
}

// Build implements Layer.
func (f *Flatten) Build(in []int) ([]int, error) {
	f.inShape = append([]int(nil), in...)
	f.outSize = size(in)
	return []int{f.outSize}, nil
}

// Params implements Layer: Flatten has none.
func (f *Flatten) Params() []optim.Param { return nil }

// Forward implements Layer; the result shares x's data.
func (f *Flatten) Forward(x *tensor.Tensor, _ Pass) *tensor.Tensor {
	f.out.Shape = append(f.out.Shape[:0], x.Shape[0], f.outSize)
	f.out.Data = x.Data
	return &f.out
}

// Backward implements Layer; the result shares dy's data.
func (f *Flatten) Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor {
	if p.SkipInputGrad {
		return nil
	}
	alias(&f.dx, dy.Data, dy.Shape[0], f.inShape)
	return &f.dx
}

// Dropout sets each input to zero with probability Rate while training,
// and scales the others by 1/(1-Rate) (inverted dropout, as Keras and
// PyTorch do), so that inference is the identity.
type Dropout struct {
	Rate float64 // probability of dropping a unit; in [0, 1)
	// Rand is the source of the masks. Nil: the source given to the
	// model's Init (Reset). Its state is not saved by Save: a resumed
	// training draws other masks.
	Rand *rand.Rand

	rng     *rand.Rand
	shape   []int
	mask    []float32
	out, dx tensor.Tensor
	dropped bool // the last Forward applied a mask
}

// Build implements Layer.
func (d *Dropout) Build(in []int) ([]int, error) {
	if !(d.Rate >= 0 && d.Rate < 1) {
		return nil, layerError("Dropout", in, "Rate is %v, must be in [0, 1)", d.Rate)
	}
	d.shape = append([]int(nil), in...)
	d.rng = d.Rand
	return append([]int(nil), in...), nil
}

// Reset implements Resetter: rng becomes the source of the masks, unless
// Rand is set.
func (d *Dropout) Reset(rng *rand.Rand) {
	if d.Rand == nil {
		d.rng = rng
	}
}

// Params implements Layer: Dropout has none.
func (d *Dropout) Params() []optim.Param { return nil }

// Forward implements Layer. At inference, or with Rate 0, it returns x. It
// panics if it has no random source (neither Rand nor Init's).
func (d *Dropout) Forward(x *tensor.Tensor, p Pass) *tensor.Tensor {
	d.dropped = p.Training && d.Rate > 0
	if !d.dropped {
		return x
	}
	if d.rng == nil {
		panic("nn: Dropout has no random source: set Rand or call the model's Init")
	}
	n := x.Shape[0]
	setShape(&d.out, n, d.shape)
	d.mask = resize(d.mask, len(x.Data))
	keep := float32(1 / (1 - d.Rate))
	for i, v := range x.Data {
		if d.rng.Float64() < d.Rate {
			d.mask[i] = 0
		} else {
			d.mask[i] = keep
		}
		d.out.Data[i] = v * d.mask[i]
	}
	return &d.out
}

// Backward implements Layer; it scales dy in place and returns it.
func (d *Dropout) Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor {
	if p.SkipInputGrad {
		return nil
	}
	if d.dropped {
		for i, m := range d.mask[:len(dy.Data)] {
			dy.Data[i] *= m
		}
	}
	return dy
}
