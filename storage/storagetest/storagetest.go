package storagetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/storage"
)

// Run runs the conformance suite. newStorage returns a storage for one
// subtest; it may be shared with other subtests and hold other studies, since
// every subtest works in studies of its own (named after the test).
func Run(t *testing.T, newStorage func(t *testing.T) storage.Storage) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Storage)
	}{
		{"Studies", testStudies},
		{"StudyErrors", testStudyErrors},
		{"StudyAttrs", testStudyAttrs},
		{"DeleteStudy", testDeleteStudy},
		{"TrialNumbers", testTrialNumbers},
		{"ConcurrentNumbers", testConcurrentNumbers},
		{"Params", testParams},
		{"ParamCompatibility", testParamCompatibility},
		{"ParamBatch", testParamBatch},
		{"Intermediate", testIntermediate},
		{"Finish", testFinish},
		{"FinishedImmutable", testFinishedImmutable},
		{"Waiting", testWaiting},
		{"ConcurrentClaim", testConcurrentClaim},
		{"OrClaim", testOrClaim},
		{"ConcurrentOrClaim", testConcurrentOrClaim},
		{"Keys", testKeys},
		{"ConcurrentKeys", testConcurrentKeys},
		{"TrialAttrs", testTrialAttrs},
		{"Heartbeat", testHeartbeat},
		{"Times", testTimes},
		{"Query", testQuery},
		{"Copies", testCopies},
		{"NotFound", testNotFound},
		{"Canceled", testCanceled},
		{"OddText", testOddText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStorage(t)) })
	}
}

func ctx() context.Context { return context.Background() }

// newStudy creates a study named after the test.
func newStudy(t *testing.T, s storage.Storage, dirs ...core.Direction) core.StudyInfo {
	t.Helper()
	if len(dirs) == 0 {
		dirs = []core.Direction{core.Minimize}
	}
	name := fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
	st, err := s.CreateStudy(ctx(), name, dirs, nil)
	if err != nil {
		t.Fatalf("CreateStudy(%q): %v", name, err)
	}
	t.Cleanup(func() { _ = s.DeleteStudy(context.Background(), st.ID) })
	return st
}

func newTrial(t *testing.T, s storage.Storage, studyID int64) core.Trial {
	t.Helper()
	tr, err := s.CreateTrial(ctx(), studyID, storage.TrialSpec{})
	if err != nil {
		t.Fatalf("CreateTrial: %v", err)
	}
	return tr
}

func getTrial(t *testing.T, s storage.Storage, id int64) core.Trial {
	t.Helper()
	tr, err := s.Trial(ctx(), id)
	if err != nil {
		t.Fatalf("Trial(%d): %v", id, err)
	}
	return tr
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}

func mustOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

var floatDist = core.Float{Low: 0, High: 10}

func testStudies(t *testing.T, s storage.Storage) {
	a := newStudy(t, s, core.Minimize)
	b := newStudy(t, s, core.Maximize, core.Minimize)
	if a.ID == b.ID {
		t.Fatalf("two studies got id %d", a.ID)
	}
	got, err := s.LoadStudy(ctx(), b.Name)
	mustOK(t, "LoadStudy", err)
	if got.ID != b.ID || got.Name != b.Name || !slices.Equal(got.Directions, []core.Direction{core.Maximize, core.Minimize}) {
		t.Errorf("LoadStudy = %+v, want id %d name %q directions [MAXIMIZE MINIMIZE]", got, b.ID, b.Name)
	}
	all, err := s.Studies(ctx())
	mustOK(t, "Studies", err)
	var seen int
	for i, st := range all {
		if i > 0 && all[i-1].ID >= st.ID {
			t.Errorf("Studies not ordered by id: %d then %d", all[i-1].ID, st.ID)
		}
		if st.ID == a.ID || st.ID == b.ID {
			seen++
		}
	}
	if seen != 2 {
		t.Errorf("Studies lists %d of the 2 studies created", seen)
	}
	_, err = s.CreateStudy(ctx(), a.Name, []core.Direction{core.Minimize}, nil)
	wantErr(t, "CreateStudy with a taken name", err, storage.ErrStudyExists)
}

func testStudyErrors(t *testing.T, s storage.Storage) {
	_, err := s.CreateStudy(ctx(), "", []core.Direction{core.Minimize}, nil)
	wantErr(t, "CreateStudy with no name", err, storage.ErrInvalid)
	_, err = s.CreateStudy(ctx(), t.Name()+"-nodir", nil, nil)
	wantErr(t, "CreateStudy with no direction", err, storage.ErrInvalid)
	_, err = s.CreateStudy(ctx(), t.Name()+"-baddir", []core.Direction{core.Direction(7)}, nil)
	wantErr(t, "CreateStudy with a bad direction", err, storage.ErrInvalid)
	_, err = s.LoadStudy(ctx(), t.Name()+"-nodir")
	wantErr(t, "LoadStudy after a refused create", err, storage.ErrNotFound)
}

