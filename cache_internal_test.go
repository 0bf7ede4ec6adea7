package tune

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler/grid"
	"github.com/go-tune/tune/storage"
	"github.com/go-tune/tune/storage/memory"
)

// countingStorage counts the trials that Trials returns, and can hide one
// trial number, as a database whose transactions commit out of order would.
type countingStorage struct {
	storage.Storage
	returned int
	creates  int
	hide     int // -1: none
}

func (c *countingStorage) CreateTrial(ctx context.Context, id int64, spec storage.TrialSpec) (core.Trial, error) {
	c.creates++
	return c.Storage.CreateTrial(ctx, id, spec)
}

func (c *countingStorage) Trials(ctx context.Context, id int64, q storage.TrialQuery) ([]core.Trial, error) {
	got, err := c.Storage.Trials(ctx, id, q)
	got = slices.DeleteFunc(got, func(t core.Trial) bool { return t.Number == c.hide })
	c.returned += len(got)
	return got, err
}

func TestCacheIncremental(t *testing.T) {
	ctx := context.Background()
	st := &countingStorage{Storage: memory.New(), hide: -1}
	s, err := CreateStudy(ctx, "cache", WithStorage(st), WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	run := func(n int) {
		for range n {
			tr, err := s.Ask(ctx)
			if err != nil {
				t.Fatal(err)
			}
			x, _ := tr.Float("x", 0, 1)
			if _, err := s.Tell(ctx, tr, []float64{x}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	run(100)
	running, _ := s.Ask(ctx) // stays Running: read again at every refresh
	if all, _ := (view{s}).Trials(ctx); len(all) != 101 {
		t.Fatalf("%d trials, want 101", len(all))
	}
	st.returned = 0
	run(3)
	all, _ := (view{s}).Trials(ctx)
	if len(all) != 104 || st.returned != 4 {
		t.Errorf("refresh after 3 new trials read %d trials from the storage, want 4 (3 new, 1 running); study has %d", st.returned, len(all))
	}
	// The running trial finishes: the cache sees it.
	if _, err := s.Tell(ctx, running, []float64{0.5}, nil); err != nil {
		t.Fatal(err)
	}
	complete, _ := (view{s}).Trials(ctx, core.Complete)
	if len(complete) != 104 {
		t.Errorf("%d complete trials in the cache, want 104", len(complete))
	}

	// Trial 104 commits after 105: the cache must not skip it.
	st.hide = 104
	run(2)
	if all, _ := (view{s}).Trials(ctx); len(all) != 105 || all[len(all)-1].Number != 105 {
		t.Fatalf("with 104 hidden: %d trials", len(all))
	}
	st.hide = -1 // as if another process's commit became visible
	time.Sleep(refreshEvery + time.Millisecond)
	all, _ = (view{s}).Trials(ctx)
	if len(all) != 106 || all[104].Number != 104 || all[104].State != core.Complete {
		t.Errorf("hidden trial not picked up: %d trials", len(all))
	}
}

// TestCacheThrottle: reads without a write of this handle in between read
// the storage once per refreshEvery; a write of this handle is seen at
// once.
func TestCacheThrottle(t *testing.T) {
	ctx := context.Background()
	st := &countingStorage{Storage: memory.New(), hide: -1}
	s, err := CreateStudy(ctx, "throttle", WithStorage(st), WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := s.Ask(ctx) // Running: read at every refresh
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (view{s}).Trials(ctx); err != nil {
		t.Fatal(err)
	}
	st.returned = 0
	start := time.Now()
	for range 5 {
		if _, err := (view{s}).Trials(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if st.returned != 0 && time.Since(start) < refreshEvery {
		t.Errorf("5 reads within %v read %d trials from the storage, want none", refreshEvery, st.returned)
	}
	if _, err := s.Tell(ctx, tr, []float64{1}, nil); err != nil {
		t.Fatal(err)
	}
	done, _ := (view{s}).Trials(ctx, core.Complete)
	if len(done) != 1 {
		t.Errorf("this handle's Tell is not seen at once: %d Complete trials", len(done))
	}
}

// TestCacheShared: asking twice for the same states, with no change in
// between, gives the same slice; any change in the study (a new trial, a
// parameter of a running one, a finish) gives a fresh one that shows it.
func TestCacheShared(t *testing.T) {
	ctx := context.Background()
	s, err := CreateStudy(ctx, "shared", WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	get := func(states ...core.State) []core.Trial {
		t.Helper()
		got, err := s.cache.trials(ctx, states)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	tr, err := s.Ask(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, b := get(core.Running), get(core.Running)
	if len(a) != 1 || &a[0] != &b[0] {
		t.Fatalf("two reads without a change: %d trials, shared %v", len(a), len(a) == 1 && &a[0] == &b[0])
	}
	if _, err := tr.Float("x", 0, 1); err != nil {
		t.Fatal(err)
	}
	if c := get(core.Running); len(c[0].Params) != 1 {
		t.Errorf("after a parameter: the running trial has %d params, want 1", len(c[0].Params))
	}
	if got := get(core.Complete); len(got) != 0 {
		t.Errorf("%d Complete trials before Tell", len(got))
	}
	if _, err := s.Tell(ctx, tr, []float64{1}, nil); err != nil {
		t.Fatal(err)
	}
	if got := get(core.Complete); len(got) != 1 || got[0].State != core.Complete {
		t.Errorf("after Tell: %v", got)
	}
	if got := get(core.Running); len(got) != 0 {
		t.Errorf("after Tell: %d Running trials", len(got))
	}
	if _, err := s.Ask(ctx); err != nil {
		t.Fatal(err)
	}
	if got := get(); len(got) != 2 {
		t.Errorf("after a new trial: %d trials, want 2", len(got))
	}
}

// TestCacheOrder: a trial that finishes after a later one joins the slices
// in number order, and a slice handed out before does not change.
func TestCacheOrder(t *testing.T) {
	ctx := context.Background()
	s, err := CreateStudy(ctx, "order", WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	first, _ := s.Ask(ctx)
	second, _ := s.Ask(ctx)
	if _, err := s.Tell(ctx, second, []float64{2}, nil); err != nil {
		t.Fatal(err)
	}
	before, err := s.cache.trials(ctx, []core.State{core.Complete})
	if err != nil || len(before) != 1 {
		t.Fatalf("Complete trials: %v, %v", before, err)
	}
	if _, err := s.Tell(ctx, first, []float64{1}, nil); err != nil {
		t.Fatal(err)
	}
	third, _ := s.Ask(ctx)
	if _, err := s.Tell(ctx, third, []float64{3}, nil); err != nil {
		t.Fatal(err)
	}
	after, err := s.cache.trials(ctx, []core.State{core.Complete})
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for _, tr := range after {
		nums = append(nums, tr.Number)
	}
	if !slices.Equal(nums, []int{0, 1, 2}) {
		t.Errorf("Complete trials %v, want [0 1 2]", nums)
	}
	if len(before) != 1 || before[0].Number != 1 {
		t.Errorf("a slice handed out before changed: %v", before)
	}
}

// TestCacheBehindPlanner: a planning sampler whose handle has not yet seen
// another handle's trials (within refreshEvery) meets a taken key, and plans
// again with the trials read anew, rather than trying points at random.
func TestCacheBehindPlanner(t *testing.T) {
	ctx := context.Background()
	st := &countingStorage{Storage: memory.New(), hide: -1}
	values := []any{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	newHandle := func() *Study {
		g, err := grid.New(map[string][]any{"x": values})
		if err != nil {
			t.Fatal(err)
		}
		s, err := CreateStudy(ctx, "behind", WithStorage(st), WithSampler(g), LoadIfExists(), WithSeed(1))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := newHandle(), newHandle()
	if _, err := b.Trials(ctx); err != nil { // b reads now: it will not read again for refreshEvery
		t.Fatal(err)
	}
	var taken []any
	for range 9 {
		tr, err := a.Ask(ctx)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := tr.Categorical("x", values...)
		taken = append(taken, x)
	}
	st.creates = 0
	tr, err := b.Ask(ctx)
	if err != nil {
		t.Fatalf("Ask on the handle that is behind: %v", err)
	}
	x, _ := tr.Categorical("x", values...)
	if slices.Contains(taken, x) {
		t.Errorf("handle b got x=%v, which handle a had taken (%v)", x, taken)
	}
	if st.creates > 2 {
		t.Errorf("handle b tried %d keys; want at most 2 (one taken, then the free one)", st.creates)
	}
}
