package nn

import (
	"math"
	"sync"
)

// This file holds the loops of the layers other than the matrix products
// (which tensor.Gemm does): im2col and col2im, pooling, bias and
// activation, batch normalisation. They work on NHWC data, are
// unexported, and have plain signatures over slices so that learn/tensor's
// vectorised versions can replace them one by one.
//
// Each kernel that pays for it runs over the batch (or over rows) on up to
// workers goroutines; the serial path is taken without building a closure,
// so that a pass with workers <= 1 does not allocate. Reductions sum
// per-worker partials in worker order: results depend on the number of
// workers, but not on scheduling.

// minParallel is the least number of elements a kernel must touch before
// it is split over goroutines.
const minParallel = 1 << 15

// parallel calls f(w, lo, hi) on consecutive chunks w = 0, 1, ... of
// [0, n), at most workers of them, each on its own goroutine but the
// first, which the caller runs; it returns when all are done.
func parallel(workers, n int, f func(w, lo, hi int)) {
	workers = min(workers, n)
	if workers <= 1 {
		f(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Add(workers - 1)
	for w := 1; w < workers; w++ {
		go func() {
			defer wg.Done()
			f(w, w*n/workers, (w+1)*n/workers)
		}()
	}
	f(0, 0, n/workers)
	wg.Wait()
}

// split reports how many goroutines a kernel over n items (batch samples
// or rows) of work elements in all should use: 1 when it does not pay.
func split(workers, n, work int) int {
	if workers <= 1 || n < 2 || work < minParallel {
		return 1
	}
	return min(workers, n)
}

// convGeom is the geometry of a 2-D convolution over NHWC data.
type convGeom struct {
	h, w, c    int // input height, width, channels
	kh, kw     int // kernel
	sh, sw     int // stride
	padT, padL int // zero rows above, zero columns to the left
	oh, ow     int // output height, width
}

// im2col writes the patches of x (n x h x w x c) into col, one row per
// output pixel (n*oh*ow rows, in NHWC order), columns ordered (ky, kx, ci):
// the rows of a convolution's kernel stored [kh*kw*cin, cout].
func im2col(workers int, g *convGeom, n int, x, col []float32) {
	if k := split(workers, n, len(col)); k > 1 {
		parallel(k, n, func(_, lo, hi int) { im2colRange(g, x, col, lo, hi) })
		return
	}
	im2colRange(g, x, col, 0, n)
}

func im2colRange(g *convGeom, x, col []float32, b0, b1 int) {
	K := g.kh * g.kw * g.c
	seg := g.kw * g.c // one kernel row: contiguous in x when inside
	for b := b0; b < b1; b++ {
		xb := x[b*g.h*g.w*g.c : (b+1)*g.h*g.w*g.c]
		r := col[b*g.oh*g.ow*K : (b+1)*g.oh*g.ow*K]
		for oy := range g.oh {
			iy0 := oy*g.sh - g.padT
			for ox := range g.ow {
				ix0 := ox*g.sw - g.padL
				row := r[:K]
				r = r[K:]
				inside := ix0 >= 0 && ix0+g.kw <= g.w
				for ky := range g.kh {
					dst := row[ky*seg : (ky+1)*seg]
					iy := iy0 + ky
					if iy < 0 || iy >= g.h {
						clear(dst)
						continue
					}
					src := xb[iy*g.w*g.c:]
					if inside {
						copy(dst, src[ix0*g.c:(ix0+g.kw)*g.c])
						continue
					}
					for kx := range g.kw {
						ix := ix0 + kx
						d := dst[kx*g.c : (kx+1)*g.c]
						if ix < 0 || ix >= g.w {
							clear(d)
						} else {
							copy(d, src[ix*g.c:(ix+1)*g.c])
						}
					}
				}
			}
		}
	}
}

// col2im is im2col's adjoint: it sets dx (n x h x w x c) to the sum, over
// the patches that contain each input pixel, of the matching entries of
// dcol.
func col2im(workers int, g *convGeom, n int, dcol, dx []float32) {
	if k := split(workers, n, len(dcol)); k > 1 {
		parallel(k, n, func(_, lo, hi int) { col2imRange(g, dcol, dx, lo, hi) })
		return
	}
	col2imRange(g, dcol, dx, 0, n)
}

func col2imRange(g *convGeom, dcol, dx []float32, b0, b1 int) {
	K := g.kh * g.kw * g.c
	seg := g.kw * g.c
	for b := b0; b < b1; b++ {
		xb := dx[b*g.h*g.w*g.c : (b+1)*g.h*g.w*g.c]
		clear(xb)
		r := dcol[b*g.oh*g.ow*K : (b+1)*g.oh*g.ow*K]
		for oy := range g.oh {
			iy0 := oy*g.sh - g.padT
			for ox := range g.ow {
				ix0 := ox*g.sw - g.padL
				row := r[:K]
				r = r[K:]
				inside := ix0 >= 0 && ix0+g.kw <= g.w
				for ky := range g.kh {
					iy := iy0 + ky
					if iy < 0 || iy >= g.h {
						continue
					}
					src := row[ky*seg : (ky+1)*seg]
					dst := xb[iy*g.w*g.c:]
					if inside {
						addTo(dst[ix0*g.c:(ix0+g.kw)*g.c], src)
						continue
					}
					for kx := range g.kw {
						if ix := ix0 + kx; ix >= 0 && ix < g.w {
							addTo(dst[ix*g.c:(ix+1)*g.c], src[kx*g.c:(kx+1)*g.c])
						}
					}
				}
			}
		}
	}
}

// addTo adds s to d element-wise (len(d) == len(s)).
func addTo(d, s []float32) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] += v
	}
}

