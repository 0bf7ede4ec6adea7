// Package tensor holds float32 tensors and the kernels that the layers of
// learn/nn need: matrix multiplication (Gemm), im2col and col2im for
// convolutions, max-pooling, bias and ReLU, and element-wise operations.
// The kernels take and return plain slices.
//
// Kernels take a workers count, the goroutines they may use (0 or 1: the
// calling one only), instead of reading GOMAXPROCS, so that several models
// trained at once can share the cores without oversubscribing them.
//
// # Layout
//
// Matrices are row-major. Images are NHWC (channel fastest), so that a
// convolution is one Gemm: Im2col turns the batch into a matrix with one
// row per output pixel and KH*KW*C columns, which times the weights stored
// (KH*KW*C) x Cout gives the output batch, NHWC again (see ConvShape).
//
// # Speed
//
// Gemm follows GotoBLAS: cache blocks, packed panels where packing pays,
// and a register-blocked micro-kernel, in assembly on amd64 (12 x 32 on
// AVX-512, 6 x 16 on AVX2 with FMA, chosen at start-up) and in Go
// elsewhere or with the purego build tag. On an AMD Zen 5 core it reaches
// 75-90% of the FMA peak on the MNIST network's large products, for all
// four transpose combinations; a transposed B costs a packing pass, so it
// is slowest where A has few rows.
//
// Starting a helper goroutine on an idle core takes tens of microseconds
// (on a virtual machine, 50-100), so parallel kernels pay only for work of
// a millisecond or more; for small networks, running the shards of a batch
// on separate goroutines with workers = 1 amortizes that start over a
// whole step. For the same reason of memory traffic, convolving a batch in
// chunks of a few images keeps the im2col matrix in L2 between Im2col and
// Gemm.
package tensor
