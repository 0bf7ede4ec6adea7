package pruner_test

import (
	"context"
	"fmt"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/pruner"
)

// add appends a trial with the next number to study and returns it.
func add(study *coretest.Study, state core.State, values []float64, steps []core.Step) core.Trial {
	t := core.Trial{State: state, Values: values}
	for _, st := range steps {
		t.SetIntermediate(st.Step, st.Value)
	}
	return study.Add(t)
}

func ExampleMedian() {
	ctx := context.Background()
	study := coretest.New([]core.Direction{core.Minimize})
	// Five finished trials, whose losses at step 0 are 10..14 and at
	// step 1 are 5..9.
	for i := range 5 {
		loss := float64(i)
		add(study, core.Complete, []float64{loss}, []core.Step{{Step: 0, Value: 10 + loss}, {Step: 1, Value: 5 + loss}})
	}

	p := pruner.Median{} // Optuna's defaults: 5 startup trials, no warmup
	running := core.Trial{Number: 5, State: core.Running}
	for step, loss := range []float64{11, 8} {
		running.SetIntermediate(step, loss)
		prune, err := p.Prune(ctx, study, running)
		if err != nil {
			panic(err)
		}
		fmt.Printf("step %d: loss %v, prune %t\n", step, loss, prune)
	}
	// Output:
	// step 0: loss 11, prune false
	// step 1: loss 8, prune true
}