func testStudyAttrs(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	mustOK(t, "SetStudyUserAttr", s.SetStudyUserAttr(ctx(), st.ID, "owner", "ada"))
	mustOK(t, "SetStudyUserAttr", s.SetStudyUserAttr(ctx(), st.ID, "n", 3))
	mustOK(t, "SetStudyUserAttr", s.SetStudyUserAttr(ctx(), st.ID, "n", 4)) // overwrite
	mustOK(t, "SetStudySystemAttr", s.SetStudySystemAttr(ctx(), st.ID, "nested", map[string]any{"a": []int{1, 2}, "b": nil}))
	withAttrs, err := s.CreateStudy(ctx(), t.Name()+"-with-attrs", []core.Direction{core.Minimize}, map[string]any{"seed": "42", "n": 1})
	mustOK(t, "CreateStudy with system attributes", err)
	t.Cleanup(func() { _ = s.DeleteStudy(context.Background(), withAttrs.ID) })
	if withAttrs.SystemAttrs["seed"] != "42" || withAttrs.SystemAttrs["n"] != 1.0 {
		t.Errorf("CreateStudy returned system attrs %v, want seed=42 n=1", withAttrs.SystemAttrs)
	}
	if loaded, _ := s.LoadStudy(ctx(), withAttrs.Name); loaded.SystemAttrs["seed"] != "42" || len(loaded.SystemAttrs) != 2 {
		t.Errorf("LoadStudy after CreateStudy with system attributes: %v", loaded.SystemAttrs)
	}
	_, err = s.CreateStudy(ctx(), t.Name()+"-bad-attrs", []core.Direction{core.Minimize}, map[string]any{"bad": math.NaN()})
	wantErr(t, "CreateStudy with a NaN system attribute", err, storage.ErrInvalid)
	got, err := s.LoadStudy(ctx(), st.Name)
	mustOK(t, "LoadStudy", err)
	if got.UserAttrs["owner"] != "ada" || got.UserAttrs["n"] != 4.0 {
		t.Errorf("user attrs = %v, want owner=ada n=4 (as float64)", got.UserAttrs)
	}
	nested, _ := got.SystemAttrs["nested"].(map[string]any)
	if arr, _ := nested["a"].([]any); len(arr) != 2 || arr[0] != 1.0 || nested["b"] != nil {
		t.Errorf("system attr nested = %#v, want {a:[1 2] b:nil} in JSON form", got.SystemAttrs["nested"])
	}
	if _, ok := got.UserAttrs["nested"]; ok {
		t.Error("a system attribute shows among the user attributes")
	}
	err = s.SetStudyUserAttr(ctx(), st.ID, "bad", math.NaN())
	wantErr(t, "SetStudyUserAttr(NaN)", err, storage.ErrInvalid)
	err = s.SetStudyUserAttr(ctx(), st.ID, "bad", make(chan int))
	wantErr(t, "SetStudyUserAttr(chan)", err, storage.ErrInvalid)
}

func testDeleteStudy(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	tr := newTrial(t, s, st.ID)
	mustOK(t, "DeleteStudy", s.DeleteStudy(ctx(), st.ID))
	_, err := s.LoadStudy(ctx(), st.Name)
	wantErr(t, "LoadStudy after delete", err, storage.ErrNotFound)
	_, err = s.Trial(ctx(), tr.ID)
	wantErr(t, "Trial after delete", err, storage.ErrNotFound)
	wantErr(t, "DeleteStudy twice", s.DeleteStudy(ctx(), st.ID), storage.ErrNotFound)
	// The name is free again.
	again, err := s.CreateStudy(ctx(), st.Name, []core.Direction{core.Minimize}, nil)
	mustOK(t, "CreateStudy with a deleted study's name", err)
	_ = s.DeleteStudy(ctx(), again.ID)
}

func testTrialNumbers(t *testing.T, s storage.Storage) {
	a := newStudy(t, s)
	b := newStudy(t, s)
	ids := map[int64]bool{}
	for i := range 3 {
		ta := newTrial(t, s, a.ID)
		tb := newTrial(t, s, b.ID)
		if ta.Number != i || tb.Number != i {
			t.Errorf("trial %d of each study got numbers %d and %d", i, ta.Number, tb.Number)
		}
		if ta.State != core.Running || tb.State != core.Running {
			t.Errorf("new trial state = %v, want RUNNING", ta.State)
		}
		for _, id := range []int64{ta.ID, tb.ID} {
			if ids[id] {
				t.Errorf("trial id %d given twice", id)
			}
			ids[id] = true
		}
	}
	_, err := s.CreateTrial(ctx(), a.ID, storage.TrialSpec{State: core.Complete})
	wantErr(t, "CreateTrial(Complete)", err, storage.ErrInvalid)
}

// testConcurrentNumbers: 8 goroutines x 200 trials give numbers 0..1599,
// each exactly once.
func testConcurrentNumbers(t *testing.T, s storage.Storage) {
	const workers, each = 8, 200
	st := newStudy(t, s)
	var mu sync.Mutex
	numbers := map[int]int{}
	ids := map[int64]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range each {
				tr, err := s.CreateTrial(ctx(), st.ID, storage.TrialSpec{})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				numbers[tr.Number]++
				ids[tr.ID] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("CreateTrial: %v", err)
	}
	for n := range workers * each {
		if numbers[n] != 1 {
			t.Errorf("number %d given %d times", n, numbers[n])
		}
	}
	if len(numbers) != workers*each || len(ids) != workers*each {
		t.Errorf("got %d numbers and %d ids, want %d", len(numbers), len(ids), workers*each)
	}
	all, err := s.Trials(ctx(), st.ID, storage.TrialQuery{})
	mustOK(t, "Trials", err)
	for i, tr := range all {
		if tr.Number != i {
			t.Fatalf("Trials()[%d].Number = %d", i, tr.Number)
		}
	}
}

func testParams(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	tr := newTrial(t, s, st.ID)
	cat, err := core.NewCategorical("a", 1, 2.5, true, nil)
	mustOK(t, "NewCategorical", err)
	params := []core.Param{
		{Name: "x", Internal: 2.5, Dist: floatDist},
		{Name: "lr", Internal: 0.001, Dist: core.Float{Low: 1e-5, High: 1, Log: true}},
		{Name: "q", Internal: 0.75, Dist: core.Float{Low: 0, High: 1, Step: 0.25}},
		{Name: "n", Internal: 6, Dist: core.Int{Low: 0, High: 10, Step: 2}},
		{Name: "units", Internal: 64, Dist: core.Int{Low: 1, High: 1024, Log: true}},
		{Name: "c", Internal: 4, Dist: cat},
	}
	for _, p := range params {
		mustOK(t, "SetParam "+p.Name, s.SetParam(ctx(), tr.ID, p))
	}
	got := getTrial(t, s, tr.ID)
	if len(got.Params) != len(params) {
		t.Fatalf("trial has %d params, want %d", len(got.Params), len(params))
	}
	for i, p := range params {
		g := got.Params[i]
		if g.Name != p.Name || g.Internal != p.Internal || !core.Equal(g.Dist, p.Dist) {
			t.Errorf("param %d = %+v, want %+v", i, g, p)
		}
	}
	if v := got.ParamValues(); v["c"] != nil || v["n"] != 6 || v["x"] != 2.5 {
		t.Errorf("ParamValues = %v", v)
	}
	err = s.SetParam(ctx(), tr.ID, core.Param{Name: "x", Internal: 1, Dist: floatDist})
	wantErr(t, "SetParam of a name the trial has", err, storage.ErrInvalid)
	err = s.SetParam(ctx(), tr.ID, core.Param{Name: "y", Internal: 11, Dist: floatDist})
	wantErr(t, "SetParam outside the distribution", err, storage.ErrInvalid)
	err = s.SetParam(ctx(), tr.ID, core.Param{Name: "y", Internal: 1, Dist: core.Float{Low: 2, High: 1}})
	wantErr(t, "SetParam with an invalid distribution", err, storage.ErrInvalid)
	err = s.SetParam(ctx(), tr.ID, core.Param{Name: "z", Internal: 1})
	wantErr(t, "SetParam with no distribution", err, storage.ErrInvalid)
	if got := getTrial(t, s, tr.ID); len(got.Params) != len(params) {
		t.Errorf("refused SetParams changed the trial: %d params", len(got.Params))
	}
}

