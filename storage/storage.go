package storage

import (
	"context"
	"errors"
	"time"

	"github.com/go-tune/tune/core"
)

// Errors that every storage returns (wrapped, so test with errors.Is).
var (
	// ErrNotFound: no study or trial with that name or id.
	ErrNotFound = errors.New("storage: not found")
	// ErrStudyExists: a study with that name already exists.
	ErrStudyExists = errors.New("storage: study already exists")
	// ErrFinished: the trial is finished and can no longer change.
	ErrFinished = errors.New("storage: trial is finished")
	// ErrNotRunning: the operation needs a Running trial (parameters and
	// intermediate values), and the trial is Waiting.
	ErrNotRunning = errors.New("storage: trial is not running")
	// ErrNoWaiting: ClaimTrial found no Waiting trial.
	ErrNoWaiting = errors.New("storage: no waiting trial")
	// ErrDuplicateKey: CreateTrial was given a Key that another trial of the
	// study already has.
	ErrDuplicateKey = errors.New("storage: duplicate trial key")
	// ErrInvalid: an argument is not valid (a bad state, the wrong number of
	// values, an invalid direction or distribution, a parameter set twice).
	ErrInvalid = errors.New("storage: invalid argument")
)

// TrialSpec describes a trial to create.
type TrialSpec struct {
	// State is Running (a trial asked for now) or Waiting (an enqueued trial
	// that ClaimTrial hands out later). The zero value is Running.
	State core.State
	// UserAttrs and SystemAttrs are the trial's first attributes.
	UserAttrs, SystemAttrs map[string]any
	// Key, when not empty, makes the creation conditional: it fails with
	// ErrDuplicateKey if a trial of the study already has the key, whatever
	// its state. The check and the creation are one atomic step, also between
	// processes, so of several workers creating trials with one key exactly
	// one succeeds. The key is stored as the system attribute core.KeyAttr.
	Key string
	// Heartbeat records the trial's first heartbeat as it is created (for
	// a Running trial), saving the Heartbeat call that would follow.
	Heartbeat bool
	// OrClaim makes CreateTrial an ask in one step: it claims the study's
	// Waiting trial with the lowest number, as ClaimTrial does, when there
	// is one, and creates a trial only when there is none. A claimed trial
	// keeps what it has: the spec's attributes, key and intermediate
	// values apply to a created trial only, Heartbeat to both. State must
	// be Running.
	OrClaim bool
	// Intermediate are the trial's first intermediate values (a retried
	// trial carries over those of the trial it retries); steps must be >= 0
	// and distinct.
	Intermediate []core.Step
}

// TrialQuery selects the trials of a study that Trials returns.
type TrialQuery struct {
	// From selects the trials whose number is at least From.
	From int
	// Numbers selects these trials as well, whatever From is.
	Numbers []int
}

