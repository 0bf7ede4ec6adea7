package core

import (
	"fmt"
	"strings"
)

// State is the state of a trial. The numeric values are Optuna's TrialState
// values, so that they can be stored and compared with Optuna's.
type State int

// The trial states. A trial is created Running (asked) or Waiting (enqueued);
// a Waiting trial becomes Running when a worker claims it; a Running trial
// ends Complete, Pruned or Fail, and a finished trial never changes again.
const (
	Running  State = 0
	Complete State = 1
	Pruned   State = 2
	Fail     State = 3
	Waiting  State = 4
)

var stateNames = [...]string{"RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"}

// String returns Optuna's name of the state, such as "COMPLETE".
func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Finished reports whether s is Complete, Pruned or Fail.
func (s State) Finished() bool { return s == Complete || s == Pruned || s == Fail }

// Valid reports whether s is one of the five states.
func (s State) Valid() bool { return s >= Running && s <= Waiting }

// ParseState parses a state name as String writes it (case-insensitive).
func ParseState(name string) (State, error) {
	for i, n := range stateNames {
		if strings.EqualFold(n, name) {
			return State(i), nil
		}
	}
	return 0, fmt.Errorf("core: unknown trial state %q", name)
}

// MarshalText implements encoding.TextMarshaler.
func (s State) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("core: invalid trial state %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *State) UnmarshalText(b []byte) error {
	v, err := ParseState(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Direction says whether an objective is minimized or maximized. The numeric
// values are Optuna's StudyDirection values; the zero value is not a valid
// direction.
type Direction int

// The directions.
const (
	Minimize Direction = 1
	Maximize Direction = 2
)

// String returns Optuna's name of the direction, "MINIMIZE" or "MAXIMIZE".
func (d Direction) String() string {
	switch d {
	case Minimize:
		return "MINIMIZE"
	case Maximize:
		return "MAXIMIZE"
	}
	return fmt.Sprintf("Direction(%d)", int(d))
}

// Valid reports whether d is Minimize or Maximize.
func (d Direction) Valid() bool { return d == Minimize || d == Maximize }

// ParseDirection parses "minimize" or "maximize" (case-insensitive).
func ParseDirection(name string) (Direction, error) {
	switch strings.ToUpper(name) {
	case "MINIMIZE":
		return Minimize, nil
	case "MAXIMIZE":
		return Maximize, nil
	}
	return 0, fmt.Errorf("core: unknown direction %q (want minimize or maximize)", name)
}

// MarshalText implements encoding.TextMarshaler.
func (d Direction) MarshalText() ([]byte, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("core: invalid direction %d", int(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Direction) UnmarshalText(b []byte) error {
	v, err := ParseDirection(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Better reports whether value a is strictly better than b in direction d.
// NaN is never better than anything.
func (d Direction) Better(a, b float64) bool {
	if d == Maximize {
		return a > b
	}
	return a < b
}
