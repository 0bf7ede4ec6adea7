package optim

import "math"

// ReduceOnPlateau multiplies the learning rate by Factor when the
// validation metric has not improved for more than Patience epochs:
// PyTorch's ReduceLROnPlateau. The metric improves when it is below the
// best so far times 1-Threshold (or minus Threshold, with ThresholdAbs;
// above, with Max). After a reduction, Cooldown epochs pass before
// epochs without improvement count again; the rate never goes below
// MinLR, and a reduction smaller than Eps is skipped.
//
// A NaN metric (the fit loop's "no validation data") leaves the schedule
// as it is, where PyTorch would count it as an epoch without improvement.
type ReduceOnPlateau struct {
	// Max makes a larger metric better (PyTorch's mode "max"); by
	// default a smaller one is (mode "min").
	Max bool
	// Factor multiplies the rate at each reduction, in (0, 1). 0 means 0.1.
	Factor float64
	// Patience is the number of epochs without improvement that are
	// tolerated. 0 means 10; a negative value means 0.
	Patience int
	// Threshold is the least improvement that counts, relative to the
	// best metric (or absolute, with ThresholdAbs). 0 means 1e-4; a
	// negative value means 0.
	Threshold float64
	// ThresholdAbs makes Threshold absolute (threshold_mode "abs"); by
	// default it is relative ("rel").
	ThresholdAbs bool
	// Cooldown is the number of epochs after a reduction during which
	// epochs without improvement do not count. Default 0.
	Cooldown int
	// MinLR is the least rate. Default 0.
	MinLR float64
	// Eps is the least reduction that is applied. 0 means 1e-8; a
	// negative value means 0.
	Eps float64
}

// New returns the schedule, or an error that names the field of c that is
// out of range.
func (c ReduceOnPlateau) New() (Schedule, error) {
	r := c
	r.Factor = def(c.Factor, 0.1)
	r.Patience = orInt(c.Patience, 10)
	r.Threshold = or(c.Threshold, 1e-4)
	r.Eps = or(c.Eps, 1e-8)
	ck := checker{kind: "ReduceOnPlateau"}
	ck.check("Factor", c.Factor, r.Factor, unitInside)
	ck.check("Threshold", c.Threshold, r.Threshold, nonNegative)
	ck.checkInt("Cooldown", c.Cooldown, 0)
	ck.check("MinLR", c.MinLR, r.MinLR, nonNegative)
	ck.check("Eps", c.Eps, r.Eps, nonNegative)
	if ck.err != nil {
		return nil, ck.err
	}
	return &plateau{c: r}, nil
}

type plateau struct {
	epochwise
	c        ReduceOnPlateau
	best     float64
	bad      int // epochs without improvement
	cooldown int // epochs of cooldown left
}

func (s *plateau) Start(base float64, _, _ int) float64 {
	s.lr, s.bad, s.cooldown = base, 0, 0
	s.best = math.Inf(1)
	if s.c.Max {
		s.best = math.Inf(-1)
	}
	return s.lr
}

func (s *plateau) better(a float64) bool {
	switch {
	case !s.c.Max && !s.c.ThresholdAbs:
		return a < s.best*(1-s.c.Threshold)
	case !s.c.Max:
		return a < s.best-s.c.Threshold
	case !s.c.ThresholdAbs:
		return a > s.best*(s.c.Threshold+1)
	}
	return a > s.best+s.c.Threshold
}

func (s *plateau) AfterEpoch(metric float64) float64 {
	if math.IsNaN(metric) {
		return s.lr
	}
	if s.better(metric) {
		s.best, s.bad = metric, 0
	} else {
		s.bad++
	}
	if s.cooldown > 0 {
		s.cooldown--
		s.bad = 0
	}
	if s.bad > s.c.Patience {
		if lr := max(s.lr*s.c.Factor, s.c.MinLR); s.lr-lr > s.c.Eps {
			s.lr = lr
		}
		s.cooldown, s.bad = s.c.Cooldown, 0
	}
	return s.lr
}
