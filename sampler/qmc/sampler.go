package qmc

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/random"
)

// The sequence types of Config.Type.
const (
	TypeSobol  = "sobol"
	TypeHalton = "halton"
)

// Config configures a Sampler. The zero value is a scrambled Sobol' sampler
// whose scrambling is seeded by the study (see Sampler.Seed).
type Config struct {
	// Type is the sequence: TypeSobol or TypeHalton. "" means TypeSobol.
	Type string
	// NoScramble, when true, uses the plain sequence, as Optuna's
	// QMCSampler does by default (scramble=False). The default (false) is to
	// scramble, as scipy does: scrambled points keep the stratification of
	// the sequence but not its flaws (the first point is not the corner of
	// the space where every parameter is at its lower bound; the Halton
	// coordinates of large primes do not line up), and Optuna's reason
	// to avoid scrambling, that workers without a common seed scramble
	// differently, does not hold here: see Seed.
	NoScramble bool
	// Seed seeds the scrambling. 0 means a seed derived from the study's
	// recorded seed and name (see Sampler.Seed), so that every worker of the
	// study, in any process and in any run, scrambles alike, and two
	// studies scramble differently. It is unused with NoScramble.
	Seed uint64
}

// Sampler is the quasi-Monte Carlo sampler. It is safe for concurrent use.
//
// It samples jointly, as a point of the sequence, the numeric parameters of
// the study's first finished trial: the Complete or Pruned trial with the
// lowest number, as Optuna's QMCSampler does. Everything else is sampled
// independently by the random sampler (random.Draw): the trials that start
// before any trial has finished, categorical parameters, and parameters that
// the first finished trial lacks. Categorical parameters stay outside the
// sequence as in Optuna: their choices have no order for the sequence's
// stratification to act on. The space is not cached, so that all workers
// agree on it at any time: it changes only if a trial numbered below the
// first finished one finishes later.
//
// Trial number n takes point n of the sequence. Numeric values are mapped
// from the unit interval as Optuna maps them: linearly, or on the log scale
// for log distributions; steps and integers split the interval into equal
// parts, one per value (Optuna's bounds widened by half a step, then
// rounding), on the log scale between Low-0.5 and High+0.5 for log integers.
type Sampler struct {
	// random.Sampler samples what the sampler does not sample jointly
	// (SampleIndependent).
	random.Sampler

	cfg Config

	mu    sync.Mutex
	seqs  map[seqKey]Sequence // built sequences, which are immutable
	seeds sampler.Seeds       // by study name
}

type seqKey struct {
	dim  int
	seed uint64
}

var (
	_ sampler.Sampler  = (*Sampler)(nil)
	_ sampler.Relative = (*Sampler)(nil)
)

// New returns a sampler with configuration cfg. It fails for an unknown
// Type.
func New(cfg Config) (*Sampler, error) {
	switch cfg.Type {
	case "":
		cfg.Type = TypeSobol
	case TypeSobol, TypeHalton:
	default:
		return nil, fmt.Errorf("qmc: Config.Type %q: want %q or %q", cfg.Type, TypeSobol, TypeHalton)
	}
	return &Sampler{cfg: cfg, seqs: map[seqKey]Sequence{}}, nil
}

// Config returns the sampler's configuration, with Type filled in.
func (s *Sampler) Config() Config { return s.cfg }

// Seed returns the scrambling seed of study: Config.Seed or, when it is
// 0, one derived from the study's recorded seed (core.SeedAttr, which tune
// draws at random when a study is created without one) and its name, or from
// its name alone when it has no recorded seed (a study that another tool
// created). Every worker of the study, in any process and in any run, then
// scrambles alike. It is read once per study name.
func (s *Sampler) Seed(ctx context.Context, study core.Study) (uint64, error) {
	return s.seeds.Get(ctx, study, s.cfg.Seed)
}

// RelativeSpace implements sampler.Relative: the numeric, not single-valued
// parameters of the lowest-numbered Complete or Pruned trial, or nil when
// there is none. It fails when they are more than MaxDim.
func (s *Sampler) RelativeSpace(ctx context.Context, study core.Study, _ core.Trial) (map[string]core.Distribution, error) {
	trials, err := study.Trials(ctx, core.Complete, core.Pruned)
	if err != nil {
		return nil, err
	}
	if len(trials) == 0 {
		return nil, nil
	}
	first := slices.MinFunc(trials, func(a, b core.Trial) int { return a.Number - b.Number })
	space := map[string]core.Distribution{}
	for _, p := range first.Params {
		if _, cat := p.Dist.(core.Categorical); !cat && !p.Dist.Single() {
			space[p.Name] = p.Dist
		}
	}
	if len(space) > MaxDim {
		return nil, fmt.Errorf("%w: the search space of trial %d has %d numeric parameters, more than %d", ErrDimension, first.Number, len(space), MaxDim)
	}
	return space, nil
}