// Storage keeps studies and their trials.
//
// Contract, checked by storagetest.Run:
//
//   - All methods are safe for concurrent use, by goroutines and (for
//     persistent backends) by processes and machines sharing one database.
//   - Returned records are copies: changing them changes nothing stored.
//   - Study names are unique. Trial ids are unique within the storage; trial
//     numbers are 0, 1, 2, ... within a study, each given exactly once, in
//     creation order, whatever the concurrency.
//   - States change only Waiting -> Running (ClaimTrial, which hands a
//     Waiting trial to exactly one caller) and Running -> Complete, Pruned or
//     Fail (FinishTrial). A finished trial never changes again: every update
//     of it fails with ErrFinished.
//   - Within a study, a parameter keeps its kind of distribution, its log
//     scale, and for a categorical its choices (core.CheckCompatible).
//   - Attribute values are stored as JSON (core.NormalizeJSON) and read back
//     in that form.
//   - Every method takes a context and gives up with its error when it is
//     done.
type Storage interface {
	// CreateStudy creates a study with its first system attributes (which
	// may be nil), in one atomic step: a concurrent LoadStudy sees the study
	// with them or not at all. It fails with ErrStudyExists if the name is
	// taken, and with ErrInvalid for an empty name, no directions or an
	// invalid direction.
	CreateStudy(ctx context.Context, name string, directions []core.Direction, systemAttrs map[string]any) (core.StudyInfo, error)
	// LoadStudy returns the study called name, or ErrNotFound.
	LoadStudy(ctx context.Context, name string) (core.StudyInfo, error)
	// Studies returns all studies, ordered by id.
	Studies(ctx context.Context) ([]core.StudyInfo, error)
	// DeleteStudy deletes a study and all its trials.
	DeleteStudy(ctx context.Context, studyID int64) error
	// SetStudyUserAttr and SetStudySystemAttr set one study attribute.
	SetStudyUserAttr(ctx context.Context, studyID int64, key string, value any) error
	SetStudySystemAttr(ctx context.Context, studyID int64, key string, value any) error

	// CreateTrial creates a trial with the next number of the study.
	CreateTrial(ctx context.Context, studyID int64, spec TrialSpec) (core.Trial, error)
	// ClaimTrial moves the study's Waiting trial with the lowest number to
	// Running and returns it, or fails with ErrNoWaiting. Of concurrent
	// callers, exactly one gets each Waiting trial.
	ClaimTrial(ctx context.Context, studyID int64) (core.Trial, error)
	// SetParam records a parameter of a Running trial. It fails with
	// ErrInvalid if the trial already has the parameter or the value is not
	// in the distribution, and with core.ErrIncompatible (wrapped) if the
	// distribution is incompatible with the one the parameter has in the
	// study.
	SetParam(ctx context.Context, trialID int64, p core.Param) error
	// SetIntermediate records the value of a Running trial at step (>= 0),
	// replacing a value already there. NaN and infinities are kept.
	SetIntermediate(ctx context.Context, trialID int64, step int, value float64) error
	// SetTrialUserAttr and SetTrialSystemAttr set one attribute of a trial
	// that is not finished.
	SetTrialUserAttr(ctx context.Context, trialID int64, key string, value any) error
	SetTrialSystemAttr(ctx context.Context, trialID int64, key string, value any) error
	// Heartbeat records that a worker still runs the Running trial now.
	Heartbeat(ctx context.Context, trialID int64) error
	// FinishTrial moves a Running trial to Complete (with one value per
	// direction), Pruned (with no value or one per direction) or Fail (with
	// no value). Values may be infinite but not NaN.
	FinishTrial(ctx context.Context, trialID int64, state core.State, values []float64) error
	// Trial returns one trial.
	Trial(ctx context.Context, trialID int64) (core.Trial, error)
	// Trials returns the study's trials that q selects, in number order.
	Trials(ctx context.Context, studyID int64, q TrialQuery) ([]core.Trial, error)
}

// ParamBatcher is implemented by storages where every write is a round
// trip to a server or a transaction of its own (storage/rdb). SetParams
// records several parameters of one Running trial in one write, all or
// none, under SetParam's rules: a name given twice, or one the trial has,
// is ErrInvalid. tune holds back the parameters that a trial suggests on
// such a storage and writes them together (see tune.Trial).
type ParamBatcher interface {
	SetParams(ctx context.Context, trialID int64, ps []core.Param) error
}

// Heartbeater is implemented by storages shared between processes, where a
// worker may die mid-trial. While a trial runs, its worker calls Heartbeat
// every HeartbeatInterval; workers call FailStaleTrials now and then, which
// marks Fail the Running trials whose heartbeat stopped.
type Heartbeater interface {
	// HeartbeatInterval returns how often to call Heartbeat; 0 means
	// heartbeats are off.
	HeartbeatInterval() time.Duration
	// FailStaleTrials marks Fail, with the reason "stale heartbeat" in the
	// system attribute core.FailReasonAttr, the study's Running trials whose
	// last heartbeat is older than the storage's grace period, and returns
	// them as they are now. Of concurrent callers, one fails each trial. A
	// Running trial that never had a heartbeat is left alone.
	FailStaleTrials(ctx context.Context, studyID int64) ([]core.Trial, error)
}
