package data

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// seq returns a dataset of n samples with features [i, 10i] and Y i mod 3.
func seq(n int) *Dataset {
	ds := &Dataset{Shape: []int{2}, X: make([]float32, 2*n), Y: make([]int32, n), YFloat: make([]float32, n)}
	for i := range n {
		ds.X[2*i], ds.X[2*i+1] = float32(i), float32(10*i)
		ds.Y[i] = int32(i % 3)
		ds.YFloat[i] = float32(i) / 2
	}
	return ds
}

func TestDatasetBasics(t *testing.T) {
	ds := seq(5)
	if ds.N() != 5 || ds.NumFeatures() != 2 || ds.NumClasses() != 3 {
		t.Errorf("N %d, features %d, classes %d", ds.N(), ds.NumFeatures(), ds.NumClasses())
	}
	if !slices.Equal(ds.Row(3), []float32{3, 30}) {
		t.Errorf("Row(3) = %v", ds.Row(3))
	}
	if !slices.Equal(ds.ClassCounts(), []int{2, 2, 1}) {
		t.Errorf("ClassCounts = %v", ds.ClassCounts())
	}
	sub := ds.Subset([]int{4, 0, 4})
	if !slices.Equal(sub.X, []float32{4, 40, 0, 0, 4, 40}) || !slices.Equal(sub.Y, []int32{1, 0, 1}) ||
		!slices.Equal(sub.YFloat, []float32{2, 0, 2}) || sub.N() != 3 {
		t.Errorf("Subset = %+v", sub)
	}
	sub.X[0] = -1
	sub.Shape[0] = 7
	if ds.X[8] != 4 || ds.Shape[0] != 2 {
		t.Error("Subset shares memory with the dataset")
	}
	c := ds.Clone()
	c.Y[0] = 2
	if ds.Y[0] != 0 {
		t.Error("Clone shares memory with the dataset")
	}
	var empty Dataset
	if empty.N() != 0 || empty.NumFeatures() != 0 || empty.Validate() != nil {
		t.Error("zero Dataset is not an empty, valid dataset")
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		ds   Dataset
	}{
		{"no shape", Dataset{X: []float32{1}}},
		{"zero dim", Dataset{X: []float32{}, Shape: []int{2, 0}}},
		{"ragged X", Dataset{X: []float32{1, 2, 3}, Shape: []int{2}}},
		{"short Y", Dataset{X: []float32{1, 2}, Shape: []int{1}, Y: []int32{0}}},
		{"long YFloat", Dataset{X: []float32{1, 2}, Shape: []int{1}, YFloat: []float32{0, 1, 2}}},
		{"negative class", Dataset{X: []float32{1}, Shape: []int{1}, Y: []int32{-1}}},
		{"class out of range", Dataset{X: []float32{1}, Shape: []int{1}, Y: []int32{2}, Classes: []string{"a", "b"}}},
		{"feature names", Dataset{X: []float32{1, 2}, Shape: []int{2}, FeatureNames: []string{"a"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.ds.Validate(); !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestLoader(t *testing.T) {
	ds := seq(10)
	for _, tc := range []struct {
		name  string
		cfg   LoaderConfig
		sizes []int
	}{
		{"default", LoaderConfig{}, []int{10}},
		{"partial last", LoaderConfig{BatchSize: 4}, []int{4, 4, 2}},
		{"drop last", LoaderConfig{BatchSize: 4, DropLast: true}, []int{4, 4}},
		{"shuffle", LoaderConfig{BatchSize: 3, Shuffle: true}, []int{3, 3, 3, 1}},
		{"shuffle drop last", LoaderConfig{BatchSize: 3, Shuffle: true, DropLast: true}, []int{3, 3, 3}},
		{"exact", LoaderConfig{BatchSize: 5, DropLast: true}, []int{5, 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewLoader(ds, tc.cfg, rand.New(rand.NewPCG(1, 2)))
			if l.NumBatches() != len(tc.sizes) {
				t.Errorf("NumBatches = %d, want %d", l.NumBatches(), len(tc.sizes))
			}
			var orders [][]int
			for range 2 {
				var sizes, order []int
				for b := range l.Batches() {
					sizes = append(sizes, b.Len())
					if len(b.X) != 2*b.Len() || len(b.Y) != b.Len() || len(b.YFloat) != b.Len() {
						t.Fatalf("batch of %d with %d X, %d Y, %d YFloat", b.Len(), len(b.X), len(b.Y), len(b.YFloat))
					}
					for j, i := range b.Index {
						if b.X[2*j] != float32(i) || b.X[2*j+1] != float32(10*i) || b.Y[j] != int32(i%3) || b.YFloat[j] != float32(i)/2 {
							t.Fatalf("batch row %d is not sample %d", j, i)
						}
					}
					order = append(order, b.Index...)
				}
				if !slices.Equal(sizes, tc.sizes) {
					t.Errorf("batch sizes %v, want %v", sizes, tc.sizes)
				}
				orders = append(orders, order)
				full := slices.Sorted(slices.Values(order))
				if !tc.cfg.DropLast && !slices.Equal(full, seq10()) {
					t.Errorf("epoch covers %v, want each sample once", full)
				}
				if len(slices.Compact(full)) != len(order) {
					t.Errorf("epoch repeats samples: %v", order)
				}
			}
			if tc.cfg.Shuffle == slices.Equal(orders[0], orders[1]) {
				t.Errorf("shuffle %v, but epoch orders %v and %v", tc.cfg.Shuffle, orders[0], orders[1])
			}
			if !tc.cfg.Shuffle && !slices.IsSorted(orders[0]) {
				t.Errorf("unshuffled order %v", orders[0])
			}
		})
	}

	t.Run("same seed, same batches", func(t *testing.T) {
		epoch := func(seed uint64) []int {
			l := NewLoader(ds, LoaderConfig{BatchSize: 4, Shuffle: true}, rand.New(rand.NewPCG(seed, 0)))
			var order []int
			for range 3 {
				for b := range l.Batches() {
					order = append(order, b.Index...)
				}
			}
			return order
		}
		if !slices.Equal(epoch(7), epoch(7)) || slices.Equal(epoch(7), epoch(8)) {
			t.Error("the order does not follow the seed")
		}
	})

	t.Run("break", func(t *testing.T) {
		l := NewLoader(ds, LoaderConfig{BatchSize: 2}, nil)
		n := 0
		for range l.Batches() {
			n++
			if n == 2 {
				break
			}
		}
		if n != 2 {
			t.Errorf("%d batches after break", n)
		}
	})

	t.Run("no allocation per batch", func(t *testing.T) {
		big := seq(1000)
		for _, shuffle := range []bool{false, true} {
			l := NewLoader(big, LoaderConfig{BatchSize: 10, Shuffle: shuffle}, rand.New(rand.NewPCG(1, 1)))
			var sum float32
			allocs := testing.AllocsPerRun(5, func() {
				for b := range l.Batches() {
					sum += b.X[0]
				}
			})
			// The epoch's iterator may allocate its closure, not its 100 batches.
			if allocs > 2 {
				t.Errorf("shuffle %v: %v allocations per epoch of 100 batches", shuffle, allocs)
			}
		}
	})

	t.Run("no labels", func(t *testing.T) {
		noY := &Dataset{X: []float32{1, 2, 3}, Shape: []int{1}}
		for _, shuffle := range []bool{false, true} {
			l := NewLoader(noY, LoaderConfig{Shuffle: shuffle}, rand.New(rand.NewPCG(1, 1)))
			for b := range l.Batches() {
				if b.Y != nil || b.YFloat != nil || b.Len() != 3 {
					t.Errorf("batch %+v", b)
				}
			}
		}
	})

	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"shuffle without rng", func() { NewLoader(ds, LoaderConfig{Shuffle: true}, nil) }},
		{"negative batch size", func() { NewLoader(ds, LoaderConfig{BatchSize: -1}, nil) }},
		{"invalid dataset", func() { NewLoader(&Dataset{X: []float32{1, 2, 3}, Shape: []int{2}}, LoaderConfig{}, nil) }},
	} {
		t.Run("panics on "+tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.f()
		})
	}
}

func seq10() []int {
	s := make([]int, 10)
	for i := range s {
		s[i] = i
	}
	return s
}

func TestTrainValSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	iris := Iris()
	for _, tc := range []struct {
		frac       float64
		stratified bool
		nVal       int
		valCounts  []int // nil: not checked
	}{
		{0.2, true, 30, []int{10, 10, 10}},
		{0.1, true, 15, []int{5, 5, 5}},
		// ceil(0.25 * 150) = 38: the classes' shares are 12.67 each, so the
		// two largest remainders (the first classes on ties) get one more.
		{0.25, true, 38, []int{13, 13, 12}},
		{0.2, false, 30, nil},
		{0.001, false, 1, nil},
	} {
		train, val, err := TrainValSplit(iris, tc.frac, rng, tc.stratified)
		if err != nil {
			t.Fatal(err)
		}
		if val.N() != tc.nVal || train.N() != 150-tc.nVal {
			t.Errorf("%v: %d + %d samples, want %d for validation", tc.frac, train.N(), val.N(), tc.nVal)
		}
		if tc.valCounts != nil && !slices.Equal(val.ClassCounts(), tc.valCounts) {
			t.Errorf("%v: validation class counts %v, want %v", tc.frac, val.ClassCounts(), tc.valCounts)
		}
		// Every sample lands in exactly one set: compare the sorted rows.
		rows := func(ds ...*Dataset) [][4]float32 {
			var r [][4]float32
			for _, d := range ds {
				for i := range d.N() {
					r = append(r, [4]float32(d.Row(i)))
				}
			}
			slices.SortFunc(r, func(a, b [4]float32) int { return slices.Compare(a[:], b[:]) })
			return r
		}
		if !slices.Equal(rows(train, val), rows(iris)) {
			t.Errorf("%v: the sets are not a partition of the data", tc.frac)
		}
	}

	t.Run("stratified keeps frequencies", func(t *testing.T) {
		// 90 of class 0, 10 of class 1.
		ds := &Dataset{Shape: []int{1}, X: make([]float32, 100), Y: make([]int32, 100)}
		for i := 90; i < 100; i++ {
			ds.Y[i] = 1
		}
		for seed := range uint64(20) {
			_, val, err := TrainValSplit(ds, 0.3, rand.New(rand.NewPCG(seed, 0)), true)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(val.ClassCounts(), []int{27, 3}) {
				t.Fatalf("seed %d: validation counts %v, want [27 3]", seed, val.ClassCounts())
			}
		}
	})

	t.Run("same seed, same split", func(t *testing.T) {
		_, a, _ := TrainValSplit(iris, 0.3, rand.New(rand.NewPCG(9, 9)), false)
		_, b, _ := TrainValSplit(iris, 0.3, rand.New(rand.NewPCG(9, 9)), false)
		_, c, _ := TrainValSplit(iris, 0.3, rand.New(rand.NewPCG(9, 10)), false)
		if !slices.Equal(a.X, b.X) || slices.Equal(a.X, c.X) {
			t.Error("the split does not follow the seed")
		}
	})

	for _, tc := range []struct {
		name       string
		ds         *Dataset
		frac       float64
		rng        *rand.Rand
		stratified bool
	}{
		{"fraction 0", iris, 0, rng, false},
		{"fraction 1", iris, 1, rng, false},
		{"fraction NaN", iris, float64NaN(), rng, false},
		{"empty train set", seq(3), 0.9, rng, false},
		{"nil rng", iris, 0.2, nil, false},
		{"stratified without labels", &Dataset{Shape: []int{1}, X: make([]float32, 10)}, 0.2, rng, true},
		{"invalid", &Dataset{Shape: []int{1}, X: make([]float32, 10), Y: []int32{1}}, 0.2, rng, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := TrainValSplit(tc.ds, tc.frac, tc.rng, tc.stratified); err == nil {
				t.Error("no error")
			}
		})
	}
}

func float64NaN() float64 {
	var zero float64
	return zero / zero
}
