package data

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
)

// ClassificationConfig sets the problem that [MakeClassification]
// generates. Counts that cannot be zero default to scikit-learn's
// defaults; Redundant, Repeated and FlipY default to zero, where
// scikit-learn's make_classification has 2, 0 and 0.01.
type ClassificationConfig struct {
	Samples          int     // number of samples; 0 means 100
	Features         int     // total number of features; 0 means 20
	Informative      int     // features that carry the class; 0 means 2
	Redundant        int     // random linear combinations of the informative features; default 0
	Repeated         int     // copies of random informative or redundant features; default 0
	Classes          int     // number of classes; 0 means 2
	ClustersPerClass int     // Gaussian clusters per class; 0 means 2
	ClassSep         float64 // half the side of the hypercube the clusters sit on; 0 means 1
	FlipY            float64 // fraction of samples whose class is then drawn at random; default 0
	NoShuffle        bool    // false: rows and columns are shuffled, as scikit-learn does by default
}

// MakeClassification generates a random classification problem in the
// manner of scikit-learn's make_classification (after I. Guyon, "Design of
// experiments for the NIPS 2003 variable selection benchmark", 2003). It
// follows the same recipe, but draws other random numbers, so it does not
// reproduce scikit-learn's data for the same seed:
//
//   - Classes·ClustersPerClass distinct vertices of a hypercube of side
//     2·ClassSep in the Informative dimensions are the cluster centres; the
//     samples are split evenly among the clusters (the first clusters get
//     one more when the split is uneven), cluster k giving class
//     k mod Classes.
//   - Each cluster's samples are standard normal, multiplied by a random
//     matrix with entries in [-1, 1) (a random covariance), and moved to
//     the centre.
//   - Redundant features are random linear combinations (weights in
//     [-1, 1)) of the informative ones, Repeated features copies of random
//     informative or redundant ones, and the remaining features standard
//     normal noise.
//   - Each sample's class is, with probability FlipY, replaced by one drawn
//     uniformly (which may be the same class).
//   - Unless NoShuffle, the rows and then the columns are shuffled; with
//     NoShuffle the informative features come first, then the redundant,
//     the repeated and the noise.
//
// The dataset has Shape [Features], Y and Classes "0", "1", ... It fails
// when the counts are negative or do not add up, when there are more
// clusters than hypercube vertices (2^Informative), or when rng is nil.
func MakeClassification(cfg ClassificationConfig, rng *rand.Rand) (*Dataset, error) {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&cfg.Samples, 100)
	def(&cfg.Features, 20)
	def(&cfg.Informative, 2)
	def(&cfg.Classes, 2)
	def(&cfg.ClustersPerClass, 2)
	if cfg.ClassSep == 0 {
		cfg.ClassSep = 1
	}
	switch {
	case rng == nil:
		return nil, errors.New("data: MakeClassification: nil *rand.Rand")
	case cfg.Samples < 0 || cfg.Features < 0 || cfg.Informative < 0 || cfg.Redundant < 0 ||
		cfg.Repeated < 0 || cfg.Classes < 0 || cfg.ClustersPerClass < 0:
		return nil, fmt.Errorf("data: MakeClassification: negative count in %+v", cfg)
	case cfg.Informative+cfg.Redundant+cfg.Repeated > cfg.Features:
		return nil, fmt.Errorf("data: MakeClassification: %d informative, %d redundant and %d repeated features make more than the %d features",
			cfg.Informative, cfg.Redundant, cfg.Repeated, cfg.Features)
	case cfg.Informative < 63 && cfg.Classes*cfg.ClustersPerClass > 1<<cfg.Informative:
		return nil, fmt.Errorf("data: MakeClassification: %d classes of %d clusters need more than the 2^%d vertices of the hypercube; raise Informative",
			cfg.Classes, cfg.ClustersPerClass, cfg.Informative)
	case !(cfg.FlipY >= 0 && cfg.FlipY <= 1):
		return nil, fmt.Errorf("data: MakeClassification: FlipY %v is not in [0, 1]", cfg.FlipY)
	}
	n, f, inf := cfg.Samples, cfg.Features, cfg.Informative
	clusters := cfg.Classes * cfg.ClustersPerClass

	// Cluster centres: distinct vertices of {-ClassSep, +ClassSep}^inf.
	centres := make([][]float64, 0, clusters)
	seen := make(map[string]bool, clusters)
	bits := make([]byte, inf)
	for len(centres) < clusters {
		for j := range bits {
			bits[j] = byte(rng.IntN(2))
		}
		if seen[string(bits)] {
			continue
		}
		seen[string(bits)] = true
		c := make([]float64, inf)
		for j, b := range bits {
			c[j] = (2*float64(b) - 1) * cfg.ClassSep
		}
		centres = append(centres, c)
	}

	x := make([]float64, n*f)
	y := make([]int32, n)
	row := make([]float64, inf)
	a := make([]float64, inf*inf)
	start := 0
	for k := range clusters {
		size := n / clusters
		if k < n%clusters {
			size++
		}
		for i := range a {
			a[i] = 2*rng.Float64() - 1
		}
		for i := start; i < start+size; i++ {
			y[i] = int32(k % cfg.Classes)
			for j := range row {
				row[j] = rng.NormFloat64()
			}
			xi := x[i*f : i*f+inf]
			for j := range xi {
				s := centres[k][j]
				for m, v := range row {
					s += v * a[m*inf+j]
				}
				xi[j] = s
			}
		}
		start += size
	}
	if cfg.Redundant > 0 {
		b := make([]float64, inf*cfg.Redundant)
		for i := range b {
			b[i] = 2*rng.Float64() - 1
		}
		for i := range n {
			xi := x[i*f:]
			for r := range cfg.Redundant {
				var s float64
				for m := range inf {
					s += xi[m] * b[m*cfg.Redundant+r]
				}
				xi[inf+r] = s
			}
		}
	}
	if cfg.Repeated > 0 {
		base := inf + cfg.Redundant
		src := make([]int, cfg.Repeated)
		for r := range src {
			src[r] = rng.IntN(base)
		}
		for i := range n {
			xi := x[i*f:]
			for r, s := range src {
				xi[base+r] = xi[s]
			}
		}
	}
	for i := range n {
		for j := inf + cfg.Redundant + cfg.Repeated; j < f; j++ {
			x[i*f+j] = rng.NormFloat64()
		}
	}
	if cfg.FlipY > 0 {
		for i := range y {
			if rng.Float64() < cfg.FlipY {
				y[i] = int32(rng.IntN(cfg.Classes))
			}
		}
	}

	rows := make([]int, n)
	cols := make([]int, f)
	for i := range rows {
		rows[i] = i
	}
	for j := range cols {
		cols[j] = j
	}
	if !cfg.NoShuffle {
		rng.Shuffle(n, func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		rng.Shuffle(f, func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })
	}
	ds := &Dataset{
		X:       make([]float32, n*f),
		Shape:   []int{f},
		Y:       make([]int32, n),
		Classes: make([]string, cfg.Classes),
	}
	for i, src := range rows {
		ds.Y[i] = y[src]
		for j, c := range cols {
			ds.X[i*f+j] = float32(x[src*f+c])
		}
	}
	for k := range ds.Classes {
		ds.Classes[k] = strconv.Itoa(k)
	}
	return ds, nil
}
