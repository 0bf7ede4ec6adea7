package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// im2colRef is Im2col written from the definition, one value at a time.
func im2colRef(s ConvShape, x, col []float32) {
	sh, sw := s.strides()
	oh, ow := s.OutH(), s.OutW()
	cols := s.ColCols()
	for n := range s.N {
		for i := range oh {
			for j := range ow {
				row := (n*oh+i)*ow + j
				for ki := range s.KH {
					for kj := range s.KW {
						for c := range s.C {
							ih, iw := i*sh-s.PadH+ki, j*sw-s.PadW+kj
							var v float32
							if ih >= 0 && ih < s.H && iw >= 0 && iw < s.W {
								v = x[((n*s.H+ih)*s.W+iw)*s.C+c]
							}
							col[row*cols+(ki*s.KW+kj)*s.C+c] = v
						}
					}
				}
			}
		}
	}
}

// col2imRef is Col2im written from the definition, one value at a time.
func col2imRef(s ConvShape, col, dx []float32) {
	sh, sw := s.strides()
	oh, ow := s.OutH(), s.OutW()
	cols := s.ColCols()
	clear(dx[:s.N*s.H*s.W*s.C])
	for n := range s.N {
		for i := range oh {
			for j := range ow {
				row := (n*oh+i)*ow + j
				for ki := range s.KH {
					for kj := range s.KW {
						for c := range s.C {
							ih, iw := i*sh-s.PadH+ki, j*sw-s.PadW+kj
							if ih >= 0 && ih < s.H && iw >= 0 && iw < s.W {
								dx[((n*s.H+ih)*s.W+iw)*s.C+c] += col[row*cols+(ki*s.KW+kj)*s.C+c]
							}
						}
					}
				}
			}
		}
	}
}

var convShapes = []ConvShape{
	{N: 2, H: 28, W: 28, C: 1, KH: 3, KW: 3},  // conv1
	{N: 3, H: 13, W: 13, C: 32, KH: 3, KW: 3}, // conv2
	{N: 2, H: 7, W: 6, C: 3, KH: 3, KW: 2, PadH: 1, PadW: 2},
	{N: 2, H: 9, W: 8, C: 2, KH: 3, KW: 3, StrideH: 2, StrideW: 3, PadH: 1, PadW: 1},
	{N: 1, H: 5, W: 5, C: 4, KH: 5, KW: 5, PadH: 2, PadW: 2},
	{N: 1, H: 1, W: 1, C: 1, KH: 1, KW: 1},
	{N: 0, H: 4, W: 4, C: 2, KH: 3, KW: 3},
	{N: 8, H: 28, W: 28, C: 16, KH: 3, KW: 3, PadH: 1, PadW: 1}, // parallel
}

func TestIm2colCol2im(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, s := range convShapes {
		for _, workers := range []int{1, 3} {
			t.Run(fmt.Sprintf("%+v/w%d", s, workers), func(t *testing.T) {
				x := randSlice(rng, s.N*s.H*s.W*s.C)
				want := make([]float32, s.ColRows()*s.ColCols())
				im2colRef(s, x, want)
				got := randSlice(rng, len(want)) // every value must be written
				Im2col(workers, s, x, got)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("Im2col: col[%d] = %g, want %g", i, got[i], want[i])
					}
				}

				col := randSlice(rng, len(want))
				wantDx := make([]float32, len(x))
				col2imRef(s, col, wantDx)
				gotDx := randSlice(rng, len(x))
				Col2im(workers, s, col, gotDx)
				for i := range wantDx {
					// Sums of the same values in another order.
					if d := math.Abs(float64(gotDx[i] - wantDx[i])); d > 1e-5 {
						t.Fatalf("Col2im: dx[%d] = %g, want %g", i, gotDx[i], wantDx[i])
					}
				}
			})
		}
	}
}

func TestConvShapePanics(t *testing.T) {
	s := ConvShape{N: 1, H: 4, W: 4, C: 1, KH: 3, KW: 3}
	x, col := make([]float32, 16), make([]float32, s.ColRows()*s.ColCols())
	for name, f := range map[string]func(){
		"short x":   func() { Im2col(1, s, x[:15], col) },
		"short col": func() { Im2col(1, s, x, col[:len(col)-1]) },
		"kernel":    func() { Col2im(1, ConvShape{N: 1, H: 2, W: 4, C: 1, KH: 3, KW: 3}, col, x) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}

// maxPoolRef is MaxPool written from the definition.
func maxPoolRef(s PoolShape, x, y []float32, argmax []int32) {
	st := s.stride()
	oh, ow := s.OutH(), s.OutW()
	for n := range s.N {
		for i := range oh {
			for j := range ow {
				for c := range s.C {
					best, at := float32(0), -1
					for ki := range s.Size {
						for kj := range s.Size {
							idx := ((n*s.H+i*st+ki)*s.W+j*st+kj)*s.C + c
							v := x[idx]
							if at < 0 || v > best || v != v {
								best, at = v, idx
							}
						}
					}
					o := ((n*oh+i)*ow+j)*s.C + c
					y[o], argmax[o] = best, int32(at)
				}
			}
		}
	}
}

func TestMaxPool(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, s := range []PoolShape{
		{N: 2, H: 26, W: 26, C: 32, Size: 2},
		{N: 3, H: 11, W: 11, C: 64, Size: 2},
		{N: 2, H: 7, W: 9, C: 3, Size: 3, Stride: 2},
		{N: 2, H: 5, W: 5, C: 2, Size: 2, Stride: 1},
		{N: 1, H: 1, W: 1, C: 1, Size: 1},
		{N: 16, H: 26, W: 26, C: 32, Size: 2}, // parallel
	} {
		for _, workers := range []int{1, 2} {
			t.Run(fmt.Sprintf("%+v/w%d", s, workers), func(t *testing.T) {
				x := randSlice(rng, s.N*s.H*s.W*s.C)
				for i := range x {
					switch rng.IntN(50) {
					case 0:
						x[i] = float32(math.NaN())
					case 1:
						if i > 0 {
							x[i] = x[i-1] // ties
						}
					}
				}
				out := s.OutLen()
				want, wantArg := make([]float32, out), make([]int32, out)
				maxPoolRef(s, x, want, wantArg)
				got, gotArg := randSlice(rng, out), make([]int32, out)
				MaxPool(workers, s, x, got, gotArg)
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) || gotArg[i] != wantArg[i] {
						t.Fatalf("MaxPool: y[%d] = %g at %d, want %g at %d", i, got[i], gotArg[i], want[i], wantArg[i])
					}
				}
				noArg := make([]float32, out)
				MaxPool(workers, s, x, noArg, nil)
				for i := range want {
					if math.Float32bits(noArg[i]) != math.Float32bits(got[i]) {
						t.Fatalf("MaxPool without argmax: y[%d] = %g, want %g", i, noArg[i], got[i])
					}
				}

				dy := randSlice(rng, out)
				wantDx := make([]float32, len(x))
				for i, v := range dy {
					wantDx[wantArg[i]] += v
				}
				gotDx := randSlice(rng, len(x))
				MaxPoolBackward(workers, s, dy, gotArg, gotDx)
				for i := range wantDx {
					if gotDx[i] != wantDx[i] {
						t.Fatalf("MaxPoolBackward: dx[%d] = %g, want %g", i, gotDx[i], wantDx[i])
					}
				}
			})
		}
	}
}
