package optim

import "math"

// The epoch-wise schedules keep the learning rate that they last returned
// and change it in AfterEpoch, recursively as PyTorch's schedulers do
// (so that the sequence matches theirs to the last bit), and return it
// unchanged from AfterBatch.
type epochwise struct{ lr float64 }

func (s *epochwise) AfterBatch() float64 { return s.lr }

// batchwise is the counterpart of the schedules that change the rate after
// every batch.
type batchwise struct{ lr float64 }

func (s *batchwise) AfterEpoch(float64) float64 { return s.lr }

// Constant is the schedule that keeps the optimizer's learning rate.
type Constant struct{}

// New returns the schedule.
func (c Constant) New() (Schedule, error) { return new(constant), nil }

type constant struct{ epochwise }

func (s *constant) Start(base float64, _, _ int) float64 { s.lr = base; return base }
func (s *constant) AfterEpoch(float64) float64           { return s.lr }

// Step multiplies the learning rate by Gamma every Size epochs: PyTorch's
// StepLR.
type Step struct {
	// Size is the number of epochs between decays. 0 means 30 (PyTorch
	// asks for one; 30 is its documentation's example).
	Size int
	// Gamma is the factor, positive. 0 means 0.1.
	Gamma float64
}

// New returns the schedule, or an error that names the field of c that is
// out of range.
func (c Step) New() (Schedule, error) {
	r := c
	if r.Size == 0 {
		r.Size = 30
	}
	r.Gamma = def(c.Gamma, 0.1)
	ck := checker{kind: "Step"}
	ck.checkInt("Size", c.Size, 0)
	ck.check("Gamma", c.Gamma, c.Gamma, nonNegative)
	if ck.err != nil {
		return nil, ck.err
	}
	return &stepSched{c: r}, nil
}

type stepSched struct {
	epochwise
	c     Step
	epoch int
}

func (s *stepSched) Start(base float64, _, _ int) float64 {
	s.lr, s.epoch = base, 0
	return s.lr
}

func (s *stepSched) AfterEpoch(float64) float64 {
	s.epoch++
	if s.epoch%s.c.Size == 0 {
		s.lr *= s.c.Gamma
	}
	return s.lr
}

// MultiStep multiplies the learning rate by Gamma at each of the
// Milestones (epochs): PyTorch's MultiStepLR.
type MultiStep struct {
	// Milestones are the epochs after which the rate decays, positive
	// and increasing. There is no default.
	Milestones []int
	// Gamma is the factor, positive. 0 means 0.1.
	Gamma float64
}

// New returns the schedule, or an error that names the field of c that is
// out of range.
func (c MultiStep) New() (Schedule, error) {
	ck := checker{kind: "MultiStep"}
	if len(c.Milestones) == 0 {
		ck.fail("Milestones is empty")
	}
	for i, m := range c.Milestones {
		if m <= 0 || i > 0 && m <= c.Milestones[i-1] {
			ck.fail("Milestones is %v; they must be positive and increasing", c.Milestones)
		}
	}
	ck.check("Gamma", c.Gamma, c.Gamma, nonNegative)
	if ck.err != nil {
		return nil, ck.err
	}
	s := &multiStep{gamma: def(c.Gamma, 0.1), at: make(map[int]bool)}
	for _, m := range c.Milestones {
		s.at[m] = true
	}
	return s, nil
}

type multiStep struct {
	epochwise
	gamma float64
	at    map[int]bool
	epoch int
}

func (s *multiStep) Start(base float64, _, _ int) float64 {
	s.lr, s.epoch = base, 0
	return s.lr
}

func (s *multiStep) AfterEpoch(float64) float64 {
	s.epoch++
	if s.at[s.epoch] {
		s.lr *= s.gamma
	}
	return s.lr
}

// Exponential multiplies the learning rate by Gamma every epoch: PyTorch's
// ExponentialLR.
type Exponential struct {
	// Gamma is the factor, positive. 0 means 0.95 (PyTorch asks for one).
	Gamma float64
}

// New returns the schedule, or an error that names the field of c that is
// out of range.
func (c Exponential) New() (Schedule, error) {
	ck := checker{kind: "Exponential"}
	ck.check("Gamma", c.Gamma, c.Gamma, nonNegative)
	if ck.err != nil {
		return nil, ck.err
	}
	return &exponential{gamma: def(c.Gamma, 0.95)}, nil
}

type exponential struct {
	epochwise
	gamma float64
}

func (s *exponential) Start(base float64, _, _ int) float64 { s.lr = base; return base }
func (s *exponential) AfterEpoch(float64) float64           { s.lr *= s.gamma; return s.lr }

// Cosine anneals the learning rate from the optimizer's down to MinLR
// along a half cosine over TMax epochs (Loshchilov and Hutter 2017, "SGDR:
// Stochastic Gradient Descent with Warm Restarts", without the restarts):
// PyTorch's CosineAnnealingLR, whose recursive form it follows. Past TMax
// epochs the rate rises again along the cosine, as in PyTorch.
type Cosine struct {
	// TMax is the number of epochs of the half cosine. 0 means the run's
	// epochs (PyTorch asks for it).
	TMax int
	// MinLR is the rate at the end. Default 0.
	MinLR float64
}

