package optim

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// grads returns n gradients of length m from a seeded source.
func grads(n, m int, seed uint64) [][]float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	g := make([][]float32, n)
	for i := range g {
		g[i] = make([]float32, m)
		for j := range g[i] {
			g[i][j] = float32(r.NormFloat64())
		}
	}
	return g
}

// TestAccumulate checks that four mini-batches through an Accumulator make
// the step that the mean of their gradients makes.
func TestAccumulate(t *testing.T) {
	const steps, m = 4, 5
	gs := grads(3*steps+2, m, 1)

	acc, err := Accumulate{Steps: steps}.Wrap(must(Adam{LR: 0.1}.New()))
	if err != nil {
		t.Fatal(err)
	}
	direct := must(Adam{LR: 0.1}.New())
	x, xd := make([]float32, m), make([]float32, m)
	g := make([]float32, m)
	params := []Param{{Name: "w", Value: x, Grad: g}}

	// stepMean steps direct with the mean of gs, summed in float64.
	stepMean := func(gs [][]float32) {
		mean := make([]float32, m)
		for j := range mean {
			var s float64
			for _, g := range gs {
				s += float64(g[j])
			}
			mean[j] = float32(s / float64(len(gs)))
		}
		direct.Step([]Param{{Value: xd, Grad: mean}})
	}

	for i, gi := range gs {
		copy(g, gi)
		before := slices.Clone(x)
		acc.Step(params)
		if !slices.Equal(g, gi) {
			t.Fatal("Step changed the gradients")
		}
		if (i+1)%steps == 0 {
			stepMean(gs[i+1-steps : i+1])
			if acc.Pending() != 0 || !slices.Equal(x, xd) {
				t.Fatalf("mini-batch %d: pending %d, x %v, want %v", i, acc.Pending(), x, xd)
			}
		} else if acc.Pending() != (i+1)%steps || !slices.Equal(x, before) {
			t.Fatalf("mini-batch %d: pending %d, x changed", i, acc.Pending())
		}
	}
	// Two left over: Flush steps with their mean.
	if !acc.Flush(params) {
		t.Fatal("Flush did not step")
	}
	stepMean(gs[len(gs)-2:])
	if !slices.Equal(x, xd) {
		t.Fatalf("after Flush x %v, want %v", x, xd)
	}
	if acc.Flush(params) || acc.Pending() != 0 {
		t.Error("Flush with nothing pending stepped")
	}
	acc.SetLR(0.5)
	if acc.LR() != 0.5 || acc.Optimizer().LR() != 0.5 {
		t.Error("SetLR did not reach the wrapped optimizer")
	}
}

// TestAccumulateOne checks that Steps 0 steps at every call.
func TestAccumulateOne(t *testing.T) {
	acc := must(Accumulate{}.Wrap(must(SGD{LR: 1}.New())))
	x := []float32{1, 2}
	acc.Step([]Param{{Value: x, Grad: []float32{1, 1}}})
	if acc.Pending() != 0 || x[0] != 0 || x[1] != 1 {
		t.Errorf("pending %d, x %v", acc.Pending(), x)
	}
}

// TestAccumulateResume stops in the middle of an accumulation, and checks
// that the restored Accumulator continues bit for bit.
func TestAccumulateResume(t *testing.T) {
	const m = 6
	gs := grads(11, m, 2)
	newAcc := func() *Accumulator {
		return must(Accumulate{Steps: 3}.Wrap(must(SGD{LR: 0.1, Momentum: 0.9}.New())))
	}
	feed := func(acc *Accumulator, x []float32, gs [][]float32) {
		for _, g := range gs {
			acc.Step([]Param{{Value: x, Grad: g}})
		}
	}
	whole := newAcc()
	xw := make([]float32, m)
	feed(whole, xw, gs)

	first := newAcc()
	x := make([]float32, m)
	feed(first, x, gs[:5]) // one step, two pending
	state, err := first.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	second := newAcc()
	if err := second.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	if second.Pending() != 2 {
		t.Errorf("pending %d after restoring, want 2", second.Pending())
	}
	feed(second, x, gs[5:])
	if !slices.Equal(x, xw) {
		t.Errorf("resumed %v\nin a row %v", x, xw)
	}

	other := must(Accumulate{Steps: 4}.Wrap(must(SGD{LR: 0.1, Momentum: 0.9}.New())))
	if err := other.UnmarshalBinary(state); !errors.Is(err, ErrMismatch) {
		t.Errorf("other Steps: %v", err)
	}
	bare, _ := first.Optimizer().MarshalBinary()
	if err := newAcc().UnmarshalBinary(bare); err == nil {
		t.Error("an optimizer's state restored into an Accumulator")
	}
}