func testParamCompatibility(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	first := newTrial(t, s, st.ID)
	cat, _ := core.NewCategorical("a", "b")
	mustOK(t, "SetParam", s.SetParam(ctx(), first.ID, core.Param{Name: "x", Internal: 1, Dist: floatDist}))
	mustOK(t, "SetParam", s.SetParam(ctx(), first.ID, core.Param{Name: "c", Internal: 1, Dist: cat}))
	second := newTrial(t, s, st.ID)
	// A range may change between trials (define-by-run).
	mustOK(t, "SetParam with a new range", s.SetParam(ctx(), second.ID, core.Param{Name: "x", Internal: 15, Dist: core.Float{Low: 5, High: 20}}))
	third := newTrial(t, s, st.ID)
	other, _ := core.NewCategorical("a", "c")
	for _, p := range []core.Param{
		{Name: "x", Internal: 1, Dist: core.Int{Low: 0, High: 10}},
		{Name: "x", Internal: 1, Dist: core.Float{Low: 1, High: 10, Log: true}},
		{Name: "c", Internal: 0, Dist: other},
		{Name: "c", Internal: 0, Dist: floatDist},
	} {
		err := s.SetParam(ctx(), third.ID, p)
		wantErr(t, fmt.Sprintf("SetParam(%s, %v) after %s", p.Name, p.Dist, "another distribution"), err, core.ErrIncompatible)
	}
	// A new name is free; a study's distributions do not leak into another's.
	mustOK(t, "SetParam of a new name", s.SetParam(ctx(), third.ID, core.Param{Name: "y", Internal: 0, Dist: cat}))
	st2 := newStudy(t, s)
	tr2 := newTrial(t, s, st2.ID)
	mustOK(t, "SetParam in another study", s.SetParam(ctx(), tr2.ID, core.Param{Name: "x", Internal: 1, Dist: core.Int{Low: 0, High: 1}}))
}

// testParamBatch checks SetParams, for storages that have it: all or
// none, under SetParam's rules.
func testParamBatch(t *testing.T, s storage.Storage) {
	b, ok := s.(storage.ParamBatcher)
	if !ok {
		t.Skip("the storage does not implement storage.ParamBatcher")
	}
	st := newStudy(t, s)
	tr := newTrial(t, s, st.ID)
	cat, _ := core.NewCategorical("a", "b")
	params := []core.Param{
		{Name: "x", Internal: 2.5, Dist: floatDist},
		{Name: "n", Internal: 6, Dist: core.Int{Low: 0, High: 10, Step: 2}},
		{Name: "c", Internal: 1, Dist: cat},
	}
	mustOK(t, "SetParams of nothing", b.SetParams(ctx(), tr.ID, nil))
	mustOK(t, "SetParams", b.SetParams(ctx(), tr.ID, params))
	mustOK(t, "SetParams of one more", b.SetParams(ctx(), tr.ID, []core.Param{{Name: "y", Internal: 0, Dist: floatDist}}))
	want := append(params, core.Param{Name: "y", Internal: 0, Dist: floatDist})
	checkParams := func(what string, id int64, want []core.Param) {
		t.Helper()
		got := getTrial(t, s, id)
		if len(got.Params) != len(want) {
			t.Fatalf("%s: trial has %d params, want %d", what, len(got.Params), len(want))
		}
		for i, p := range want {
			g := got.Params[i]
			if g.Name != p.Name || g.Internal != p.Internal || !core.Equal(g.Dist, p.Dist) {
				t.Errorf("%s: param %d = %+v, want %+v", what, i, g, p)
			}
		}
	}
	checkParams("after SetParams", tr.ID, want)

	// Refused batches write nothing, not even their valid parameters.
	second := newTrial(t, s, st.ID)
	good := core.Param{Name: "x", Internal: 1, Dist: floatDist}
	for _, c := range []struct {
		what string
		ps   []core.Param
		want error
	}{
		{"a name twice", []core.Param{good, {Name: "z", Internal: 1, Dist: floatDist}, {Name: "z", Internal: 2, Dist: floatDist}}, storage.ErrInvalid},
		{"a value outside its distribution", []core.Param{good, {Name: "z", Internal: 11, Dist: floatDist}}, storage.ErrInvalid},
		{"an incompatible distribution", []core.Param{good, {Name: "c", Internal: 1, Dist: floatDist}}, core.ErrIncompatible},
	} {
		wantErr(t, "SetParams with "+c.what, b.SetParams(ctx(), second.ID, c.ps), c.want)
	}
	checkParams("after refused batches", second.ID, nil)
	mustOK(t, "SetParams", b.SetParams(ctx(), second.ID, []core.Param{good}))
	err := b.SetParams(ctx(), second.ID, []core.Param{{Name: "z", Internal: 1, Dist: floatDist}, good})
	wantErr(t, "SetParams with a name the trial has", err, storage.ErrInvalid)
	checkParams("after a batch with a name the trial has", second.ID, []core.Param{good})

	// Only a Running trial takes parameters.
	mustOK(t, "FinishTrial", s.FinishTrial(ctx(), second.ID, core.Fail, nil))
	wantErr(t, "SetParams on a finished trial", b.SetParams(ctx(), second.ID, []core.Param{{Name: "z", Internal: 1, Dist: floatDist}}), storage.ErrFinished)
	w, err := s.CreateTrial(ctx(), st.ID, storage.TrialSpec{State: core.Waiting})
	mustOK(t, "CreateTrial Waiting", err)
	wantErr(t, "SetParams on a Waiting trial", b.SetParams(ctx(), w.ID, params[:2]), storage.ErrNotRunning)
	wantErr(t, "SetParams on a missing trial", b.SetParams(ctx(), 1<<40, params[:2]), storage.ErrNotFound)
}

