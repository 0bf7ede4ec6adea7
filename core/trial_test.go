package core_test

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/go-tune/tune/core"
)

func TestTrialIntermediate(t *testing.T) {
	var tr core.Trial
	if _, ok := tr.LastStep(); ok {
		t.Error("LastStep of a trial with no values: ok")
	}
	if _, ok := tr.At(0); ok {
		t.Error("At(0) of a trial with no values: ok")
	}
	// Out of order, with gaps, and one step reported twice.
	for _, s := range []core.Step{{5, 0.5}, {1, 0.1}, {9, 0.9}, {3, 0.3}, {0, 0}, {5, 5.5}, {7, math.NaN()}} {
		tr.SetIntermediate(s.Step, s.Value)
	}
	want := []core.Step{{0, 0}, {1, 0.1}, {3, 0.3}, {5, 5.5}, {7, math.NaN()}, {9, 0.9}}
	if len(tr.Intermediate) != len(want) {
		t.Fatalf("Intermediate = %v, want %v", tr.Intermediate, want)
	}
	for i, w := range want {
		if got := tr.Intermediate[i]; got.Step != w.Step || !sameValue(got.Value, w.Value) {
			t.Errorf("Intermediate[%d] = %v, want %v", i, got, w)
		}
	}
	for _, w := range want {
		if v, ok := tr.At(w.Step); !ok || !sameValue(v, w.Value) {
			t.Errorf("At(%d) = %v, %t; want %v", w.Step, v, ok, w.Value)
		}
	}
	for _, step := range []int{-1, 2, 4, 6, 8, 10, 100} {
		if v, ok := tr.At(step); ok {
			t.Errorf("At(%d) = %v, want none", step, v)
		}
	}
	if last, ok := tr.LastStep(); !ok || last != (core.Step{9, 0.9}) {
		t.Errorf("LastStep() = %v, %t; want {9 0.9}", last, ok)
	}
	tr.SetIntermediate(-3, 1)
	if tr.Intermediate[0] != (core.Step{-3, 1}) {
		t.Errorf("SetIntermediate(-3) did not go first: %v", tr.Intermediate)
	}
}

func TestTrialValueAndParams(t *testing.T) {
	cat, _ := core.NewCategorical("relu", "tanh")
	tr := core.Trial{Params: []core.Param{
		{Name: "lr", Internal: 0.01, Dist: core.Float{Low: 1e-5, High: 1, Log: true}},
		{Name: "layers", Internal: 3, Dist: core.Int{Low: 1, High: 5}},
		{Name: "act", Internal: 1, Dist: cat},
	}}
	if v := tr.Value(); !math.IsNaN(v) {
		t.Errorf("Value() with no values = %v, want NaN", v)
	}
	tr.Values = []float64{2.5, 3}
	if v := tr.Value(); v != 2.5 {
		t.Errorf("Value() = %v, want 2.5", v)
	}
	want := map[string]any{"lr": 0.01, "layers": 3, "act": "tanh"}
	if got := tr.ParamValues(); !reflect.DeepEqual(got, want) {
		t.Errorf("ParamValues() = %#v, want %#v", got, want)
	}
	if p, ok := tr.Param("layers"); !ok || p.Value() != 3 {
		t.Errorf("Param(layers) = %v, %t", p, ok)
	}
	if p, ok := tr.Param("missing"); ok {
		t.Errorf("Param(missing) = %v, want none", p)
	}
}

func TestTrialClone(t *testing.T) {
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	orig := core.Trial{
		ID: 7, Number: 3, State: core.Complete,
		Values:       []float64{1, 2},
		Params:       []core.Param{{Name: "x", Internal: 0.5, Dist: core.Float{Low: 0, High: 1}}},
		Intermediate: []core.Step{{0, 1}, {1, 0.5}},
		UserAttrs:    map[string]any{"list": []any{1.0, "a", map[string]any{"k": "v"}}, "n": 1.0},
		SystemAttrs:  map[string]any{"nested": map[string]any{"inner": []any{true}}},
		Start:        now, Complete: now.Add(time.Second),
	}
	snapshot := deepCopyForTest(orig)
	c := orig.Clone()
	if !reflect.DeepEqual(c, orig) {
		t.Fatalf("Clone() = %+v, want %+v", c, orig)
	}
	c.Values[0] = 100
	c.Values = append(c.Values, 3)
	c.Params[0].Name = "changed"
	c.Intermediate[1].Value = -1
	c.SetIntermediate(5, 5)
	c.UserAttrs["n"] = 2.0
	c.UserAttrs["new"] = "x"
	c.UserAttrs["list"].([]any)[0] = "changed"
	c.UserAttrs["list"].([]any)[2].(map[string]any)["k"] = "changed"
	c.SystemAttrs["nested"].(map[string]any)["inner"].([]any)[0] = false
	delete(c.SystemAttrs, "nested")
	if !reflect.DeepEqual(orig, snapshot) {
		t.Errorf("changing the clone changed the original:\n got %+v\nwant %+v", orig, snapshot)
	}

	// Nil slices and maps stay nil.
	var empty core.Trial
	if c := empty.Clone(); c.Values != nil || c.Params != nil || c.Intermediate != nil || c.UserAttrs != nil || c.SystemAttrs != nil {
		t.Errorf("Clone of an empty trial = %+v, want nil slices and maps", c)
	}
}

