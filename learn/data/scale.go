package data

import (
	"fmt"
	"math"
)

// StandardScaler standardises features to zero mean and unit variance,
// per feature, as scikit-learn's StandardScaler does: Fit learns the mean
// and the population standard deviation (ddof 0) of each feature on the
// training set, Transform maps x to (x - Mean) / Scale. A feature whose
// standard deviation is zero (or below 10 machine epsilons, as
// scikit-learn's guard) gets Scale 1, so that it becomes 0 rather than
// NaN.
//
// The fields are exported so that a fitted scaler can be stored (as JSON,
// say) and used again. NaN values are not skipped: they make their
// feature's statistics NaN.
type StandardScaler struct {
	Mean  []float64 // per feature
	Scale []float64 // per feature; never 0
}

// Fit learns the per-feature mean and standard deviation of x, row-major
// with dim features per row, computed in float64 in two passes. It panics
// if dim is not positive or len(x) is not a positive multiple of dim.
func (s *StandardScaler) Fit(x []float32, dim int) {
	n := checkRows("StandardScaler.Fit", x, dim)
	s.Mean = make([]float64, dim)
	s.Scale = make([]float64, dim)
	for i := 0; i < n; i++ {
		for j, v := range x[i*dim : (i+1)*dim] {
			s.Mean[j] += float64(v)
		}
	}
	for j := range s.Mean {
		s.Mean[j] /= float64(n)
	}
	for i := 0; i < n; i++ {
		for j, v := range x[i*dim : (i+1)*dim] {
			d := float64(v) - s.Mean[j]
			s.Scale[j] += d * d
		}
	}
	for j := range s.Scale {
		s.Scale[j] = guardScale(math.Sqrt(s.Scale[j] / float64(n)))
	}
}

// Transform standardises x in place, row-major with as many features per
// row as the scaler was fitted on. It panics if the scaler is not fitted
// or len(x) is not a multiple of its feature count.
func (s *StandardScaler) Transform(x []float32) {
	dim := len(s.Mean)
	checkRowsFitted("StandardScaler.Transform", x, dim)
	for i := 0; i < len(x); i += dim {
		for j := range dim {
			x[i+j] = float32((float64(x[i+j]) - s.Mean[j]) / s.Scale[j])
		}
	}
}

// InverseTransform undoes Transform in place: x·Scale + Mean. It panics as
// Transform does.
func (s *StandardScaler) InverseTransform(x []float32) {
	dim := len(s.Mean)
	checkRowsFitted("StandardScaler.InverseTransform", x, dim)
	for i := 0; i < len(x); i += dim {
		for j := range dim {
			x[i+j] = float32(float64(x[i+j])*s.Scale[j] + s.Mean[j])
		}
	}
}

// MinMaxScaler maps each feature linearly onto [Low, High], as
// scikit-learn's MinMaxScaler does: Fit learns each feature's minimum and
// maximum on the training set, Transform maps the minimum to Low and the
// maximum to High. Values outside the fitted range map outside [Low,
// High]; they are not clipped. A constant feature maps to Low.
//
// Low and High are set before Fit; both zero means [0, 1].
type MinMaxScaler struct {
	Low, High float64   // the target range; both 0 means [0, 1]
	Min, Max  []float64 // per feature, learned by Fit
}

// Fit learns the per-feature minimum and maximum of x, row-major with dim
// features per row. It panics if dim is not positive, len(x) is not a
// positive multiple of dim, or Low > High.
func (s *MinMaxScaler) Fit(x []float32, dim int) {
	n := checkRows("MinMaxScaler.Fit", x, dim)
	if s.Low > s.High {
		panic(fmt.Sprintf("data: MinMaxScaler.Fit: Low %v > High %v", s.Low, s.High))
	}
	s.Min = make([]float64, dim)
	s.Max = make([]float64, dim)
	for j := range dim {
		s.Min[j], s.Max[j] = math.Inf(1), math.Inf(-1)
	}
	for i := 0; i < n; i++ {
		for j, v := range x[i*dim : (i+1)*dim] {
			s.Min[j] = min(s.Min[j], float64(v))
			s.Max[j] = max(s.Max[j], float64(v))
		}
	}
}

// scaleShift returns the factor and offset that map feature j: x·a + b.
func (s *MinMaxScaler) scaleShift(j int) (a, b float64) {
	lo, hi := s.Low, s.High
	if lo == 0 && hi == 0 {
		hi = 1
	}
	a = (hi - lo) / guardScale(s.Max[j]-s.Min[j])
	return a, lo - s.Min[j]*a
}

// Transform scales x in place, row-major with as many features per row as
// the scaler was fitted on. It panics if the scaler is not fitted or
// len(x) is not a multiple of its feature count.
func (s *MinMaxScaler) Transform(x []float32) {
	dim := len(s.Min)
	checkRowsFitted("MinMaxScaler.Transform", x, dim)
	for j := range dim {
		a, b := s.scaleShift(j)
		for i := j; i < len(x); i += dim {
			x[i] = float32(float64(x[i])*a + b)
		}
	}
}

// InverseTransform undoes Transform in place. It panics as Transform does.
func (s *MinMaxScaler) InverseTransform(x []float32) {
	dim := len(s.Min)
	checkRowsFitted("MinMaxScaler.InverseTransform", x, dim)
	for j := range dim {
		a, b := s.scaleShift(j)
		for i := j; i < len(x); i += dim {
			x[i] = float32((float64(x[i]) - b) / a)
		}
	}
}

// guardScale returns 1 for a scale too small to divide by, as
// scikit-learn's _handle_zeros_in_scale does.
func guardScale(s float64) float64 {
	if s < 10*0x1p-52 {
		return 1
	}
	return s
}

func checkRows(op string, x []float32, dim int) int {
	if dim <= 0 || len(x) == 0 || len(x)%dim != 0 {
		panic(fmt.Sprintf("data: %s: %d values do not make rows of %d features", op, len(x), dim))
	}
	return len(x) / dim
}

func checkRowsFitted(op string, x []float32, dim int) {
	if dim == 0 {
		panic(fmt.Sprintf("data: %s before Fit", op))
	}
	if len(x)%dim != 0 {
		panic(fmt.Sprintf("data: %s: %d values do not make rows of the %d fitted features", op, len(x), dim))
	}
}