func testIntermediate(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	tr := newTrial(t, s, st.ID)
	for _, sv := range []core.Step{{Step: 3, Value: 0.3}, {Step: 0, Value: 1}, {Step: 1, Value: math.NaN()}, {Step: 2, Value: math.Inf(1)}, {Step: 3, Value: 0.25}} {
		mustOK(t, "SetIntermediate", s.SetIntermediate(ctx(), tr.ID, sv.Step, sv.Value))
	}
	got := getTrial(t, s, tr.ID)
	want := []core.Step{{Step: 0, Value: 1}, {Step: 1, Value: math.NaN()}, {Step: 2, Value: math.Inf(1)}, {Step: 3, Value: 0.25}}
	if !slices.EqualFunc(got.Intermediate, want, func(a, b core.Step) bool {
		return a.Step == b.Step && (a.Value == b.Value || math.IsNaN(a.Value) && math.IsNaN(b.Value))
	}) {
		t.Errorf("Intermediate = %v, want %v", got.Intermediate, want)
	}
	wantErr(t, "SetIntermediate(step -1)", s.SetIntermediate(ctx(), tr.ID, -1, 0), storage.ErrInvalid)
}

func testFinish(t *testing.T, s storage.Storage) {
	st := newStudy(t, s, core.Minimize, core.Maximize)
	cases := []struct {
		state  core.State
		values []float64
		ok     bool
	}{
		{core.Complete, []float64{1, 2}, true},
		{core.Complete, []float64{math.Inf(-1), math.Inf(1)}, true},
		{core.Complete, []float64{1}, false},
		{core.Complete, nil, false},
		{core.Complete, []float64{math.NaN(), 1}, false},
		{core.Pruned, nil, true},
		{core.Pruned, []float64{3, 4}, true},
		{core.Pruned, []float64{3}, false},
		{core.Fail, nil, true},
		{core.Fail, []float64{1, 2}, false},
		{core.Running, nil, false},
		{core.Waiting, nil, false},
	}
	for _, c := range cases {
		tr := newTrial(t, s, st.ID)
		err := s.FinishTrial(ctx(), tr.ID, c.state, c.values)
		got := getTrial(t, s, tr.ID)
		if c.ok {
			if err != nil {
				t.Errorf("FinishTrial(%v, %v): %v", c.state, c.values, err)
				continue
			}
			if got.State != c.state || !slices.Equal(got.Values, c.values) {
				t.Errorf("after FinishTrial(%v, %v): state %v values %v", c.state, c.values, got.State, got.Values)
			}
			continue
		}
		wantErr(t, fmt.Sprintf("FinishTrial(%v, %v)", c.state, c.values), err, storage.ErrInvalid)
		if got.State != core.Running || len(got.Values) != 0 {
			t.Errorf("a refused FinishTrial(%v, %v) changed the trial to %v %v", c.state, c.values, got.State, got.Values)
		}
	}
}

func testFinishedImmutable(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	for _, state := range []core.State{core.Complete, core.Pruned, core.Fail} {
		tr := newTrial(t, s, st.ID)
		mustOK(t, "SetParam", s.SetParam(ctx(), tr.ID, core.Param{Name: "x", Internal: 1, Dist: floatDist}))
		mustOK(t, "SetIntermediate", s.SetIntermediate(ctx(), tr.ID, 0, 5))
		var values []float64
		if state == core.Complete {
			values = []float64{1}
		}
		mustOK(t, "FinishTrial", s.FinishTrial(ctx(), tr.ID, state, values))
		before := getTrial(t, s, tr.ID)
		wantErr(t, "FinishTrial again", s.FinishTrial(ctx(), tr.ID, core.Complete, []float64{0}), storage.ErrFinished)
		wantErr(t, "SetParam", s.SetParam(ctx(), tr.ID, core.Param{Name: "y", Internal: 1, Dist: floatDist}), storage.ErrFinished)
		wantErr(t, "SetIntermediate", s.SetIntermediate(ctx(), tr.ID, 1, 1), storage.ErrFinished)
		wantErr(t, "SetTrialUserAttr", s.SetTrialUserAttr(ctx(), tr.ID, "k", 1), storage.ErrFinished)
		wantErr(t, "SetTrialSystemAttr", s.SetTrialSystemAttr(ctx(), tr.ID, "k", 1), storage.ErrFinished)
		wantErr(t, "Heartbeat", s.Heartbeat(ctx(), tr.ID), storage.ErrFinished)
		after := getTrial(t, s, tr.ID)
		if after.State != before.State || !slices.Equal(after.Values, before.Values) || len(after.Params) != 1 ||
			len(after.Intermediate) != 1 || len(after.UserAttrs)+len(after.SystemAttrs) != 0 || !after.Complete.Equal(before.Complete) {
			t.Errorf("%v trial changed after it finished: %+v -> %+v", state, before, after)
		}
	}
}

