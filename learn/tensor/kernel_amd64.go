//go:build amd64 && !purego

package tensor

import "golang.org/x/sys/cpu"

//go:generate go run gen_amd64.go

// kernAVX512 and kernAVX2 are the micro-kernels of gemm_amd64.s, written by
// gen_amd64.go: 12 x 32 on zmm registers and 6 x 16 on ymm ones, with the
// contract of microKernel.fn.

//go:noescape
func kernAVX512(k int, a *float32, rsa, csa int, b *float32, csb int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kernAVX2(k int, a *float32, rsa, csa int, b *float32, csb int, c *float32, ldc int, alpha, beta float32)

// transpose8x8 transposes 8 x 8 blocks with AVX: for b < blocks and
// i, j < 8, dst[(8b+i)*ldd + j] = src[j*lds + 8b+i].
//
//go:noescape
func transpose8x8(blocks int, src *float32, lds int, dst *float32, ldd int)

var hasAVX = cpu.X86.HasAVX

// transpose8 sets dst[p*ldd+j] = src[j*lds+p] for j < 8 and p < 8*blocks,
// with AVX, and reports whether it did; without AVX it does nothing.
func transpose8(dst []float32, ldd int, src []float32, lds, blocks int) bool {
	if !hasAVX || blocks == 0 {
		return false
	}
	_ = src[7*lds+8*blocks-1]
	_ = dst[(8*blocks-1)*ldd+7]
	transpose8x8(blocks, &src[0], lds, &dst[0], ldd)
	return true
}

// fmaPeakAVX512 and fmaPeakAVX2 run n trips of 12 independent FMAs, on zmm
// or ymm registers; they measure the core's FMA throughput.

//go:noescape
func fmaPeakAVX512(n int)

//go:noescape
func fmaPeakAVX2(n int)

var (
	avx512Kernel = microKernel{name: "avx512", mr: 12, nr: 32, mc: 144, kc: 384, nc: 4096, fn: func(k int, a []float32, rsa, csa int, b []float32, csb int, c []float32, ldc int, alpha, beta float32) {
		kernAVX512(k, &a[0], rsa, csa, &b[0], csb, &c[0], ldc, alpha, beta)
	}, peak: fmaPeakAVX512, peakFlops: 12 * 16 * 2}
	avx2Kernel = microKernel{name: "avx2", mr: 6, nr: 16, mc: 144, kc: 384, nc: 4096, fn: func(k int, a []float32, rsa, csa int, b []float32, csb int, c []float32, ldc int, alpha, beta float32) {
		kernAVX2(k, &a[0], rsa, csa, &b[0], csb, &c[0], ldc, alpha, beta)
	}, peak: fmaPeakAVX2, peakFlops: 12 * 8 * 2}
)

// kernels returns the micro-kernels this CPU runs, fastest first.
func kernels() []*microKernel {
	var ks []*microKernel
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL {
		ks = append(ks, &avx512Kernel)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, &avx2Kernel)
	}
	return append(ks, &goKernel)
}
