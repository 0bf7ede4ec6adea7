package optim

import (
	"fmt"
	"math"
)

// ClipGradNorm scales the gradients of params, all together, so that
// their normType-norm (as if they were one vector) is at most maxNorm, and
// returns their norm before clipping: PyTorch's clip_grad_norm_. The
// gradients are multiplied by min(1, maxNorm/(norm + 1e-6)), in float32;
// the norms are summed in float64. normType is p > 0 for the p-norm (2 is
// the usual), or math.Inf(1) for the largest absolute value. A NaN or
// infinite norm makes the gradients NaN, as in PyTorch (whose
// error_if_nonfinite is off by default); the fit loop may check the
// returned norm.
//
// ClipGradNorm panics if maxNorm is negative or NaN, or if normType is not
// positive.
func ClipGradNorm(params []Param, maxNorm, normType float64) float64 {
	if !(maxNorm >= 0) {
		panic(fmt.Sprintf("optim: ClipGradNorm with maxNorm %v", maxNorm))
	}
	if !(normType > 0) {
		panic(fmt.Sprintf("optim: ClipGradNorm with normType %v", normType))
	}
	if len(params) == 0 {
		return 0
	}
	// As PyTorch, the norm of the params' norms (each rounded to float32).
	norms := make([]float32, len(params))
	for i, p := range params {
		norms[i] = pnorm(p.Grad, normType)
	}
	total := pnorm(norms, normType)
	// clip_coef = max_norm / (total_norm + 1e-6), with the float32 tensor
	// total_norm: Tensor.__rtruediv__, a reciprocal and a product.
	coef := float32(maxNorm) * (1 / (total + float32(1e-6)))
	if coef > 1 { // torch.clamp(max=1.0) keeps NaN
		coef = 1
	}
	for _, p := range params {
		for j := range p.Grad {
			p.Grad[j] *= coef
		}
	}
	return float64(total)
}

// pnorm returns the p-norm of g, accumulated in float64 and rounded to
// float32.
func pnorm(g []float32, p float64) float32 {
	switch {
	case math.IsInf(p, 1):
		var m float32
		for _, v := range g {
			a := float32(math.Abs(float64(v)))
			if a > m || a != a {
				m = a
			}
			if m != m {
				break
			}
		}
		return m
	case p == 2:
		var s float64
		for _, v := range g {
			s += float64(v) * float64(v)
		}
		return float32(math.Sqrt(s))
	case p == 1:
		var s float64
		for _, v := range g {
			s += math.Abs(float64(v))
		}
		return float32(s)
	}
	var s float64
	for _, v := range g {
		s += math.Pow(math.Abs(float64(v)), p)
	}
	return float32(math.Pow(s, 1/p))
}

// ClipGradValue clamps every gradient of params into [-v, v]: PyTorch's
// clip_grad_value_. It panics if v is negative or NaN.
func ClipGradValue(params []Param, v float64) {
	if !(v >= 0) {
		panic(fmt.Sprintf("optim: ClipGradValue with v %v", v))
	}
	hi := float32(v)
	for _, p := range params {
		for j, g := range p.Grad {
			// torch.clamp keeps NaN.
			if g > hi {
				p.Grad[j] = hi
			} else if g < -hi {
				p.Grad[j] = -hi
			}
		}
	}
}