// poolGeom is the geometry of a 2-D pooling over NHWC data (no padding).
type poolGeom struct {
	h, w, c int // input
	ph, pw  int // window
	sh, sw  int // stride
	oh, ow  int // output
}

// maxPool sets y (n x oh x ow x c) to the maximum of each window of x and
// idx to the position in x of that maximum: the first one in row-major
// window order, or a NaN, as PyTorch picks.
func maxPool(workers int, g *poolGeom, n int, x, y []float32, idx []int32) {
	if k := split(workers, n, len(x)); k > 1 {
		parallel(k, n, func(_, lo, hi int) { maxPoolRange(g, x, y, idx, lo, hi) })
		return
	}
	maxPoolRange(g, x, y, idx, 0, n)
}

func maxPoolRange(g *poolGeom, x, y []float32, idx []int32, b0, b1 int) {
	c := g.c
	for b := b0; b < b1; b++ {
		for oy := range g.oh {
			for ox := range g.ow {
				o := ((b*g.oh+oy)*g.ow + ox) * c
				out, arg := y[o:o+c], idx[o:o+c]
				base := ((b*g.h+oy*g.sh)*g.w + ox*g.sw) * c
				copy(out, x[base:base+c])
				for j := range arg {
					arg[j] = int32(base + j)
				}
				for ky := range g.ph {
					for kx := range g.pw {
						if ky == 0 && kx == 0 {
							continue
						}
						off := base + (ky*g.w+kx)*c
						xs := x[off : off+c]
						for j, v := range xs {
							if v > out[j] || v != v {
								out[j] = v
								arg[j] = int32(off + j)
							}
						}
					}
				}
			}
		}
	}
}

// maxPoolBack sets dx (n x h x w x c) to dy routed back to the maxima that
// idx recorded.
func maxPoolBack(workers int, g *poolGeom, n int, dy []float32, idx []int32, dx []float32) {
	if k := split(workers, n, len(dx)); k > 1 {
		parallel(k, n, func(_, lo, hi int) { maxPoolBackRange(g, dy, idx, dx, lo, hi) })
		return
	}
	maxPoolBackRange(g, dy, idx, dx, 0, n)
}

