package tensor

import (
	"fmt"
	"math"
)

// PoolShape describes a max-pool over a batch of images stored NHWC (see
// ConvShape): N images of H x W pixels of C channels, Size x Size windows
// moved Stride pixels at a time, without padding; windows that would
// cross the bottom or right edge are dropped.
type PoolShape struct {
	N, H, W, C int
	Size       int
	Stride     int // 0 means Size
}

func (s PoolShape) stride() int {
	if s.Stride == 0 {
		return s.Size
	}
	return s.Stride
}

// OutH returns the number of output rows, (H - Size)/Stride + 1.
func (s PoolShape) OutH() int { return (s.H-s.Size)/s.stride() + 1 }

// OutW returns the number of output columns, (W - Size)/Stride + 1.
func (s PoolShape) OutW() int { return (s.W-s.Size)/s.stride() + 1 }

// OutLen returns the number of output values, N*OutH*OutW*C.
func (s PoolShape) OutLen() int { return s.N * s.OutH() * s.OutW() * s.C }

func (s PoolShape) check(fn string, x, y []float32, argmax []int32, needArgmax bool) {
	if s.N < 0 || s.H < 0 || s.W < 0 || s.C < 0 || s.Size < 1 || s.Stride < 0 || s.H < s.Size || s.W < s.Size {
		panic(fmt.Sprintf("tensor: %s: invalid shape %+v", fn, s))
	}
	in, out := s.N*s.H*s.W*s.C, s.OutLen()
	if in > math.MaxInt32 {
		panic(fmt.Sprintf("tensor: %s: %d inputs do not fit argmax's int32", fn, in))
	}
	if len(x) < in || len(y) < out || (needArgmax || argmax != nil) && len(argmax) < out {
		panic(fmt.Sprintf("tensor: %s: slices of %d, %d and %d values for shape %+v (%d inputs, %d outputs)", fn, len(x), len(y), len(argmax), s, in, out))
	}
}

// MaxPool sets y to the maximum of each window of x and, unless argmax is
// nil, argmax to the index in x of that maximum (the first one in the
// window in row-major order; a NaN wins over any number, the last NaN over
// the others, as in PyTorch), for
// MaxPoolBackward. y and argmax are in NHWC order, N*OutH*OutW*C values.
// It runs on up to workers goroutines, each taking whole images, and
// panics if the shape is invalid or a slice is too short.
func MaxPool(workers int, s PoolShape, x, y []float32, argmax []int32) {
	s.check("MaxPool", x, y, argmax, false)
	if workers <= 1 || len(x) < minParallelFloats {
		maxPoolImages(s, x, y, argmax, 0, s.N)
		return
	}
	parallelFor(workers, s.N, func(lo, hi int) { maxPoolImages(s, x, y, argmax, lo, hi) })
}

func maxPoolImages(s PoolShape, x, y []float32, argmax []int32, n0, n1 int) {
	st := s.stride()
	oh, ow, c := s.OutH(), s.OutW(), s.C
	for n := n0; n < n1; n++ {
		for i := range oh {
			for j := range ow {
				o := ((n*oh+i)*ow + j) * c
				yo := y[o : o+c]
				first := ((n*s.H+i*st)*s.W + j*st) * c
				if s.Size == 2 {
					maxPool2(yo, argmax, o, x, first, s.W*c, c)
					continue
				}
				copy(yo, x[first:first+c])
				if argmax != nil {
					ao := argmax[o : o+c]
					for ch := range ao {
						ao[ch] = int32(first + ch)
					}
				}
				for ki := range s.Size {
					for kj := range s.Size {
						at := first + (ki*s.W+kj)*c
						if argmax == nil {
							for ch, v := range x[at : at+c] {
								yo[ch] = maxPoolStep(yo[ch], v)
							}
							continue
						}
						ao := argmax[o : o+c]
						for ch, v := range x[at : at+c] {
							yo[ch], ao[ch] = maxPoolArg(yo[ch], ao[ch], v, int32(at+ch))
						}
					}
				}
			}
		}
	}
}

// maxPool2 is one 2 x 2 window for all channels: x[at:], x[at+c:] and the
// same one row (rowLen values) below.
func maxPool2(y []float32, argmax []int32, o int, x []float32, at, rowLen, c int) {
	x00 := x[at : at+c]
	x01 := x[at+c : at+2*c]
	x10 := x[at+rowLen : at+rowLen+c]
	x11 := x[at+rowLen+c : at+rowLen+2*c]
	x01, x10, x11 = x01[:len(x00)], x10[:len(x00)], x11[:len(x00)]
	y = y[:len(x00)]
	if argmax == nil {
		for ch, m := range x00 {
			m = maxPoolStep(m, x01[ch])
			m = maxPoolStep(m, x10[ch])
			y[ch] = maxPoolStep(m, x11[ch])
		}
		return
	}
	am := argmax[o : o+len(y)]
	for ch, m := range x00 {
		idx := int32(at + ch)
		m, idx = maxPoolArg(m, idx, x01[ch], int32(at+c+ch))
		m, idx = maxPoolArg(m, idx, x10[ch], int32(at+rowLen+ch))
		m, idx = maxPoolArg(m, idx, x11[ch], int32(at+rowLen+c+ch))
		y[ch], am[ch] = m, idx
	}
}

// maxPoolStep returns v if it beats m (v > m, or v is NaN) and m
// otherwise. The two plain conditions compile to conditional moves, not
// to branches that random data would mispredict.
func maxPoolStep(m, v float32) float32 {
	mb, vb := math.Float32bits(m), math.Float32bits(v)
	if v > m {
		mb = vb
	}
	if v != v {
		mb = vb
	}
	return math.Float32frombits(mb)
}

// maxPoolArg is maxPoolStep that also keeps the index of the winner.
func maxPoolArg(m float32, mi int32, v float32, vi int32) (float32, int32) {
	mb, vb := math.Float32bits(m), math.Float32bits(v)
	if v > m {
		mb, mi = vb, vi
	}
	if v != v {
		mb, mi = vb, vi
	}
	return math.Float32frombits(mb), mi
}

// MaxPoolBackward sets dx to the gradient of the batch from dy, that of
// MaxPool's output: each dy value goes to the input that argmax (from
// MaxPool) names, summed where windows overlap; the other inputs get 0.
// dx is overwritten. It runs on up to workers goroutines, each taking
// whole images, and panics if the shape is invalid or a slice is too
// short.
func MaxPoolBackward(workers int, s PoolShape, dy []float32, argmax []int32, dx []float32) {
	s.check("MaxPoolBackward", dx, dy, argmax, true)
	if workers <= 1 || len(dx) < minParallelFloats {
		maxPoolBackImages(s, dy, argmax, dx, 0, s.N)
		return
	}
	parallelFor(workers, s.N, func(lo, hi int) { maxPoolBackImages(s, dy, argmax, dx, lo, hi) })
}

func maxPoolBackImages(s PoolShape, dy []float32, argmax []int32, dx []float32, n0, n1 int) {
	in := s.H * s.W * s.C
	out := s.OutH() * s.OutW() * s.C
	img := dx[n0*in : n1*in]
	clear(img)
	// Each image's indices point into that image: a task writes only its
	// own images.
	am, g := argmax[n0*out:n1*out], dy[n0*out:n1*out]
	for t, v := range g {
		idx := int(am[t]) - n0*in
		img[idx] += v
	}
}