// New returns the schedule, or an error that names the field of c that is
// out of range.
func (c Cosine) New() (Schedule, error) {
	ck := checker{kind: "Cosine"}
	ck.checkInt("TMax", c.TMax, 0)
	ck.check("MinLR", c.MinLR, c.MinLR, nonNegative)
	if ck.err != nil {
		return nil, ck.err
	}
	return &cosine{c: c}, nil
}

type cosine struct {
	epochwise
	c   Cosine
	cos cosineAnnealing
}

func (s *cosine) Start(base float64, _, epochs int) float64 {
	t := s.c.TMax
	if t == 0 {
		t = epochs
	}
	s.cos = cosineAnnealing{base: base, min: s.c.MinLR, tmax: max(t, 1)}
	s.lr = base
	return s.lr
}

func (s *cosine) AfterEpoch(float64) float64 {
	s.lr = s.cos.next(s.lr)
	return s.lr
}

// cosineAnnealing is the recursion of PyTorch's CosineAnnealingLR.get_lr.
type cosineAnnealing struct {
	base, min float64
	tmax      int
	epoch     int // last_epoch
}

// next advances one epoch from the rate lr and returns the next rate.
func (c *cosineAnnealing) next(lr float64) float64 {
	c.epoch++
	e, t := float64(c.epoch), float64(c.tmax)
	if (c.epoch-1-c.tmax)%(2*c.tmax) == 0 {
		return lr + (c.base-c.min)*(1-math.Cos(math.Pi/t))/2
	}
	// float64() keeps the rounding of each product, as Python does, where
	// a compiler could fuse it into the addition.
	r := (1 + math.Cos(math.Pi*e/t)) / (1 + math.Cos(math.Pi*(e-1)/t))
	return float64(r*(lr-c.min)) + c.min
}

// restart returns CosineAnnealingLR's closed form at epoch 0 and sets the
// epoch to 0 (SequentialLR's step(0) at its milestone).
func (c *cosineAnnealing) restart() float64 {
	c.epoch = 0
	return c.min + (c.base-c.min)*(1+math.Cos(0))/2
}

// WarmupCosine raises the learning rate linearly over Warmup batches, from
// StartFactor times the optimizer's up to it, then anneals it along a half
// cosine down to MinLR over the rest of the run, batch by batch (Goyal et
// al. 2017, "Accurate, Large Minibatch SGD", for the warm-up): PyTorch's
// SequentialLR of LinearLR(start_factor=StartFactor, total_iters=Warmup)
// and CosineAnnealingLR(T_max=batches-Warmup, eta_min=MinLR), with the
// milestone at Warmup, stepped after every batch.
type WarmupCosine struct {
	// Warmup is the number of batches of the linear warm-up. 0 means 5
	// (LinearLR's default); a negative value means none. A run no longer
	// than the warm-up ends in it.
	Warmup int
	// StartFactor is the fraction of the rate that the warm-up starts
	// at, in (0, 1]. 0 means 1/3 (LinearLR's default).
	StartFactor float64
	// MinLR is the rate at the end. Default 0.
	MinLR float64
}

// New returns the schedule, or an error that names the field of c that is
// out of range.
func (c WarmupCosine) New() (Schedule, error) {
	r := c
	r.Warmup = orInt(c.Warmup, 5)
	if r.StartFactor == 0 {
		r.StartFactor = 1.0 / 3
	}
	ck := checker{kind: "WarmupCosine"}
	ck.check("StartFactor", c.StartFactor, r.StartFactor, unitHalf)
	ck.check("MinLR", c.MinLR, c.MinLR, nonNegative)
	if ck.err != nil {
		return nil, ck.err
	}
	return &warmupCosine{c: r}, nil
}

type warmupCosine struct {
	batchwise
	c     WarmupCosine
	batch int
	cos   cosineAnnealing
}

func (s *warmupCosine) Start(base float64, batchesPerEpoch, epochs int) float64 {
	total := batchesPerEpoch * epochs
	s.batch = 0
	s.cos = cosineAnnealing{base: base, min: s.c.MinLR, tmax: max(total-s.c.Warmup, 1)}
	s.lr = base
	if s.c.Warmup > 0 {
		s.lr = base * s.c.StartFactor
	}
	return s.lr
}

func (s *warmupCosine) AfterBatch() float64 {
	s.batch++
	w, f := s.c.Warmup, s.c.StartFactor
	switch {
	case s.batch < w:
		// LinearLR.get_lr with end_factor 1.
		d := float64(float64(w)*f) + float64(float64(s.batch-1)*(1-f))
		s.lr *= 1 + (1-f)/d
	case s.batch == w:
		s.lr = s.cos.restart()
	default:
		s.lr = s.cos.next(s.lr)
	}
	return s.lr
}