// SampleRelative implements sampler.Relative: the values of point
// t.Number of the sequence over the parameters of space in name order. The
// rng is not used: the point depends only on the trial number, the
// configuration and the study's seed (see Seed).
func (s *Sampler) SampleRelative(ctx context.Context, study core.Study, t core.Trial, space map[string]core.Distribution, _ *rand.Rand) (map[string]float64, error) {
	if len(space) == 0 {
		return map[string]float64{}, nil
	}
	if t.Number < 0 {
		return nil, fmt.Errorf("qmc: trial number %d is negative", t.Number)
	}
	seed, err := s.Seed(ctx, study)
	if err != nil {
		return nil, err
	}
	seq, err := s.sequence(len(space), seed)
	if err != nil {
		return nil, err
	}
	u := seq.Point(uint64(t.Number), make([]float64, len(space)))
	out := make(map[string]float64, len(space))
	for j, name := range slices.Sorted(maps.Keys(space)) {
		d := space[name]
		x, err := FromUnit(d, u[j])
		if err != nil {
			return nil, fmt.Errorf("qmc: parameter %q: %w", name, err)
		}
		out[name] = x
	}
	return out, nil
}

// sequence returns the sampler's sequence in dim dimensions for seed,
// building it on first use.
func (s *Sampler) sequence(dim int, seed uint64) (Sequence, error) {
	scramble := !s.cfg.NoScramble
	if !scramble {
		seed = 0
	}
	key := seqKey{dim, seed}
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq, ok := s.seqs[key]; ok {
		return seq, nil
	}
	var seq Sequence
	var err error
	if s.cfg.Type == TypeHalton {
		seq, err = NewHalton(dim, scramble, seed)
	} else {
		seq, err = NewSobol(dim, scramble, seed)
	}
	if err != nil {
		return nil, err
	}
	s.seqs[key] = seq
	return seq, nil
}

// FromUnit maps u in [0, 1) to an internal value of d, one that d contains,
// such that a uniform u gives Optuna's distribution of values:
//
//   - Float: Low + u(High-Low), or the same on the log scale with Log; with
//     Step, value k of the n+1 values Low, Low+Step, ..., High for u in
//     [k/(n+1), (k+1)/(n+1)).
//   - Int: likewise value k of Low, Low+Step, ..., High; with Log,
//     exp(log(Low-0.5) + u(log(High+0.5) - log(Low-0.5))) rounded.
//   - Categorical: index k of n choices for u in [k/n, (k+1)/n).
//
// A u outside [0, 1) is clamped to it.
func FromUnit(d core.Distribution, u float64) (float64, error) {
	if !(u >= 0) { // NaN too
		u = 0
	}
	u = min(u, math.Nextafter(1, 0))
	var x float64
	switch d := d.(type) {
	case core.Float:
		switch {
		case d.Step > 0:
			n := math.Round((d.High - d.Low) / d.Step)
			x = min(d.Low+bucket(u, n)*d.Step, d.High)
		case d.Log:
			x = clamp(math.Exp(lerp(math.Log(d.Low), math.Log(d.High), u)), d.Low, d.High)
		default:
			x = clamp(lerp(d.Low, d.High, u), d.Low, d.High)
		}
	case core.Int:
		if d.Log {
			x = math.Round(math.Exp(lerp(math.Log(float64(d.Low)-0.5), math.Log(float64(d.High)+0.5), u)))
			x = clamp(x, float64(d.Low), float64(d.High))
		} else {
			step := d.StepOrOne()
			x = float64(d.Low + int(bucket(u, float64((d.High-d.Low)/step)))*step)
		}
	case core.Categorical:
		x = bucket(u, float64(d.Len()-1))
	default:
		return 0, fmt.Errorf("qmc: unsupported distribution %T", d)
	}
	if !d.Contains(x) {
		return 0, fmt.Errorf("qmc: %v maps to %v, outside %v", u, x, d)
	}
	return x, nil
}

// bucket returns k in 0..n such that u is in [k/(n+1), (k+1)/(n+1)).
func bucket(u, n float64) float64 { return min(math.Floor(u*(n+1)), n) }

// lerp returns lo + u(hi-lo), also when hi-lo overflows.
func lerp(lo, hi, u float64) float64 {
	if w := hi - lo; !math.IsInf(w, 0) {
		return lo + u*w
	}
	return lo*(1-u) + hi*u
}

func clamp(x, lo, hi float64) float64 { return min(max(x, lo), hi) }
