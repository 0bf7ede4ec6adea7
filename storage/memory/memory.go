package memory

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/storage"
)

// Storage is an in-memory storage.Storage. The zero value is not usable;
// call New. It is safe for concurrent use.
type Storage struct {
	mu      sync.RWMutex
	studies map[int64]*study
	names   map[string]int64
	nextID  int64
	trials  map[int64]*trial // by trial id
	trialID int64
	now     func() time.Time
}

type study struct {
	info    core.StudyInfo
	trials  []*trial // by number
	waiting []int    // numbers of Waiting trials, ascending
	dists   map[string]core.Distribution
	keys    map[string]struct{}
}

type trial struct {
	rec   core.Trial
	study *study
}

// New returns an empty in-memory storage.
func New() *Storage {
	return &Storage{
		studies: make(map[int64]*study),
		names:   make(map[string]int64),
		trials:  make(map[int64]*trial),
		now:     time.Now,
	}
}

var _ storage.Storage = (*Storage)(nil)

// CreateStudy implements storage.Storage.
func (s *Storage) CreateStudy(ctx context.Context, name string, directions []core.Direction, systemAttrs map[string]any) (core.StudyInfo, error) {
	if err := ctx.Err(); err != nil {
		return core.StudyInfo{}, err
	}
	if err := storage.CheckStudy(name, directions); err != nil {
		return core.StudyInfo{}, err
	}
	sys, err := normalizeAttrs(systemAttrs)
	if err != nil {
		return core.StudyInfo{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.names[name]; ok {
		return core.StudyInfo{}, fmt.Errorf("%w: %q", storage.ErrStudyExists, name)
	}
	s.nextID++
	st := &study{
		info:  core.StudyInfo{ID: s.nextID, Name: name, Directions: slices.Clone(directions), SystemAttrs: sys},
		dists: make(map[string]core.Distribution),
	}
	s.studies[st.info.ID] = st
	s.names[name] = st.info.ID
	return st.info.Clone(), nil
}

// LoadStudy implements storage.Storage.
func (s *Storage) LoadStudy(ctx context.Context, name string) (core.StudyInfo, error) {
	if err := ctx.Err(); err != nil {
		return core.StudyInfo{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.names[name]
	if !ok {
		return core.StudyInfo{}, fmt.Errorf("%w: study %q", storage.ErrNotFound, name)
	}
	return s.studies[id].info.Clone(), nil
}

// Studies implements storage.Storage.
func (s *Storage) Studies(ctx context.Context) ([]core.StudyInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]core.StudyInfo, 0, len(s.studies))
	for _, st := range s.studies {
		out = append(out, st.info.Clone())
	}
	slices.SortFunc(out, func(a, b core.StudyInfo) int { return int(a.ID - b.ID) })
	return out, nil
}

// DeleteStudy implements storage.Storage.
func (s *Storage) DeleteStudy(ctx context.Context, studyID int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.study(studyID)
	if err != nil {
		return err
	}
	for _, t := range st.trials {
		delete(s.trials, t.rec.ID)
	}
	delete(s.names, st.info.Name)
	delete(s.studies, studyID)
	return nil
}

// SetStudyUserAttr implements storage.Storage.
func (s *Storage) SetStudyUserAttr(ctx context.Context, studyID int64, key string, value any) error {
	return s.setAttr(ctx, key, value, func() (*map[string]any, error) {
		st, err := s.study(studyID)
		if err != nil {
			return nil, err
		}
		return &st.info.UserAttrs, nil
	})
}

// SetStudySystemAttr implements storage.Storage.
func (s *Storage) SetStudySystemAttr(ctx context.Context, studyID int64, key string, value any) error {
	return s.setAttr(ctx, key, value, func() (*map[string]any, error) {
		st, err := s.study(studyID)
		if err != nil {
			return nil, err
		}
		return &st.info.SystemAttrs, nil
	})
}

// setAttr sets key to value in the attributes that attrs finds, under the
// lock.
func (s *Storage) setAttr(ctx context.Context, key string, value any, attrs func() (*map[string]any, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckName("attribute key", key); err != nil {
		return err
	}
	v, err := core.NormalizeJSON(value)
	if err != nil {
		return fmt.Errorf("%w: %v", storage.ErrInvalid, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := attrs()
	if err != nil {
		return err
	}
	if *m == nil {
		*m = make(map[string]any)
	}
	(*m)[key] = v
	return nil
}

func (s *Storage) study(id int64) (*study, error) {
	st, ok := s.studies[id]
	if !ok {
		return nil, fmt.Errorf("%w: study id %d", storage.ErrNotFound, id)
	}
	return st, nil
}

// CreateTrial implements storage.Storage.
func (s *Storage) CreateTrial(ctx context.Context, studyID int64, spec storage.TrialSpec) (core.Trial, error) {
	if err := ctx.Err(); err != nil {
		return core.Trial{}, err
	}
	if err := storage.CheckSpec(spec); err != nil {
		return core.Trial{}, err
	}
	user, err := normalizeAttrs(spec.UserAttrs)
	if err != nil {
		return core.Trial{}, err
	}
	sys, err := normalizeAttrs(spec.SystemAttrs)
	if err != nil {
		return core.Trial{}, err
	}
	if spec.Key != "" {
		if sys == nil {
			sys = make(map[string]any, 1)
		}
		sys[core.KeyAttr] = spec.Key
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.study(studyID)
	if err != nil {
		return core.Trial{}, err
	}
	if spec.OrClaim && len(st.waiting) > 0 {
		t := s.claim(st)
		if spec.Heartbeat {
			t.rec.Heartbeat = t.rec.Start
		}
		return t.rec.Clone(), nil
	}
	if spec.Key != "" {
		if _, dup := st.keys[spec.Key]; dup {
			return core.Trial{}, fmt.Errorf("%w: %q", storage.ErrDuplicateKey, spec.Key)
		}
		if st.keys == nil {
			st.keys = make(map[string]struct{})
		}
		st.keys[spec.Key] = struct{}{}
	}
	s.trialID++
	t := &trial{study: st, rec: core.Trial{
		ID:          s.trialID,
		Number:      len(st.trials),
		State:       spec.State,
		UserAttrs:   user,
		SystemAttrs: sys,
	}}
	for _, st := range spec.Intermediate {
		t.rec.SetIntermediate(st.Step, st.Value)
	}
	if spec.State == core.Running {
		t.rec.Start = s.now()
		if spec.Heartbeat {
			t.rec.Heartbeat = t.rec.Start
		}
	} else {
		st.waiting = append(st.waiting, t.rec.Number)
	}
	st.trials = append(st.trials, t)
	s.trials[t.rec.ID] = t
	return t.rec.Clone(), nil
}

func normalizeAttrs(m map[string]any) (map[string]any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if err := storage.CheckName("attribute key", k); err != nil {
			return nil, err
		}
		n, err := core.NormalizeJSON(v)
		if err != nil {
			return nil, fmt.Errorf("%w: attribute %q: %v", storage.ErrInvalid, k, err)
		}
		out[k] = n
	}
	return out, nil
}

// ClaimTrial implements storage.Storage.
func (s *Storage) ClaimTrial(ctx context.Context, studyID int64) (core.Trial, error) {
	if err := ctx.Err(); err != nil {
		return core.Trial{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.study(studyID)
	if err != nil {
		return core.Trial{}, err
	}
	if len(st.waiting) == 0 {
		return core.Trial{}, storage.ErrNoWaiting
	}
	return s.claim(st).rec.Clone(), nil
}

// claim moves the study's first Waiting trial to Running. s.mu is held.
func (s *Storage) claim(st *study) *trial {
	t := st.trials[st.waiting[0]]
	st.waiting = st.waiting[1:]
	t.rec.State = core.Running
	t.rec.Start = s.now()
	return t
}

// trial returns a trial that may still change: it fails with ErrFinished
// for a finished one and, when running is set, with ErrNotRunning for a
// Waiting one.
func (s *Storage) trial(id int64, running bool) (*trial, error) {
	t, ok := s.trials[id]
	switch {
	case !ok:
		return nil, fmt.Errorf("%w: trial id %d", storage.ErrNotFound, id)
	case t.rec.State.Finished():
		return nil, fmt.Errorf("%w: trial %d is %v", storage.ErrFinished, t.rec.Number, t.rec.State)
	case running && t.rec.State != core.Running:
		return nil, fmt.Errorf("%w: trial %d is %v", storage.ErrNotRunning, t.rec.Number, t.rec.State)
	}
	return t, nil
}

// SetParam implements storage.Storage.
func (s *Storage) SetParam(ctx context.Context, trialID int64, p core.Param) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckParam(p); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.trial(trialID, true)
	if err != nil {
		return err
	}
	if _, ok := t.rec.Param(p.Name); ok {
		return fmt.Errorf("%w: trial %d already has parameter %q", storage.ErrInvalid, t.rec.Number, p.Name)
	}
	if old, ok := t.study.dists[p.Name]; ok {
		if err := core.CheckCompatible(old, p.Dist); err != nil {
			return fmt.Errorf("parameter %q: %w", p.Name, err)
		}
		if core.Equal(old, p.Dist) {
			p.Dist = old // share one copy of each distribution
		}
	}
	t.study.dists[p.Name] = p.Dist
	t.rec.Params = append(t.rec.Params, p)
	return nil
}

// SetIntermediate implements storage.Storage.
func (s *Storage) SetIntermediate(ctx context.Context, trialID int64, step int, value float64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if step < 0 {
		return fmt.Errorf("%w: step %d is negative", storage.ErrInvalid, step)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.trial(trialID, true)
	if err != nil {
		return err
	}
	t.rec.SetIntermediate(step, value)
	return nil
}

// SetTrialUserAttr implements storage.Storage.
func (s *Storage) SetTrialUserAttr(ctx context.Context, trialID int64, key string, value any) error {
	return s.setAttr(ctx, key, value, func() (*map[string]any, error) {
		t, err := s.trial(trialID, false)
		if err != nil {
			return nil, err
		}
		return &t.rec.UserAttrs, nil
	})
}

// SetTrialSystemAttr implements storage.Storage.
func (s *Storage) SetTrialSystemAttr(ctx context.Context, trialID int64, key string, value any) error {
	return s.setAttr(ctx, key, value, func() (*map[string]any, error) {
		t, err := s.trial(trialID, false)
		if err != nil {
			return nil, err
		}
		return &t.rec.SystemAttrs, nil
	})
}

// Heartbeat implements storage.Storage.
func (s *Storage) Heartbeat(ctx context.Context, trialID int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.trial(trialID, true)
	if err != nil {
		return err
	}
	t.rec.Heartbeat = s.now()
	return nil
}

// FinishTrial implements storage.Storage.
func (s *Storage) FinishTrial(ctx context.Context, trialID int64, state core.State, values []float64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.trial(trialID, true)
	if err != nil {
		return err
	}
	if err := storage.CheckFinish(state, values, len(t.study.info.Directions)); err != nil {
		return err
	}
	t.rec.State = state
	t.rec.Values = slices.Clone(values)
	t.rec.Complete = s.now()
	return nil
}

// Trial implements storage.Storage.
func (s *Storage) Trial(ctx context.Context, trialID int64) (core.Trial, error) {
	if err := ctx.Err(); err != nil {
		return core.Trial{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.trials[trialID]
	if !ok {
		return core.Trial{}, fmt.Errorf("%w: trial id %d", storage.ErrNotFound, trialID)
	}
	return t.rec.Clone(), nil
}

// Trials implements storage.Storage.
func (s *Storage) Trials(ctx context.Context, studyID int64, q storage.TrialQuery) ([]core.Trial, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, err := s.study(studyID)
	if err != nil {
		return nil, err
	}
	from := max(q.From, 0)
	var out []core.Trial
	if extra := slices.Sorted(slices.Values(q.Numbers)); len(extra) > 0 {
		for _, n := range slices.Compact(extra) {
			if n >= 0 && n < min(from, len(st.trials)) {
				out = append(out, st.trials[n].rec.Clone())
			}
		}
	}
	if from < len(st.trials) {
		out = slices.Grow(out, len(st.trials)-from)
		for _, t := range st.trials[from:] {
			out = append(out, t.rec.Clone())
		}
	}
	return out, nil
}
