package tpe

import (
	"context"
	"math"
	"testing"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
)

// TestObserve: trials become scores as in Optuna's TPE: Complete by value
// (negated when maximising), Pruned by deepest step then the value there
// (NaN as +Inf, none as step 1), Running (constant liar) last; Fail and the
// trial being sampled left out.
func TestObserve(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		dir   core.Direction
		liar  bool
		want  []score
		wantN int
	}{
		{core.Minimize, true, []score{{step: -inf, value: 2}, {step: -3, value: 0.5}, {step: -1, value: inf}, {step: 1, value: 0}, {step: inf, value: inf}}, 4},
		{core.Maximize, true, []score{{step: -inf, value: -2}, {step: -3, value: -0.5}, {step: -1, value: inf}, {step: 1, value: 0}, {step: inf, value: inf}}, 4},
		{core.Minimize, false, []score{{step: -inf, value: 2}, {step: -3, value: 0.5}, {step: -1, value: inf}, {step: 1, value: 0}}, 4},
	} {
		study := coretest.New([]core.Direction{c.dir},
			core.Trial{State: core.Complete, Values: []float64{2}},
			core.Trial{State: core.Pruned, Intermediate: []core.Step{{Step: 1, Value: 9}, {Step: 3, Value: 0.5}}},
			core.Trial{State: core.Pruned, Intermediate: []core.Step{{Step: 1, Value: math.NaN()}}},
			core.Trial{State: core.Pruned},
			core.Trial{State: core.Fail},
			core.Trial{State: core.Running},
		)
		self := study.Add(core.Trial{State: core.Running})
		cfg := Config{NoConstantLiar: !c.liar}
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		o, err := s.observe(context.Background(), study, self)
		if err != nil {
			t.Fatal(err)
		}
		if o.n != c.wantN || len(o.scores) != len(c.want) {
			t.Fatalf("%v liar=%v: n %d, scores %v; want %d, %v", c.dir, c.liar, o.n, o.scores, c.wantN, c.want)
		}
		for i, sc := range o.scores {
			if sc.step != c.want[i].step || sc.value != c.want[i].value {
				t.Errorf("%v liar=%v: score %d = %v, want %v", c.dir, c.liar, i, sc, c.want[i])
			}
		}
	}
}
