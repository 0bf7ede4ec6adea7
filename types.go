package tune

import (
	"errors"
	"fmt"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/storage"
)

// Aliases of the shared types of package core, so that users of tune need to
// import only tune.
type (
	// FrozenTrial is the record of a trial (Optuna's FrozenTrial).
	FrozenTrial = core.Trial
	// Param is one parameter of a FrozenTrial.
	Param = core.Param
	// State is a trial's state.
	State = core.State
	// Direction is Minimize or Maximize.
	Direction = core.Direction
	// Distribution is a parameter's set of values.
	Distribution = core.Distribution
	// FloatDistribution is Optuna's FloatDistribution.
	FloatDistribution = core.Float
	// IntDistribution is Optuna's IntDistribution.
	IntDistribution = core.Int
	// CategoricalDistribution is Optuna's CategoricalDistribution.
	CategoricalDistribution = core.Categorical
)

// The directions and states of core.
const (
	Minimize = core.Minimize
	Maximize = core.Maximize

	Running  = core.Running
	Complete = core.Complete
	Pruned   = core.Pruned
	Fail     = core.Fail
	Waiting  = core.Waiting
)

// Errors of package tune; test for them with errors.Is.
var (
	// ErrPruned is what an objective returns to stop a trial that
	// ShouldPrune said to stop; the trial is then Pruned.
	ErrPruned = errors.New("tune: trial pruned")
	// ErrExhausted is returned by Ask when the sampler has no point left
	// (a finished grid); Optimize then stops without error.
	ErrExhausted = sampler.ErrExhausted
	// ErrTrialFinished: the trial was already told; it can no longer
	// change.
	ErrTrialFinished = errors.New("tune: trial is finished")
	// ErrStepReported: Report of a step the trial already reported. Optuna
	// warns and keeps the first value; tune refuses, since the second
	// value would be lost without a trace (usually a loop that reports the
	// wrong step).
	ErrStepReported = errors.New("tune: step already reported")
	// ErrNoTrials: no Complete trial to take the best from.
	ErrNoTrials = errors.New("tune: no complete trial")
	// ErrStudyExists: CreateStudy with a name that is taken.
	ErrStudyExists = storage.ErrStudyExists
	// ErrStudyNotFound: LoadStudy with a name that no study has.
	ErrStudyNotFound = storage.ErrNotFound
)

// PanicError is the error of a trial whose objective panicked. The trial is
// Fail, with the panic and its stack in its system attributes "fail_reason"
// and "fail_stack".
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("objective panicked: %v", e.Value) }

// Unwrap returns the panic value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// The system attributes that tune sets.
const (
	// FailReasonAttr holds why a Fail trial failed (Optuna's key).
	FailReasonAttr = core.FailReasonAttr
	// FailStackAttr holds the stack of an objective that panicked.
	FailStackAttr = "fail_stack"
	// FixedParamsAttr holds an enqueued trial's parameters (Optuna's key).
	FixedParamsAttr = "fixed_params"
	// SeedAttr holds the study's seed, as a decimal string.
	SeedAttr = core.SeedAttr
)
