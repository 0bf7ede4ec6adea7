package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// randSlice returns n values uniform in [-1, 1) drawn from rng.
func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = 2*rng.Float32() - 1
	}
	return s
}

func absSlice(s []float32) []float32 {
	t := make([]float32, len(s))
	for i, v := range s {
		t[i] = float32(math.Abs(float64(v)))
	}
	return t
}

type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	pad            int // extra stride beyond each row
	workers        int
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v,tB=%v,m=%d,n=%d,k=%d,alpha=%g,beta=%g,pad=%d,w=%d",
		tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad, tc.workers)
}

// plans are the packings the tests force, beside Gemm's own choice (nil).
var plans = []*packing{nil, {a: false, b: false}, {a: true, b: true}, {a: true, b: false}, {a: false, b: true}}

// checkGemmCase runs gemm with kn on tc, with each of plans, and compares C
// with gemmRef's, within the float32 rounding bound
// (k+2) eps (|alpha| |A||B| + |beta C|).
func checkGemmCase(t *testing.T, kn *microKernel, tc gemmCase, rng *rand.Rand) {
	t.Helper()
	ar, ac := tc.m, tc.k
	if tc.transA {
		ar, ac = tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.transB {
		br, bc = tc.n, tc.k
	}
	lda, ldb, ldc := ac+tc.pad, bc+tc.pad, tc.n+tc.pad
	a := randSlice(rng, ar*lda)
	b := randSlice(rng, br*ldb)
	c := randSlice(rng, tc.m*ldc)
	if tc.beta == 0 && len(c) > 0 {
		c[0] = float32(math.NaN()) // must not propagate
	}
	want := append([]float32(nil), c...)
	gemmRef(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, want, ldc)
	bound := absSlice(c)
	if tc.beta == 0 {
		clear(bound)
	}
	gemmRef(tc.transA, tc.transB, tc.m, tc.n, tc.k, float32(math.Abs(float64(tc.alpha))), absSlice(a), lda, absSlice(b), ldb, float32(math.Abs(float64(tc.beta))), bound, ldc)
	for _, plan := range plans {
		got := append([]float32(nil), c...)
		gemmPacked(kn, plan, tc.workers, tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, got, ldc)
		if plan != nil {
			checkGemmResult(t, kn.name+fmt.Sprintf("%+v", *plan), tc, got, want, bound, c, ldc)
		} else {
			checkGemmResult(t, kn.name, tc, got, want, bound, c, ldc)
		}
	}
}

func checkGemmResult(t *testing.T, name string, tc gemmCase, got, want, bound, c []float32, ldc int) {
	t.Helper()
	const eps = 1.0 / (1 << 23)
	for i := range tc.m {
		for j := range ldc {
			x := i*ldc + j
			if j >= tc.n {
				if math.Float32bits(got[x]) != math.Float32bits(c[x]) {
					t.Fatalf("%s: %v: padding C[%d][%d] changed from %g to %g", name, tc, i, j, c[x], got[x])
				}
				continue
			}
			tol := float64(tc.k+2)*eps*float64(bound[x]) + 1e-30
			if d := math.Abs(float64(got[x] - want[x])); !(d <= tol) {
				t.Fatalf("%s: %v: C[%d][%d] = %g, want %g (tolerance %g)", name, tc, i, j, got[x], want[x], tol)
			}
		}
	}
}

func TestGemmSmall(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dims := []int{0, 1, 2, 5, 13, 33}
	for _, kn := range kernels() {
		t.Run(kn.name, func(t *testing.T) {
			for _, transA := range []bool{false, true} {
				for _, transB := range []bool{false, true} {
					for _, m := range dims {
						for _, n := range dims {
							for _, k := range dims {
								for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 0.75}, {0, 2}} {
									tc := gemmCase{transA, transB, m, n, k, ab[0], ab[1], (m + n + k) % 3, 1 + (m+n)%3}
									checkGemmCase(t, kn, tc, rng)
								}
							}
						}
					}
				}
			}
		})
	}
}

// TestGemmBlocks covers several cache blocks in each dimension and the
// shapes of the MNIST network's layers.
func TestGemmBlocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cases := []gemmCase{
		{m: 300, n: 70, k: 900, alpha: 1, beta: 0, workers: 1},
		{transA: true, m: 290, n: 66, k: 1000, alpha: 1, beta: 1, pad: 1, workers: 2},
		{transB: true, m: 77, n: 300, k: 450, alpha: 2, beta: -1, workers: 3},
		{transA: true, transB: true, m: 150, n: 140, k: 400, alpha: 1, beta: 0.5, pad: 2, workers: 2},
		{m: 3, n: 4200, k: 3, alpha: 1, beta: 0, workers: 2},
		{m: 4200, n: 3, k: 5, alpha: 1, beta: 1, workers: 2},
		{m: 2000, n: 32, k: 9, alpha: 1, beta: 0, workers: 2},                 // conv1 forward
		{m: 500, n: 64, k: 288, alpha: 1, beta: 0, workers: 2},                // conv2 forward
		{transA: true, m: 288, n: 64, k: 700, alpha: 1, beta: 0, workers: 2},  // conv2 dW
		{transB: true, m: 500, n: 288, k: 64, alpha: 1, beta: 0, workers: 2},  // conv2 dX
		{m: 64, n: 128, k: 1600, alpha: 1, beta: 0, workers: 2},               // dense1 forward
		{transA: true, m: 1600, n: 128, k: 64, alpha: 1, beta: 0, workers: 2}, // dense1 dW
		{transB: true, m: 64, n: 1600, k: 128, alpha: 1, beta: 0, workers: 2}, // dense1 dX
		{m: 64, n: 10, k: 128, alpha: 1, beta: 0, workers: 2},                 // dense2 forward
	}
	for _, kn := range kernels() {
		t.Run(kn.name, func(t *testing.T) {
			for _, tc := range cases {
				checkGemmCase(t, kn, tc, rng)
			}
		})
	}
}

func TestGemmPanics(t *testing.T) {
	a := make([]float32, 6)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"negative", func() { Gemm(1, false, false, -1, 2, 3, 1, a, 3, a, 2, 0, a, 2) }},
		{"short A", func() { Gemm(1, false, false, 3, 2, 3, 1, a, 3, a, 2, 0, a, 2) }},
		{"short C", func() { Gemm(1, false, false, 2, 2, 3, 1, a, 3, a, 2, 0, a[:3], 2) }},
		{"stride", func() { Gemm(1, true, false, 2, 2, 3, 1, a, 1, a, 2, 0, a, 2) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.f()
		})
	}
}

func TestGemmAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop buffers")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	m, n, k := 100, 60, 70
	a, b, c := randSlice(rng, m*k), randSlice(rng, k*n), make([]float32, m*n)
	Gemm(1, false, false, m, n, k, 1, a, k, b, n, 0, c, n)
	allocs := testing.AllocsPerRun(20, func() {
		Gemm(1, false, false, m, n, k, 1, a, k, b, n, 0, c, n)
	})
	if allocs != 0 {
		t.Errorf("Gemm allocates %v times per call, want 0", allocs)
	}
}

func TestPeakGFLOPS(t *testing.T) {
	p := PeakGFLOPS()
	if GemmKernel() == "go" {
		if p != 0 {
			t.Errorf("portable kernel: PeakGFLOPS() = %v, want 0", p)
		}
		return
	}
	// Any x86 core with AVX2 and FMA does at least several GFLOP/s, and
	// none does 10,000 on one core.
	if !(p > 5 && p < 10000) {
		t.Errorf("PeakGFLOPS() = %v GFLOP/s, not a plausible single-core peak", p)
	}
}