func maxPoolBackRange(g *poolGeom, dy []float32, idx []int32, dx []float32, b0, b1 int) {
	in, out := g.h*g.w*g.c, g.oh*g.ow*g.c
	clear(dx[b0*in : b1*in])
	ids := idx[b0*out : b1*out]
	for i, d := range dy[b0*out : b1*out] {
		dx[ids[i]] += d
	}
}

// maxPool2 is maxPool for 2x2 windows with stride 2, the common case, in
// branch-free sweeps over the channels; it records no argmax:
// maxPool2Back finds the maxima again.
func maxPool2(workers int, g *poolGeom, n int, x, y []float32) {
	if k := split(workers, n, len(x)); k > 1 {
		parallel(k, n, func(_, lo, hi int) { maxPool2Range(g, x, y, lo, hi) })
		return
	}
	maxPool2Range(g, x, y, 0, n)
}

func maxPool2Range(g *poolGeom, x, y []float32, b0, b1 int) {
	c, row := g.c, g.w*g.c
	for b := b0; b < b1; b++ {
		for oy := range g.oh {
			for ox := range g.ow {
				o := ((b*g.oh+oy)*g.ow + ox) * c
				out := y[o : o+c : o+c]
				i := ((b*g.h+2*oy)*g.w + 2*ox) * c
				x0, x1 := x[i:i+c:i+c], x[i+c:i+2*c:i+2*c]
				x2, x3 := x[i+row:i+row+c:i+row+c], x[i+row+c:i+row+2*c:i+row+2*c]
				for j := range out {
					out[j] = max(max(x0[j], x1[j]), max(x2[j], x3[j])) // NaN wins
				}
			}
		}
	}
}

// maxPool2Back is maxPool2's backward: each dy goes to the first position
// of its window (row-major) that holds the maximum y, or to the last one
// when y is NaN. The rows and columns that no window covers get zero.
func maxPool2Back(workers int, g *poolGeom, n int, x, y, dy, dx []float32) {
	if k := split(workers, n, len(dx)); k > 1 {
		parallel(k, n, func(_, lo, hi int) { maxPool2BackRange(g, x, y, dy, dx, lo, hi) })
		return
	}
	maxPool2BackRange(g, x, y, dy, dx, 0, n)
}

func maxPool2BackRange(g *poolGeom, x, y, dy, dx []float32, b0, b1 int) {
	c, row := g.c, g.w*g.c
	for b := b0; b < b1; b++ {
		img := dx[b*g.h*row : (b+1)*g.h*row]
		if g.w > 2*g.ow {
			for iy := range 2 * g.oh {
				clear(img[iy*row+2*g.ow*c : (iy+1)*row])
			}
		}
		clear(img[2*g.oh*row:])
		for oy := range g.oh {
			for ox := range g.ow {
				o := ((b*g.oh+oy)*g.ow + ox) * c
				ys, ds := y[o:o+c:o+c], dy[o:o+c:o+c]
				i := ((b*g.h+2*oy)*g.w + 2*ox) * c
				x0, x1 := x[i:i+c:i+c], x[i+c:i+2*c:i+2*c]
				x2 := x[i+row : i+row+c : i+row+c]
				d0, d1 := dx[i:i+c:i+c], dx[i+c:i+2*c:i+2*c]
				d2, d3 := dx[i+row:i+row+c:i+row+c], dx[i+row+c:i+row+2*c:i+row+2*c]
				for j, m := range ys {
					d := math.Float32bits(ds[j])
					m0 := isMax(x0[j], m)
					m1 := isMax(x1[j], m) &^ m0
					taken := m0 | m1
					m2 := isMax(x2[j], m) &^ taken
					m3 := ^(taken | m2)
					d0[j] = math.Float32frombits(d & m0)
					d1[j] = math.Float32frombits(d & m1)
					d2[j] = math.Float32frombits(d & m2)
					d3[j] = math.Float32frombits(d & m3)
				}
			}
		}
	}
}

