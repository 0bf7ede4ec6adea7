package tensor

import "fmt"

// ConvShape describes a 2-D convolution (or its im2col matrix) over a
// batch of images stored NHWC: N images of H rows of W pixels of C
// channels, the channel varying fastest, image n, row h, column w, channel
// c at ((n*H+h)*W+w)*C+c. A KH x KW window moves StrideH rows and StrideW
// columns at a time over the image padded with PadH rows of zeros above
// and below and PadW columns left and right.
//
// Its im2col matrix has one row per output pixel, N*OutH*OutW rows in NHWC
// order, and one column per window value, KH*KW*C columns in (kh, kw, c)
// order. So a convolution with weights stored (KH*KW*C) x Cout is the
// product col x weights, whose (N*OutH*OutW) x Cout result is the output
// batch in NHWC again; its gradients are col^T x dY (weights) and
// Col2im(dY x weights^T) (input).
type ConvShape struct {
	N, H, W, C       int
	KH, KW           int
	StrideH, StrideW int // 0 means 1
	PadH, PadW       int
}

func (s ConvShape) strides() (int, int) { return max(s.StrideH, 1), max(s.StrideW, 1) }

// OutH returns the number of output rows, (H + 2 PadH - KH)/StrideH + 1.
func (s ConvShape) OutH() int {
	sh, _ := s.strides()
	return (s.H+2*s.PadH-s.KH)/sh + 1
}

// OutW returns the number of output columns, (W + 2 PadW - KW)/StrideW + 1.
func (s ConvShape) OutW() int {
	_, sw := s.strides()
	return (s.W+2*s.PadW-s.KW)/sw + 1
}

// ColRows returns the number of rows of the im2col matrix,
// N*OutH*OutW: one per output pixel.
func (s ConvShape) ColRows() int { return s.N * s.OutH() * s.OutW() }

// ColCols returns the number of columns of the im2col matrix, KH*KW*C:
// one per value under the window.
func (s ConvShape) ColCols() int { return s.KH * s.KW * s.C }

// check panics unless s is a valid shape and x and col hold its input and
// im2col matrix.
func (s ConvShape) check(fn string, x, col []float32) {
	if s.N < 0 || s.H < 0 || s.W < 0 || s.C < 0 || s.KH < 1 || s.KW < 1 || s.StrideH < 0 || s.StrideW < 0 || s.PadH < 0 || s.PadW < 0 ||
		s.H+2*s.PadH < s.KH || s.W+2*s.PadW < s.KW {
		panic(fmt.Sprintf("tensor: %s: invalid shape %+v", fn, s))
	}
	if len(x) < s.N*s.H*s.W*s.C {
		panic(fmt.Sprintf("tensor: %s: image batch has %d values, shape %+v needs %d", fn, len(x), s, s.N*s.H*s.W*s.C))
	}
	if need := s.ColRows() * s.ColCols(); len(col) < need {
		panic(fmt.Sprintf("tensor: %s: im2col matrix has %d values, shape %+v needs %d", fn, len(col), s, need))
	}
}

// Im2col writes the im2col matrix of the image batch x into col (see
// ConvShape), on up to workers goroutines, each taking whole images. It
// panics if the shape is invalid or a slice is too short.
func Im2col(workers int, s ConvShape, x, col []float32) {
	s.check("Im2col", x, col)
	if workers <= 1 || len(col) < minParallelFloats {
		im2colImages(s, x, col, 0, s.N)
		return
	}
	parallelFor(workers, s.N, func(lo, hi int) { im2colImages(s, x, col, lo, hi) })
}

// windowSpan returns, for an output position o of a window of size k moved
// by stride over a line of size n padded by pad, the window's first input
// position in and the range [lo, hi) of window offsets that fall inside
// the line.
func windowSpan(o, stride, pad, k, n int) (in, lo, hi int) {
	in = o*stride - pad
	lo = max(0, -in)
	hi = min(k, n-in)
	return in, lo, max(hi, lo)
}

