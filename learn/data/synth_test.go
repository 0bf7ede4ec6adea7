package data

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestMakeClassification(t *testing.T) {
	rng := func(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }

	t.Run("defaults", func(t *testing.T) {
		ds, err := MakeClassification(ClassificationConfig{}, rng(1))
		if err != nil {
			t.Fatal(err)
		}
		if err := ds.Validate(); err != nil {
			t.Fatal(err)
		}
		if ds.N() != 100 || ds.NumFeatures() != 20 || !slices.Equal(ds.Classes, []string{"0", "1"}) {
			t.Errorf("%d samples of %d features, classes %q", ds.N(), ds.NumFeatures(), ds.Classes)
		}
		if !slices.Equal(ds.ClassCounts(), []int{50, 50}) {
			t.Errorf("class counts %v, want [50 50]", ds.ClassCounts())
		}
		again, _ := MakeClassification(ClassificationConfig{}, rng(1))
		other, _ := MakeClassification(ClassificationConfig{}, rng(2))
		if !slices.Equal(ds.X, again.X) || !slices.Equal(ds.Y, again.Y) || slices.Equal(ds.X, other.X) {
			t.Error("the data do not follow the seed")
		}
	})

	t.Run("layout without shuffling", func(t *testing.T) {
		cfg := ClassificationConfig{Samples: 3000, Features: 10, Informative: 3, Redundant: 2, Repeated: 2,
			Classes: 3, ClustersPerClass: 1, ClassSep: 4, NoShuffle: true}
		ds, err := MakeClassification(cfg, rng(3))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ds.ClassCounts(), []int{1000, 1000, 1000}) {
			t.Errorf("class counts %v", ds.ClassCounts())
		}
		// Unshuffled, the clusters come in order: cluster k is class k.
		for i, y := range ds.Y {
			if int(y) != i/1000 {
				t.Fatalf("Y[%d] = %d, want %d", i, y, i/1000)
			}
		}
		// The repeated columns 5 and 6 copy some of columns 0 to 4.
		for _, c := range []int{5, 6} {
			if src := copiedFrom(ds, c); src < 0 || src >= 5 {
				t.Errorf("column %d copies column %d, want one of 0 to 4", c, src)
			}
		}
		// The noise columns 7 to 9 are standard normal, and the same for
		// every class.
		for c := 7; c < 10; c++ {
			m, v := colStats(ds, c, -1)
			if math.Abs(m) > 0.1 || math.Abs(v-1) > 0.1 {
				t.Errorf("noise column %d: mean %v, variance %v", c, m, v)
			}
		}
		// The informative columns separate the classes: the class means
		// sit on hypercube vertices ±4 apart in some coordinate, and a
		// nearest-class-mean rule gets most samples right.
		var means [3][3]float64
		for k := range 3 {
			for c := range 3 {
				means[k][c], _ = colStats(ds, c, k)
				if math.Abs(math.Abs(means[k][c])-4) > 0.3 {
					t.Errorf("class %d, column %d: mean %v, want ±4", k, c, means[k][c])
				}
			}
		}
		right := 0
		for i := range ds.N() {
			best, bestD := -1, math.Inf(1)
			for k := range 3 {
				var d float64
				for c := range 3 {
					e := float64(ds.Row(i)[c]) - means[k][c]
					d += e * e
				}
				if d < bestD {
					best, bestD = k, d
				}
			}
			if best == int(ds.Y[i]) {
				right++
			}
		}
		if acc := float64(right) / float64(ds.N()); acc < 0.9 {
			t.Errorf("nearest class mean: accuracy %.3f, want > 0.9", acc)
		}
	})

	t.Run("flipped labels", func(t *testing.T) {
		cfg := ClassificationConfig{Samples: 20000, Informative: 3, Classes: 4, NoShuffle: true}
		clean, err := MakeClassification(cfg, rng(5))
		if err != nil {
			t.Fatal(err)
		}
		cfg.FlipY = 0.2
		flipped, _ := MakeClassification(cfg, rng(5))
		if !slices.Equal(clean.X, flipped.X) {
			t.Fatal("FlipY changed the features")
		}
		changed := 0
		for i := range clean.Y {
			if clean.Y[i] != flipped.Y[i] {
				changed++
			}
		}
		// A flipped label is drawn anew, so it changes with probability 3/4.
		if f := float64(changed) / 20000; math.Abs(f-0.15) > 0.015 {
			t.Errorf("%.3f of the labels changed, want about 0.15", f)
		}
	})

	t.Run("shuffled columns keep the content", func(t *testing.T) {
		cfg := ClassificationConfig{Samples: 50, Features: 6, Repeated: 1}
		ds, err := MakeClassification(cfg, rng(7))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for c := range 6 {
			if copiedFrom(ds, c) >= 0 {
				n++
			}
		}
		if n != 2 { // the copy and its source
			t.Errorf("%d columns equal another, want 2", n)
		}
	})

	for _, tc := range []struct {
		name string
		cfg  ClassificationConfig
		rng  *rand.Rand
		want string
	}{
		{"too many features", ClassificationConfig{Features: 4, Informative: 3, Redundant: 2}, rng(1), "more than the 4 features"},
		{"too many clusters", ClassificationConfig{Informative: 2, Classes: 3}, rng(1), "2^2 vertices"},
		{"negative", ClassificationConfig{Redundant: -1}, rng(1), "negative"},
		{"flip", ClassificationConfig{FlipY: 2}, rng(1), "FlipY 2"},
		{"no rng", ClassificationConfig{}, nil, "nil *rand.Rand"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := MakeClassification(tc.cfg, tc.rng)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one with %q", err, tc.want)
			}
		})
	}
}

// copiedFrom returns another column that column c equals, or -1.
func copiedFrom(ds *Dataset, c int) int {
	f := ds.NumFeatures()
	for o := range f {
		if o == c {
			continue
		}
		same := true
		for i := range ds.N() {
			if ds.X[i*f+c] != ds.X[i*f+o] {
				same = false
				break
			}
		}
		if same {
			return o
		}
	}
	return -1
}

// colStats returns the mean and variance of column c over the samples of
// class k, or of all samples when k < 0.
func colStats(ds *Dataset, c, k int) (mean, variance float64) {
	var s, s2 float64
	n := 0
	for i := range ds.N() {
		if k >= 0 && int(ds.Y[i]) != k {
			continue
		}
		v := float64(ds.Row(i)[c])
		s += v
		s2 += v * v
		n++
	}
	mean = s / float64(n)
	return mean, s2/float64(n) - mean*mean
}
