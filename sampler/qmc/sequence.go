package qmc

import (
	"errors"
	"math/rand/v2"
)

// MaxDim is the largest dimension that Sobol and Halton support: the package
// embeds Joe and Kuo's direction numbers up to this dimension.
const MaxDim = 1111

// ErrDimension is wrapped by the errors about a dimension that is not in
// 1..MaxDim.
var ErrDimension = errors.New("qmc: unsupported dimension")

// Sequence is a low-discrepancy sequence of points in the unit cube
// [0, 1)^d. Sobol and Halton implement it. A Sequence is immutable after
// construction and safe for concurrent use.
type Sequence interface {
	// Dim returns d, the number of coordinates of each point.
	Dim() int
	// Point writes point i of the sequence (0, 1, 2, ...) into dst, which
	// must have length Dim, and returns dst. Every coordinate is in [0, 1).
	Point(i uint64, dst []float64) []float64
}

// dimRand returns the random source that scrambles dimension j for seed: each
// dimension has its own stream, so that the sequence of dimension d is the
// first d coordinates of the sequence of any higher dimension with the same
// seed.
func dimRand(seed uint64, j int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(j)))
}