// deepCopyForTest copies a trial without using Clone.
func deepCopyForTest(tr core.Trial) core.Trial {
	cp := tr
	cp.Values = append([]float64(nil), tr.Values...)
	cp.Params = append([]core.Param(nil), tr.Params...)
	cp.Intermediate = append([]core.Step(nil), tr.Intermediate...)
	cp.UserAttrs = map[string]any{"list": []any{1.0, "a", map[string]any{"k": "v"}}, "n": 1.0}
	cp.SystemAttrs = map[string]any{"nested": map[string]any{"inner": []any{true}}}
	return cp
}

func TestStudyInfoClone(t *testing.T) {
	orig := core.StudyInfo{
		ID: 1, Name: "s", Directions: []core.Direction{core.Minimize},
		UserAttrs:   map[string]any{"a": []any{1.0}},
		SystemAttrs: map[string]any{"b": map[string]any{"c": 1.0}},
	}
	c := orig.Clone()
	if !reflect.DeepEqual(c, orig) {
		t.Fatalf("Clone() = %+v, want %+v", c, orig)
	}
	c.Directions[0] = core.Maximize
	c.UserAttrs["a"].([]any)[0] = 2.0
	c.SystemAttrs["b"].(map[string]any)["c"] = 2.0
	if orig.Directions[0] != core.Minimize || orig.UserAttrs["a"].([]any)[0] != 1.0 || orig.SystemAttrs["b"].(map[string]any)["c"] != 1.0 {
		t.Errorf("changing the clone changed the original: %+v", orig)
	}
}

func TestNormalizeJSON(t *testing.T) {
	type point struct {
		X int    `json:"x"`
		Y string `json:"y"`
	}
	tests := []struct {
		in   any
		want any
	}{
		{nil, nil},
		{true, true},
		{3, 3.0},
		{int64(-2), -2.0},
		{float32(0.5), 0.5},
		{"s", "s"},
		{[]int{1, 2}, []any{1.0, 2.0}},
		{[]string{}, []any{}},
		{map[string]int{"a": 1}, map[string]any{"a": 1.0}},
		{point{1, "p"}, map[string]any{"x": 1.0, "y": "p"}},
		{[]any{nil, map[string]any{"k": []float64{0.25}}}, []any{nil, map[string]any{"k": []any{0.25}}}},
		{map[int]bool{1: true}, map[string]any{"1": true}},
	}
	for _, tt := range tests {
		got, err := core.NormalizeJSON(tt.in)
		if err != nil {
			t.Errorf("NormalizeJSON(%#v): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("NormalizeJSON(%#v) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
	for _, bad := range []any{math.NaN(), math.Inf(1), make(chan int), func() {}, complex(1, 2), []any{math.NaN()}} {
		if got, err := core.NormalizeJSON(bad); err == nil {
			t.Errorf("NormalizeJSON(%T) = %#v, want an error", bad, got)
		}
	}
}

func TestCloneAttrs(t *testing.T) {
	if got := core.CloneAttrs(nil); got != nil {
		t.Errorf("CloneAttrs(nil) = %#v, want nil", got)
	}
	if got := core.CloneAttrs(map[string]any{}); got == nil || len(got) != 0 {
		t.Errorf("CloneAttrs({}) = %#v, want an empty map", got)
	}
	orig := map[string]any{
		"s": "x", "n": 1.0, "b": true, "nil": nil,
		"list": []any{1.0, []any{2.0}, map[string]any{"m": []any{"deep"}}},
		"map":  map[string]any{"a": map[string]any{"b": 1.0}},
	}
	want := map[string]any{
		"s": "x", "n": 1.0, "b": true, "nil": nil,
		"list": []any{1.0, []any{2.0}, map[string]any{"m": []any{"deep"}}},
		"map":  map[string]any{"a": map[string]any{"b": 1.0}},
	}
	c := core.CloneAttrs(orig)
	if !reflect.DeepEqual(c, orig) {
		t.Fatalf("CloneAttrs = %#v, want %#v", c, orig)
	}
	c["s"] = "y"
	c["list"].([]any)[1].([]any)[0] = 3.0
	c["list"].([]any)[2].(map[string]any)["m"].([]any)[0] = "changed"
	c["map"].(map[string]any)["a"].(map[string]any)["b"] = 2.0
	c["map"].(map[string]any)["new"] = 1.0
	if !reflect.DeepEqual(orig, want) {
		t.Errorf("changing the clone changed the original: %#v", orig)
	}
}
