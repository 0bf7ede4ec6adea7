package core

import "context"

// Study is what samplers and pruners see of a study: its directions, its
// trials and its system attributes. tune implements it over a storage, with
// an incremental cache of the finished trials; tests implement it over a
// slice.
//
// Its methods are safe for concurrent use. The slice that Trials returns,
// and the trials in it, may be shared with the study's cache and with other
// callers: callers must treat them as read-only.
type Study interface {
	// Name returns the study's name.
	Name() string
	// Directions returns one direction per objective. Callers must not
	// modify the slice.
	Directions() []Direction
	// Trials returns the study's trials whose state is one of states (all
	// trials when none are given), in number order, as of now.
	Trials(ctx context.Context, states ...State) ([]Trial, error)
	// SystemAttrs returns a copy of the study's system attributes.
	SystemAttrs(ctx context.Context) (map[string]any, error)
	// SetSystemAttr sets one of the study's system attributes.
	SetSystemAttr(ctx context.Context, key string, value any) error
	// SetTrialSystemAttr sets a system attribute of a trial that is not
	// finished.
	SetTrialSystemAttr(ctx context.Context, trialID int64, key string, value any) error
}
