package tensor_test

import (
	"fmt"

	"github.com/go-tune/tune/learn/tensor"
)

func ExampleGemm() {
	// C = A B for A 2 x 3 and B 3 x 2, row-major.
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{7, 8, 9, 10, 11, 12}
	c := make([]float32, 4)
	tensor.Gemm(1, false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	fmt.Println(c)

	// C (3 x 3) = A^T A, with A stored 2 x 3 and read transposed.
	ata := make([]float32, 9)
	tensor.Gemm(1, true, false, 3, 3, 2, 1, a, 3, a, 3, 0, ata, 3)
	fmt.Println(ata)
	// Output:
	// [58 64 139 154]
	// [17 22 27 22 29 36 27 36 45]
}

// ExampleIm2col convolves one 3 x 3 single-channel image with two 2 x 2
// filters: im2col, then one Gemm with the weights stored (KH*KW*C) x Cout.
func ExampleIm2col() {
	s := tensor.ConvShape{N: 1, H: 3, W: 3, C: 1, KH: 2, KW: 2}
	x := []float32{
		1, 2, 3,
		4, 5, 6,
		7, 8, 9,
	}
	col := make([]float32, s.ColRows()*s.ColCols())
	tensor.Im2col(1, s, x, col)
	fmt.Println(col[:4], col[4:8]) // the windows at (0, 0) and (0, 1)

	// Filter 0 sums its window, filter 1 takes its top-left value.
	w := []float32{
		1, 1,
		1, 0,
		1, 0,
		1, 0,
	}
	y := make([]float32, s.ColRows()*2) // NHWC: 1 x 2 x 2 x 2
	tensor.Gemm(1, false, false, s.ColRows(), 2, s.ColCols(), 1, col, s.ColCols(), w, 2, 0, y, 2)
	fmt.Println(y)
	// Output:
	// [1 2 4 5] [2 3 5 6]
	// [12 1 16 2 24 4 28 5]
}

// ExampleMaxPool pools a 4 x 4 single-channel image with 2 x 2 windows and
// sends a gradient back to the maxima.
func ExampleMaxPool() {
	s := tensor.PoolShape{N: 1, H: 4, W: 4, C: 1, Size: 2}
	x := []float32{
		1, 5, 2, 0,
		3, 4, 8, 1,
		0, 0, 9, 9,
		7, 0, 1, 2,
	}
	y, argmax := make([]float32, s.OutLen()), make([]int32, s.OutLen())
	tensor.MaxPool(1, s, x, y, argmax)
	fmt.Println(y, argmax)

	dx := make([]float32, len(x))
	tensor.MaxPoolBackward(1, s, []float32{1, 2, 3, 4}, argmax, dx)
	fmt.Println(dx)
	// Output:
	// [5 8 7 9] [1 6 12 10]
	// [0 1 0 0 0 0 2 0 0 0 4 0 3 0 0 0]
}
