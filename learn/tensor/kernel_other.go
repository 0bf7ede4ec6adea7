//go:build !amd64 || purego

package tensor

// kernels returns the micro-kernels this build runs, fastest first.
func kernels() []*microKernel { return []*microKernel{&goKernel} }

// transpose8 is the AVX transpose of kernel_amd64.go, absent here: it
// reports that it did nothing.
func transpose8(dst []float32, ldd int, src []float32, lds, blocks int) bool { return false }