// isMax returns all ones if v equals m, the maximum of a window holding
// v, without a branch: m - v is then +0, and positive or NaN otherwise.
func isMax(v, m float32) uint32 {
	return uint32(int32(math.Float32bits(m-v)-1) >> 31)
}

// avgPool sets y to the mean of each window of x.
func avgPool(workers int, g *poolGeom, n int, x, y []float32) {
	if k := split(workers, n, len(x)); k > 1 {
		parallel(k, n, func(_, lo, hi int) { avgPoolRange(g, x, y, lo, hi) })
		return
	}
	avgPoolRange(g, x, y, 0, n)
}

func avgPoolRange(g *poolGeom, x, y []float32, b0, b1 int) {
	c := g.c
	scale := 1 / float32(g.ph*g.pw)
	for b := b0; b < b1; b++ {
		for oy := range g.oh {
			for ox := range g.ow {
				o := ((b*g.oh+oy)*g.ow + ox) * c
				out := y[o : o+c]
				clear(out)
				base := ((b*g.h+oy*g.sh)*g.w + ox*g.sw) * c
				for ky := range g.ph {
					for kx := range g.pw {
						off := base + (ky*g.w+kx)*c
						addTo(out, x[off:off+c])
					}
				}
				for j := range out {
					out[j] *= scale
				}
			}
		}
	}
}

// avgPoolBack sets dx to dy spread evenly over each window.
func avgPoolBack(workers int, g *poolGeom, n int, dy, dx []float32) {
	if k := split(workers, n, len(dx)); k > 1 {
		parallel(k, n, func(_, lo, hi int) { avgPoolBackRange(g, dy, dx, lo, hi) })
		return
	}
	avgPoolBackRange(g, dy, dx, 0, n)
}

func avgPoolBackRange(g *poolGeom, dy, dx []float32, b0, b1 int) {
	c := g.c
	scale := 1 / float32(g.ph*g.pw)
	clear(dx[b0*g.h*g.w*c : b1*g.h*g.w*c])
	for b := b0; b < b1; b++ {
		for oy := range g.oh {
			for ox := range g.ow {
				o := ((b*g.oh+oy)*g.ow + ox) * c
				d := dy[o : o+c]
				base := ((b*g.h+oy*g.sh)*g.w + ox*g.sw) * c
				for ky := range g.ph {
					for kx := range g.pw {
						off := base + (ky*g.w+kx)*c
						xs := dx[off : off+c]
						for j, v := range d {
							xs[j] += v * scale
						}
					}
				}
			}
		}
	}
}

// biasAct sets every row of y (rows of cols values) to act(row + bias)
// (b nil: no bias). If z is not nil it receives the values before the
// activation (GELU's backward needs them).
func biasAct(workers int, y []float32, cols int, b []float32, a Activation, z []float32) {
	rows := len(y) / cols
	if k := split(workers, rows, len(y)); k > 1 {
		parallel(k, rows, func(_, lo, hi int) { biasActRange(y, cols, b, a, z, lo, hi) })
		return
	}
	biasActRange(y, cols, b, a, z, 0, rows)
}

func biasActRange(y []float32, cols int, b []float32, a Activation, z []float32, r0, r1 int) {
	if z == nil && (a == ActReLU || a == ActLinear) {
		// The common cases, in one branch-free sweep.
		for r := r0; r < r1; r++ {
			row := y[r*cols : (r+1)*cols : (r+1)*cols]
			switch {
			case a == ActReLU && b != nil:
				b := b[:len(row)]
				for j, v := range row {
					row[j] = max(v+b[j], 0) // NaN stays NaN
				}
			case a == ActReLU:
				for j, v := range row {
					row[j] = max(v, 0)
				}
			case b != nil:
				addTo(row, b)
			}
		}
		return
	}
	for r := r0; r < r1; r++ {
		row := y[r*cols : (r+1)*cols]
		if b != nil {
			addTo(row, b)
		}
		if z != nil {
			copy(z[r*cols:(r+1)*cols], row)
		}
		actRow(a, row)
	}
}

