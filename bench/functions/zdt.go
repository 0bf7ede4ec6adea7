package functions

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// zdtRef is the hypervolume reference point of ZDT1 and ZDT2: g <= 10 and
// f1 <= 1, so every point of the space is strictly better than it in both
// objectives and any nonempty set of points has a positive hypervolume.
var zdtRef = [2]float64{11, 11}

// ZDT1 returns the two-objective ZDT1 problem on [0, 1]^n (Zitzler, Deb and
// Thiele, "Comparison of multiobjective evolutionary algorithms: empirical
// results", 2000):
//
//	f1 = x0
//	f2 = g (1 - √(f1/g)),  g = 1 + 9 Σᵢ₌₁ⁿ⁻¹ xᵢ / (n-1)
//
// Its Pareto front, reached where x1 = ... = xn-1 = 0 (g = 1), is the convex
// curve f2 = 1 - √f1 for f1 in [0, 1]. Ref is (11, 11) and FrontHV is
// 121 - 1/3 = 362/3. The standard dimension is 30. It panics if n < 2.
func ZDT1(n int) Problem {
	return zdt("ZDT1", n, 121-1.0/3, func(f1, g float64) float64 {
		return g * (1 - math.Sqrt(f1/g))
	})
}

// ZDT2 returns the two-objective ZDT2 problem on [0, 1]^n (Zitzler, Deb and
// Thiele, 2000), ZDT1 with a concave front:
//
//	f1 = x0
//	f2 = g (1 - (f1/g)²),  g = 1 + 9 Σᵢ₌₁ⁿ⁻¹ xᵢ / (n-1)
//
// Its Pareto front, reached where x1 = ... = xn-1 = 0 (g = 1), is the curve
// f2 = 1 - f1² for f1 in [0, 1]. Ref is (11, 11) and FrontHV is
// 121 - 2/3 = 361/3. The standard dimension is 30. It panics if n < 2.
func ZDT2(n int) Problem {
	return zdt("ZDT2", n, 121-2.0/3, func(f1, g float64) float64 {
		r := f1 / g
		return g * (1 - r*r)
	})
}

// zdt builds a ZDT problem whose second objective is h(f1, g).
func zdt(name string, n int, frontHV float64, h func(f1, g float64) float64) Problem {
	checkDim(name, n, 2)
	name += "-" + strconv.Itoa(n)
	return Problem{
		Name:       name,
		Space:      box(n, 0, 1),
		Directions: 2,
		Ref:        zdtRef[:],
		FrontHV:    frontHV,
		Eval: checked(name, n, func(x []float64) []float64 {
			var s float64
			for _, v := range x[1:] {
				s += v
			}
			g := 1 + 9*s/float64(len(x)-1)
			return []float64{x[0], h(x[0], g)}
		}),
	}
}

// Hypervolume2D returns the hypervolume of points against ref, both
// objectives minimised (Zitzler and Thiele, "Multiobjective evolutionary
// algorithms: a comparative case study and the strength Pareto approach",
// 1999): the area of the set of points that some point of points weakly
// dominates and that weakly dominate ref. A point not strictly better than ref
// in both objectives, or with a NaN, adds nothing; dominated and repeated
// points add nothing either. It takes O(n log n) time and does not change
// points. It panics unless ref and every point have two values.
func Hypervolume2D(points [][]float64, ref []float64) float64 {
	if len(ref) != 2 {
		panic(fmt.Sprintf("functions: Hypervolume2D needs a reference point of 2 values, got %d", len(ref)))
	}
	inside := make([][2]float64, 0, len(points))
	for _, p := range points {
		if len(p) != 2 {
			panic(fmt.Sprintf("functions: Hypervolume2D needs points of 2 values, got %d", len(p)))
		}
		if p[0] < ref[0] && p[1] < ref[1] {
			inside = append(inside, [2]float64{p[0], p[1]})
		}
	}
	slices.SortFunc(inside, func(a, b [2]float64) int {
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return cmp.Compare(a[1], b[1])
	})
	// Sweep in increasing f1: each point that improves on the best f2 so far
	// adds the rectangle between it, the best f2 so far and ref's f1.
	var hv float64
	best := ref[1]
	for _, p := range inside {
		if p[1] < best {
			hv += (ref[0] - p[0]) * (best - p[1])
			best = p[1]
		}
	}
	return hv
}
