package core_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/go-tune/tune/core"
)

func TestState(t *testing.T) {
	tests := []struct {
		s        core.State
		name     string
		finished bool
	}{
		{core.Running, "RUNNING", false},
		{core.Complete, "COMPLETE", true},
		{core.Pruned, "PRUNED", true},
		{core.Fail, "FAIL", true},
		{core.Waiting, "WAITING", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if int(tt.s) != i {
				t.Errorf("%s = %d, want Optuna's %d", tt.name, int(tt.s), i)
			}
			if got := tt.s.String(); got != tt.name {
				t.Errorf("String() = %q, want %q", got, tt.name)
			}
			if !tt.s.Valid() {
				t.Error("Valid() = false")
			}
			if got := tt.s.Finished(); got != tt.finished {
				t.Errorf("Finished() = %t, want %t", got, tt.finished)
			}
			for _, name := range []string{tt.name, string(tt.name[0]) + toLower(tt.name[1:]), toLower(tt.name)} {
				if got, err := core.ParseState(name); err != nil || got != tt.s {
					t.Errorf("ParseState(%q) = %v, %v", name, got, err)
				}
			}
			text, err := tt.s.MarshalText()
			if err != nil || string(text) != tt.name {
				t.Errorf("MarshalText() = %q, %v", text, err)
			}
			var back core.State
			if err := back.UnmarshalText(text); err != nil || back != tt.s {
				t.Errorf("UnmarshalText(%q) = %v, %v", text, back, err)
			}
		})
	}
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestStateInvalid(t *testing.T) {
	for _, s := range []core.State{-1, 5, 100} {
		if s.Valid() {
			t.Errorf("State(%d).Valid() = true", int(s))
		}
		if s.Finished() {
			t.Errorf("State(%d).Finished() = true", int(s))
		}
		if got, want := s.String(), "State("+itoa(int(s))+")"; got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
		if b, err := s.MarshalText(); err == nil {
			t.Errorf("State(%d).MarshalText() = %q, want an error", int(s), b)
		}
	}
	for _, name := range []string{"", "DONE", "COMPLETED", " COMPLETE", "State(1)"} {
		if s, err := core.ParseState(name); err == nil {
			t.Errorf("ParseState(%q) = %v, want an error", name, s)
		}
		s := core.Fail
		if err := s.UnmarshalText([]byte(name)); err == nil || s != core.Fail {
			t.Errorf("UnmarshalText(%q) = %v, left %v; want an error and no change", name, err, s)
		}
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestStateJSON(t *testing.T) {
	type rec struct {
		S core.State     `json:"s"`
		D core.Direction `json:"d"`
		M map[core.State]int
	}
	in := rec{S: core.Pruned, D: core.Maximize, M: map[core.State]int{core.Complete: 3}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"s":"PRUNED","d":"MAXIMIZE","M":{"COMPLETE":3}}`
	if string(b) != want {
		t.Errorf("json.Marshal = %s, want %s", b, want)
	}
	var out rec
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.S != in.S || out.D != in.D || out.M[core.Complete] != 3 {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}
	if err := json.Unmarshal([]byte(`{"s":"DONE"}`), &out); err == nil {
		t.Error("Unmarshal of an unknown state succeeded")
	}
	if _, err := json.Marshal(rec{S: 9, D: core.Minimize}); err == nil {
		t.Error("Marshal of an invalid state succeeded")
	}
}

func TestDirection(t *testing.T) {
	for _, tt := range []struct {
		d    core.Direction
		n    int
		name string
	}{
		{core.Minimize, 1, "MINIMIZE"},
		{core.Maximize, 2, "MAXIMIZE"},
	} {
		if int(tt.d) != tt.n {
			t.Errorf("%s = %d, want Optuna's %d", tt.name, int(tt.d), tt.n)
		}
		if got := tt.d.String(); got != tt.name {
			t.Errorf("String() = %q, want %q", got, tt.name)
		}
		if !tt.d.Valid() {
			t.Errorf("%v.Valid() = false", tt.d)
		}
		for _, name := range []string{tt.name, toLower(tt.name), "M" + toLower(tt.name[1:])} {
			if got, err := core.ParseDirection(name); err != nil || got != tt.d {
				t.Errorf("ParseDirection(%q) = %v, %v", name, got, err)
			}
		}
		text, err := tt.d.MarshalText()
		if err != nil || string(text) != tt.name {
			t.Errorf("MarshalText() = %q, %v", text, err)
		}
		var back core.Direction
		if err := back.UnmarshalText(text); err != nil || back != tt.d {
			t.Errorf("UnmarshalText(%q) = %v, %v", text, back, err)
		}
	}
	for _, d := range []core.Direction{0, 3, -1} {
		if d.Valid() {
			t.Errorf("Direction(%d).Valid() = true", int(d))
		}
		if got, want := d.String(), "Direction("+itoa(int(d))+")"; got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
		if b, err := d.MarshalText(); err == nil {
			t.Errorf("Direction(%d).MarshalText() = %q, want an error", int(d), b)
		}
	}
	for _, name := range []string{"", "min", "maximise", "NOT_SET"} {
		if d, err := core.ParseDirection(name); err == nil {
			t.Errorf("ParseDirection(%q) = %v, want an error", name, d)
		}
		d := core.Maximize
		if err := d.UnmarshalText([]byte(name)); err == nil || d != core.Maximize {
			t.Errorf("UnmarshalText(%q) = %v, left %v; want an error and no change", name, err, d)
		}
	}
}

func TestDirectionBetter(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		d    core.Direction
		a, b float64
		want bool
	}{
		{core.Minimize, 1, 2, true},
		{core.Minimize, 2, 1, false},
		{core.Minimize, 1, 1, false},
		{core.Maximize, 2, 1, true},
		{core.Maximize, 1, 2, false},
		{core.Maximize, 1, 1, false},
		{core.Minimize, math.Inf(-1), 0, true},
		{core.Maximize, math.Inf(1), 0, true},
		{core.Minimize, nan, 1, false},
		{core.Minimize, 1, nan, false},
		{core.Maximize, nan, 1, false},
		{core.Maximize, 1, nan, false},
	}
	for _, tt := range tests {
		if got := tt.d.Better(tt.a, tt.b); got != tt.want {
			t.Errorf("%v.Better(%v, %v) = %t, want %t", tt.d, tt.a, tt.b, got, tt.want)
		}
	}
}
