package optim

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestValidation(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		cfg  interface{ New() (Optimizer, error) }
		want string // "" for no error
	}{
		{GD{}, ""},
		{GD{LR: -1}, "optim: GD.LR is -1; it must be positive and finite"},
		{SGD{}, ""},
		{SGD{Momentum: 0.9, Nesterov: true}, ""},
		{SGD{LR: nan}, "SGD.LR is NaN"},
		{SGD{Momentum: 1}, "optim: SGD.Momentum is 1; it must be in [0, 1)"},
		{SGD{Dampening: 1.5}, "SGD.Dampening is 1.5; it must be in [0, 1]"},
		{SGD{WeightDecay: -0.1}, "SGD.WeightDecay is -0.1; it must be finite and not negative"},
		{SGD{Nesterov: true}, "optim: SGD.Nesterov needs Momentum > 0 and Dampening 0"},
		{SGD{Momentum: 0.9, Dampening: 0.1, Nesterov: true}, "SGD.Nesterov needs"},
		{Adam{}, ""},
		{Adam{Beta1: -1, Beta2: -1, Eps: -1}, ""}, // negative means 0
		{Adam{Beta1: 1.5}, "optim: Adam.Beta1 is 1.5; it must be in [0, 1)"},
		{Adam{Beta2: 1}, "Adam.Beta2 is 1; it must be in [0, 1)"},
		{Adam{Eps: math.Inf(1)}, "Adam.Eps is +Inf"},
		{Adam{WeightDecay: -1}, "Adam.WeightDecay is -1"},
		{AdamW{}, ""},
		{AdamW{WeightDecay: -1}, ""},
		{AdamW{LR: -1e-3}, "AdamW.LR is -0.001"},
		{AdamW{Beta1: 2}, "AdamW.Beta1 is 2"},
		{AdamW{WeightDecay: nan}, "AdamW.WeightDecay is NaN"},
		{RMSProp{}, ""},
		{RMSProp{Alpha: 1}, "RMSProp.Alpha is 1; it must be in [0, 1)"},
		{RMSProp{Momentum: -0.5}, "RMSProp.Momentum is -0.5"},
		{RMSProp{WeightDecay: -1}, "RMSProp.WeightDecay is -1"},
		{Adagrad{}, ""},
		{Adagrad{LRDecay: -1}, "Adagrad.LRDecay is -1"},
		{Adagrad{InitialAccumulator: -1}, "Adagrad.InitialAccumulator is -1"},
		{Adagrad{WeightDecay: -1}, "Adagrad.WeightDecay is -1"},
	} {
		opt, err := c.cfg.New()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%#v: %v", c.cfg, err)
		case c.want == "" && opt == nil:
			t.Errorf("%#v: no optimizer", c.cfg)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%#v: error %v, want %q", c.cfg, err, c.want)
		}
	}
}

func TestScheduleValidation(t *testing.T) {
	for _, c := range []struct {
		cfg  interface{ New() (Schedule, error) }
		want string
	}{
		{Constant{}, ""},
		{Step{}, ""},
		{Step{Size: -1}, "optim: Step.Size is -1; it must not be negative"},
		{Step{Gamma: -0.5}, "Step.Gamma is -0.5"},
		{MultiStep{}, "optim: MultiStep.Milestones is empty"},
		{MultiStep{Milestones: []int{3, 3}}, "MultiStep.Milestones is [3 3]; they must be positive and increasing"},
		{MultiStep{Milestones: []int{0, 3}}, "MultiStep.Milestones is [0 3]"},
		{MultiStep{Milestones: []int{2, 5}, Gamma: math.NaN()}, "MultiStep.Gamma is NaN"},
		{MultiStep{Milestones: []int{2, 5}}, ""},
		{Exponential{}, ""},
		{Exponential{Gamma: -1}, "Exponential.Gamma is -1"},
		{Cosine{}, ""},
		{Cosine{TMax: -1}, "Cosine.TMax is -1"},
		{Cosine{MinLR: -1}, "Cosine.MinLR is -1"},
		{WarmupCosine{}, ""},
		{WarmupCosine{StartFactor: 1.5}, "optim: WarmupCosine.StartFactor is 1.5; it must be in (0, 1]"},
		{WarmupCosine{MinLR: -1}, "WarmupCosine.MinLR is -1"},
		{ReduceOnPlateau{}, ""},
		{ReduceOnPlateau{Factor: 1}, "optim: ReduceOnPlateau.Factor is 1; it must be in (0, 1)"},
		{ReduceOnPlateau{Cooldown: -1}, "ReduceOnPlateau.Cooldown is -1"},
		{ReduceOnPlateau{MinLR: -1}, "ReduceOnPlateau.MinLR is -1"},
		{ReduceOnPlateau{Threshold: math.Inf(1)}, "ReduceOnPlateau.Threshold is +Inf"},
		{OneCycle{}, ""},
		{OneCycle{PctStart: 1}, "optim: OneCycle.PctStart is 1; it must be in (0, 1)"},
		{OneCycle{PctStart: 0.5, ThreePhase: true}, "OneCycle.PctStart is 0.5; it must be in (0, 0.5)"},
		{OneCycle{MaxLR: -1}, "OneCycle.MaxLR is -1"},
		{OneCycle{DivFactor: -1}, "OneCycle.DivFactor is -1"},
		{OneCycle{FinalDivFactor: math.NaN()}, "OneCycle.FinalDivFactor is NaN"},
	} {
		s, err := c.cfg.New()
		switch {
		case c.want == "" && (err != nil || s == nil):
			t.Errorf("%#v: %v", c.cfg, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%#v: error %v, want %q", c.cfg, err, c.want)
		}
	}
	if _, err := (Accumulate{Steps: -1}).Wrap(nil); err == nil || !strings.Contains(err.Error(), "Accumulate.Steps is -1") {
		t.Errorf("Accumulate{Steps: -1}: %v", err)
	}
}

// TestDefaults checks the documented defaults through the resolved
// configs that the optimizers encode.
func TestDefaults(t *testing.T) {
	for _, c := range []struct {
		cfg  interface{ New() (Optimizer, error) }
		want any
	}{
		{GD{}, GD{LR: 0.01}},
		{SGD{}, SGD{LR: 0.01}},
		{Adam{}, Adam{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
		{Adam{Beta1: -1}, Adam{LR: 1e-3, Beta1: 0, Beta2: 0.999, Eps: 1e-8}},
		{AdamW{}, AdamW{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-2}},
		{AdamW{WeightDecay: -1}, AdamW{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
		{RMSProp{}, RMSProp{LR: 1e-2, Alpha: 0.99, Eps: 1e-8}},
		{Adagrad{}, Adagrad{LR: 1e-2, Eps: 1e-10}},
	} {
		opt, err := c.cfg.New()
		if err != nil {
			t.Fatal(err)
		}
		var b *base
		switch o := opt.(type) {
		case *gd:
			b = &o.base
		case *sgd:
			b = &o.base
		case *adam:
			b = &o.base
		case *rmsprop:
			b = &o.base
		case *adagrad:
			b = &o.base
		}
		if b.cfg != c.want {
			t.Errorf("%#v resolves to %#v, want %#v", c.cfg, b.cfg, c.want)
		}
		if opt.LR() != reflect.ValueOf(c.want).FieldByName("LR").Float() {
			t.Errorf("%#v: LR %v", c.cfg, opt.LR())
		}
	}
}

// run takes steps of opt on the reference problem from x.
func run(p *problem, opt Optimizer, x []float32, steps int) {
	g := make([]float32, len(x))
	params := p.params(x, g)
	for range steps {
		p.grad(x, g)
		opt.Step(params)
	}
}

// TestResume checks that 50 steps, a round trip through MarshalBinary and
// UnmarshalBinary into a new optimizer, and 50 more steps give, bit for
// bit, the parameters of 100 steps in a row.
func TestResume(t *testing.T) {
	ref := loadReference(t)
	p := &ref.Problem
	for _, c := range ref.Optimizers {
		t.Run(c.Name, func(t *testing.T) {
			whole, err := newOptimizer(c.Kind, c.Config)
			if err != nil {
				t.Fatal(err)
			}
			xw := slices.Clone(p.X0)
			run(p, whole, xw, 100)

			first, _ := newOptimizer(c.Kind, c.Config)
			x := slices.Clone(p.X0)
			run(p, first, x, 50)
			first.SetLR(first.LR()) // the rate is encoded too
			state, err := first.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			second, _ := newOptimizer(c.Kind, c.Config)
			if err := second.UnmarshalBinary(state); err != nil {
				t.Fatal(err)
			}
			again, _ := second.MarshalBinary()
			if !slices.Equal(state, again) {
				t.Error("MarshalBinary after UnmarshalBinary differs")
			}
			run(p, second, x, 50)
			if !slices.Equal(x, xw) {
				t.Errorf("resumed %v\nin a row %v", x, xw)
			}
		})
	}
}

func TestUnmarshalMismatch(t *testing.T) {
	ref := loadReference(t)
	p := &ref.Problem
	adam, _ := Adam{LR: 0.01}.New()
	run(p, adam, slices.Clone(p.X0), 3)
	state, _ := adam.MarshalBinary()

	for _, c := range []struct {
		opt  Optimizer
		want string
	}{
		{must(SGD{}.New()), "optim: state of another optimizer: it is Adam's, and this optimizer is SGD"},
		{must(AdamW{}.New()), "it is Adam's, and this optimizer is AdamW"},
		{must(Adam{Beta1: 0.5}.New()), "optim: state of another optimizer: the state has Adam.Beta1 0.9, and this optimizer 0.5"},
		{must(Adam{AMSGrad: true}.New()), "the state has Adam.AMSGrad false, and this optimizer true"},
	} {
		err := c.opt.UnmarshalBinary(state)
		if !errors.Is(err, ErrMismatch) || err.Error() != c.want && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v, want %q", err, c.want)
		}
	}
	// The learning rate is state, not configuration.
	if err := must(Adam{LR: 0.5}.New()).UnmarshalBinary(state); err != nil {
		t.Error(err)
	}

	// An optimizer that has stepped checks the lengths.
	other := must(Adam{LR: 0.01}.New())
	x := make([]float32, 4)
	other.Step([]Param{{Value: x, Grad: x}})
	if err := other.UnmarshalBinary(state); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "the state is of 2 params, and this Adam's of 1") {
		t.Errorf("other lengths: %v", err)
	}

	for _, bad := range [][]byte{nil, []byte("nonsense"), state[:len(state)-1], append(slices.Clone(state), 0)} {
		err := must(Adam{LR: 0.01}.New()).UnmarshalBinary(bad)
		if err == nil || errors.Is(err, ErrMismatch) {
			t.Errorf("%d bytes: %v", len(bad), err)
		}
	}
	v2 := slices.Clone(state)
	v2[len(magic)] = 2
	if err := must(Adam{LR: 0.01}.New()).UnmarshalBinary(v2); err == nil || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("version 2: %v", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestStepPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"grad length": func() {
			must(SGD{}.New()).Step([]Param{{Name: "w", Value: make([]float32, 3), Grad: make([]float32, 2)}})
		},
		"other params": func() {
			o := must(Adam{}.New())
			o.Step([]Param{{Value: make([]float32, 3), Grad: make([]float32, 3)}})
			o.Step([]Param{{Value: make([]float32, 2), Grad: make([]float32, 2)}})
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
