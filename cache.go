package tune

import (
	"context"
	"slices"
	"time"

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
	// asked for, until a trial in them changes: samplers ask for the trials
	// once per parameter, and the study rarely changes in between. A trial
	// that joins a slice after its last one is appended (the slices handed
	// out keep their length, so they do not see it); any other change drops
	// the slice.
	memo map[uint32]*memoEntry
	// refreshed is when the cache last read the storage, and dirty says
	// that this study handle has written since: a read refreshes when the
	// handle wrote, or refreshEvery after the last refresh, so that a
	// sampler that asks for the trials once per parameter reads the
	// storage once per trial, and sees its own writes at once and other
	// handles' (other processes') within refreshEvery.
	refreshed time.Time
	dirty     bool
}

// refreshEvery bounds how long other handles' writes may go unseen.
const refreshEvery = 10 * time.Millisecond

// touch marks the cache as behind the storage: this handle wrote to it.
func (c *trialCache) touch() {
	c.mu.Lock()
	c.dirty = true
	c.mu.Unlock()
}

type memoEntry struct {
	trials  []core.Trial
	scanned int // recs[:scanned] are in trials, as far as they match
}

func matches(mask uint32, st core.State) bool { return mask == 0 || mask&(1<<uint(st)) != 0 }

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
		old := c.recs[n]
		switch {
		case old.ID == 0:
			c.filled++
		case !changed(&old, &got[i]):
			continue
		}
		c.recs[n] = got[i]
		c.update(n, &old)
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

// update keeps the memoised slices right after record n changed from old
// (ID 0: unseen): a slice that the record joins after its last trial gets
// it appended; one that had it, or that it joins in the middle, is dropped.
func (c *trialCache) update(n int, old *core.Trial) {
	rec := &c.recs[n]
	for mask, e := range c.memo {
		if n >= e.scanned {
			continue // trials will scan it
		}
		had := old.ID != 0 && matches(mask, old.State)
		has := matches(mask, rec.State)
		switch {
		case !had && !has:
		case !had && (len(e.trials) == 0 || e.trials[len(e.trials)-1].Number < n):
			e.trials = append(e.trials, *rec)
		default:
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
	if now := time.Now(); c.dirty || now.Sub(c.refreshed) >= refreshEvery {
		if err := c.refresh(ctx); err != nil {
			return nil, err
		}
		c.refreshed, c.dirty = now, false
	}
	var mask uint32
	for _, st := range states {
		mask |= 1 << uint(st)
	}
	e := c.memo[mask]
	if e == nil {
		e = &memoEntry{trials: make([]core.Trial, 0, c.filled)}
		if c.memo == nil {
			c.memo = make(map[uint32]*memoEntry)
		}
		c.memo[mask] = e
	}
	for i := e.scanned; i < len(c.recs); i++ {
		if t := &c.recs[i]; t.ID != 0 && matches(mask, t.State) {
			e.trials = append(e.trials, *t)
		}
	}
	e.scanned = len(c.recs)
	return e.trials, nil
}
