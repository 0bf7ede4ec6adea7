package optim

// fma returns a*b + c rounded once to float32, as PyTorch's CPU kernels
// compute add(c, b, alpha=a) and addcmul (with a fused multiply-add where
// the CPU has one). The product of two float32 is exact in float64.
func fma(a, b, c float32) float32 {
	return float32(float64(a)*float64(b) + float64(c))
}

// GD configures full-batch gradient descent: theta -= LR * g. Its update is
// SGD's without momentum or weight decay; what makes it full-batch is
// that the fit loop hands it the gradient of the whole training set (one
// batch per epoch), where SGD gets a mini-batch's.
type GD struct {
	// LR is the learning rate. 0 means 0.01.
	LR float64
}

// New returns the optimizer, or an error that names the field of c that is
// out of range.
func (c GD) New() (Optimizer, error) {
	r := c
	r.LR = def(c.LR, 0.01)
	ck := checker{kind: "GD"}
	ck.check("LR", c.LR, r.LR, positive)
	if ck.err != nil {
		return nil, ck.err
	}
	return &gd{base: base{kind: "GD", cfg: r, lr: r.LR}}, nil
}

type gd struct{ base }

func (o *gd) Step(params []Param) {
	o.prepare(params, 0)
	lr := float32(-o.lr)
	for _, p := range params {
		for j, g := range p.Grad {
			p.Value[j] = fma(lr, g, p.Value[j])
		}
	}
}

// SGD configures stochastic gradient descent with momentum (Polyak's heavy
// ball, or Nesterov's accelerated gradient as Sutskever et al. 2013 write
// it) and L2 weight decay: PyTorch's torch.optim.SGD. Each Step computes
//
//	g = grad + WeightDecay*theta
//	b = Momentum*b + (1-Dampening)*g   (b = g at the first step)
//	g = g + Momentum*b if Nesterov, else g = b (with momentum)
//	theta -= LR * g
type SGD struct {
	// LR is the learning rate. 0 means 0.01 (PyTorch asks for one).
	LR float64
	// Momentum is the momentum factor, in [0, 1). Default 0: none.
	Momentum float64
	// Dampening scales the gradient added to the momentum buffer by
	// 1-Dampening, in [0, 1]. Default 0.
	Dampening float64
	// Nesterov uses Nesterov momentum; it needs Momentum > 0 and
	// Dampening 0.
	Nesterov bool
	// WeightDecay is the L2 penalty's factor, added to the gradient.
	// Default 0.
	WeightDecay float64
}

// New returns the optimizer, or an error that names the field of c that is
// out of range.
func (c SGD) New() (Optimizer, error) {
	given := c.LR
	c.LR = def(c.LR, 0.01)
	ck := checker{kind: "SGD"}
	ck.check("LR", given, c.LR, positive)
	ck.check("Momentum", c.Momentum, c.Momentum, unitOpen)
	ck.check("Dampening", c.Dampening, c.Dampening, unitClosed)
	ck.check("WeightDecay", c.WeightDecay, c.WeightDecay, nonNegative)
	if c.Nesterov && (c.Momentum == 0 || c.Dampening != 0) {
		ck.fail("Nesterov needs Momentum > 0 and Dampening 0")
	}
	if ck.err != nil {
		return nil, ck.err
	}
	o := &sgd{base: base{kind: "SGD", cfg: c, lr: c.LR}, c: c}
	if c.Momentum != 0 {
		o.nslot = 1
	}
	return o, nil
}

type sgd struct {
	base
	c SGD
}

func (o *sgd) Step(params []Param) {
	first := o.step == 0
	o.prepare(params, 0)
	var (
		lr   = float32(-o.lr)
		wd   = float32(o.c.WeightDecay)
		mom  = float32(o.c.Momentum)
		damp = float32(1 - o.c.Dampening)
	)
	for i, p := range params {
		var buf []float32
		if o.nslot > 0 {
			buf = o.slots[0][i]
		}
		for j, g := range p.Grad {
			x := p.Value[j]
			if wd != 0 {
				g = fma(wd, x, g)
			}
			if buf != nil {
				if first {
					buf[j] = g
				} else {
					buf[j] = fma(damp, g, buf[j]*mom)
				}
				if o.c.Nesterov {
					g = fma(mom, buf[j], g)
				} else {
					g = buf[j]
				}
			}
			p.Value[j] = fma(lr, g, x)
		}
	}
}
