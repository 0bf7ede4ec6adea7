package optim

import "math"

// Adam configures Adam (Kingma and Ba 2015, "Adam: A Method for Stochastic
// Optimization"), with the AMSGrad variant (Reddi et al. 2018, "On the
// Convergence of Adam and Beyond") and L2 weight decay added to the
// gradient: PyTorch's torch.optim.Adam. Each Step t computes, as PyTorch
// 1.13's single-tensor implementation does,
//
//	g = grad + WeightDecay*theta
//	m = Beta1*m + (1-Beta1)*g
//	v = Beta2*v + (1-Beta2)*g*g       (AMSGrad: vmax = max(vmax, v), used for v)
//	theta -= LR/(1-Beta1^t) * m / (sqrt(v)/sqrt(1-Beta2^t) + Eps)
type Adam struct {
	// LR is the learning rate. 0 means 0.001.
	LR float64
	// Beta1 is the decay of the gradient's running mean, in [0, 1). 0
	// means 0.9; a negative value means 0.
	Beta1 float64
	// Beta2 is the decay of the squared gradient's running mean, in
	// [0, 1). 0 means 0.999; a negative value means 0.
	Beta2 float64
	// Eps is added to the denominator. 0 means 1e-8; a negative value
	// means 0.
	Eps float64
	// WeightDecay is the L2 penalty's factor, added to the gradient.
	// Default 0. (For decoupled weight decay, use AdamW.)
	WeightDecay float64
	// AMSGrad divides by the largest second moment so far.
	AMSGrad bool
}

// New returns the optimizer, or an error that names the field of c that is
// out of range.
func (c Adam) New() (Optimizer, error) {
	r := c.resolve()
	ck := checker{kind: "Adam"}
	ck.check("LR", c.LR, r.LR, positive)
	ck.check("Beta1", c.Beta1, r.Beta1, unitOpen)
	ck.check("Beta2", c.Beta2, r.Beta2, unitOpen)
	ck.check("Eps", c.Eps, r.Eps, nonNegative)
	ck.check("WeightDecay", c.WeightDecay, r.WeightDecay, nonNegative)
	if ck.err != nil {
		return nil, ck.err
	}
	return newAdam("Adam", r, r, false), nil
}

func (c Adam) resolve() Adam {
	c.LR = def(c.LR, 1e-3)
	c.Beta1 = or(c.Beta1, 0.9)
	c.Beta2 = or(c.Beta2, 0.999)
	c.Eps = or(c.Eps, 1e-8)
	return c
}

// AdamW configures Adam with decoupled weight decay (Loshchilov and Hutter
// 2019, "Decoupled Weight Decay Regularization"): PyTorch's
// torch.optim.AdamW. Each Step first shrinks the parameters,
// theta *= 1 - LR*WeightDecay, then takes Adam's step without L2 term.
type AdamW struct {
	// LR is the learning rate. 0 means 0.001.
	LR float64
	// Beta1 is the decay of the gradient's running mean, in [0, 1). 0
	// means 0.9; a negative value means 0.
	Beta1 float64
	// Beta2 is the decay of the squared gradient's running mean, in
	// [0, 1). 0 means 0.999; a negative value means 0.
	Beta2 float64
	// Eps is added to the denominator. 0 means 1e-8; a negative value
	// means 0.
	Eps float64
	// WeightDecay is the decoupled decay's factor. 0 means 0.01; a
	// negative value means none (which is Adam).
	WeightDecay float64
	// AMSGrad divides by the largest second moment so far.
	AMSGrad bool
}

// New returns the optimizer, or an error that names the field of c that is
// out of range.
func (c AdamW) New() (Optimizer, error) {
	r := Adam{LR: c.LR, Beta1: c.Beta1, Beta2: c.Beta2, Eps: c.Eps, AMSGrad: c.AMSGrad}.resolve()
	r.WeightDecay = or(c.WeightDecay, 1e-2)
	ck := checker{kind: "AdamW"}
	ck.check("LR", c.LR, r.LR, positive)
	ck.check("Beta1", c.Beta1, r.Beta1, unitOpen)
	ck.check("Beta2", c.Beta2, r.Beta2, unitOpen)
	ck.check("Eps", c.Eps, r.Eps, nonNegative)
	ck.check("WeightDecay", c.WeightDecay, r.WeightDecay, nonNegative)
	if ck.err != nil {
		return nil, ck.err
	}
	cfg := AdamW{LR: r.LR, Beta1: r.Beta1, Beta2: r.Beta2, Eps: r.Eps, WeightDecay: r.WeightDecay, AMSGrad: r.AMSGrad}
	return newAdam("AdamW", cfg, r, true), nil
}

// adam is Adam and AdamW; its slots are m, v and, with AMSGrad, vmax.
type adam struct {
	base
	c         Adam
	decoupled bool
}

func newAdam(kind string, cfg any, c Adam, decoupled bool) *adam {
	o := &adam{base: base{kind: kind, cfg: cfg, lr: c.LR, nslot: 2}, c: c, decoupled: decoupled}
	if c.AMSGrad {
		o.nslot = 3
	}
	return o
}

func (o *adam) Step(params []Param) {
	o.prepare(params, 0)
	var (
		t     = float64(o.step)
		b1    = float32(o.c.Beta1)
		b2    = float32(o.c.Beta2)
		c1    = float32(1 - o.c.Beta1)
		c2    = float32(1 - o.c.Beta2)
		eps   = float32(o.c.Eps)
		wd    = float32(o.c.WeightDecay)
		decay = float32(1 - o.lr*o.c.WeightDecay) // AdamW
		// The bias corrections and the step size are Python floats
		// (float64) in PyTorch, rounded to float32 where they meet the
		// tensors.
		step = float32(-(o.lr / (1 - math.Pow(o.c.Beta1, t))))
		bc2  = float32(math.Sqrt(1 - math.Pow(o.c.Beta2, t)))
	)
	for i, p := range params {
		m, v := o.slots[0][i], o.slots[1][i]
		var vmax []float32
		if o.c.AMSGrad {
			vmax = o.slots[2][i]
		}
		for j, g := range p.Grad {
			x := p.Value[j]
			if o.decoupled {
				x *= decay
			} else if wd != 0 {
				g = fma(wd, x, g)
			}
			m[j] = fma(c1, g, m[j]*b1)
			v[j] = fma(c2*g, g, v[j]*b2)
			d := v[j]
			if vmax != nil {
				d = max(vmax[j], d)
				vmax[j] = d
			}
			d = sqrt32(d)/bc2 + eps
			p.Value[j] = x + step*m[j]/d
		}
	}
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }
