package tune

import (
	"context"
	"slices"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/storage"
	"sync"
)

// trialCache holds the study's trials as last read from the storage. A
// finished trial never changes, so a refresh reads only the trials created
// since the last one and those that were not finished then: reading the
// study is incremental, never a full reload per trial.
//
// The records in it are never modified, only replaced, so the slices handed
// out by trials may share them with the cache.
type trialCache struct {
	study *Study

	mu     sync.Mutex
	recs   []core.Trial // by number; a zero ID is a number not yet seen
	next   int          // the lowest number not yet seen
	open   []int        // seen numbers below next that were not finished
	filled int          // how many of recs are seen
}

// refresh brings the cache up to date with the storage.
func (c *trialCache) refresh(ctx context.Context) error {
	got, err := c.study.storage.Trials(ctx, c.study.info.ID, storage.TrialQuery{From: c.next, Numbers: c.open})
	if err != nil {
		return err
	}
	for i := range got {
		n := got[i].Number
		if n >= len(c.recs) {
			c.recs = slices.Grow(c.recs, n+1-len(c.recs))[:n+1]
		}
		if c.recs[n].ID == 0 {
			c.filled++
		}
		c.recs[n] = got[i]
	}
	// Numbers may appear out of order in a database whose transactions
	// commit out of order: next stops at the first hole, and the trials
	// after it are read again until the hole is filled.
	for c.next < len(c.recs) && c.recs[c.next].ID != 0 {
		c.next++
	}
	c.open = c.open[:0]
	for i := range got {
		if n := got[i].Number; n < c.next && !got[i].State.Finished() {
			c.open = append(c.open, n)
		}
	}
	return nil
}

// trials refreshes the cache and returns the trials in the given states (all
// if none), sharing their contents with the cache.
func (c *trialCache) trials(ctx context.Context, states []core.State) ([]core.Trial, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.refresh(ctx); err != nil {
		return nil, err
	}
	out := make([]core.Trial, 0, c.filled)
	for i := range c.recs {
		t := &c.recs[i]
		if t.ID != 0 && (len(states) == 0 || slices.Contains(states, t.State)) {
			out = append(out, *t)
		}
	}
	return out, nil
}
