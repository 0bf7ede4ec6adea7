package random_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/random"
	"github.com/go-tune/tune/sampler/samplertest"
)

func TestConformance(t *testing.T) {
	samplertest.Run(t, func() sampler.Sampler { return random.New() })
}

// TestUniform checks that Draw covers each distribution's values evenly: a
// chi-squared test over the values of discrete distributions and over ten
// bins (on the log scale for log distributions) of continuous ones.
func TestUniform(t *testing.T) {
	const n = 20000
	cases := []struct {
		d    core.Distribution
		bins int
		bin  func(x float64) int
	}{
		{core.Float{Low: -2, High: 8}, 10, func(x float64) int { return int(x + 2) }},
		{core.Float{Low: 1e-4, High: 1, Log: true}, 8, func(x float64) int { return int((math.Log10(x) + 4) * 2) }},
		{core.Float{Low: 0, High: 1, Step: 0.25}, 5, func(x float64) int { return int(math.Round(x * 4)) }},
		{core.Int{Low: -3, High: 3}, 7, func(x float64) int { return int(x) + 3 }},
		{core.Int{Low: 0, High: 90, Step: 10}, 10, func(x float64) int { return int(x) / 10 }},
		{must(core.NewCategorical("a", "b", "c", nil)), 4, func(x float64) int { return int(x) }},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range cases {
		counts := make([]float64, c.bins)
		for range n {
			x, err := random.Draw(c.d, rng)
			if err != nil {
				t.Fatal(err)
			}
			if !c.d.Contains(x) {
				t.Fatalf("%v: drew %v, not in the distribution", c.d, x)
			}
			counts[min(c.bin(x), c.bins-1)]++
		}
		chi2 := 0.0
		want := float64(n) / float64(c.bins)
		for _, o := range counts {
			chi2 += (o - want) * (o - want) / want
		}
		// The 99.9th percentile of chi-squared with up to 9 degrees of freedom is 27.9.
		if chi2 > 27.9 {
			t.Errorf("%v: counts %v are not uniform (chi2 %.1f)", c.d, counts, chi2)
		}
	}
}

// TestIntLog checks Optuna's log-uniform integers: each integer k gets the
// mass of [k-0.5, k+0.5] on the log scale.
func TestIntLog(t *testing.T) {
	const n = 40000
	d := core.Int{Low: 1, High: 8, Log: true}
	rng := rand.New(rand.NewPCG(3, 4))
	counts := make([]float64, 9)
	for range n {
		x, _ := random.Draw(d, rng)
		counts[int(x)]++
	}
	total := math.Log(8.5) - math.Log(0.5)
	for k := 1; k <= 8; k++ {
		p := (math.Log(float64(k)+0.5) - math.Log(float64(k)-0.5)) / total
		if got := counts[k] / n; math.Abs(got-p) > 4*math.Sqrt(p*(1-p)/n) {
			t.Errorf("P(%d) = %.4f, want %.4f", k, got, p)
		}
	}
}

func must(d core.Categorical, err error) core.Categorical {
	if err != nil {
		panic(err)
	}
	return d
}