// actRow applies a to one row in place.
func actRow(a Activation, row []float32) {
	switch a {
	case ActLinear:
	case ActReLU:
		for j, v := range row {
			row[j] = max(v, 0) // NaN stays NaN
		}
	case ActTanh:
		for j, v := range row {
			row[j] = float32(math.Tanh(float64(v)))
		}
	case ActSigmoid:
		for j, v := range row {
			row[j] = sigmoid(v)
		}
	case ActGELU:
		for j, v := range row {
			row[j] = gelu(v)
		}
	case ActSoftmax:
		softmaxRow(row, row)
	default:
		panic("nn: unknown activation " + a.String())
	}
}

func sigmoid(v float32) float32 {
	return float32(1 / (1 + math.Exp(-float64(v))))
}

func gelu(v float32) float32 {
	x := float64(v)
	return float32(0.5 * x * (1 + math.Erf(x/math.Sqrt2)))
}

// geluGrad is d gelu(x)/dx = Φ(x) + x φ(x).
func geluGrad(v float32) float32 {
	x := float64(v)
	return float32(0.5*(1+math.Erf(x/math.Sqrt2)) + x*math.Exp(-0.5*x*x)/math.Sqrt(2*math.Pi))
}

// softmaxRow sets y to softmax(x) (y may be x).
func softmaxRow(y, x []float32) {
	m := float32(math.Inf(-1))
	for _, v := range x {
		m = max(m, v)
	}
	var s float64
	for j, v := range x {
		e := math.Exp(float64(v - m))
		y[j] = float32(e)
		s += e
	}
	inv := float32(1 / s)
	for j := range y {
		y[j] *= inv
	}
}

// actBack turns dy (rows of cols values) into the gradient before the
// activation, in place: dy *= a'(.), computed from the output y or, for
// GELU, the input z. If db is not nil it is set to the column sums of the
// result (a bias gradient), with acc (at least workers*cols float64s) as
// scratch.
func actBack(workers int, a Activation, dy, y, z []float32, cols int, db []float32, acc []float64) {
	rows := len(dy) / cols
	k := split(workers, rows, len(dy))
	if k > 1 {
		parallel(k, rows, func(w, lo, hi int) {
			var part []float64
			if db != nil {
				part = acc[w*cols : (w+1)*cols]
			}
			actBackRange(a, dy, y, z, cols, part, lo, hi)
		})
	} else {
		var part []float64
		if db != nil {
			part = acc[:cols]
		}
		actBackRange(a, dy, y, z, cols, part, 0, rows)
	}
	if db != nil {
		sumPartials(db, acc, k)
	}
}

// sumPartials sets db to the sum of the k partial rows in acc.
func sumPartials(db []float32, acc []float64, k int) {
	cols := len(db)
	for j := range db {
		var s float64
		for w := range k {
			s += acc[w*cols+j]
		}
		db[j] = float32(s)
	}
}

func actBackRange(a Activation, dy, y, z []float32, cols int, acc []float64, r0, r1 int) {
	bias := acc != nil
	clear(acc)
	for r := r0; r < r1; r++ {
		d := dy[r*cols : (r+1)*cols]
		ys := y[r*cols : (r+1)*cols]
		switch a {
		case ActLinear:
		case ActReLU:
			for j, v := range ys {
				d[j] = math.Float32frombits(math.Float32bits(d[j]) &^ notPositive(v))
			}
		case ActTanh:
			for j, v := range ys {
				d[j] *= 1 - v*v
			}
		case ActSigmoid:
			for j, v := range ys {
				d[j] *= v * (1 - v)
			}
		case ActGELU:
			for j, v := range z[r*cols : (r+1)*cols] {
				d[j] *= geluGrad(v)
			}
		case ActSoftmax:
			softmaxBackRow(d, ys)
		default:
			panic("nn: unknown activation " + a.String())
		}
		if bias {
			for j, v := range d {
				acc[j] += float64(v)
			}
		}
	}
}

