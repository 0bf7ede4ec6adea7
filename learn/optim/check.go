package optim

import (
	"fmt"
	"math"
)

// or returns v, d when v is 0, and 0 when v is negative: the convention
// of the fields whose default is not 0 but for which 0 is a valid value.
func or(v, d float64) float64 {
	switch {
	case v == 0:
		return d
	case v < 0:
		return 0
	}
	return v
}

// def returns v, or d when v is 0.
func def(v, d float64) float64 {
	if v == 0 {
		return d
	}
	return v
}

// orInt is or for ints.
func orInt(v, d int) int {
	switch {
	case v == 0:
		return d
	case v < 0:
		return 0
	}
	return v
}

// bound is the range of a field's resolved value: [lo, hi], open at
// either end, without NaN and infinities.
type bound struct {
	lo, hi         float64
	openLo, openHi bool
}

var (
	positive    = bound{lo: 0, hi: math.MaxFloat64, openLo: true}
	nonNegative = bound{lo: 0, hi: math.MaxFloat64}
	unitOpen    = bound{lo: 0, hi: 1, openHi: true}               // [0, 1)
	unitClosed  = bound{lo: 0, hi: 1}                             // [0, 1]
	unitInside  = bound{lo: 0, hi: 1, openLo: true, openHi: true} // (0, 1)
	unitHalf    = bound{lo: 0, hi: 1, openLo: true}               // (0, 1]
)

func (b bound) String() string {
	if b.hi == math.MaxFloat64 {
		if b.openLo {
			return "positive and finite"
		}
		return "finite and not negative"
	}
	l, r := "[", "]"
	if b.openLo {
		l = "("
	}
	if b.openHi {
		r = ")"
	}
	return fmt.Sprintf("in %s%v, %v%s", l, b.lo, b.hi, r)
}

func (b bound) holds(v float64) bool {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return false
	case v < b.lo || v == b.lo && b.openLo:
		return false
	case v > b.hi || v == b.hi && b.openHi:
		return false
	}
	return true
}

// checker collects the first field that is out of its bounds.
type checker struct {
	kind string
	err  error
}

// check records an error naming kind.name when v, the field's resolved
// value, is out of b; given is the value that the field held.
func (c *checker) check(name string, given, v float64, b bound) {
	if c.err == nil && !b.holds(v) {
		c.err = fmt.Errorf("optim: %s.%s is %v; it must be %v", c.kind, name, given, b)
	}
}

// checkInt records an error when v is below lo (0 or 1).
func (c *checker) checkInt(name string, v, lo int) {
	if c.err == nil && v < lo {
		must := "not be negative"
		if lo > 0 {
			must = "be positive"
		}
		c.err = fmt.Errorf("optim: %s.%s is %d; it must %s", c.kind, name, v, must)
	}
}

// fail records err unless one was recorded already.
func (c *checker) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("optim: %s."+format, append([]any{c.kind}, args...)...)
	}
}
