package tpe

import "sync"

// scratch is the memory of one estimator's fit and evaluation, taken from a
// pool and given back when the suggestion is made: at a thousand trials an
// estimator needs about 100 KB, and allocating it anew for every parameter
// of every trial kept the garbage collector busy.
type scratch struct {
	f   []float64
	i   []int
	u   []uint64
	i32 []int32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch {
	sc := scratchPool.Get().(*scratch)
	sc.f, sc.i, sc.u, sc.i32 = sc.f[:0], sc.i[:0], sc.u[:0], sc.i32[:0]
	return sc
}

func (sc *scratch) release() {
	if sc != nil {
		scratchPool.Put(sc)
	}
}

// take returns n zeroed elements carved from buf (grown when full: the
// slices handed out before stay valid, in the old array).
func take[T any](buf *[]T, n int) []T {
	if len(*buf)+n > cap(*buf) {
		*buf = make([]T, 0, max(2*cap(*buf), n, 1024))
	}
	b := (*buf)[len(*buf) : len(*buf)+n : len(*buf)+n]
	*buf = (*buf)[:len(*buf)+n]
	clear(b)
	return b
}

// floats, ints, uints and int32s carve from sc, or allocate when sc is nil.
func (sc *scratch) floats(n int) []float64 {
	if sc == nil {
		return make([]float64, n)
	}
	return take(&sc.f, n)
}

func (sc *scratch) ints(n int) []int {
	if sc == nil {
		return make([]int, n)
	}
	return take(&sc.i, n)
}

func (sc *scratch) uints(n int) []uint64 {
	if sc == nil {
		return make([]uint64, n)
	}
	return take(&sc.u, n)
}

func (sc *scratch) int32s(n int) []int32 {
	if sc == nil {
		return make([]int32, n)
	}
	return take(&sc.i32, n)
}
