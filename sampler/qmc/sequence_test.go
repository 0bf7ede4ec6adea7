package qmc_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/go-tune/tune/sampler/qmc"
)

type reference struct {
	N         int
	Far       []uint64
	Sequences []struct {
		Type   string
		D      int
		Points [][]float64
		Far    [][]float64
	}
	Discrepancy struct {
		Type string
		D, N int
		CD   float64
	}
}

func loadReference(t *testing.T) reference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

// newSequence returns an unscrambled sequence, or one scrambled with seed.
func newSequence(t testing.TB, typ string, d int, scramble bool, seed uint64) qmc.Sequence {
	t.Helper()
	var seq qmc.Sequence
	var err error
	if typ == qmc.TypeHalton {
		seq, err = qmc.NewHalton(d, scramble, seed)
	} else {
		seq, err = qmc.NewSobol(d, scramble, seed)
	}
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func points(seq qmc.Sequence, n int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = seq.Point(uint64(i), make([]float64, seq.Dim()))
	}
	return out
}

// TestScipyReference: unscrambled points are scipy.stats.qmc's, both the
// first ones and those reached with fast_forward, as Optuna does.
func TestScipyReference(t *testing.T) {
	ref := loadReference(t)
	for _, r := range ref.Sequences {
		t.Run(r.Type, func(t *testing.T) {
			seq := newSequence(t, r.Type, r.D, false, 0)
			check := func(i uint64, want []float64) {
				got := seq.Point(i, make([]float64, r.D))
				for j := range want {
					if math.Abs(got[j]-want[j]) > 1e-12 {
						t.Fatalf("d=%d: point %d coordinate %d = %v, scipy has %v", r.D, i, j, got[j], want[j])
					}
				}
			}
			for i, want := range r.Points {
				check(uint64(i), want)
			}
			for k, want := range r.Far {
				check(ref.Far[k], want)
			}
		})
	}
}

// centeredL2 returns the squared centered L2 discrepancy of points
// (Hickernell 1998), as scipy.stats.qmc.discrepancy computes it.
func centeredL2(points [][]float64) float64 {
	n, d := float64(len(points)), len(points[0])
	sum1, sum2 := 0.0, 0.0
	for _, x := range points {
		p := 1.0
		for _, xk := range x {
			a := math.Abs(xk - 0.5)
			p *= 1 + 0.5*a - 0.5*a*a
		}
		sum1 += p
		for _, y := range points {
			q := 1.0
			for k := range x {
				q *= 1 + 0.5*math.Abs(x[k]-0.5) + 0.5*math.Abs(y[k]-0.5) - 0.5*math.Abs(x[k]-y[k])
			}
			sum2 += q
		}
	}
	return math.Pow(13.0/12, float64(d)) - 2/n*sum1 + sum2/(n*n)
}

func TestDiscrepancy(t *testing.T) {
	ref := loadReference(t).Discrepancy
	got := centeredL2(points(newSequence(t, ref.Type, ref.D, false, 0), ref.N))
	if math.Abs(got-ref.CD) > 1e-12 {
		t.Errorf("centered L2 discrepancy %v, scipy has %v", got, ref.CD)
	}

	const n, d = 256, 5
	rng := rand.New(rand.NewPCG(1, 2))
	pseudo := make([][]float64, n)
	for i := range pseudo {
		pseudo[i] = make([]float64, d)
		for k := range pseudo[i] {
			pseudo[i][k] = rng.Float64()
		}
	}
	random := centeredL2(pseudo)
	for _, typ := range []string{qmc.TypeSobol, qmc.TypeHalton} {
		for seed := range uint64(3) {
			if cd := centeredL2(points(newSequence(t, typ, d, true, seed), n)); cd > random/4 {
				t.Errorf("scrambled %s, seed %d: discrepancy %.3g, not much below random points' %.3g", typ, seed, cd, random)
			}
		}
	}
}

