package nsga2

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler/samplertest"
)

func mean(xs [][]float64) []float64 {
	m := make([]float64, len(xs[0]))
	for _, x := range xs {
		for i := range m {
			m[i] += x[i] / float64(len(xs))
		}
	}
	return m
}

// children returns n children of parents by crossover name, checking that
// each is finite and has one value per coordinate.
func children(t *testing.T, name string, p xparams, parents [][]float64, lo, hi []float64, n int) [][]float64 {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([][]float64, n)
	for k := range out {
		c := cross(name, p, parents, lo, hi, rng)
		if len(c) != len(lo) {
			t.Fatalf("%s: child %v has %d values, want %d", name, c, len(c), len(lo))
		}
		for _, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s: child %v", name, c)
			}
		}
		out[k] = c
	}
	return out
}

var defaults = xparams{swap: 0.5, alpha: 0.5, eta: 20, sigmaXi: 0.5, sigmaEta: 0.35 / math.Sqrt(3), epsilon: math.Sqrt(5)}

func TestUniformTakesParentValues(t *testing.T) {
	parents := [][]float64{{0, 1, 2}, {10, 11, 12}}
	lo, hi := []float64{-100, -100, -100}, []float64{100, 100, 100}
	var first int
	cs := children(t, Uniform, defaults, parents, lo, hi, 2000)
	for _, c := range cs {
		for i, v := range c {
			switch v {
			case parents[0][i]:
				first++
			case parents[1][i]:
			default:
				t.Fatalf("child %v: %v is neither parent's", c, v)
			}
		}
	}
	if f := float64(first) / 6000; math.Abs(f-0.5) > 0.03 {
		t.Errorf("first parent's share %.3f, want 0.5", f)
	}
	p := defaults
	p.swap = 0
	for _, c := range children(t, Uniform, p, parents, lo, hi, 10) {
		if c[0] != 10 || c[1] != 11 || c[2] != 12 {
			t.Fatalf("swap 0: child %v is not the last parent", c)
		}
	}
}

func TestBLXAlphaRange(t *testing.T) {
	parents := [][]float64{{0, 5, 1}, {4, 5, -1}}
	lo, hi := []float64{-100, -100, -100}, []float64{100, 100, 100}
	cs := children(t, BLXAlpha, defaults, parents, lo, hi, 4000)
	// [min - α d, max + α d] with d = max - min: [-2, 6], [5, 5], [-2, 2].
	want := [][2]float64{{-2, 6}, {5, 5}, {-2, 2}}
	gotLo, gotHi := []float64{math.Inf(1), math.Inf(1), math.Inf(1)}, []float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
	for _, c := range cs {
		for i, v := range c {
			if v < want[i][0] || v > want[i][1] {
				t.Fatalf("child %v outside %v", c, want)
			}
			gotLo[i], gotHi[i] = min(gotLo[i], v), max(gotHi[i], v)
		}
	}
	// Uniform on the range: it is nearly covered, and centred.
	for i := range want {
		if gotLo[i]-want[i][0] > 0.05 || want[i][1]-gotHi[i] > 0.05 {
			t.Errorf("coordinate %d spans [%v, %v], want about %v", i, gotLo[i], gotHi[i], want[i])
		}
	}
	m := mean(cs)
	for i, w := range []float64{2, 5, 0} {
		if math.Abs(m[i]-w) > 0.1 {
			t.Errorf("mean %v, want (2, 5, 0)", m)
		}
	}
}

// TestMeanPreserving: with bounds far away, SBX and UNDX children average
// the parents' midpoint, and SPX children their centroid, within four
// standard errors. (vSBX, as Optuna's, is not symmetric in its parents.)
func TestMeanPreserving(t *testing.T) {
	p2 := [][]float64{{1, -2, 3}, {2, 2, 3.5}}
	p3 := [][]float64{{1, -2, 3}, {2, 2, 3.5}, {0, 1, 2}}
	lo, hi := []float64{-1e3, -1e3, -1e3}, []float64{1e3, 1e3, 1e3}
	for _, c := range []struct {
		name    string
		parents [][]float64
		eta     float64
	}{
		{SBX, p2, 20}, {SBX, p2, 2}, {UNDX, p3, 0}, {SPX, p3, 0},
	} {
		p := defaults
		p.eta = c.eta
		const n = 20000
		cs := children(t, c.name, p, c.parents, lo, hi, n)
		m := mean(cs)
		want := mean(c.parents[:2])
		if c.name == SPX {
			want = mean(c.parents)
		}
		for i := range m {
			var ss float64
			for _, x := range cs {
				ss += (x[i] - m[i]) * (x[i] - m[i])
			}
			if se := math.Sqrt(ss/n) / math.Sqrt(n); math.Abs(m[i]-want[i]) > 4*se+1e-12 {
				t.Errorf("%s eta %v: mean %v, want %v", c.name, c.eta, m, want)
				break
			}
		}
	}
}

