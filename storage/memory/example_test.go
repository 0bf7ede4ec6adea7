package memory_test

import (
	"context"
	"fmt"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/storage"
	"github.com/go-tune/tune/storage/memory"
)

func Example() {
	ctx := context.Background()
	s := memory.New()
	study, _ := s.CreateStudy(ctx, "demo", []core.Direction{core.Minimize}, nil)
	t, _ := s.CreateTrial(ctx, study.ID, storage.TrialSpec{})
	_ = s.SetParam(ctx, t.ID, core.Param{Name: "x", Internal: 0.5, Dist: core.Float{Low: 0, High: 1}})
	_ = s.FinishTrial(ctx, t.ID, core.Complete, []float64{0.25})
	err := s.FinishTrial(ctx, t.ID, core.Complete, []float64{0.1})
	got, _ := s.Trial(ctx, t.ID)
	fmt.Println(got.Number, got.State, got.Values, got.ParamValues())
	fmt.Println(err)
	// Output:
	// 0 COMPLETE [0.25] map[x:0.5]
	// storage: trial is finished: trial 0 is COMPLETE
}