func testWaiting(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	_, err := s.ClaimTrial(ctx(), st.ID)
	wantErr(t, "ClaimTrial with none waiting", err, storage.ErrNoWaiting)
	running := newTrial(t, s, st.ID)
	w1, err := s.CreateTrial(ctx(), st.ID, storage.TrialSpec{State: core.Waiting, SystemAttrs: map[string]any{"fixed_params": map[string]any{"x": 1.5}}})
	mustOK(t, "CreateTrial(Waiting)", err)
	w2, err := s.CreateTrial(ctx(), st.ID, storage.TrialSpec{State: core.Waiting, UserAttrs: map[string]any{"note": "second"},
		Intermediate: []core.Step{{Step: 3, Value: 0.5}, {Step: 1, Value: math.Inf(1)}}})
	mustOK(t, "CreateTrial(Waiting)", err)
	if w1.State != core.Waiting || w1.Number != 1 || w2.Number != 2 || !w1.Start.IsZero() {
		t.Errorf("waiting trials: %+v, %+v", w1, w2)
	}
	// A Waiting trial takes attributes but no parameters, values or heartbeats.
	mustOK(t, "SetTrialUserAttr on a Waiting trial", s.SetTrialUserAttr(ctx(), w1.ID, "k", "v"))
	wantErr(t, "SetParam on a Waiting trial", s.SetParam(ctx(), w1.ID, core.Param{Name: "x", Internal: 1, Dist: floatDist}), storage.ErrNotRunning)
	wantErr(t, "SetIntermediate on a Waiting trial", s.SetIntermediate(ctx(), w1.ID, 0, 1), storage.ErrNotRunning)
	wantErr(t, "FinishTrial on a Waiting trial", s.FinishTrial(ctx(), w1.ID, core.Fail, nil), storage.ErrNotRunning)
	wantErr(t, "Heartbeat on a Waiting trial", s.Heartbeat(ctx(), w1.ID), storage.ErrNotRunning)

	c1, err := s.ClaimTrial(ctx(), st.ID)
	mustOK(t, "ClaimTrial", err)
	if c1.ID != w1.ID || c1.State != core.Running || c1.Start.IsZero() {
		t.Errorf("first claim = %+v, want trial %d Running with a start time", c1, w1.Number)
	}
	if fp, _ := c1.SystemAttrs["fixed_params"].(map[string]any); fp["x"] != 1.5 || c1.UserAttrs["k"] != "v" {
		t.Errorf("claimed trial lost its attributes: %v %v", c1.SystemAttrs, c1.UserAttrs)
	}
	c2, err := s.ClaimTrial(ctx(), st.ID)
	mustOK(t, "ClaimTrial", err)
	if c2.ID != w2.ID || c2.UserAttrs["note"] != "second" {
		t.Errorf("second claim = %+v, want trial %d", c2, w2.Number)
	}
	if want := []core.Step{{Step: 1, Value: math.Inf(1)}, {Step: 3, Value: 0.5}}; !slices.Equal(c2.Intermediate, want) {
		t.Errorf("claimed trial's intermediate values %v, want %v (as created)", c2.Intermediate, want)
	}
	_, err = s.ClaimTrial(ctx(), st.ID)
	wantErr(t, "ClaimTrial after all claimed", err, storage.ErrNoWaiting)
	if got := getTrial(t, s, running.ID); got.State != core.Running {
		t.Errorf("a Running trial changed state to %v", got.State)
	}
	mustOK(t, "SetParam on a claimed trial", s.SetParam(ctx(), c1.ID, core.Param{Name: "x", Internal: 1.5, Dist: floatDist}))
	mustOK(t, "FinishTrial on a claimed trial", s.FinishTrial(ctx(), c1.ID, core.Complete, []float64{2}))
}

