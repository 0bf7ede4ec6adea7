package qmc

import (
	_ "embed"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"sync"
)

// SobolBits is the number of bits of Sobol's points: point i is an integer
// multiple of 2^-SobolBits, exact in a float64, and indices are taken modulo
// 2^SobolBits. (scipy's default is 30 bits; its unscrambled points are the
// same as ours for every index below 2^30.)
const SobolBits = 52

// Sobol is the Sobol' sequence in base 2 with Joe and Kuo's direction
// numbers, in the Gray-code order that scipy.stats.qmc.Sobol uses: the first
// point is the origin (it is not skipped, as in scipy), and the first 2^k
// points of every dimension put exactly one point in each interval
// [j/2^k, (j+1)/2^k).
//
// A scrambled Sobol applies linear matrix scrambling and a digital shift
// (LMS+shift, Matoušek 1998), as scipy does: each dimension's generator
// matrix is multiplied by a random lower-triangular binary matrix with a unit
// diagonal, and the point's bits are XORed with a random shift. This keeps
// the stratification above while removing the origin and the regular
// structure of the unscrambled points. The random bits are not scipy's.
type Sobol struct {
	v     [][SobolBits]uint64 // v[j][k]: direction number k of dimension j, as a SobolBits-bit integer
	shift []uint64
}

var _ Sequence = (*Sobol)(nil)

//go:embed directions.txt
var directionsText string

// direction is one line of Joe and Kuo's table: a primitive polynomial of
// degree s with interior coefficients a, and its initial numbers m.
type direction struct {
	s int
	a uint64
	m []uint64
}

// directions parses the embedded table once; entry j is dimension j+2.
var directions = sync.OnceValues(func() ([]direction, error) {
	var dirs []direction
	for line := range strings.Lines(directionsText) {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		n := make([]uint64, len(f))
		for i, s := range f {
			x, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("qmc: direction numbers: %w", err)
			}
			n[i] = x
		}
		if len(n) < 3 || int(n[0]) != len(dirs)+2 || int(n[1]) != len(n)-3 {
			return nil, fmt.Errorf("qmc: direction numbers: bad line %q", line)
		}
		dirs = append(dirs, direction{s: int(n[1]), a: n[2], m: n[3:]})
	}
	return dirs, nil
})

// NewSobol returns the Sobol' sequence in d dimensions, 1 <= d <= MaxDim,
// unscrambled, or scrambled when scramble is true with randomness drawn from
// seed (the same seed gives the same sequence).
func NewSobol(d int, scramble bool, seed uint64) (*Sobol, error) {
	if d < 1 || d > MaxDim {
		return nil, fmt.Errorf("%w: Sobol needs 1 to %d dimensions, not %d", ErrDimension, MaxDim, d)
	}
	dirs, err := directions()
	if err != nil {
		return nil, err
	}
	s := &Sobol{v: make([][SobolBits]uint64, d), shift: make([]uint64, d)}
	for j := range d {
		m := sobolNumbers(j, dirs)
		for k := range m {
			s.v[j][k] = m[k] << (SobolBits - 1 - k)
		}
		if scramble {
			s.shift[j] = lms(&s.v[j], dimRand(seed, j))
		}
	}
	return s, nil
}

// sobolNumbers returns the numbers m_1, ..., m_SobolBits of dimension j
// (0-based), from Joe and Kuo's recurrence
// m_k = 2 a_1 m_{k-1} ^ 4 a_2 m_{k-2} ^ ... ^ 2^s m_{k-s} ^ m_{k-s}.
func sobolNumbers(j int, dirs []direction) [SobolBits]uint64 {
	var m [SobolBits]uint64
	if j == 0 {
		for k := range m {
			m[k] = 1
		}
		return m
	}
	dir := dirs[j-1]
	copy(m[:], dir.m)
	for k := dir.s; k < SobolBits; k++ {
		x := m[k-dir.s] ^ m[k-dir.s]<<dir.s
		for i := 1; i < dir.s; i++ {
			if dir.a>>(dir.s-1-i)&1 == 1 {
				x ^= m[k-i] << i
			}
		}
		m[k] = x
	}
	return m
}

// lms scrambles the direction numbers v of one dimension in place with a
// random lower-triangular binary matrix with a unit diagonal, and returns a
// random digital shift. Output bit b (b = SobolBits-1 is the most significant
// digit) is the parity of the input bits selected by row b of the matrix:
// bit b itself and a random subset of the more significant ones.
func lms(v *[SobolBits]uint64, rng interface{ Uint64() uint64 }) uint64 {
	const mask = 1<<SobolBits - 1
	var rows [SobolBits]uint64
	for b := range rows {
		above := uint64(mask) &^ (uint64(1)<<(b+1) - 1)
		rows[b] = uint64(1)<<b | rng.Uint64()&above
	}
	for k, x := range v {
		var y uint64
		for b, row := range rows {
			y |= uint64(bits.OnesCount64(row&x)&1) << b
		}
		v[k] = y
	}
	return rng.Uint64() & mask
}

// Dim implements Sequence.
func (s *Sobol) Dim() int { return len(s.v) }

// Point implements Sequence: point i is the XOR of the direction numbers
// selected by the bits of the Gray code of i (modulo 2^SobolBits), which is
// where scipy's Sobol lands after fast_forward(i).
func (s *Sobol) Point(i uint64, dst []float64) []float64 {
	g := i ^ i>>1
	for j := range s.v {
		x := s.shift[j]
		for h := g & (1<<SobolBits - 1); h != 0; h &= h - 1 {
			x ^= s.v[j][bits.TrailingZeros64(h)]
		}
		dst[j] = float64(x) * (1.0 / (1 << SobolBits))
	}
	return dst
}
