package tpe

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortedOrder: the radix sort gives the stable order of a comparison
// sort, with negative numbers, zeros, ties and infinities.
func TestSortedOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{0, 1, 2, 7, 100, 1000} {
		mus := make([]float64, n)
		for i := range mus {
			switch rng.IntN(6) {
			case 0:
				mus[i] = float64(rng.IntN(5) - 2) // ties, and both zeros
			case 1:
				mus[i] = math.Copysign(0, -1)
			case 2:
				mus[i] = math.Inf(2*rng.IntN(2) - 1)
			default:
				mus[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(20)-10))
			}
		}
		want := make([]int, n)
		for i := range want {
			want[i] = i
		}
		slices.SortStableFunc(want, func(a, b int) int {
			switch {
			case mus[a] < mus[b]:
				return -1
			case mus[a] > mus[b]:
				return 1
			}
			return 0
		})
		if got := sortedOrder(mus); !slices.Equal(got, want) {
			t.Errorf("n=%d: order %v, want %v", n, got, want)
		}
	}
}
