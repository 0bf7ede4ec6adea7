package qmc

import (
	"fmt"
	"math"
)

// Halton is the Halton sequence: coordinate j of point i is the radical
// inverse of i in the (j+1)-th prime, as in scipy.stats.qmc.Halton, whose
// first point is the origin.
//
// A scrambled Halton permutes the digits, as scipy's scrambled Halton does
// (Owen 2017): each base b has ceil(54/log2 b)-1 random permutations of
// 0..b-1, the k-th applied to the k-th digit of i, leading zeros included, so
// that the points fill [0, 1) rather than a grid. Its permutations take
// 2 bytes per base per digit: some 37 MB at MaxDim dimensions, 13 KB at
// 20. The random permutations are not scipy's.
type Halton struct {
	bases []uint64
	// perms[j], when scrambled, holds digit k's permutation at
	// perms[j][k*b : (k+1)*b], b = bases[j].
	perms [][]uint16
}

var _ Sequence = (*Halton)(nil)

// NewHalton returns the Halton sequence in d dimensions, 1 <= d <= MaxDim,
// unscrambled, or scrambled when scramble is true with randomness drawn from
// seed (the same seed gives the same sequence).
func NewHalton(d int, scramble bool, seed uint64) (*Halton, error) {
	if d < 1 || d > MaxDim {
		return nil, fmt.Errorf("%w: Halton needs 1 to %d dimensions, not %d", ErrDimension, MaxDim, d)
	}
	h := &Halton{bases: primes(d)}
	if !scramble {
		return h, nil
	}
	h.perms = make([][]uint16, d)
	for j, b := range h.bases {
		digits := int(math.Ceil(54/math.Log2(float64(b)))) - 1
		perm := make([]uint16, digits*int(b))
		rng := dimRand(seed, j)
		for k := range digits {
			p := perm[k*int(b) : (k+1)*int(b)]
			for i := range p {
				p[i] = uint16(i)
			}
			rng.Shuffle(len(p), func(x, y int) { p[x], p[y] = p[y], p[x] })
		}
		h.perms[j] = perm
	}
	return h, nil
}

// primes returns the first n primes.
func primes(n int) []uint64 {
	ps := make([]uint64, 0, n)
	for c := uint64(2); len(ps) < n; c++ {
		prime := true
		for _, p := range ps {
			if p*p > c {
				break
			}
			if c%p == 0 {
				prime = false
				break
			}
		}
		if prime {
			ps = append(ps, c)
		}
	}
	return ps
}

// Dim implements Sequence.
func (h *Halton) Dim() int { return len(h.bases) }

// Point implements Sequence. The digits are summed in scipy's order, so that
// unscrambled points are scipy's to the last bit.
func (h *Halton) Point(i uint64, dst []float64) []float64 {
	for j, b := range h.bases {
		x, scale := 0.0, 1/float64(b)
		if h.perms == nil {
			for q := i; q > 0; q /= b {
				x += float64(q%b) * scale
				scale /= float64(b)
			}
		} else {
			perm, q := h.perms[j], i
			for k := 0; k < len(perm); k += int(b) {
				x += float64(perm[k+int(q%b)]) * scale
				scale /= float64(b)
				q /= b
			}
			// The digits of 1 - b^-digits may round up to 1.
			x = min(x, math.Nextafter(1, 0))
		}
		dst[j] = x
	}
	return dst
}
