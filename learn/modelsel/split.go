package modelsel

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/go-tune/tune/learn/data"
)

// Fold is one split of a dataset: the indices of its training samples and
// of its test samples, each in increasing order.
type Fold struct {
	Train, Test []int
}

// Splitter divides a dataset into folds for cross-validation.
type Splitter interface {
	Split(ds *data.Dataset) ([]Fold, error)
}

// KFold splits the samples into K consecutive folds (after a shuffle when
// Shuffle is set); each fold is the test set once while the others train.
// The first N mod K folds hold one sample more. Without Shuffle the folds
// are scikit-learn's KFold's, index for index.
type KFold struct {
	K       int    // number of folds; 0 means 5
	Shuffle bool   // shuffle the samples before splitting
	Seed    uint64 // seeds the shuffle
}

// Split returns the K folds of ds's samples. It fails when K is 1 or less
// (after the default) or greater than the number of samples.
func (k KFold) Split(ds *data.Dataset) ([]Fold, error) {
	n := ds.N()
	kk, err := checkK("KFold", k.K, n)
	if err != nil {
		return nil, err
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if k.Shuffle {
		rng := rand.New(rand.NewPCG(k.Seed, 0x6b666f6c64))
		rng.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	}
	assign := make([]int, n)
	start := 0
	for f := range kk {
		size := n / kk
		if f < n%kk {
			size++
		}
		for _, i := range idx[start : start+size] {
			assign[i] = f
		}
		start += size
	}
	return foldsFrom(assign, kk), nil
}

// StratifiedKFold splits labelled samples into K folds that keep the class
// proportions of the whole set, as scikit-learn's StratifiedKFold does:
// the samples of each class go to the folds in blocks of consecutive
// samples, sized by dealing the label-sorted samples round-robin, so that
// without Shuffle the folds are scikit-learn's, index for index. Shuffle
// shuffles which fold each sample of a class goes to.
type StratifiedKFold struct {
	K       int    // number of folds; 0 means 5
	Shuffle bool   // shuffle the samples of each class among the folds
	Seed    uint64 // seeds the shuffle
}

// Split returns the K folds of ds's samples, which must have labels (Y).
// It fails when K is 1 or less or greater than the number of samples, and
// when a class of ds has fewer than K samples, since some test folds would
// then miss that class (scikit-learn only warns): the error names the
// class. Classes with no samples at all are ignored.
func (s StratifiedKFold) Split(ds *data.Dataset) ([]Fold, error) {
	n := ds.N()
	k, err := checkK("StratifiedKFold", s.K, n)
	if err != nil {
		return nil, err
	}
	if len(ds.Y) != n {
		return nil, fmt.Errorf("modelsel: StratifiedKFold needs one label (Y) per sample: %d labels for %d samples", len(ds.Y), n)
	}
	// Encode the classes by order of first appearance, as scikit-learn does.
	code := map[int32]int{}
	var first []int32
	enc := make([]int, n)
	for i, y := range ds.Y {
		c, ok := code[y]
		if !ok {
			c = len(first)
			code[y] = c
			first = append(first, y)
		}
		enc[i] = c
	}
	counts := make([]int, len(first))
	for _, c := range enc {
		counts[c]++
	}
	for c, cnt := range counts {
		if cnt < k {
			return nil, fmt.Errorf("modelsel: StratifiedKFold: class %s has %d samples, fewer than the %d folds, so some test folds would miss it; use fewer folds or KFold",
				className(ds, first[c]), cnt, k)
		}
	}
	// allocation[f][c]: samples of class c in test fold f, from dealing
	// the label-sorted samples round-robin to the folds.
	sorted := slices.Clone(enc)
	slices.Sort(sorted)
	alloc := make([][]int, k)
	for f := range alloc {
		alloc[f] = make([]int, len(first))
		for i := f; i < n; i += k {
			alloc[f][sorted[i]]++
		}
	}
	var rng *rand.Rand
	if s.Shuffle {
		rng = rand.New(rand.NewPCG(s.Seed, 0x7374726174))
	}
	assign := make([]int, n)
	next := make([]int, len(first)) // position within each class
	perClass := make([][]int, len(first))
	for c := range first {
		var folds []int
		for f := range k {
			for range alloc[f][c] {
				folds = append(folds, f)
			}
		}
		if rng != nil {
			rng.Shuffle(len(folds), func(i, j int) { folds[i], folds[j] = folds[j], folds[i] })
		}
		perClass[c] = folds
	}
	for i, c := range enc {
		assign[i] = perClass[c][next[c]]
		next[c]++
	}
	return foldsFrom(assign, k), nil
}

func className(ds *data.Dataset, y int32) string {
	if int(y) < len(ds.Classes) {
		return fmt.Sprintf("%q (index %d)", ds.Classes[y], y)
	}
	return fmt.Sprint(y)
}

func checkK(name string, k, n int) (int, error) {
	if k == 0 {
		k = 5
	}
	switch {
	case k < 2:
		return 0, fmt.Errorf("modelsel: %s: K = %d, needs at least 2 folds", name, k)
	case k > n:
		return 0, fmt.Errorf("modelsel: %s: K = %d folds is more than the %d samples", name, k, n)
	}
	return k, nil
}

// foldsFrom turns a test-fold number per sample into folds.
func foldsFrom(assign []int, k int) []Fold {
	folds := make([]Fold, k)
	for i, f := range assign {
		folds[f].Test = append(folds[f].Test, i)
	}
	for f := range folds {
		folds[f].Train = make([]int, 0, len(assign)-len(folds[f].Test))
		for i, g := range assign {
			if g != f {
				folds[f].Train = append(folds[f].Train, i)
			}
		}
	}
	return folds
}

// TrainTestSplit splits ds at random into a training and a test set, with
// ceil(testFraction·N) test samples as scikit-learn's train_test_split,
// both in the samples' original order. With stratify, each class keeps its
// share in both sets; every class present must then have at least 2
// samples, or one set would miss it, and the error names the class.
func TrainTestSplit(ds *data.Dataset, testFraction float64, seed uint64, stratify bool) (train, test *data.Dataset, err error) {
	if stratify {
		if len(ds.Y) != ds.N() {
			return nil, nil, fmt.Errorf("modelsel: TrainTestSplit: a stratified split needs one label (Y) per sample: %d labels for %d samples", len(ds.Y), ds.N())
		}
		for c, cnt := range ds.ClassCounts() {
			if cnt == 1 {
				return nil, nil, fmt.Errorf("modelsel: TrainTestSplit: class %s has only 1 sample, too few for a stratified split (each set needs one)", className(ds, int32(c)))
			}
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x7474737074))
	train, test, err = data.TrainValSplit(ds, testFraction, rng, stratify)
	if err != nil {
		return nil, nil, fmt.Errorf("modelsel: TrainTestSplit: %w", err)
	}
	return train, test, nil
}
