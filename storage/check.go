package storage

import (
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/go-tune/tune/core"
)

// The checks below are the argument checks of the Storage contract, written
// once for every backend.

// MaxNameLen is the longest study name, parameter name and attribute key,
// in characters: Optuna's schema keeps them in VARCHAR(512) columns.
const MaxNameLen = 512

// CheckName checks a study name, parameter name or attribute key (what says
// which): not empty, at most MaxNameLen characters, valid UTF-8.
func CheckName(what, name string) error {
	switch n := utf8.RuneCountInString(name); {
	case name == "":
		return fmt.Errorf("%w: empty %s", ErrInvalid, what)
	case n > MaxNameLen:
		return fmt.Errorf("%w: %s of %d characters (at most %d): %.40q...", ErrInvalid, what, n, MaxNameLen, name)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: %s %q is not valid UTF-8", ErrInvalid, what, name)
	}
	return nil
}

// CheckStudy checks the arguments of CreateStudy.
func CheckStudy(name string, directions []core.Direction) error {
	if err := CheckName("study name", name); err != nil {
		return err
	}
	if len(directions) == 0 {
		return fmt.Errorf("%w: study %q has no direction", ErrInvalid, name)
	}
	for _, d := range directions {
		if !d.Valid() {
			return fmt.Errorf("%w: study %q: invalid direction %d", ErrInvalid, name, int(d))
		}
	}
	return nil
}

// CheckParam checks the argument of SetParam: a name, a valid distribution,
// and a value in it.
func CheckParam(p core.Param) error {
	if err := CheckName("parameter name", p.Name); err != nil {
		return err
	}
	if p.Dist == nil {
		return fmt.Errorf("%w: parameter %q has no distribution", ErrInvalid, p.Name)
	}
	if err := p.Dist.Validate(); err != nil {
		return fmt.Errorf("%w: parameter %q: %v", ErrInvalid, p.Name, err)
	}
	if !p.Dist.Contains(p.Internal) {
		return fmt.Errorf("%w: parameter %q: internal value %v is not in %v", ErrInvalid, p.Name, p.Internal, p.Dist)
	}
	return nil
}

// CheckParams checks the parameters of a SetParams: each as CheckParam
// does, and no name twice.
func CheckParams(ps []core.Param) error {
	for i, p := range ps {
		if err := CheckParam(p); err != nil {
			return err
		}
		for _, q := range ps[:i] {
			if q.Name == p.Name {
				return fmt.Errorf("%w: parameter %q given twice", ErrInvalid, p.Name)
			}
		}
	}
	return nil
}

// CheckFinish checks the arguments of FinishTrial for a study with
// nDirections objectives.
func CheckFinish(state core.State, values []float64, nDirections int) error {
	switch state {
	case core.Complete:
		if len(values) != nDirections {
			return fmt.Errorf("%w: a Complete trial needs %d value(s), got %d", ErrInvalid, nDirections, len(values))
		}
	case core.Pruned:
		if len(values) != 0 && len(values) != nDirections {
			return fmt.Errorf("%w: a Pruned trial has no value or %d, got %d", ErrInvalid, nDirections, len(values))
		}
	case core.Fail:
		if len(values) != 0 {
			return fmt.Errorf("%w: a Fail trial has no value, got %d", ErrInvalid, len(values))
		}
	default:
		return fmt.Errorf("%w: cannot finish a trial as %v", ErrInvalid, state)
	}
	for _, v := range values {
		if math.IsNaN(v) {
			return fmt.Errorf("%w: value is NaN", ErrInvalid)
		}
	}
	return nil
}

// CheckSpec checks the argument of CreateTrial, but for its attributes.
func CheckSpec(spec TrialSpec) error {
	if spec.State != core.Running && spec.State != core.Waiting {
		return fmt.Errorf("%w: a new trial is Running or Waiting, not %v", ErrInvalid, spec.State)
	}
	if spec.OrClaim && spec.State != core.Running {
		return fmt.Errorf("%w: OrClaim is for a Running trial, not %v", ErrInvalid, spec.State)
	}
	seen := make(map[int]bool, len(spec.Intermediate))
	for _, st := range spec.Intermediate {
		if st.Step < 0 || seen[st.Step] {
			return fmt.Errorf("%w: intermediate step %d is negative or given twice", ErrInvalid, st.Step)
		}
		seen[st.Step] = true
	}
	return nil
}
