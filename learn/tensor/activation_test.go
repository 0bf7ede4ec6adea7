package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestBiasActivations(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{1, 3, 10, 32, 64, 128} {
		rows := 7
		x := randSlice(rng, rows*n)
		x[0] = float32(math.NaN())
		bias := randSlice(rng, n)

		y := make([]float32, len(x))
		BiasReLU(y, x, bias)
		z := make([]float32, len(x))
		AddBias(z, x, bias)
		for i := range x {
			v := x[i] + bias[i%n]
			if z[i] != v && !(v != v && z[i] != z[i]) {
				t.Fatalf("AddBias n=%d: y[%d] = %g, want %g", n, i, z[i], v)
			}
			if v < 0 {
				v = 0
			}
			if y[i] != v && !(v != v && y[i] != y[i]) {
				t.Fatalf("BiasReLU n=%d: y[%d] = %g, want %g", n, i, y[i], v)
			}
		}
		inPlace := append([]float32(nil), x...)
		BiasReLU(inPlace, inPlace, bias)
		for i := range y {
			if math.Float32bits(inPlace[i]) != math.Float32bits(y[i]) {
				t.Fatalf("BiasReLU in place n=%d: y[%d] = %g, want %g", n, i, inPlace[i], y[i])
			}
		}

		dy := randSlice(rng, len(x))
		dx := make([]float32, len(x))
		ReLUBackward(dx, dy, y)
		for i := range dx {
			want := float32(0)
			if y[i] > 0 {
				want = dy[i]
			}
			if dx[i] != want {
				t.Fatalf("ReLUBackward n=%d: dx[%d] = %g, want %g", n, i, dx[i], want)
			}
		}

		sum := randSlice(rng, n)
		SumRows(sum, dy)
		for j := range n {
			var want, abs float32
			for i := range rows {
				want += dy[i*n+j]
				abs += float32(math.Abs(float64(dy[i*n+j])))
			}
			if d := math.Abs(float64(sum[j] - want)); d > float64(rows)*1e-7*float64(abs) {
				t.Fatalf("SumRows n=%d: sum[%d] = %g, want %g", n, j, sum[j], want)
			}
		}
	}
}

func TestElementwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, n := range []int{0, 1, 3, 4, 5, 17, 1000} {
		a, b := randSlice(rng, n), randSlice(rng, n)
		dst := make([]float32, n)
		Add(dst, a, b)
		y := append([]float32(nil), b...)
		Axpy(-0.5, a, y)
		s := append([]float32(nil), a...)
		Scale(3, s)
		for i := range n {
			if dst[i] != a[i]+b[i] {
				t.Fatalf("Add n=%d: [%d] = %g, want %g", n, i, dst[i], a[i]+b[i])
			}
			if want := b[i] + -0.5*a[i]; y[i] != want {
				t.Fatalf("Axpy n=%d: [%d] = %g, want %g", n, i, y[i], want)
			}
			if s[i] != 3*a[i] {
				t.Fatalf("Scale n=%d: [%d] = %g, want %g", n, i, s[i], 3*a[i])
			}
		}
	}
}

func TestActivationPanics(t *testing.T) {
	x := make([]float32, 6)
	for name, f := range map[string]func(){
		"BiasReLU rows":   func() { BiasReLU(x, x, make([]float32, 4)) },
		"BiasReLU length": func() { BiasReLU(x[:3], x, make([]float32, 3)) },
		"ReLUBackward":    func() { ReLUBackward(x, x[:5], x) },
		"Add":             func() { Add(x, x, x[:5]) },
		"Axpy":            func() { Axpy(1, x, x[:5]) },
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

// TestKernelAllocs checks that the kernels allocate nothing on one worker.
func TestKernelAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	rng := rand.New(rand.NewPCG(17, 18))
	cs := ConvShape{N: 2, H: 13, W: 13, C: 32, KH: 3, KW: 3}
	x := randSlice(rng, cs.N*cs.H*cs.W*cs.C)
	col := make([]float32, cs.ColRows()*cs.ColCols())
	ps := PoolShape{N: 2, H: 13, W: 13, C: 32, Size: 2}
	y, arg := make([]float32, ps.OutLen()), make([]int32, ps.OutLen())
	bias := randSlice(rng, 32)
	for name, f := range map[string]func(){
		"Im2col":          func() { Im2col(1, cs, x, col) },
		"Col2im":          func() { Col2im(1, cs, col, x) },
		"MaxPool":         func() { MaxPool(1, ps, x, y, arg) },
		"MaxPoolBackward": func() { MaxPoolBackward(1, ps, y, arg, x) },
		"BiasReLU":        func() { BiasReLU(x, x, bias) },
		"SumRows":         func() { SumRows(bias, x) },
	} {
		if n := testing.AllocsPerRun(5, f); n != 0 {
			t.Errorf("%s allocates %v times per call", name, n)
		}
	}
}
