package tensor

// microKernel is a register-blocked GEMM micro-kernel. fn computes one
// mr x nr tile c = alpha A B + beta c (alpha A B if beta == 0; NaNs in c do
// not propagate), where A[i][p] is a[i*rsa+p*csa] (i < mr, p < k), B[p][j]
// is b[p*csb+j] (j < nr) and c has row stride ldc. A packed panel of A has
// rsa 1 and csa mr, one of B csb nr; the strides also let fn read A and B
// where they lie. k is positive and the slices hold every value read.
//
// mc, kc and nc are the cache blocks Gemm cuts the product into: the rows
// of A, the depth, and the columns of B it multiplies at a time.
// peak, if not nil, runs n trips of peakFlops floating-point operations of
// independent FMAs on the kernel's registers, for measuring the core's peak.
type microKernel struct {
	name       string
	mr, nr     int
	mc, kc, nc int
	fn         func(k int, a []float32, rsa, csa int, b []float32, csb int, c []float32, ldc int, alpha, beta float32)
	peak       func(n int)
	peakFlops  int
}

// goKernel is the portable micro-kernel: a 4 x 4 tile in sixteen scalar
// accumulators.
var goKernel = microKernel{name: "go", mr: 4, nr: 4, mc: 128, kc: 256, nc: 1024, fn: kernGo}

func kernGo(k int, a []float32, rsa, csa int, b []float32, csb int, c []float32, ldc int, alpha, beta float32) {
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	var c20, c21, c22, c23 float32
	var c30, c31, c32, c33 float32
	pa, pb := 0, 0
	for range k {
		bp := b[pb : pb+4 : pb+4]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		a0 := a[pa]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := a[pa+rsa]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a2 := a[pa+2*rsa]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		a3 := a[pa+3*rsa]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
		pa += csa
		pb += csb
	}
	storeRow4(c[0:4:4], c00, c01, c02, c03, alpha, beta)
	storeRow4(c[ldc:ldc+4:ldc+4], c10, c11, c12, c13, alpha, beta)
	storeRow4(c[2*ldc:2*ldc+4:2*ldc+4], c20, c21, c22, c23, alpha, beta)
	storeRow4(c[3*ldc:3*ldc+4:3*ldc+4], c30, c31, c32, c33, alpha, beta)
}

func storeRow4(c []float32, v0, v1, v2, v3, alpha, beta float32) {
	if alpha != 1 {
		v0, v1, v2, v3 = alpha*v0, alpha*v1, alpha*v2, alpha*v3
	}
	if beta == 0 {
		c[0], c[1], c[2], c[3] = v0, v1, v2, v3
		return
	}
	c[0] = v0 + beta*c[0]
	c[1] = v1 + beta*c[1]
	c[2] = v2 + beta*c[2]
	c[3] = v3 + beta*c[3]
}
