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
	// memo holds the slices that trials returned, by the set of states
	// asked for, until the cache changes: samplers ask for the trials once
	// per parameter, and the study rarely changes in between.
	memo map[uint32][]core.Trial
}

// changed reports whether a fresh read b of a trial differs from a: in its
// state, its number of values, parameters, intermediate values or
// attributes, or its heartbeat. (An unfinished trial only grows, but for
// an attribute or intermediate value that is set again, which a reader
// then sees at the next change.)
func changed(a, b *core.Trial) bool {
	return a.State != b.State || len(a.Values) != len(b.Values) || len(a.Params) != len(b.Params) ||
		len(a.Intermediate) != len(b.Intermediate) || len(a.UserAttrs) != len(b.UserAttrs) ||
		len(a.SystemAttrs) != len(b.SystemAttrs) || !a.Heartbeat.Equal(b.Heartbeat)
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
		var was uint32 // the states whose slices had the trial
		switch {
		case c.recs[n].ID == 0:
			c.filled++
		case !changed(&c.recs[n], &got[i]):
			continue
		default:
			was = 1 << uint(c.recs[n].State)
		}
		c.recs[n] = got[i]
		c.forget(was | 1<<uint(got[i].State))
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

// forget drops the memoised slices of the sets of states that include one
// of states (a mask), and that of all the trials.
func (c *trialCache) forget(states uint32) {
	for mask := range c.memo {
		if mask == 0 || mask&states != 0 {
			delete(c.memo, mask)
		}
	}
}

// trials refreshes the cache and returns the trials in the given states (all
// if none). The slice is shared (with the cache, and with other callers
// until the cache changes): callers must not modify it or its trials.
func (c *trialCache) trials(ctx context.Context, states []core.State) ([]core.Trial, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.refresh(ctx); err != nil {
		return nil, err
	}
	var mask uint32
	for _, st := range states {
		mask |= 1 << uint(st)
	}
	if out, ok := c.memo[mask]; ok {
		return out, nil
	}
	out := make([]core.Trial, 0, c.filled)
	for i := range c.recs {
		t := &c.recs[i]
		if t.ID != 0 && (mask == 0 || mask&(1<<uint(t.State)) != 0) {
			out = append(out, *t)
		}
	}
	if c.memo == nil {
		c.memo = make(map[uint32][]core.Trial)
	}
	c.memo[mask] = out
	return out, nil
}
