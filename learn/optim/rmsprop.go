package optim

// RMSProp configures RMSProp (Hinton's lecture 6e of "Neural Networks for
// Machine Learning", 2012; centered as in Graves 2013, "Generating
// Sequences With Recurrent Neural Networks"): PyTorch's
// torch.optim.RMSprop. Each Step computes
//
//	g = grad + WeightDecay*theta
//	s = Alpha*s + (1-Alpha)*g*g
//	a = sqrt(s) + Eps                  (centered: mu = Alpha*mu + (1-Alpha)*g, a = sqrt(s - mu*mu) + Eps)
//	b = Momentum*b + g/a, theta -= LR*b (with momentum; else theta -= LR*g/a)
type RMSProp struct {
	// LR is the learning rate. 0 means 0.01.
	LR float64
	// Alpha is the decay of the squared gradient's running mean, in
	// [0, 1). 0 means 0.99; a negative value means 0.
	Alpha float64
	// Eps is added to the denominator. 0 means 1e-8; a negative value
	// means 0.
	Eps float64
	// WeightDecay is the L2 penalty's factor, added to the gradient.
	// Default 0.
	WeightDecay float64
	// Momentum is the momentum factor, in [0, 1). Default 0: none.
	Momentum float64
	// Centered divides by an estimate of the gradient's variance instead
	// of its second moment.
	Centered bool
}

// New returns the optimizer, or an error that names the field of c that is
// out of range.
func (c RMSProp) New() (Optimizer, error) {
	r := c
	r.LR = def(c.LR, 0.01)
	r.Alpha = or(c.Alpha, 0.99)
	r.Eps = or(c.Eps, 1e-8)
	ck := checker{kind: "RMSProp"}
	ck.check("LR", c.LR, r.LR, positive)
	ck.check("Alpha", c.Alpha, r.Alpha, unitOpen)
	ck.check("Eps", c.Eps, r.Eps, nonNegative)
	ck.check("WeightDecay", c.WeightDecay, r.WeightDecay, nonNegative)
	ck.check("Momentum", c.Momentum, r.Momentum, unitOpen)
	if ck.err != nil {
		return nil, ck.err
	}
	o := &rmsprop{base: base{kind: "RMSProp", cfg: r, lr: r.LR, nslot: 1}, c: r, mu: -1, buf: -1}
	if r.Centered {
		o.mu = o.nslot
		o.nslot++
	}
	if r.Momentum > 0 {
		o.buf = o.nslot
		o.nslot++
	}
	return o, nil
}

// rmsprop's slots are the running mean of g*g, then that of g (if
// centered) and the momentum buffer (with momentum), at mu and buf.
type rmsprop struct {
	base
	c       RMSProp
	mu, buf int // -1 when unused
}

func (o *rmsprop) Step(params []Param) {
	o.prepare(params, 0)
	var (
		lr    = float32(-o.lr)
		alpha = float32(o.c.Alpha)
		c     = float32(1 - o.c.Alpha)
		eps   = float32(o.c.Eps)
		wd    = float32(o.c.WeightDecay)
		mom   = float32(o.c.Momentum)
	)
	for i, p := range params {
		s := o.slots[0][i]
		var mu, buf []float32
		if o.mu >= 0 {
			mu = o.slots[o.mu][i]
		}
		if o.buf >= 0 {
			buf = o.slots[o.buf][i]
		}
		for j, g := range p.Grad {
			x := p.Value[j]
			if wd != 0 {
				g = fma(wd, x, g)
			}
			s[j] = fma(c*g, g, s[j]*alpha)
			var a float32
			if mu != nil {
				mu[j] = fma(c, g, mu[j]*alpha)
				a = sqrt32(fma(-mu[j], mu[j], s[j]))
			} else {
				a = sqrt32(s[j])
			}
			a += eps
			if buf != nil {
				buf[j] = float32(buf[j]*mom) + g/a
				p.Value[j] = fma(lr, buf[j], x)
			} else {
				p.Value[j] = x + lr*g/a
			}
		}
	}
}
