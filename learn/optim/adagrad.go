package optim

// Adagrad configures Adagrad (Duchi, Hazan and Singer 2011, "Adaptive
// Subgradient Methods for Online Learning and Stochastic Optimization"):
// PyTorch's torch.optim.Adagrad. Each Step t computes
//
//	g = grad + WeightDecay*theta
//	s = s + g*g                        (s starts at InitialAccumulator)
//	theta -= LR/(1 + (t-1)*LRDecay) * g / (sqrt(s) + Eps)
type Adagrad struct {
	// LR is the learning rate. 0 means 0.01.
	LR float64
	// LRDecay divides the learning rate by 1 + (t-1)*LRDecay at step t.
	// Default 0.
	LRDecay float64
	// WeightDecay is the L2 penalty's factor, added to the gradient.
	// Default 0.
	WeightDecay float64
	// InitialAccumulator is the sum of squared gradients before the first
	// step. Default 0.
	InitialAccumulator float64
	// Eps is added to the denominator. 0 means 1e-10; a negative value
	// means 0.
	Eps float64
}

// New returns the optimizer, or an error that names the field of c that is
// out of range.
func (c Adagrad) New() (Optimizer, error) {
	r := c
	r.LR = def(c.LR, 0.01)
	r.Eps = or(c.Eps, 1e-10)
	ck := checker{kind: "Adagrad"}
	ck.check("LR", c.LR, r.LR, positive)
	ck.check("LRDecay", c.LRDecay, r.LRDecay, nonNegative)
	ck.check("WeightDecay", c.WeightDecay, r.WeightDecay, nonNegative)
	ck.check("InitialAccumulator", c.InitialAccumulator, r.InitialAccumulator, nonNegative)
	ck.check("Eps", c.Eps, r.Eps, nonNegative)
	if ck.err != nil {
		return nil, ck.err
	}
	return &adagrad{base: base{kind: "Adagrad", cfg: r, lr: r.LR, nslot: 1}, c: r}, nil
}

type adagrad struct {
	base
	c Adagrad
}

func (o *adagrad) Step(params []Param) {
	o.prepare(params, float32(o.c.InitialAccumulator))
	var (
		// As in PyTorch, the decayed rate is a float64 (a Python float).
		lr  = float32(-(o.lr / (1 + float64(o.step-1)*o.c.LRDecay)))
		wd  = float32(o.c.WeightDecay)
		eps = float32(o.c.Eps)
	)
	for i, p := range params {
		s := o.slots[0][i]
		for j, g := range p.Grad {
			x := p.Value[j]
			if wd != 0 {
				g = fma(wd, x, g)
			}
			s[j] = fma(g, g, s[j])
			p.Value[j] = x + lr*g/(sqrt32(s[j])+eps)
		}
	}
}