// TestScrambled checks the properties of scrambled points: in [0, 1),
// stratified (Sobol), reproducible under a seed, different under another.
func TestScrambled(t *testing.T) {
	const d, n = 12, 256
	for _, typ := range []string{qmc.TypeSobol, qmc.TypeHalton} {
		t.Run(typ, func(t *testing.T) {
			a := points(newSequence(t, typ, d, true, 1), n)
			b := points(newSequence(t, typ, d, true, 1), n)
			c := points(newSequence(t, typ, d, true, 2), n)
			plain := points(newSequence(t, typ, d, false, 0), n)
			same, other, unscrambled := 0, 0, 0
			for i := range a {
				for j := range a[i] {
					if x := a[i][j]; !(0 <= x && x < 1) {
						t.Fatalf("point %d coordinate %d = %v, outside [0, 1)", i, j, x)
					}
					if a[i][j] == b[i][j] {
						same++
					}
					if a[i][j] == c[i][j] {
						other++
					}
					if a[i][j] == plain[i][j] {
						unscrambled++
					}
				}
			}
			if same != n*d {
				t.Errorf("the same seed gave %d equal coordinates of %d", same, n*d)
			}
			if other > n*d/100 || unscrambled > n*d/100 {
				t.Errorf("another seed gave %d equal coordinates, no scrambling %d, of %d", other, unscrambled, n*d)
			}
		})
	}
}

// TestStratified: for k up to 8, the first 2^k Sobol' points put one point
// in each interval [i/2^k, (i+1)/2^k) of every coordinate, scrambled or not;
// the first b^k Halton points do so in base b.
func TestStratified(t *testing.T) {
	const d = 30
	for _, c := range []struct {
		typ      string
		scramble bool
	}{{qmc.TypeSobol, false}, {qmc.TypeSobol, true}, {qmc.TypeHalton, false}, {qmc.TypeHalton, true}} {
		seq := newSequence(t, c.typ, d, c.scramble, 7)
		pts := points(seq, 256)
		primes := []int{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113}
		for j := range d {
			base := 2
			if c.typ == qmc.TypeHalton {
				base = primes[j]
			}
			for m := base; m <= len(pts); m *= base {
				seen := make([]bool, m)
				for _, p := range pts[:m] {
					// Halton's k/b^n may be a rounding below it.
					seen[int(p[j]*float64(m)+1e-9)] = true
				}
				for cell, ok := range seen {
					if !ok {
						t.Fatalf("%s scramble=%t: coordinate %d of the first %d points misses [%d/%d, %d/%d)", c.typ, c.scramble, j, m, cell, m, cell+1, m)
					}
				}
			}
		}
	}
}

// TestPrefix: with one seed, a lower dimension's points are the first
// coordinates of a higher one's.
func TestPrefix(t *testing.T) {
	for _, typ := range []string{qmc.TypeSobol, qmc.TypeHalton} {
		lo, hi := newSequence(t, typ, 3, true, 5), newSequence(t, typ, 9, true, 5)
		for i := range uint64(50) {
			a, b := lo.Point(i, make([]float64, 3)), hi.Point(i, make([]float64, 9))
			for j := range a {
				if a[j] != b[j] {
					t.Fatalf("%s point %d coordinate %d: %v in 3 dimensions, %v in 9", typ, i, j, a[j], b[j])
				}
			}
		}
	}
}

func TestDimensions(t *testing.T) {
	for _, c := range []struct {
		d  int
		ok bool
	}{{-1, false}, {0, false}, {1, true}, {qmc.MaxDim, true}, {qmc.MaxDim + 1, false}} {
		for _, typ := range []string{qmc.TypeSobol, qmc.TypeHalton} {
			var err error
			if typ == qmc.TypeHalton {
				// Unscrambled: a scrambled Halton at MaxDim takes tens of MB.
				_, err = qmc.NewHalton(c.d, false, 0)
			} else {
				_, err = qmc.NewSobol(c.d, true, 1)
			}
			if (err == nil) != c.ok || (err != nil && !errors.Is(err, qmc.ErrDimension)) {
				t.Errorf("%s in %d dimensions: error %v", typ, c.d, err)
			}
		}
	}
}

// TestLastDimension: the last embedded direction numbers are sound: the
// unscrambled points of the last dimension are stratified too.
func TestLastDimension(t *testing.T) {
	seq := newSequence(t, qmc.TypeSobol, qmc.MaxDim, false, 0)
	const n = 1 << 10
	seen := make([]bool, n)
	p := make([]float64, qmc.MaxDim)
	for i := range uint64(n) {
		seen[int(seq.Point(i, p)[qmc.MaxDim-1]*n)] = true
	}
	for cell, ok := range seen {
		if !ok {
			t.Fatalf("the first %d points miss cell %d of dimension %d", n, cell, qmc.MaxDim)
		}
	}
}

func BenchmarkSobolPoint(b *testing.B) {
	seq := newSequence(b, qmc.TypeSobol, 20, true, 1)
	p := make([]float64, 20)
	for i := range b.N {
		seq.Point(uint64(i), p)
	}
}