func im2colImages(s ConvShape, x, col []float32, n0, n1 int) {
	if s.C < 4 {
		im2colColumns(s, x, col, n0, n1)
		return
	}
	sh, sw := s.strides()
	oh, ow := s.OutH(), s.OutW()
	kwc := s.KW * s.C
	cols := s.KH * kwc
	rowLen := s.W * s.C
	for n := n0; n < n1; n++ {
		img := x[n*s.H*rowLen : (n+1)*s.H*rowLen]
		for i := range oh {
			ih0, klo, khi := windowSpan(i, sh, s.PadH, s.KH, s.H)
			rows := col[(n*oh+i)*ow*cols : (n*oh+i+1)*ow*cols]
			for j := range ow {
				iw0, wlo, whi := windowSpan(j, sw, s.PadW, s.KW, s.W)
				row := rows[j*cols : (j+1)*cols]
				if klo == 0 && khi == s.KH && wlo == 0 && whi == s.KW {
					// The window lies inside the image: KH whole runs.
					at := ih0*rowLen + iw0*s.C
					if kwc >= 32 {
						for ki := range s.KH {
							copy(row[ki*kwc:(ki+1)*kwc], img[at+ki*rowLen:at+ki*rowLen+kwc])
						}
						continue
					}
					for ki := range s.KH {
						src := img[at+ki*rowLen : at+ki*rowLen+kwc]
						dst := row[ki*kwc : ki*kwc+len(src)]
						for t, v := range src {
							dst[t] = v
						}
					}
					continue
				}
				clear(row[:klo*kwc])
				clear(row[khi*kwc:])
				for ki := klo; ki < khi; ki++ {
					dst := row[ki*kwc : (ki+1)*kwc]
					at := (ih0+ki)*rowLen + iw0*s.C
					clear(dst[:wlo*s.C])
					clear(dst[whi*s.C:])
					copySmall(dst[wlo*s.C:whi*s.C], img[at+wlo*s.C:at+whi*s.C])
				}
			}
		}
	}
}

// im2colColumns is im2colImages for few channels, where the runs of KW*C
// values are too short for copying them one by one to pay: it fills the
// col rows of one output row column by column, each a strided pass over
// one input row, while those rows stay in L1.
func im2colColumns(s ConvShape, x, col []float32, n0, n1 int) {
	sh, sw := s.strides()
	oh, ow := s.OutH(), s.OutW()
	cols := s.ColCols()
	rowLen := s.W * s.C
	for n := n0; n < n1; n++ {
		img := x[n*s.H*rowLen : (n+1)*s.H*rowLen]
		for i := range oh {
			rows := col[(n*oh+i)*ow*cols : (n*oh+i+1)*ow*cols]
			for ki := range s.KH {
				ih := i*sh - s.PadH + ki
				for kj := range s.KW {
					// Output columns j in [jlo, jhi) read input column
					// j*sw - PadW + kj inside the image.
					jlo := min(ceilDiv(max(s.PadW-kj, 0), sw), ow)
					jhi := max(min(ceilDiv(s.W+s.PadW-kj, sw), ow), jlo)
					for c := range s.C {
						q := (ki*s.KW+kj)*s.C + c
						if ih < 0 || ih >= s.H {
							for j := range ow {
								rows[j*cols+q] = 0
							}
							continue
						}
						for j := range jlo {
							rows[j*cols+q] = 0
						}
						src := img[ih*rowLen : (ih+1)*rowLen]
						at := (jlo*sw-s.PadW+kj)*s.C + c
						for j := jlo; j < jhi; j++ {
							rows[j*cols+q] = src[at]
							at += sw * s.C
						}
						for j := jhi; j < ow; j++ {
							rows[j*cols+q] = 0
						}
					}
				}
			}
		}
	}
}

// copySmall is copy for the short runs of im2col, where a call of
// runtime.memmove costs more than the loop.
func copySmall(dst, src []float32) {
	if len(src) >= 32 {
		copy(dst, src)
		return
	}
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = v
	}
}