// testConcurrentClaim: each Waiting trial goes to exactly one of N claimers.
func testConcurrentClaim(t *testing.T, s storage.Storage) {
	const waiting, claimers = 50, 8
	st := newStudy(t, s)
	for range waiting {
		_, err := s.CreateTrial(ctx(), st.ID, storage.TrialSpec{State: core.Waiting})
		mustOK(t, "CreateTrial(Waiting)", err)
	}
	var mu sync.Mutex
	got := map[int64]int{}
	var wg sync.WaitGroup
	for range claimers {
		wg.Go(func() {
			for {
				tr, err := s.ClaimTrial(ctx(), st.ID)
				if errors.Is(err, storage.ErrNoWaiting) {
					return
				}
				if err != nil {
					t.Errorf("ClaimTrial: %v", err)
					return
				}
				mu.Lock()
				got[tr.ID]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(got) != waiting {
		t.Errorf("%d distinct trials claimed, want %d", len(got), waiting)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("trial id %d claimed %d times", id, n)
		}
	}
}

// testOrClaim checks CreateTrial with OrClaim: the lowest Waiting trial,
// as it was enqueued, while there is one; a new trial after.
func testOrClaim(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	orClaim := storage.TrialSpec{OrClaim: true, Heartbeat: true, UserAttrs: map[string]any{"spec": true}}
	first, err := s.CreateTrial(ctx(), st.ID, orClaim)
	mustOK(t, "CreateTrial(OrClaim) with nothing Waiting", err)
	if first.Number != 0 || first.State != core.Running || first.Heartbeat.IsZero() || first.UserAttrs["spec"] != true {
		t.Errorf("created trial = number %d, %v, heartbeat %v, user attrs %v; want 0, Running, a heartbeat, spec=true",
			first.Number, first.State, first.Heartbeat, first.UserAttrs)
	}
	for i := range 2 {
		_, err := s.CreateTrial(ctx(), st.ID, storage.TrialSpec{State: core.Waiting, UserAttrs: map[string]any{"enqueued": i},
			Intermediate: []core.Step{{Step: 0, Value: float64(i)}}})
		mustOK(t, "CreateTrial(Waiting)", err)
	}
	for i := range 2 {
		tr, err := s.CreateTrial(ctx(), st.ID, orClaim)
		mustOK(t, "CreateTrial(OrClaim) with a Waiting trial", err)
		if tr.Number != i+1 || tr.State != core.Running || tr.Start.IsZero() || tr.Heartbeat.IsZero() {
			t.Errorf("claim %d = number %d, %v, start %v, heartbeat %v; want %d, Running, a start and a heartbeat",
				i, tr.Number, tr.State, tr.Start, tr.Heartbeat, i+1)
		}
		if tr.UserAttrs["enqueued"] != float64(i) || tr.UserAttrs["spec"] != nil || len(tr.Intermediate) != 1 {
			t.Errorf("claim %d has user attrs %v and intermediate values %v; want those it was enqueued with", i, tr.UserAttrs, tr.Intermediate)
		}
		if got := getTrial(t, s, tr.ID); got.State != core.Running || got.Heartbeat.IsZero() {
			t.Errorf("claimed trial reads back as %v with heartbeat %v", got.State, got.Heartbeat)
		}
	}
	last, err := s.CreateTrial(ctx(), st.ID, orClaim)
	mustOK(t, "CreateTrial(OrClaim) once the Waiting trials are claimed", err)
	if last.Number != 3 {
		t.Errorf("created trial number %d, want 3", last.Number)
	}
	_, err = s.CreateTrial(ctx(), st.ID, storage.TrialSpec{OrClaim: true, State: core.Waiting})
	wantErr(t, "CreateTrial(OrClaim, Waiting)", err, storage.ErrInvalid)
	_, err = s.CreateTrial(ctx(), 1<<40, orClaim)
	wantErr(t, "CreateTrial(OrClaim) in a missing study", err, storage.ErrNotFound)
}

// testConcurrentOrClaim mixes ClaimTrial and CreateTrial(OrClaim) between
// goroutines: every Waiting trial is claimed exactly once, and the numbers
// stay dense and unique.
func testConcurrentOrClaim(t *testing.T, s storage.Storage) {
	const waiting, workers, asks = 40, 8, 10
	st := newStudy(t, s)
	for range waiting {
		_, err := s.CreateTrial(ctx(), st.ID, storage.TrialSpec{State: core.Waiting})
		mustOK(t, "CreateTrial(Waiting)", err)
	}
	var mu sync.Mutex
	got := map[int]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for range asks {
				var tr core.Trial
				var err error
				if w%2 == 0 {
					tr, err = s.ClaimTrial(ctx(), st.ID)
					if errors.Is(err, storage.ErrNoWaiting) {
						tr, err = s.CreateTrial(ctx(), st.ID, storage.TrialSpec{})
					}
				} else {
					tr, err = s.CreateTrial(ctx(), st.ID, storage.TrialSpec{OrClaim: true})
				}
				if err != nil {
					t.Errorf("ask: %v", err)
					return
				}
				mu.Lock()
				got[tr.Number]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(got) != workers*asks {
		t.Errorf("%d distinct trials asked, want %d", len(got), workers*asks)
	}
	for n := range workers * asks {
		if got[n] != 1 {
			t.Errorf("trial %d asked %d times", n, got[n])
		}
	}
	all, err := s.Trials(ctx(), st.ID, storage.TrialQuery{})
	mustOK(t, "Trials", err)
	for _, tr := range all {
		if tr.State != core.Running {
			t.Errorf("trial %d is %v, want Running", tr.Number, tr.State)
		}
	}
}

func testKeys(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	a, err := s.CreateTrial(ctx(), st.ID, storage.TrialSpec{Key: "grid:1"})
	mustOK(t, "CreateTrial(key)", err)
	if a.SystemAttrs[core.KeyAttr] != "grid:1" {
		t.Errorf("system attrs = %v, want %s=grid:1", a.SystemAttrs, core.KeyAttr)
	}
	mustOK(t, "FinishTrial", s.FinishTrial(ctx(), a.ID, core.Fail, nil))
	_, err = s.CreateTrial(ctx(), st.ID, storage.TrialSpec{Key: "grid:1"})
	wantErr(t, "CreateTrial with a used key (of a failed trial)", err, storage.ErrDuplicateKey)
	_, err = s.CreateTrial(ctx(), st.ID, storage.TrialSpec{Key: "grid:2", State: core.Waiting})
	mustOK(t, "CreateTrial(another key)", err)
	_, err = s.CreateTrial(ctx(), st.ID, storage.TrialSpec{Key: "grid:2"})
	wantErr(t, "CreateTrial with the key of a waiting trial", err, storage.ErrDuplicateKey)
	// A refused creation takes no number.
	b := newTrial(t, s, st.ID)
	if b.Number != 2 {
		t.Errorf("next trial number = %d, want 2", b.Number)
	}
	// Keys are per study.
	other := newStudy(t, s)
	_, err = s.CreateTrial(ctx(), other.ID, storage.TrialSpec{Key: "grid:1"})
	mustOK(t, "CreateTrial with the key in another study", err)
}

func testConcurrentKeys(t *testing.T, s storage.Storage) {
	const keys, workers = 20, 8
	st := newStudy(t, s)
	var mu sync.Mutex
	won := map[string]int{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for k := range keys {
				key := fmt.Sprint("k", k)
				_, err := s.CreateTrial(ctx(), st.ID, storage.TrialSpec{Key: key})
				if errors.Is(err, storage.ErrDuplicateKey) {
					continue
				}
				if err != nil {
					t.Errorf("CreateTrial: %v", err)
					return
				}
				mu.Lock()
				won[key]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for k := range keys {
		if n := won[fmt.Sprint("k", k)]; n != 1 {
			t.Errorf("key k%d created %d trials, want 1", k, n)
		}
	}
	all, err := s.Trials(ctx(), st.ID, storage.TrialQuery{})
	mustOK(t, "Trials", err)
	if len(all) != keys {
		t.Errorf("study has %d trials, want %d", len(all), keys)
	}
	for i, tr := range all {
		if tr.Number != i {
			t.Errorf("numbers not dense: trial %d has number %d", i, tr.Number)
		}
	}
}

func testTrialAttrs(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	tr, err := s.CreateTrial(ctx(), st.ID, storage.TrialSpec{UserAttrs: map[string]any{"a": 1}, SystemAttrs: map[string]any{"b": "x"}})
	mustOK(t, "CreateTrial", err)
	mustOK(t, "SetTrialUserAttr", s.SetTrialUserAttr(ctx(), tr.ID, "list", []string{"p", "q"}))
	mustOK(t, "SetTrialSystemAttr", s.SetTrialSystemAttr(ctx(), tr.ID, "b", "y"))
	got := getTrial(t, s, tr.ID)
	if l, _ := got.UserAttrs["list"].([]any); got.UserAttrs["a"] != 1.0 || len(l) != 2 || l[1] != "q" || got.SystemAttrs["b"] != "y" {
		t.Errorf("attrs = %v / %v", got.UserAttrs, got.SystemAttrs)
	}
	wantErr(t, "SetTrialUserAttr(NaN)", s.SetTrialUserAttr(ctx(), tr.ID, "bad", math.Inf(1)), storage.ErrInvalid)
	_, err = s.CreateTrial(ctx(), st.ID, storage.TrialSpec{UserAttrs: map[string]any{"f": func() {}}})
	wantErr(t, "CreateTrial with a non-JSON attribute", err, storage.ErrInvalid)
	_, err = s.CreateTrial(ctx(), st.ID, storage.TrialSpec{Intermediate: []core.Step{{Step: 1}, {Step: 1}}})
	wantErr(t, "CreateTrial with a step given twice", err, storage.ErrInvalid)
}

func testHeartbeat(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	tr := newTrial(t, s, st.ID)
	if !tr.Heartbeat.IsZero() {
		t.Errorf("new trial has a heartbeat %v", tr.Heartbeat)
	}
	before := time.Now().Add(-time.Second) // allow a database clock a little behind ours
	mustOK(t, "Heartbeat", s.Heartbeat(ctx(), tr.ID))
	first := getTrial(t, s, tr.ID).Heartbeat
	if first.Before(before) || first.After(time.Now().Add(time.Second)) {
		t.Errorf("heartbeat time %v, want about %v", first, time.Now())
	}
	time.Sleep(20 * time.Millisecond)
	mustOK(t, "Heartbeat", s.Heartbeat(ctx(), tr.ID))
	if second := getTrial(t, s, tr.ID).Heartbeat; !second.After(first) {
		t.Errorf("second heartbeat %v is not after the first %v", second, first)
	}
	beaten, err := s.CreateTrial(ctx(), st.ID, storage.TrialSpec{Heartbeat: true})
	mustOK(t, "CreateTrial(Heartbeat)", err)
	if hb := getTrial(t, s, beaten.ID).Heartbeat; hb.Before(before) || beaten.Heartbeat.IsZero() {
		t.Errorf("a trial created with its heartbeat has heartbeat %v (record %v)", hb, beaten.Heartbeat)
	}
}

func testTimes(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	tr := newTrial(t, s, st.ID)
	if tr.Start.IsZero() || !tr.Complete.IsZero() {
		t.Errorf("new trial: start %v complete %v", tr.Start, tr.Complete)
	}
	mustOK(t, "FinishTrial", s.FinishTrial(ctx(), tr.ID, core.Complete, []float64{1}))
	got := getTrial(t, s, tr.ID)
	if got.Complete.Before(got.Start) || got.Complete.IsZero() || !got.Start.Equal(tr.Start) {
		t.Errorf("finished trial: start %v complete %v (created with start %v)", got.Start, got.Complete, tr.Start)
	}
}

func testQuery(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	for range 6 {
		newTrial(t, s, st.ID)
	}
	numbers := func(q storage.TrialQuery) []int {
		all, err := s.Trials(ctx(), st.ID, q)
		mustOK(t, "Trials", err)
		var ns []int
		for _, tr := range all {
			ns = append(ns, tr.Number)
		}
		return ns
	}
	for _, c := range []struct {
		q    storage.TrialQuery
		want []int
	}{
		{storage.TrialQuery{}, []int{0, 1, 2, 3, 4, 5}},
		{storage.TrialQuery{From: 4}, []int{4, 5}},
		{storage.TrialQuery{From: 4, Numbers: []int{1, 5, 1, 99}}, []int{1, 4, 5}},
		{storage.TrialQuery{From: 6, Numbers: []int{3, 0}}, []int{0, 3}},
		{storage.TrialQuery{From: 10}, nil},
	} {
		if got := numbers(c.q); !slices.Equal(got, c.want) {
			t.Errorf("Trials(%+v) numbers = %v, want %v", c.q, got, c.want)
		}
	}
}

func testCopies(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	tr, err := s.CreateTrial(ctx(), st.ID, storage.TrialSpec{UserAttrs: map[string]any{"m": map[string]any{"k": 1}}})
	mustOK(t, "CreateTrial", err)
	mustOK(t, "SetParam", s.SetParam(ctx(), tr.ID, core.Param{Name: "x", Internal: 1, Dist: floatDist}))
	mustOK(t, "SetIntermediate", s.SetIntermediate(ctx(), tr.ID, 0, 1))
	mustOK(t, "FinishTrial", s.FinishTrial(ctx(), tr.ID, core.Complete, []float64{1}))
	mess := func(c core.Trial) {
		c.Values[0] = 99
		c.Params[0].Internal = 99
		c.Intermediate[0].Value = 99
		c.UserAttrs["m"].(map[string]any)["k"] = 99
		c.UserAttrs["new"] = 1
		c.State = core.Fail
	}
	mess(getTrial(t, s, tr.ID))
	all, err := s.Trials(ctx(), st.ID, storage.TrialQuery{})
	mustOK(t, "Trials", err)
	mess(all[0])
	got := getTrial(t, s, tr.ID)
	if got.Values[0] != 1 || got.Params[0].Internal != 1 || got.Intermediate[0].Value != 1 ||
		got.UserAttrs["m"].(map[string]any)["k"] != 1.0 || len(got.UserAttrs) != 1 || got.State != core.Complete {
		t.Errorf("changing a returned trial changed the stored one: %+v", got)
	}
	info, err := s.LoadStudy(ctx(), st.Name)
	mustOK(t, "LoadStudy", err)
	info.Directions[0] = core.Maximize
	again, err := s.LoadStudy(ctx(), st.Name)
	mustOK(t, "LoadStudy", err)
	if again.Directions[0] != core.Minimize {
		t.Error("changing a returned study changed the stored one")
	}
}

func testNotFound(t *testing.T, s storage.Storage) {
	const noStudy, noTrial = 1 << 40, 1 << 40
	_, err := s.LoadStudy(ctx(), t.Name()+"-missing")
	wantErr(t, "LoadStudy", err, storage.ErrNotFound)
	wantErr(t, "DeleteStudy", s.DeleteStudy(ctx(), noStudy), storage.ErrNotFound)
	wantErr(t, "SetStudyUserAttr", s.SetStudyUserAttr(ctx(), noStudy, "k", 1), storage.ErrNotFound)
	_, err = s.CreateTrial(ctx(), noStudy, storage.TrialSpec{})
	wantErr(t, "CreateTrial", err, storage.ErrNotFound)
	_, err = s.ClaimTrial(ctx(), noStudy)
	wantErr(t, "ClaimTrial", err, storage.ErrNotFound)
	_, err = s.Trials(ctx(), noStudy, storage.TrialQuery{})
	wantErr(t, "Trials", err, storage.ErrNotFound)
	_, err = s.Trial(ctx(), noTrial)
	wantErr(t, "Trial", err, storage.ErrNotFound)
	wantErr(t, "SetParam", s.SetParam(ctx(), noTrial, core.Param{Name: "x", Internal: 1, Dist: floatDist}), storage.ErrNotFound)
	wantErr(t, "SetIntermediate", s.SetIntermediate(ctx(), noTrial, 0, 1), storage.ErrNotFound)
	wantErr(t, "SetTrialUserAttr", s.SetTrialUserAttr(ctx(), noTrial, "k", 1), storage.ErrNotFound)
	wantErr(t, "Heartbeat", s.Heartbeat(ctx(), noTrial), storage.ErrNotFound)
	wantErr(t, "FinishTrial", s.FinishTrial(ctx(), noTrial, core.Fail, nil), storage.ErrNotFound)
}

func testCanceled(t *testing.T, s storage.Storage) {
	st := newStudy(t, s)
	tr := newTrial(t, s, st.ID)
	c, cancel := context.WithCancel(context.Background())
	cancel()
	wantErr(t, "CreateStudy", func() error {
		_, err := s.CreateStudy(c, t.Name()+"-c", []core.Direction{core.Minimize}, nil)
		return err
	}(), context.Canceled)
	wantErr(t, "CreateTrial", func() error { _, err := s.CreateTrial(c, st.ID, storage.TrialSpec{}); return err }(), context.Canceled)
	wantErr(t, "FinishTrial", s.FinishTrial(c, tr.ID, core.Fail, nil), context.Canceled)
	wantErr(t, "Trials", func() error { _, err := s.Trials(c, st.ID, storage.TrialQuery{}); return err }(), context.Canceled)
	if got := getTrial(t, s, tr.ID); got.State != core.Running {
		t.Errorf("a canceled FinishTrial finished the trial: %v", got.State)
	}
	if all, _ := s.Trials(ctx(), st.ID, storage.TrialQuery{}); len(all) != 1 {
		t.Errorf("a canceled CreateTrial created a trial: %d trials", len(all))
	}
}

// testOddText: names, keys and values with quotes, newlines, unicode and SQL
// are stored and read back exactly; a value of 10,000 characters too; a name
// longer than storage.MaxNameLen is refused.
func testOddText(t *testing.T, s storage.Storage) {
	odd := []string{
		`it's "quoted"`, "new\nline\ttab", "'; DROP TABLE trials; --", "naïve 数学 😀", `back\slash`, "%_?$1",
	}
	long := strings.Repeat("x€", 5000) // 10,000 characters
	for i, text := range odd {
		name := fmt.Sprintf("%s %d %s", t.Name(), i, text)
		st, err := s.CreateStudy(ctx(), name, []core.Direction{core.Minimize}, nil)
		mustOK(t, "CreateStudy", err)
		t.Cleanup(func() { _ = s.DeleteStudy(context.Background(), st.ID) })
		got, err := s.LoadStudy(ctx(), name)
		if err != nil || got.ID != st.ID || got.Name != name {
			t.Errorf("LoadStudy(%q) = %q, %v", name, got.Name, err)
		}
		mustOK(t, "SetStudyUserAttr", s.SetStudyUserAttr(ctx(), st.ID, text, text+long))
		tr := newTrial(t, s, st.ID)
		mustOK(t, "SetTrialSystemAttr", s.SetTrialSystemAttr(ctx(), tr.ID, text, map[string]any{text: []any{text, long}}))
		mustOK(t, "SetParam", s.SetParam(ctx(), tr.ID, core.Param{Name: text, Internal: 0, Dist: must(core.NewCategorical(text, long))}))
		got, _ = s.LoadStudy(ctx(), name)
		if got.UserAttrs[text] != text+long {
			t.Errorf("study attr %q read back as %.50q...", text, got.UserAttrs[text])
		}
		rec := getTrial(t, s, tr.ID)
		m, _ := rec.SystemAttrs[text].(map[string]any)
		if l, _ := m[text].([]any); len(l) != 2 || l[0] != text || l[1] != long {
			t.Errorf("trial attr %q read back as %.80v", text, rec.SystemAttrs[text])
		}
		if len(rec.Params) != 1 || rec.Params[0].Name != text || !core.Equal(rec.Params[0].Dist, must(core.NewCategorical(text, long))) {
			t.Errorf("param %q read back as %+v", text, rec.Params)
		}
	}
	tooLong := strings.Repeat("é", storage.MaxNameLen+1)
	_, err := s.CreateStudy(ctx(), tooLong, []core.Direction{core.Minimize}, nil)
	wantErr(t, "CreateStudy with a name of 513 characters", err, storage.ErrInvalid)
	if _, err := s.LoadStudy(ctx(), tooLong); !errors.Is(err, storage.ErrNotFound) && !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("LoadStudy of a refused name: %v", err)
	}
	st := newStudy(t, s)
	wantErr(t, "SetStudyUserAttr with a key of 513 characters", s.SetStudyUserAttr(ctx(), st.ID, tooLong, 1), storage.ErrInvalid)
	_, err = s.CreateStudy(ctx(), strings.Repeat("é", storage.MaxNameLen), []core.Direction{core.Minimize}, nil)
	mustOK(t, "CreateStudy with a name of 512 characters", err)
	if info, err := s.LoadStudy(ctx(), strings.Repeat("é", storage.MaxNameLen)); err == nil {
		_ = s.DeleteStudy(ctx(), info.ID)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
