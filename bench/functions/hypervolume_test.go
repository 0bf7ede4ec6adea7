package functions_test

import (
	"math"
	"slices"
	"testing"

	"github.com/go-tune/tune/bench/functions"
)

func TestHypervolume2D(t *testing.T) {
	ref := []float64{1, 1}
	nan := math.NaN()
	for _, c := range []struct {
		name   string
		points [][]float64
		want   float64
	}{
		{"none", nil, 0},
		{"origin", [][]float64{{0, 0}}, 1},
		{"one", [][]float64{{0.5, 0.25}}, 0.5 * 0.75},
		{"two", [][]float64{{0.2, 0.6}, {0.6, 0.2}}, 0.8*0.4 + 0.4*0.8 - 0.4*0.4},
		{"two reversed", [][]float64{{0.6, 0.2}, {0.2, 0.6}}, 0.8*0.4 + 0.4*0.8 - 0.4*0.4},
		{"dominated", [][]float64{{0.5, 0.5}, {0.7, 0.6}, {0.5, 0.9}}, 0.25},
		{"repeated", [][]float64{{0.5, 0.5}, {0.5, 0.5}}, 0.25},
		{"same f1", [][]float64{{0.5, 0.8}, {0.5, 0.5}}, 0.25},
		{"staircase", [][]float64{{0, 0.75}, {0.25, 0.5}, {0.5, 0.25}, {0.75, 0}}, 0.25 * (0.25 + 0.5 + 0.75 + 1)},
		{"on ref", [][]float64{{1, 0}, {0, 1}, {1, 1}}, 0},
		{"outside ref", [][]float64{{2, -1}, {-1, 2}}, 0},
		{"negative", [][]float64{{-1, -1}}, 4},
		{"NaN", [][]float64{{nan, 0}, {0, nan}, {0.5, 0.5}}, 0.25},
		{"infinite", [][]float64{{math.Inf(-1), 0.5}}, math.Inf(1)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := functions.Hypervolume2D(c.points, ref); !near(got, c.want) && got != c.want {
				t.Errorf("Hypervolume2D(%v, %v) = %v, want %v", c.points, ref, got, c.want)
			}
		})
	}
}

func TestHypervolume2DReference(t *testing.T) {
	for _, c := range loadReference(t).Hypervolume {
		before := clone(c.Points)
		if got := functions.Hypervolume2D(c.Points, c.Ref); !near(got, c.HV) {
			t.Errorf("%d points, ref %v: Hypervolume2D = %v, want %v (Optuna's WFG)", len(c.Points), c.Ref, got, c.HV)
		}
		if !slices.EqualFunc(before, c.Points, slices.Equal) {
			t.Errorf("%d points, ref %v: Hypervolume2D changed its points", len(c.Points), c.Ref)
		}
	}
}

func clone(points [][]float64) [][]float64 {
	out := make([][]float64, len(points))
	for i, p := range points {
		out[i] = slices.Clone(p)
	}
	return out
}
