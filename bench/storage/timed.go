package main

import (
	"context"
	"sync"
	"time"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/storage"
)

// methodStat is how often a storage method was called, and the wall time
// spent in it.
type methodStat struct {
	Calls   int     `json:"calls"`
	Seconds float64 `json:"seconds"`
}

// timedStorage wraps a storage and times each method call, for -profile. It
// implements storage.Heartbeater whatever it wraps: a heartbeat interval of
// 0 (what it reports for a storage without heartbeats) turns them off, as
// the lack of the interface does.
type timedStorage struct {
	storage.Storage

	mu    sync.Mutex
	stats map[string]*methodStat
}

var (
	_ storage.Heartbeater  = (*timedStorage)(nil)
	_ storage.ParamBatcher = (*timedStorage)(nil)
)

func newTimedStorage(s storage.Storage) *timedStorage {
	return &timedStorage{Storage: s, stats: map[string]*methodStat{}}
}

// record adds the time since start to method's statistics.
func (t *timedStorage) record(method string, start time.Time) {
	d := time.Since(start).Seconds()
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.stats[method]
	if st == nil {
		st = &methodStat{}
		t.stats[method] = st
	}
	st.Calls++
	st.Seconds += d
}

// reset forgets the calls so far.
func (t *timedStorage) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.stats)
}

// snapshot returns a copy of the statistics, by method.
func (t *timedStorage) snapshot() map[string]methodStat {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]methodStat, len(t.stats))
	for k, v := range t.stats {
		out[k] = *v
	}
	return out
}

func (t *timedStorage) LoadStudy(ctx context.Context, name string) (core.StudyInfo, error) {
	defer t.record("LoadStudy", time.Now())
	return t.Storage.LoadStudy(ctx, name)
}

func (t *timedStorage) SetStudySystemAttr(ctx context.Context, studyID int64, key string, value any) error {
	defer t.record("SetStudySystemAttr", time.Now())
	return t.Storage.SetStudySystemAttr(ctx, studyID, key, value)
}

func (t *timedStorage) CreateTrial(ctx context.Context, studyID int64, spec storage.TrialSpec) (core.Trial, error) {
	defer t.record("CreateTrial", time.Now())
	return t.Storage.CreateTrial(ctx, studyID, spec)
}

func (t *timedStorage) ClaimTrial(ctx context.Context, studyID int64) (core.Trial, error) {
	defer t.record("ClaimTrial", time.Now())
	return t.Storage.ClaimTrial(ctx, studyID)
}

func (t *timedStorage) SetParam(ctx context.Context, trialID int64, p core.Param) error {
	defer t.record("SetParam", time.Now())
	return t.Storage.SetParam(ctx, trialID, p)
}

// SetParams implements storage.ParamBatcher (tune's workers on rdb batch
// their parameters), with SetParam calls where the storage has no batches.
func (t *timedStorage) SetParams(ctx context.Context, trialID int64, ps []core.Param) error {
	defer t.record("SetParams", time.Now())
	if b, ok := t.Storage.(storage.ParamBatcher); ok {
		return b.SetParams(ctx, trialID, ps)
	}
	for _, p := range ps {
		if err := t.Storage.SetParam(ctx, trialID, p); err != nil {
			return err
		}
	}
	return nil
}

func (t *timedStorage) SetIntermediate(ctx context.Context, trialID int64, step int, value float64) error {
	defer t.record("SetIntermediate", time.Now())
	return t.Storage.SetIntermediate(ctx, trialID, step, value)
}

func (t *timedStorage) SetTrialUserAttr(ctx context.Context, trialID int64, key string, value any) error {
	defer t.record("SetTrialUserAttr", time.Now())
	return t.Storage.SetTrialUserAttr(ctx, trialID, key, value)
}

func (t *timedStorage) SetTrialSystemAttr(ctx context.Context, trialID int64, key string, value any) error {
	defer t.record("SetTrialSystemAttr", time.Now())
	return t.Storage.SetTrialSystemAttr(ctx, trialID, key, value)
}

func (t *timedStorage) Heartbeat(ctx context.Context, trialID int64) error {
	defer t.record("Heartbeat", time.Now())
	return t.Storage.Heartbeat(ctx, trialID)
}

func (t *timedStorage) FinishTrial(ctx context.Context, trialID int64, state core.State, values []float64) error {
	defer t.record("FinishTrial", time.Now())
	return t.Storage.FinishTrial(ctx, trialID, state, values)
}

func (t *timedStorage) Trial(ctx context.Context, trialID int64) (core.Trial, error) {
	defer t.record("Trial", time.Now())
	return t.Storage.Trial(ctx, trialID)
}

func (t *timedStorage) Trials(ctx context.Context, studyID int64, q storage.TrialQuery) ([]core.Trial, error) {
	defer t.record("Trials", time.Now())
	return t.Storage.Trials(ctx, studyID, q)
}

// HeartbeatInterval implements storage.Heartbeater.
func (t *timedStorage) HeartbeatInterval() time.Duration {
	if hb, ok := t.Storage.(storage.Heartbeater); ok {
		return hb.HeartbeatInterval()
	}
	return 0
}

// FailStaleTrials implements storage.Heartbeater.
func (t *timedStorage) FailStaleTrials(ctx context.Context, studyID int64) ([]core.Trial, error) {
	defer t.record("FailStaleTrials", time.Now())
	if hb, ok := t.Storage.(storage.Heartbeater); ok {
		return hb.FailStaleTrials(ctx, studyID)
	}
	return nil, nil
}
