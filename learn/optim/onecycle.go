package optim

import "math"

// OneCycle is the 1cycle policy (Smith and Topin 2019, "Super-Convergence:
// Very Fast Training of Neural Networks Using Large Learning Rates"),
// batch by batch: the rate rises from MaxLR/DivFactor to MaxLR over the
// first PctStart of the run's batches, then falls to
// MaxLR/(DivFactor*FinalDivFactor) by the end, along cosines (or lines):
// PyTorch's OneCycleLR with total_steps batchesPerEpoch*epochs. PyTorch's
// cycling of the momentum, inversely to the rate, is left out: the
// optimizer's momentum stays as configured (cycle_momentum=False).
//
// The total is the run's length that Start gets. As in PyTorch, the rate
// that AfterBatch returns after the last batch, which no batch uses, is
// the cosine (or line) carried one batch past the final rate; past it the
// rate stays put (PyTorch raises an error).
type OneCycle struct {
	// MaxLR is the peak rate. 0 means the optimizer's rate (PyTorch asks
	// for it, and ignores the optimizer's).
	MaxLR float64
	// PctStart is the fraction of the batches during which the rate
	// rises, in (0, 1) (below 0.5 with ThreePhase). 0 means 0.3.
	PctStart float64
	// Linear anneals along lines (anneal_strategy "linear"); by default
	// along cosines ("cos").
	Linear bool
	// DivFactor divides MaxLR into the initial rate, positive. 0 means 25.
	DivFactor float64
	// FinalDivFactor divides the initial rate into the final one,
	// positive. 0 means 1e4.
	FinalDivFactor float64
	// ThreePhase brings the rate back down to the initial one over as
	// many batches as it rose, then down to the final one (the paper's
	// schedule); by default it falls from MaxLR to the final one (fastai's).
	ThreePhase bool
}

// New returns the schedule, or an error that names the field of c that is
// out of range.
func (c OneCycle) New() (Schedule, error) {
	r := c
	r.PctStart = def(c.PctStart, 0.3)
	r.DivFactor = def(c.DivFactor, 25)
	r.FinalDivFactor = def(c.FinalDivFactor, 1e4)
	ck := checker{kind: "OneCycle"}
	ck.check("MaxLR", c.MaxLR, r.MaxLR, nonNegative)
	if c.ThreePhase {
		ck.check("PctStart", c.PctStart, r.PctStart, bound{lo: 0, hi: 0.5, openLo: true, openHi: true})
	} else {
		ck.check("PctStart", c.PctStart, r.PctStart, unitInside)
	}
	ck.check("DivFactor", c.DivFactor, r.DivFactor, positive)
	ck.check("FinalDivFactor", c.FinalDivFactor, r.FinalDivFactor, positive)
	if ck.err != nil {
		return nil, ck.err
	}
	return &oneCycle{c: r}, nil
}

type phase struct {
	end        float64 // the last batch of the phase (end_step)
	start, fin float64 // rates
}

type oneCycle struct {
	batchwise
	c      OneCycle
	total  int
	batch  int
	phases []phase
}

func (s *oneCycle) Start(base float64, batchesPerEpoch, epochs int) float64 {
	s.total = max(batchesPerEpoch*epochs, 1)
	peak := s.c.MaxLR
	if peak == 0 {
		peak = base
	}
	initial := peak / s.c.DivFactor
	final := initial / s.c.FinalDivFactor
	total, pct := float64(s.total), s.c.PctStart
	// float64() keeps each product's rounding, as in Python.
	if s.c.ThreePhase {
		s.phases = []phase{
			{float64(pct*total) - 1, initial, peak},
			{float64(2*pct*total) - 2, peak, initial},
			{total - 1, initial, final},
		}
	} else {
		s.phases = []phase{
			{float64(pct*total) - 1, initial, peak},
			{total - 1, peak, final},
		}
	}
	s.batch = 0
	s.lr = s.at(0)
	return s.lr
}

func (s *oneCycle) AfterBatch() float64 {
	if s.batch < s.total {
		s.batch++
		s.lr = s.at(s.batch)
	}
	return s.lr
}

// at is OneCycleLR.get_lr at step n.
func (s *oneCycle) at(n int) float64 {
	step, start := float64(n), 0.0
	for i, ph := range s.phases {
		if step <= ph.end || i == len(s.phases)-1 {
			pct := 1.0 // a phase of no batches (PyTorch divides by 0)
			if ph.end > start {
				pct = (step - start) / (ph.end - start)
			}
			if s.c.Linear {
				return float64((ph.fin-ph.start)*pct) + ph.start
			}
			return ph.fin + float64((ph.start-ph.fin)/2*(math.Cos(math.Pi*pct)+1))
		}
		start = ph.end
	}
	panic("unreachable")
}
