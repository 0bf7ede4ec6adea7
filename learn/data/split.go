package data

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// TrainValSplit splits ds at random into a training and a validation set,
// with ceil(valFraction·N) samples in the validation set as in
// scikit-learn's train_test_split. Both sets keep the samples' original
// relative order; shuffle them with a [Loader].
//
// With stratified set, each class is split in the same proportion, so that
// both sets keep the class frequencies of ds as nearly as whole samples
// allow: each class first gets the floor of its share of the validation
// set, and the samples left over go to the classes with the largest
// remainders (the smaller class index first on ties). ds must then have Y.
//
// It fails when valFraction is not in (0, 1), when either set would be
// empty, when rng is nil or when stratified is set and ds has no labels.
func TrainValSplit(ds *Dataset, valFraction float64, rng *rand.Rand, stratified bool) (train, val *Dataset, err error) {
	if err := ds.Validate(); err != nil {
		return nil, nil, fmt.Errorf("data: TrainValSplit: %w", err)
	}
	n := ds.N()
	switch {
	case rng == nil:
		return nil, nil, errors.New("data: TrainValSplit: nil *rand.Rand")
	case !(valFraction > 0 && valFraction < 1):
		return nil, nil, fmt.Errorf("data: TrainValSplit: validation fraction %v is not in (0, 1)", valFraction)
	case stratified && len(ds.Y) != n:
		return nil, nil, fmt.Errorf("data: TrainValSplit: a stratified split needs labels (Y), one per sample: %d labels for %d samples", len(ds.Y), n)
	}
	nVal := int(math.Ceil(valFraction * float64(n)))
	if nVal <= 0 || nVal >= n {
		return nil, nil, fmt.Errorf("data: TrainValSplit: a validation fraction of %v leaves %d of %d samples for validation; both sets need at least one", valFraction, nVal, n)
	}
	isVal := make([]bool, n)
	if !stratified {
		for _, i := range rng.Perm(n)[:nVal] {
			isVal[i] = true
		}
	} else {
		for _, idx := range stratifiedPick(ds.Y, ds.NumClasses(), nVal, rng) {
			isVal[idx] = true
		}
	}
	tr := make([]int, 0, n-nVal)
	va := make([]int, 0, nVal)
	for i, v := range isVal {
		if v {
			va = append(va, i)
		} else {
			tr = append(tr, i)
		}
	}
	return ds.Subset(tr), ds.Subset(va), nil
}

// stratifiedPick draws k of the len(y) samples at random, each class in
// proportion to its size, by largest remainders.
func stratifiedPick(y []int32, classes, k int, rng *rand.Rand) []int {
	byClass := make([][]int, classes)
	for i, c := range y {
		byClass[c] = append(byClass[c], i)
	}
	n := len(y)
	take := make([]int, classes)
	type rem struct{ class, r int } // k·len(members) = take·n + r
	rems := make([]rem, classes)
	left := k
	for c, members := range byClass {
		take[c] = k * len(members) / n
		left -= take[c]
		rems[c] = rem{c, k * len(members) % n}
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.r, a.r) })
	for i := 0; left > 0; i = (i + 1) % classes {
		c := rems[i].class
		if take[c] < len(byClass[c]) {
			take[c]++
			left--
		}
	}
	picked := make([]int, 0, k)
	for c, members := range byClass {
		rng.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
		picked = append(picked, members[:take[c]]...)
	}
	return picked
}
