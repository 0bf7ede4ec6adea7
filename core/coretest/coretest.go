package coretest

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/go-tune/tune/core"
)

// Study is a core.Study over trials held in memory. Its fields may be set
// before use; after that, use its methods, which are safe for concurrent use.
type Study struct {
	StudyName string
	Dirs      []core.Direction

	mu     sync.Mutex
	trials []core.Trial
	attrs  map[string]any
}

var _ core.Study = (*Study)(nil)

// New returns a study with the given directions (Minimize if none) and
// trials, which it renumbers 0, 1, 2, ... and gives ids 1, 2, 3, ....
func New(dirs []core.Direction, trials ...core.Trial) *Study {
	if len(dirs) == 0 {
		dirs = []core.Direction{core.Minimize}
	}
	s := &Study{StudyName: "test", Dirs: dirs}
	for _, t := range trials {
		s.Add(t)
	}
	return s
}

// Add appends t with the next number and id, and returns it as added.
func (s *Study) Add(t core.Trial) core.Trial {
	s.mu.Lock()
	defer s.mu.Unlock()
	t.Number = len(s.trials)
	t.ID = int64(t.Number + 1)
	s.trials = append(s.trials, t.Clone())
	return t
}

// Name implements core.Study.
func (s *Study) Name() string { return s.StudyName }

// Directions implements core.Study.
func (s *Study) Directions() []core.Direction { return s.Dirs }

// Trials implements core.Study.
func (s *Study) Trials(ctx context.Context, states ...core.State) ([]core.Trial, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]core.Trial, 0, len(s.trials))
	for _, t := range s.trials {
		if len(states) == 0 || slices.Contains(states, t.State) {
			out = append(out, t)
		}
	}
	return out, nil
}

// SystemAttrs implements core.Study.
func (s *Study) SystemAttrs(context.Context) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return core.CloneAttrs(s.attrs), nil
}

// SetSystemAttr implements core.Study.
func (s *Study) SetSystemAttr(_ context.Context, key string, value any) error {
	v, err := core.NormalizeJSON(value)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.attrs == nil {
		s.attrs = map[string]any{}
	}
	s.attrs[key] = v
	return nil
}

// SetTrialSystemAttr implements core.Study.
func (s *Study) SetTrialSystemAttr(_ context.Context, trialID int64, key string, value any) error {
	v, err := core.NormalizeJSON(value)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := int(trialID - 1)
	if i < 0 || i >= len(s.trials) {
		return fmt.Errorf("coretest: no trial with id %d", trialID)
	}
	t := &s.trials[i]
	if t.State.Finished() {
		return fmt.Errorf("coretest: trial %d is finished", t.Number)
	}
	t.SystemAttrs = core.CloneAttrs(t.SystemAttrs)
	if t.SystemAttrs == nil {
		t.SystemAttrs = map[string]any{}
	}
	t.SystemAttrs[key] = v
	return nil
}