// addTo sets dst[i] += src[i] for i < len(src).
func addTo(dst, src []float32) {
	dst = dst[:len(src)]
	i := 0
	for ; i+8 <= len(src); i += 8 {
		d, s := dst[i:i+8:i+8], src[i:i+8:i+8]
		d[0] += s[0]
		d[1] += s[1]
		d[2] += s[2]
		d[3] += s[3]
		d[4] += s[4]
		d[5] += s[5]
		d[6] += s[6]
		d[7] += s[7]
	}
	for ; i < len(src); i++ {
		dst[i] += src[i]
	}
}

// Col2im sets dx to the image batch whose im2col matrix is col, summing
// the values that overlapping windows take from the same pixel: the
// gradient of the batch from the gradient of its im2col matrix. dx is
// overwritten. It runs on up to workers goroutines, each taking whole
// images, and panics if the shape is invalid or a slice is too short.
func Col2im(workers int, s ConvShape, col, dx []float32) {
	s.check("Col2im", dx, col)
	if workers <= 1 || len(col) < minParallelFloats {
		col2imImages(s, col, dx, 0, s.N)
		return
	}
	parallelFor(workers, s.N, func(lo, hi int) { col2imImages(s, col, dx, lo, hi) })
}

// col2imImages gathers: it sums, for each pixel, the runs of C values
// that the windows over it took, in registers eight channels at a time,
// rather than adding each window into the image in memory.
func col2imImages(s ConvShape, col, dx []float32, n0, n1 int) {
	sh, sw := s.strides()
	oh, ow := s.OutH(), s.OutW()
	cols := s.ColCols()
	// wins[iw*KW : iw*KW+nwin[iw]] lists, for input column iw, the
	// windows over it: output column j and kernel column kj, as the
	// offset j*cols + kj*C into a row block of col.
	var winBuf [256]int
	var nwinBuf [64]int
	wins, nwin := winBuf[:0], nwinBuf[:0]
	if s.W*s.KW > len(winBuf) || s.W > len(nwinBuf) {
		wins, nwin = make([]int, 0, s.W*s.KW), make([]int, 0, s.W)
	}
	wins, nwin = wins[:s.W*s.KW], nwin[:s.W]
	for iw := range s.W {
		cnt := 0
		for kj := range s.KW {
			if u := iw + s.PadW - kj; u >= 0 && u%sw == 0 && u/sw < ow {
				wins[iw*s.KW+cnt] = u/sw*cols + kj*s.C
				cnt++
			}
		}
		nwin[iw] = cnt
	}
	var srcBuf [64]int
	srcs := srcBuf[:0]
	if s.KH*s.KW > len(srcBuf) {
		srcs = make([]int, 0, s.KH*s.KW)
	}
	for n := n0; n < n1; n++ {
		img := dx[n*s.H*s.W*s.C : (n+1)*s.H*s.W*s.C]
		for ih := range s.H {
			for iw := range s.W {
				srcs = srcs[:0]
				for ki := range s.KH {
					t := ih + s.PadH - ki
					if t < 0 || t%sh != 0 || t/sh >= oh {
						continue
					}
					base := (n*oh+t/sh)*ow*cols + ki*s.KW*s.C
					for _, w := range wins[iw*s.KW : iw*s.KW+nwin[iw]] {
						srcs = append(srcs, base+w)
					}
				}
				sumRuns(img[(ih*s.W+iw)*s.C:(ih*s.W+iw+1)*s.C], col, srcs)
			}
		}
	}
}

// sumRuns sets out[c] to the sum over o in srcs of col[o+c].
func sumRuns(out, col []float32, srcs []int) {
	c := 0
	for ; c+8 <= len(out); c += 8 {
		var a0, a1, a2, a3, a4, a5, a6, a7 float32
		for _, o := range srcs {
			v := col[o+c : o+c+8 : o+c+8]
			a0 += v[0]
			a1 += v[1]
			a2 += v[2]
			a3 += v[3]
			a4 += v[4]
			a5 += v[5]
			a6 += v[6]
			a7 += v[7]
		}
		d := out[c : c+8 : c+8]
		d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = a0, a1, a2, a3, a4, a5, a6, a7
	}
	for ; c < len(out); c++ {
		var a float32
		for _, o := range srcs {
			a += col[o+c]
		}
		out[c] = a
	}
}
