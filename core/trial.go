package core

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"
)

// KeyAttr is the trial system attribute that holds a trial's unique key,
// when it was created with one (see storage.TrialSpec.Key).
const KeyAttr = "tune:key"

// SeedAttr is the study system attribute that holds the study's seed, as a
// decimal string (tune records it when it creates a study).
const SeedAttr = "tune:seed"

// FailReasonAttr is the trial system attribute that holds why a Fail trial
// failed (Optuna's key).
const FailReasonAttr = "fail_reason"

// Param is one parameter of a trial: its name, its internal value (see
// Distribution) and its distribution.
type Param struct {
	Name     string
	Internal float64
	Dist     Distribution
}

// Value returns the parameter's external value: a float64, an int or a
// categorical choice.
func (p Param) Value() any { return p.Dist.ToExternal(p.Internal) }

// Step is an intermediate value that a trial reported at a step.
type Step struct {
	Step  int
	Value float64
}

// Trial is the record of a trial as storages keep it (Optuna's FrozenTrial).
// A record handed out by a storage or a study is a snapshot: it does not
// change when the trial does.
type Trial struct {
	// ID is unique within the storage; Number is unique and dense within the
	// study (0, 1, 2, ... in creation order).
	ID     int64
	Number int
	State  State
	// Values has one value per study direction once the trial is Complete;
	// a Pruned trial may have its last intermediate value; otherwise empty.
	Values []float64
	// Params are in the order the trial asked for them.
	Params []Param
	// Intermediate holds the reported values, sorted by step.
	Intermediate []Step
	// UserAttrs and SystemAttrs hold JSON values: nil, bool, float64,
	// string, []any and map[string]any.
	UserAttrs   map[string]any
	SystemAttrs map[string]any
	// Start is when the trial started running (zero while Waiting),
	// Complete when it finished (zero until then), Heartbeat the last
	// heartbeat a worker recorded for it (zero if none).
	Start, Complete, Heartbeat time.Time
}

// Param returns the parameter called name, if the trial has it.
func (t *Trial) Param(name string) (Param, bool) {
	for _, p := range t.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// ParamValues returns the external values of the parameters by name.
func (t *Trial) ParamValues() map[string]any {
	m := make(map[string]any, len(t.Params))
	for _, p := range t.Params {
		m[p.Name] = p.Value()
	}
	return m
}

// Value returns the first objective value, or NaN if the trial has none.
func (t *Trial) Value() float64 {
	if len(t.Values) == 0 {
		return math.NaN()
	}
	return t.Values[0]
}

// LastStep returns the intermediate value with the highest step.
func (t *Trial) LastStep() (Step, bool) {
	if len(t.Intermediate) == 0 {
		return Step{}, false
	}
	return t.Intermediate[len(t.Intermediate)-1], true
}

// At returns the intermediate value reported at step.
func (t *Trial) At(step int) (float64, bool) {
	i, ok := sort.Find(len(t.Intermediate), func(i int) int { return step - t.Intermediate[i].Step })
	if !ok {
		return 0, false
	}
	return t.Intermediate[i].Value, true
}

// SetIntermediate records value at step in t.Intermediate, keeping it sorted
// and replacing a value already there.
func (t *Trial) SetIntermediate(step int, value float64) {
	i, ok := sort.Find(len(t.Intermediate), func(i int) int { return step - t.Intermediate[i].Step })
	if ok {
		t.Intermediate[i].Value = value
		return
	}
	t.Intermediate = append(t.Intermediate, Step{})
	copy(t.Intermediate[i+1:], t.Intermediate[i:])
	t.Intermediate[i] = Step{step, value}
}

// Clone returns a deep copy of t that shares nothing mutable with it
// (distributions are immutable and shared).
func (t Trial) Clone() Trial {
	t.Values = cloneSlice(t.Values)
	t.Params = cloneSlice(t.Params)
	t.Intermediate = cloneSlice(t.Intermediate)
	t.UserAttrs = CloneAttrs(t.UserAttrs)
	t.SystemAttrs = CloneAttrs(t.SystemAttrs)
	return t
}

func cloneSlice[S ~[]E, E any](s S) S {
	if s == nil {
		return nil
	}
	return append(S(nil), s...)
}

// StudyInfo is the record of a study as storages keep it.
type StudyInfo struct {
	// ID is unique within the storage; Name too.
	ID         int64
	Name       string
	Directions []Direction
	// UserAttrs and SystemAttrs hold JSON values, as in Trial.
	UserAttrs   map[string]any
	SystemAttrs map[string]any
}

// Clone returns a deep copy of s.
func (s StudyInfo) Clone() StudyInfo {
	s.Directions = cloneSlice(s.Directions)
	s.UserAttrs = CloneAttrs(s.UserAttrs)
	s.SystemAttrs = CloneAttrs(s.SystemAttrs)
	return s
}

// NormalizeJSON returns v as it reads back from JSON: nil, bool, float64,
// string, []any or map[string]any. Storing attributes in this form makes every
// storage return the same values. It fails for a value that JSON cannot hold
// (a channel, a NaN).
func NormalizeJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("core: attribute value %v is not JSON: %w", v, err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("core: attribute value %v is not JSON: %w", v, err)
	}
	return out, nil
}

// CloneAttrs returns a deep copy of normalized JSON attributes.
func CloneAttrs(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneJSON(v)
	}
	return out
}

func cloneJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return CloneAttrs(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneJSON(e)
		}
		return out
	}
	return v
}
