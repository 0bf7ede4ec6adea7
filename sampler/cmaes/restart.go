package cmaes

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// The restart strategies of Restarts.Strategy.
const (
	NoRestart = ""
	IPOP      = "ipop"
	BIPOP     = "bipop"
)

// Restarts is the restart policy of a run of CMA-ES and its record so far.
// The zero value never restarts. It marshals to JSON, so that a run can be
// carried on elsewhere.
type Restarts struct {
	// Strategy is NoRestart, IPOP or BIPOP.
	Strategy string `json:"strategy,omitempty"`
	// IncPopSize multiplies the population at each IPOP restart and at each
	// large-population BIPOP restart. 0 means 2.
	IncPopSize int `json:"inc_popsize,omitempty"`
	// Count is how many restarts have happened.
	Count int `json:"count"`
	// Large counts the large-population BIPOP restarts; LargeEvals and
	// SmallEvals are the evaluations spent in the large-population runs
	// (the first run included) and the small-population ones; Small tells
	// whether the current run is a small-population one.
	Large      int  `json:"large,omitempty"`
	LargeEvals int  `json:"large_evals,omitempty"`
	SmallEvals int  `json:"small_evals,omitempty"`
	Small      bool `json:"small,omitempty"`
}

func (r *Restarts) inc() int {
	if r.IncPopSize == 0 {
		return 2
	}
	return r.IncPopSize
}

// Next returns the optimizer that follows c, which should stop, and records
// the restart. base holds the options of the first run (the default
// population size when base.PopSize is 0, sigma0 base.Sigma); the new run
// starts from a mean drawn uniformly within the bounds (base.Mean for an
// unbounded coordinate), as Optuna's CmaEsSampler restarts.
//
//   - IPOP (Auger and Hansen 2005): the population is c's times IncPopSize.
//   - BIPOP (Hansen 2009): each restart goes to the regime that has spent
//     fewer evaluations so far, the first run counting as large. A large
//     restart has population PopSize0 IncPopSize^k at the k-th large
//     restart, and sigma0; a small one has population
//     floor(PopSize0 (L/PopSize0)^(U^2)), L the latest large population,
//     and sigma sigma0 10^(-2U), with U uniform on [0, 1].
//
// With NoRestart, Next starts again with base's population and sigma.
func (r *Restarts) Next(c *CMA, base Options, rng *rand.Rand) (*CMA, error) {
	if r.Strategy != NoRestart && r.Strategy != IPOP && r.Strategy != BIPOP {
		return nil, fmt.Errorf("cmaes: unknown restart strategy %q", r.Strategy)
	}
	pop0 := base.PopSize
	if pop0 == 0 {
		pop0 = DefaultPopSize(len(base.Mean))
	}
	o := base
	o.Mean = slices.Clone(base.Mean)
	for i := range o.Mean {
		if o.Lower != nil && o.Upper != nil && !math.IsInf(o.Lower[i], 0) && !math.IsInf(o.Upper[i], 0) {
			o.Mean[i] = o.Lower[i] + (o.Upper[i]-o.Lower[i])*rng.Float64()
		}
	}
	switch r.Strategy {
	case IPOP:
		o.PopSize = c.PopSize() * r.inc()
	case BIPOP:
		if r.Small {
			r.SmallEvals += c.PopSize() * c.Generation()
		} else {
			r.LargeEvals += c.PopSize() * c.Generation()
		}
		mult := math.Pow(float64(r.inc()), float64(r.Large))
		if r.SmallEvals < r.LargeEvals {
			u := rng.Float64()
			r.Small = true
			o.PopSize = max(2, int(math.Floor(float64(pop0)*math.Pow(mult, u*u))))
			o.Sigma = base.Sigma * math.Pow(10, -2*u)
		} else {
			r.Small = false
			r.Large++
			o.PopSize = pop0 * int(mult) * r.inc()
		}
	default:
		o.PopSize = pop0
	}
	r.Count++
	return NewCMA(o)
}
