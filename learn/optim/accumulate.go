package optim

import (
	"fmt"
)

// Accumulate configures gradient accumulation: one optimizer step for
// every Steps mini-batches, with the mean of their gradients, which is the
// step of a batch Steps times as large (when the mini-batches are of equal
// size and the loss is a mean over the batch) in the memory of one.
//
// The fit loop wraps its optimizer once, with Wrap, and calls the
// Accumulator's Step after every mini-batch's backward pass, as it would
// the optimizer's; the Accumulator copies the gradients away (so the loop
// may zero or overwrite them) and updates the parameters every Steps-th
// call only. Pending tells the loop when an update happened, which is
// when to call the schedule's AfterBatch: a schedule counts updates, not
// mini-batches, so the loop passes Start ceil(batches/Steps) as the
// batches per epoch and calls Flush at the end of every epoch, which
// updates with the mean of the mini-batches left over, if any:
//
//	acc, err := optim.Accumulate{Steps: 4}.Wrap(opt)
//	lr := sched.Start(acc.LR(), (batches+3)/4, epochs)
//	for each epoch {
//		for each batch {
//			acc.SetLR(lr)
//			forward, backward into params' Grad
//			acc.Step(params)
//			if acc.Pending() == 0 {
//				lr = sched.AfterBatch()
//			}
//		}
//		if acc.Flush(params) {
//			lr = sched.AfterBatch()
//		}
//		lr = sched.AfterEpoch(validationLoss)
//	}
type Accumulate struct {
	// Steps is the number of mini-batches per update. 0 means 1: no
	// accumulation, each Step updates.
	Steps int
}

// Wrap returns opt wrapped so that it steps once every a.Steps calls, or an
// error if a.Steps is negative or opt nil.
func (a Accumulate) Wrap(opt Optimizer) (*Accumulator, error) {
	ck := checker{kind: "Accumulate"}
	ck.checkInt("Steps", a.Steps, 0)
	if ck.err == nil && opt == nil {
		ck.fail("Wrap of a nil Optimizer")
	}
	if ck.err != nil {
		return nil, ck.err
	}
	if a.Steps == 0 {
		a.Steps = 1
	}
	return &Accumulator{opt: opt, cfg: a}, nil
}

// Accumulator is an Optimizer that sums the gradients of Accumulate.Steps
// calls to Step (in float64) and hands their mean to the optimizer that it
// wraps. Like every Optimizer, it must be given the same params at every
// call, and is not safe for concurrent use.
type Accumulator struct {
	opt  Optimizer
	cfg  Accumulate
	n    int         // mini-batches summed since the last update
	sums [][]float64 // per param; nil until the first Step
	mean []Param     // scratch: the params with the mean gradients
}

var _ Optimizer = (*Accumulator)(nil)

// Optimizer returns the optimizer that a wraps.
func (a *Accumulator) Optimizer() Optimizer { return a.opt }

// Steps returns how many mini-batches make one update (Accumulate.Steps,
// resolved: at least 1).
func (a *Accumulator) Steps() int { return max(a.cfg.Steps, 1) }

// Pending returns how many mini-batches' gradients are summed and not yet
// applied: 0 right after an update.
func (a *Accumulator) Pending() int { return a.n }

// LR returns the wrapped optimizer's learning rate.
func (a *Accumulator) LR() float64 { return a.opt.LR() }

// SetLR sets the wrapped optimizer's learning rate.
func (a *Accumulator) SetLR(lr float64) { a.opt.SetLR(lr) }

// Step adds the gradients of params to the sums and, at every Steps-th
// call, updates params with their mean. It leaves the params' Grad as
// they are.
func (a *Accumulator) Step(params []Param) {
	if a.cfg.Steps == 1 && a.n == 0 {
		a.opt.Step(params)
		return
	}
	if a.sums == nil {
		a.sums = make([][]float64, len(params))
		for i, p := range params {
			a.sums[i] = make([]float64, len(p.Grad))
		}
	}
	if len(a.sums) != len(params) {
		panic(fmt.Sprintf("optim: Accumulator.Step with %d params, not %d", len(params), len(a.sums)))
	}
	for i, p := range params {
		s := a.sums[i]
		if len(p.Grad) != len(s) || len(p.Value) != len(s) {
			panic(fmt.Sprintf("optim: Accumulator.Step: Param %q has %d values and %d gradients, not %d", p.Name, len(p.Value), len(p.Grad), len(s)))
		}
		for j, g := range p.Grad {
			s[j] += float64(g)
		}
	}
	a.n++
	if a.n >= a.cfg.Steps {
		a.Flush(params)
	}
}

// Flush updates params with the mean of the gradients summed since the
// last update, if any, and reports whether it did. The fit loop calls it
// at the end of each epoch, so that no mini-batch is left out.
func (a *Accumulator) Flush(params []Param) bool {
	if a.n == 0 {
		return false
	}
	if len(a.mean) != len(params) {
		a.mean = make([]Param, len(params))
	}
	for i, p := range params {
		m := a.mean[i].Grad
		if len(m) != len(p.Value) {
			m = make([]float32, len(p.Value))
		}
		for j, s := range a.sums[i] {
			m[j] = float32(s / float64(a.n))
			a.sums[i][j] = 0
		}
		a.mean[i] = Param{Name: p.Name, Value: p.Value, Grad: m}
	}
	a.n = 0
	a.opt.Step(a.mean)
	for i := range a.mean {
		a.mean[i].Value = nil // do not hold on to the caller's arrays
	}
	return true
}

// MarshalBinary encodes the sums pending and the wrapped optimizer's
// state.
func (a *Accumulator) MarshalBinary() ([]byte, error) {
	inner, err := a.opt.MarshalBinary()
	if err != nil {
		return nil, err
	}
	w := newWriter("Accumulate", a.cfg)
	w.uvarint(uint64(a.n))
	w.uvarint(uint64(len(a.sums)))
	for _, s := range a.sums {
		w.f64s(s)
	}
	w.str(inner)
	return w.Bytes(), nil
}

// UnmarshalBinary restores what MarshalBinary encoded, for an Accumulator
// of the same Steps around an optimizer of the same kind.
func (a *Accumulator) UnmarshalBinary(data []byte) error {
	r, err := newReader(data, "Accumulate", a.cfg)
	if err != nil {
		return err
	}
	n := int(r.uvarint())
	sums := make([][]float64, r.count())
	for i := range sums {
		sums[i] = r.f64s()
	}
	inner := r.str()
	if err := r.end(); err != nil {
		return err
	}
	if n < 0 || n >= a.cfg.Steps || n > 0 && len(sums) == 0 {
		return fmt.Errorf("optim: bad state: %d mini-batches pending, with Steps %d", n, a.cfg.Steps)
	}
	if a.sums != nil && len(sums) > 0 {
		if len(sums) != len(a.sums) {
			return fmt.Errorf("%w: Accumulate holds the sums of %d params, not %d", ErrMismatch, len(sums), len(a.sums))
		}
		for i := range sums {
			if len(sums[i]) != len(a.sums[i]) {
				return fmt.Errorf("%w: Accumulate holds %d sums of param %d, not %d", ErrMismatch, len(sums[i]), i, len(a.sums[i]))
			}
		}
	}
	if err := a.opt.UnmarshalBinary(inner); err != nil {
		return err
	}
	if len(sums) == 0 {
		sums = nil
	}
	a.n, a.sums = n, sums
	return nil
}