// notPositive returns all ones unless v > 0 (or v is a positive NaN),
// without a branch: ReLU's backward masks with it.
func notPositive(v float32) uint32 {
	b := math.Float32bits(v)
	return uint32(int32(b-1)>>31) | uint32(int32(b)>>31)
}

// softmaxBackRow sets d to the gradient before a softmax whose output is y:
// y (d - <d, y>).
func softmaxBackRow(d, y []float32) {
	var dot float64
	for j, v := range y {
		dot += float64(d[j]) * float64(v)
	}
	for j, v := range y {
		d[j] = v * (d[j] - float32(dot))
	}
}

// leakyReLU sets y = x for x > 0, alpha x otherwise.
func leakyReLU(y, x []float32, alpha float32) {
	y = y[:len(x)]
	for j, v := range x {
		if v > 0 {
			y[j] = v
		} else {
			y[j] = alpha * v
		}
	}
}

// leakyReLUBack multiplies d by leaky ReLU's slope at x, in place.
func leakyReLUBack(d, x []float32, alpha float32) {
	d = d[:len(x)]
	for j, v := range x {
		if !(v > 0) {
			d[j] *= alpha
		}
	}
}

// batchNormStats sets mean and invStd (per channel: the last axis, c wide)
// from the rows of x, and returns the biased variance in v.
func batchNormStats(x []float32, c int, mean, v, invStd []float64, eps float64) {
	rows := len(x) / c
	clear(mean)
	clear(v)
	for r := range rows {
		for j, xv := range x[r*c : (r+1)*c] {
			mean[j] += float64(xv)
		}
	}
	for j := range mean {
		mean[j] /= float64(rows)
	}
	for r := range rows {
		for j, xv := range x[r*c : (r+1)*c] {
			d := float64(xv) - mean[j]
			v[j] += d * d
		}
	}
	for j := range v {
		v[j] /= float64(rows)
		invStd[j] = 1 / math.Sqrt(v[j]+eps)
	}
}

// batchNormApply sets y = gamma (x - mean) invStd + beta per channel, and
// xhat = (x - mean) invStd if xhat is not nil.
func batchNormApply(y, x, xhat []float32, c int, mean, invStd []float64, gamma, beta []float32) {
	rows := len(x) / c
	for r := range rows {
		xs, ys := x[r*c:(r+1)*c], y[r*c:(r+1)*c]
		for j, xv := range xs {
			h := float32((float64(xv) - mean[j]) * invStd[j])
			if xhat != nil {
				xhat[r*c+j] = h
			}
			ys[j] = gamma[j]*h + beta[j]
		}
	}
}

// batchNormBack sets dgamma, dbeta and, if dx is not nil, dx from dy for
// a batch normalised with its own statistics (training): with N rows,
// dx = gamma invStd / N (N dy - sum dy - xhat sum(dy xhat)).
func batchNormBack(dy, xhat, dx []float32, c int, invStd []float64, gamma, dgamma, dbeta []float32, sdy, sdyx []float64) {
	rows := len(dy) / c
	clear(sdy)
	clear(sdyx)
	for r := range rows {
		hs := xhat[r*c : (r+1)*c]
		for j, d := range dy[r*c : (r+1)*c] {
			sdy[j] += float64(d)
			sdyx[j] += float64(d) * float64(hs[j])
		}
	}
	for j := range dgamma {
		dgamma[j] = float32(sdyx[j])
		dbeta[j] = float32(sdy[j])
	}
	if dx == nil {
		return
	}
	n := float64(rows)
	for r := range rows {
		hs := xhat[r*c : (r+1)*c]
		for j, d := range dy[r*c : (r+1)*c] {
			k := float64(gamma[j]) * invStd[j] / n
			dx[r*c+j] = float32(k * (n*float64(d) - sdy[j] - float64(hs[j])*sdyx[j]))
		}
	}
}
