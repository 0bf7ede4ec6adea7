package tensor

import (
	"fmt"
	"math"
)

// checkRows panics unless lenX and lenY are equal and whole rows of n
// values (none if n is 0).
func checkRows(fn string, n, lenX, lenY int) {
	if lenX != lenY || n == 0 && lenX != 0 || n != 0 && lenX%n != 0 {
		panic(fmt.Sprintf("tensor: %s: lengths %d and %d are not the same whole number of rows of %d", fn, lenX, lenY, n))
	}
}

// BiasReLU sets y = max(0, x + bias), bias added to every row: with
// n = len(bias), y[i*n+j] = max(0, x[i*n+j] + bias[j]). NaNs pass through.
// y may be x. It is the forward pass of a layer's bias and ReLU in one
// sweep over memory. It panics unless x and y have the same length, a
// multiple of n.
func BiasReLU(y, x, bias []float32) {
	n := len(bias)
	checkRows("BiasReLU", n, len(x), len(y))
	for i := 0; i < len(x); i += n {
		xr, yr := x[i:i+n], y[i:i+n]
		xr, yr = xr[:len(bias)], yr[:len(bias)]
		j := 0
		for ; j+4 <= n; j += 4 {
			// Branch-free: max(NaN, 0) is NaN.
			b, xv, yv := bias[j:j+4:j+4], xr[j:j+4:j+4], yr[j:j+4:j+4]
			yv[0] = max(xv[0]+b[0], 0)
			yv[1] = max(xv[1]+b[1], 0)
			yv[2] = max(xv[2]+b[2], 0)
			yv[3] = max(xv[3]+b[3], 0)
		}
		for ; j < n; j++ {
			yr[j] = max(xr[j]+bias[j], 0)
		}
	}
}

// AddBias sets y = x + bias, bias added to every row: with n = len(bias),
// y[i*n+j] = x[i*n+j] + bias[j]. y may be x. It panics unless x and y
// have the same length, a multiple of n.
func AddBias(y, x, bias []float32) {
	n := len(bias)
	checkRows("AddBias", n, len(x), len(y))
	for i := 0; i < len(x); i += n {
		xr, yr := x[i:i+n], y[i:i+n]
		for j, b := range bias {
			yr[j] = xr[j] + b
		}
	}
}

// ReLUBackward sets dx = dy where y > 0 and 0 elsewhere, y being the
// output of the ReLU (as BiasReLU wrote it). dx may be dy. It panics
// unless the three have the same length.
func ReLUBackward(dx, dy, y []float32) {
	if len(dx) != len(dy) || len(y) != len(dy) {
		panic(fmt.Sprintf("tensor: ReLUBackward: lengths %d, %d, %d differ", len(dx), len(dy), len(y)))
	}
	dy, dx = dy[:len(y)], dx[:len(y)]
	for i, v := range y {
		// Branch-free: y > 0 if its bits, as an unsigned number, are in
		// [1, +Inf]; a conditional move keeps or drops dy's bits.
		g := math.Float32bits(dy[i])
		if math.Float32bits(v)-1 >= 0x7f800000 {
			g = 0
		}
		dx[i] = math.Float32frombits(g)
	}
}

// SumRows sets sum[j] to the sum over rows i of x[i*n+j], n = len(sum):
// the gradient of a bias from the gradient of the layer's output. It
// panics unless len(x) is a multiple of n.
func SumRows(sum, x []float32) {
	n := len(sum)
	checkRows("SumRows", n, len(x), len(x))
	clear(sum)
	i := 0
	for ; i+4*n <= len(x); i += 4 * n {
		r0, r1, r2, r3 := x[i:i+n], x[i+n:i+2*n], x[i+2*n:i+3*n], x[i+3*n:i+4*n]
		for j := range sum {
			sum[j] += (r0[j] + r1[j]) + (r2[j] + r3[j])
		}
	}
	for ; i < len(x); i += n {
		addTo(sum, x[i:i+n])
	}
}
