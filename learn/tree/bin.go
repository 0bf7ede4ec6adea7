package tree

import (
	"fmt"
	"math"
	"slices"
)

// Binned holds a feature matrix with each value replaced by its bin code,
// column by column, and for each feature the smallest and largest value
// of each bin, from which split thresholds are made. It is read-only once
// made, so the trees of a forest share one.
type Binned struct {
	n, d  int
	codes [][]uint16  // codes[f][i]: bin of sample i's feature f
	lower [][]float32 // lower[f][b]: smallest value in bin b
	upper [][]float32 // upper[f][b]: largest value in bin b
}

// N returns the number of samples.
func (b *Binned) N() int { return b.n }

// NumFeatures returns the number of features.
func (b *Binned) NumFeatures() int { return b.d }

// Bins returns the number of bins of feature f.
func (b *Binned) Bins(f int) int { return len(b.lower[f]) }

// Bin bins the n×d row-major matrix x (n = len(x)/d): each feature's
// distinct values are numbered in increasing order and, when there are
// more than maxBins of them, grouped into maxBins bins of about equal
// sample counts (maxBins 0 means 256). It fails on NaN or infinite values,
// naming the sample and feature.
func Bin(x []float32, d, maxBins int) (*Binned, error) {
	if maxBins == 0 {
		maxBins = 256
	}
	if d <= 0 || len(x)%d != 0 {
		return nil, fmt.Errorf("tree: %d values do not make rows of %d features", len(x), d)
	}
	if maxBins < 2 || maxBins > 1<<16 {
		return nil, fmt.Errorf("tree: MaxBins = %d, must be in [2, 65536]", maxBins)
	}
	n := len(x) / d
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("tree: sample %d, feature %d is %v; trees need finite features (impute missing values first)", i/d, i%d, v)
		}
	}
	b := &Binned{n: n, d: d, codes: make([][]uint16, d), lower: make([][]float32, d), upper: make([][]float32, d)}
	col := make([]float32, n)
	for f := range d {
		for i := range n {
			col[i] = x[i*d+f]
		}
		sorted := slices.Clone(col)
		slices.Sort(sorted)
		// Distinct values and their counts.
		var vals []float32
		var counts []int
		for i, v := range sorted {
			if i == 0 || v != sorted[i-1] {
				vals = append(vals, v)
				counts = append(counts, 0)
			}
			counts[len(counts)-1]++
		}
		// upperIdx[b]: index in vals of the last value of bin b.
		var upperIdx []int
		if len(vals) <= maxBins {
			upperIdx = make([]int, len(vals))
			for i := range upperIdx {
				upperIdx[i] = i
			}
		} else {
			upperIdx = quantileBins(counts, n, maxBins)
		}
		lower, upper := make([]float32, len(upperIdx)), make([]float32, len(upperIdx))
		start := 0
		for bi, u := range upperIdx {
			lower[bi], upper[bi] = vals[start], vals[u]
			start = u + 1
		}
		codes := make([]uint16, n)
		for i, v := range col {
			// The bin of v: the first whose upper value is >= v.
			bi, _ := slices.BinarySearch(upper, v)
			codes[i] = uint16(bi)
		}
		b.codes[f], b.lower[f], b.upper[f] = codes, lower, upper
	}
	return b, nil
}

// quantileBins groups distinct values with the given counts into at most
// maxBins bins of about n/maxBins samples each, a value never split
// across bins, and returns the index of each bin's last value.
func quantileBins(counts []int, n, maxBins int) []int {
	var ends []int
	cum := 0
	for i, c := range counts {
		cum += c
		left := len(counts) - 1 - i // values after this one
		binsLeft := maxBins - len(ends) - 1
		// Close the bin when it has reached its share of the samples, or
		// when every remaining value needs a bin of its own.
		target := float64(len(ends)+1) * float64(n) / float64(maxBins)
		if i == len(counts)-1 || (binsLeft > 0 && (float64(cum) >= target || left <= binsLeft)) {
			ends = append(ends, i)
		}
	}
	return ends
}

// threshold returns a float32 t with a <= t < c, midway where rounding
// allows, for a split between the largest value a on the left and the
// smallest value c on the right.
func threshold(a, c float32) float32 {
	t := float32((float64(a) + float64(c)) / 2)
	if t >= c || t < a {
		t = a
	}
	return t
}
