package tpe_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/samplertest"
	"github.com/go-tune/tune/sampler/tpe"
)

func TestGroupConformance(t *testing.T) {
	samplertest.Run(t, func() sampler.Sampler { return must(tpe.New(tpe.Config{Multivariate: true, Group: true})) })
}

// conditional is a conditional objective: "kind" picks a branch with its
// own parameters.
func conditional(_ context.Context, tr *tune.Trial) (float64, error) {
	kind, err := tune.Choice(tr, "kind", "a", "b")
	if err != nil {
		return 0, err
	}
	if kind == "a" {
		x, err := tr.Float("x_a", -5, 5)
		return 1 + (x-1)*(x-1), err
	}
	y, err := tr.Float("y_b", -5, 5)
	if err != nil {
		return 0, err
	}
	z, err := tr.Float("z_b", -5, 5)
	return (y-2)*(y-2) + (z+1)*(z+1), err
}

// TestGroups: the relative space of a conditional study covers its
// branches' groups, and a relative sample has each group's parameters.
func TestGroups(t *testing.T) {
	s := must(tpe.New(tpe.Config{Multivariate: true, Group: true, StartupTrials: 5}))
	study, err := tune.CreateStudy(context.Background(), "groups", tune.WithSampler(s), tune.WithSeed(3))
	if err != nil {
		t.Fatal(err)
	}
	if err := study.Optimize(context.Background(), conditional, tune.OptimizeOptions{Trials: 60}); err != nil {
		t.Fatal(err)
	}
	// The space the sampler reports covers every branch's parameters.
	trials, _ := study.Trials(context.Background())
	view := coretest.New([]core.Direction{core.Minimize}, trials...)
	space, err := s.RelativeSpace(context.Background(), view, core.Trial{})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(slices.Sorted(maps.Keys(space))); got != "[kind x_a y_b z_b]" {
		t.Errorf("relative space %s, want [kind x_a y_b z_b]", got)
	}
	// Without groups, only "kind" is in every trial.
	plain := must(tpe.New(tpe.Config{Multivariate: true}))
	space, _ = plain.RelativeSpace(context.Background(), view, core.Trial{})
	if got := fmt.Sprint(slices.Sorted(maps.Keys(space))); got != "[kind]" {
		t.Errorf("relative space without groups %s, want [kind]", got)
	}
	// A relative sample has every group's parameters.
	rel, err := s.SampleRelative(context.Background(), view, core.Trial{ID: -1, Number: -1}, map[string]core.Distribution{
		"x_a": core.Float{Low: -5, High: 5}, "y_b": core.Float{Low: -5, High: 5}, "z_b": core.Float{Low: -5, High: 5},
	}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rel) != 3 {
		t.Errorf("relative sample %v, want x_a, y_b and z_b", rel)
	}
	if _, err := tpe.New(tpe.Config{Group: true}); err == nil {
		t.Error("Group without Multivariate: no error")
	}
}
