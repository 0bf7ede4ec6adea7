package random

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler"
)

// Sampler is the random sampler. The zero value is ready to use; it has no
// state and is safe for concurrent use.
type Sampler struct{}

// New returns a random sampler.
func New() *Sampler { return &Sampler{} }

var _ sampler.Sampler = (*Sampler)(nil)

// SampleIndependent implements sampler.Sampler.
func (*Sampler) SampleIndependent(_ context.Context, _ core.Study, _ core.Trial, _ string, d core.Distribution, rng *rand.Rand) (float64, error) {
	return Draw(d, rng)
}

// Draw returns an internal value drawn uniformly from d, always one that d
// contains:
//
//   - Float: uniform on [Low, High], or on [log Low, log High] with Log; with
//     Step, uniform over Low, Low+Step, ..., High.
//   - Int: uniform over Low, Low+Step, ..., High; with Log, log-uniform on
//     [Low-0.5, High+0.5] and rounded, as Optuna does, so that each integer
//     has the mass of its interval.
//   - Categorical: a uniform index.
func Draw(d core.Distribution, rng *rand.Rand) (float64, error) {
	switch d := d.(type) {
	case core.Float:
		switch {
		case d.Step > 0:
			n := int64(math.Round((d.High - d.Low) / d.Step))
			return min(d.Low+float64(rng.Int64N(n+1))*d.Step, d.High), nil
		case d.Log:
			lo, hi := math.Log(d.Low), math.Log(d.High)
			return clamp(math.Exp(lo+rng.Float64()*(hi-lo)), d.Low, d.High), nil
		default:
			return clamp(d.Low+rng.Float64()*(d.High-d.Low), d.Low, d.High), nil
		}
	case core.Int:
		if d.Log {
			lo, hi := math.Log(float64(d.Low)-0.5), math.Log(float64(d.High)+0.5)
			x := math.Round(math.Exp(lo + rng.Float64()*(hi-lo)))
			return clamp(x, float64(d.Low), float64(d.High)), nil
		}
		step := int64(d.StepOrOne())
		n := (int64(d.High) - int64(d.Low)) / step
		return float64(int64(d.Low) + rng.Int64N(n+1)*step), nil
	case core.Categorical:
		return float64(rng.IntN(d.Len())), nil
	}
	return 0, fmt.Errorf("random: unsupported distribution %T", d)
}

func clamp(x, lo, hi float64) float64 { return min(max(x, lo), hi) }