// TestNearParents: with a large eta, SBX and vSBX children are close to a
// parent.
func TestNearParents(t *testing.T) {
	parents := [][]float64{{0.01, 0.5}, {0.02, 0.99}}
	lo, hi := []float64{0, 0}, []float64{1, 1}
	p := defaults
	p.eta = 1e6
	for _, x := range []string{SBX, VSBX} {
		for _, c := range children(t, x, p, parents, lo, hi, 1000) {
			for i, v := range c {
				if math.Abs(v-parents[0][i]) > 1e-3 && math.Abs(v-parents[1][i]) > 1e-3 {
					t.Fatalf("%s, eta 1e6: child %v far from both parents %v", x, c, parents)
				}
			}
		}
	}
}

// TestSBXBounds: SBX children stay within the bounds.
func TestSBXBounds(t *testing.T) {
	parents := [][]float64{{0.01, 0.5}, {0.02, 0.99}}
	lo, hi := []float64{0, 0}, []float64{1, 1}
	for _, c := range children(t, SBX, defaults, parents, lo, hi, 5000) {
		for i, v := range c {
			if v < lo[i]-1e-9 || v > hi[i]+1e-9 {
				t.Fatalf("child %v outside [0, 1]²", c)
			}
		}
	}
}

// TestSPXInSimplex: in 2-D, SPX children lie in the parents' triangle
// expanded by epsilon about its centroid.
func TestSPXInSimplex(t *testing.T) {
	parents := [][]float64{{0, 0}, {1, 0}, {0, 1}}
	lo, hi := []float64{-10, -10}, []float64{10, 10}
	p := defaults
	p.epsilon = 1
	for _, c := range children(t, SPX, p, parents, lo, hi, 3000) {
		if c[0] < -1e-12 || c[1] < -1e-12 || c[0]+c[1] > 1+1e-12 {
			t.Fatalf("epsilon 1: child %v outside the parents' triangle", c)
		}
	}
}

// TestUNDXDegenerate: identical parents, or one coordinate, give the
// midpoint plus steps, never NaN.
func TestUNDXDegenerate(t *testing.T) {
	for _, parents := range [][][]float64{
		{{1, 1}, {1, 1}, {1, 1}},
		{{0, 0, 0}, {0, 1, 0}, {0, 2, 0}},
		{{0.3}, {0.7}, {0.1}},
	} {
		n := len(parents[0])
		lo, hi := make([]float64, n), make([]float64, n)
		children(t, UNDX, defaults, parents, lo, hi, 100)
	}
}

func TestOrthoBasis(t *testing.T) {
	for _, e := range [][]float64{{0, 0, 0}, {0, 1, 0}, {0.6, 0, 0.8}, {1 / math.Sqrt2, 1 / math.Sqrt2}} {
		b := orthoBasis(e)
		if len(b) != len(e) {
			t.Fatalf("basis of %v has %d vectors", e, len(b))
		}
		for i := range b {
			for j := range b {
				want := 0.0
				if i == j {
					want = 1
				}
				if d := dot(b[i], b[j]); math.Abs(d-want) > 1e-12 {
					t.Fatalf("basis %v of %v: <%d, %d> = %v", b, e, i, j, d)
				}
			}
		}
		if dot(e, e) > 0 && math.Abs(dot(b[0], e)-1) > 1e-12 {
			t.Errorf("basis %v does not start with %v", b, e)
		}
	}
}

// TestCoordLegal: every x, inside or far outside the bounds, maps to a legal
// value or is rejected, and only continuous parameters reject.
func TestCoordLegal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for name, d := range samplertest.Distributions() {
		c, ok := newCoord(name, d)
		if !ok {
			continue
		}
		for range 2000 {
			x := c.lo + (c.hi-c.lo)*(3*rng.Float64()-1)
			v, ok := c.from(x)
			if ok && !d.Contains(v) {
				t.Fatalf("%s: %v maps to %v, not in %v", name, x, v, d)
			}
			if !ok && !c.continuous {
				t.Fatalf("%s: %v rejected", name, x)
			}
			if inside := x >= c.lo && x <= c.hi; inside && !ok {
				t.Fatalf("%s: %v inside [%v, %v] rejected", name, x, c.lo, c.hi)
			}
		}
		// Round trip of the bounds' values.
		for _, v := range []float64{lowOf(d), highOf(d)} {
			if got, ok := c.from(c.to(v)); !ok || math.Abs(got-v) > 1e-9*math.Max(1, math.Abs(v)) {
				t.Errorf("%s: %v round-trips to %v, %v", name, v, got, ok)
			}
		}
	}
}

func lowOf(d core.Distribution) float64 {
	switch d := d.(type) {
	case core.Float:
		return d.Low
	case core.Int:
		return float64(d.Low)
	}
	return 0
}

func highOf(d core.Distribution) float64 {
	switch d := d.(type) {
	case core.Float:
		return d.High
	case core.Int:
		return float64(d.High)
	}
	return 0
}
