package tensor

import "fmt"

func checkSameLen(fn string, a, b int) {
	if a != b {
		panic(fmt.Sprintf("tensor: %s: lengths %d and %d differ", fn, a, b))
	}
}

// Add sets dst[i] = a[i] + b[i]. dst may be a or b. It panics unless the
// three have the same length.
func Add(dst, a, b []float32) {
	checkSameLen("Add", len(dst), len(a))
	checkSameLen("Add", len(dst), len(b))
	a, b = a[:len(dst)], b[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d, x, y := dst[i:i+4:i+4], a[i:i+4:i+4], b[i:i+4:i+4]
		d[0] = x[0] + y[0]
		d[1] = x[1] + y[1]
		d[2] = x[2] + y[2]
		d[3] = x[3] + y[3]
	}
	for ; i < len(dst); i++ {
		dst[i] = a[i] + b[i]
	}
}

// Scale sets x[i] = alpha x[i].
func Scale(alpha float32, x []float32) {
	i := 0
	for ; i+4 <= len(x); i += 4 {
		d := x[i : i+4 : i+4]
		d[0] *= alpha
		d[1] *= alpha
		d[2] *= alpha
		d[3] *= alpha
	}
	for ; i < len(x); i++ {
		x[i] *= alpha
	}
}

// Axpy sets y[i] += alpha x[i]. It panics unless x and y have the same
// length.
func Axpy(alpha float32, x, y []float32) {
	checkSameLen("Axpy", len(x), len(y))
	x = x[:len(y)]
	i := 0
	for ; i+4 <= len(y); i += 4 {
		d, s := y[i:i+4:i+4], x[i:i+4:i+4]
		d[0] += alpha * s[0]
		d[1] += alpha * s[1]
		d[2] += alpha * s[2]
		d[3] += alpha * s[3]
	}
	for ; i < len(y); i++ {
		y[i] += alpha * x[i]
	}
}
