package tune_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/storage/memory"
)

var bg = context.Background()

func mustStudy(t *testing.T, name string, opts ...tune.Option) *tune.Study {
	t.Helper()
	s, err := tune.CreateStudy(bg, name, opts...)
	if err != nil {
		t.Fatalf("CreateStudy: %v", err)
	}
	return s
}

func TestCreateLoad(t *testing.T) {
	st := memory.New()
	s := mustStudy(t, "a", tune.WithStorage(st), tune.WithDirections(tune.Maximize), tune.WithSeed(7))
	if s.Name() != "a" || !slices.Equal(s.Directions(), []tune.Direction{tune.Maximize}) || s.Seed() != 7 {
		t.Fatalf("study = %q %v seed %d", s.Name(), s.Directions(), s.Seed())
	}
	if _, err := tune.CreateStudy(bg, "a", tune.WithStorage(st)); !errors.Is(err, tune.ErrStudyExists) {
		t.Errorf("CreateStudy with a taken name: %v, want ErrStudyExists", err)
	}
	again, err := tune.CreateStudy(bg, "a", tune.WithStorage(st), tune.LoadIfExists())
	if err != nil || again.Seed() != 7 || again.Directions()[0] != tune.Maximize {
		t.Fatalf("CreateStudy(LoadIfExists) = seed %d, %v", again.Seed(), err)
	}
	loaded, err := tune.LoadStudy(bg, "a", tune.WithStorage(st))
	if err != nil || loaded.Seed() != 7 {
		t.Fatalf("LoadStudy: seed %v, %v (want the recorded seed 7)", loaded.Seed(), err)
	}
	if _, err := tune.LoadStudy(bg, "a", tune.WithStorage(st), tune.WithDirections(tune.Minimize)); err == nil {
		t.Error("LoadStudy with other directions succeeded")
	}
	if _, err := tune.LoadStudy(bg, "missing", tune.WithStorage(st)); !errors.Is(err, tune.ErrStudyNotFound) {
		t.Errorf("LoadStudy(missing): %v, want ErrStudyNotFound", err)
	}
	if err := tune.DeleteStudy(bg, st, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := tune.LoadStudy(bg, "a", tune.WithStorage(st)); !errors.Is(err, tune.ErrStudyNotFound) {
		t.Errorf("LoadStudy after delete: %v", err)
	}
}

func TestSeedRecorded(t *testing.T) {
	st := memory.New()
	s := mustStudy(t, "", tune.WithStorage(st)) // generated name, random seed
	if !strings.HasPrefix(s.Name(), "no-name-") {
		t.Errorf("generated name %q", s.Name())
	}
	if s.Seed() == 0 {
		t.Fatal("seed 0 was not replaced by a random seed")
	}
	attrs, err := s.SystemAttrs(bg)
	if err != nil || attrs[tune.SeedAttr] != strconv.FormatUint(s.Seed(), 10) {
		t.Fatalf("system attrs %v (%v), want %s=%d", attrs, err, tune.SeedAttr, s.Seed())
	}
	other := mustStudy(t, "", tune.WithStorage(st))
	if other.Seed() == s.Seed() {
		t.Error("two studies got the same random seed")
	}
}

func TestUserAttrs(t *testing.T) {
	s := mustStudy(t, "attrs")
	if err := s.SetUserAttr(bg, "owner", "ada"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserAttr(bg, "bad", math.NaN()); err == nil {
		t.Error("SetUserAttr(NaN) succeeded")
	}
	got, err := s.UserAttrs(bg)
	if err != nil || got["owner"] != "ada" || len(got) != 1 {
		t.Errorf("UserAttrs = %v, %v", got, err)
	}
}

func quadratic(ctx context.Context, t *tune.Trial) (float64, error) {
	x, err := t.Float("x", -10, 10)
	if err != nil {
		return 0, err
	}
	y, err := t.Int("y", -5, 5)
	if err != nil {
		return 0, err
	}
	return (x-2)*(x-2) + float64(y*y), nil
}

func TestBest(t *testing.T) {
	s := mustStudy(t, "best", tune.WithSeed(1))
	if _, err := s.BestTrial(bg); !errors.Is(err, tune.ErrNoTrials) {
		t.Errorf("BestTrial of an empty study: %v, want ErrNoTrials", err)
	}
	if err := s.Optimize(bg, quadratic, tune.OptimizeOptions{Trials: 50}); err != nil {
		t.Fatal(err)
	}
	trials, err := s.Trials(bg)
	if err != nil || len(trials) != 50 {
		t.Fatalf("Trials: %d, %v", len(trials), err)
	}
	min := math.Inf(1)
	for _, tr := range trials {
		min = math.Min(min, tr.Values[0])
	}
	best, err := s.BestTrial(bg)
	if err != nil || best.Values[0] != min {
		t.Fatalf("BestTrial = %v (%v), want value %v", best.Values, err, min)
	}
	v, _ := s.BestValue(bg)
	p, _ := s.BestParams(bg)
	if v != min || p["x"] != best.ParamValues()["x"] || p["y"] != best.ParamValues()["y"] {
		t.Errorf("BestValue %v BestParams %v, want %v %v", v, p, min, best.ParamValues())
	}
	front, err := s.BestTrials(bg)
	if err != nil || len(front) == 0 || front[0].Values[0] != min {
		t.Errorf("BestTrials of one objective = %v, %v", front, err)
	}
}

func TestParetoFront(t *testing.T) {
	s := mustStudy(t, "pareto", tune.WithDirections(tune.Minimize, tune.Maximize))
	points := [][]float64{{1, 1}, {2, 3}, {2, 2}, {3, 3}, {0, 0}, {1, 1}, {4, 5}}
	for _, p := range points {
		tr, err := s.Ask(bg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Tell(bg, tr, p, nil); err != nil {
			t.Fatal(err)
		}
	}
	front, err := s.BestTrials(bg)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, tr := range front {
		got = append(got, tr.Number)
	}
	// Minimize the first, maximize the second: (0,0), (1,1) twice, (2,3), (4,5) are not dominated.
	if want := []int{0, 1, 4, 5, 6}; !slices.Equal(got, want) {
		t.Errorf("Pareto front = trials %v, want %v", got, want)
	}
	if _, err := s.BestTrial(bg); err == nil {
		t.Error("BestTrial of a two-objective study succeeded")
	}
	if err := s.Optimize(bg, quadratic, tune.OptimizeOptions{Trials: 1}); err == nil {
		t.Error("Optimize (single objective) of a two-objective study succeeded")
	}
}

func TestTrialsFilterAndCopies(t *testing.T) {
	s := mustStudy(t, "filter", tune.WithSeed(3))
	n := 0
	err := s.Optimize(bg, func(ctx context.Context, t *tune.Trial) (float64, error) {
		n++
		if _, err := t.Float("x", 0, 1); err != nil {
			return 0, err
		}
		if n%3 == 0 {
			return 0, errors.New("boom")
		}
		return float64(n), nil
	}, tune.OptimizeOptions{Trials: 9})
	if err != nil {
		t.Fatal(err)
	}
	failed, _ := s.Trials(bg, tune.Fail)
	complete, _ := s.Trials(bg, tune.Complete)
	both, _ := s.Trials(bg, tune.Fail, tune.Complete)
	if len(failed) != 3 || len(complete) != 6 || len(both) != 9 {
		t.Fatalf("Fail %d Complete %d both %d, want 3 6 9", len(failed), len(complete), len(both))
	}
	complete[0].Values[0] = 1e9
	complete[0].Params[0].Internal = 5
	again, _ := s.Trials(bg, tune.Complete)
	if again[0].Values[0] == 1e9 || again[0].Params[0].Internal == 5 {
		t.Error("changing a returned trial changed the study")
	}
}

func TestEnqueue(t *testing.T) {
	s := mustStudy(t, "enqueue", tune.WithSeed(5))
	if _, err := s.Enqueue(bg, map[string]any{"x": 1.5, "y": 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Enqueue(bg, map[string]any{"x": []int{1}}); err == nil {
		t.Error("Enqueue of a slice value succeeded")
	}
	tr, err := s.Ask(bg)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := tr.Float("x", -10, 10)
	y, _ := tr.Int("y", -5, 5)
	z, _ := tr.Float("z", 0, 1) // not fixed: sampled
	if x != 1.5 || y != 3 || z < 0 || z > 1 || tr.Number() != 0 {
		t.Errorf("enqueued trial %d got x=%v y=%v z=%v", tr.Number(), x, y, z)
	}
	// A fixed value outside the distribution asked for is an error naming the parameter.
	if _, err := s.Enqueue(bg, map[string]any{"x": 20}); err != nil {
		t.Fatal(err)
	}
	tr2, _ := s.Ask(bg)
	if _, err := tr2.Float("x", -10, 10); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Errorf("out-of-range enqueued value: %v, want an error naming x", err)
	}
}

// TestEnqueueConcurrent: each enqueued trial is run exactly once by 8 workers.
func TestEnqueueConcurrent(t *testing.T) {
	const n = 100
	s := mustStudy(t, "enqueue-concurrent", tune.WithSeed(5))
	for i := range n {
		if _, err := s.Enqueue(bg, map[string]any{"i": i}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[int]int{}
	err := s.Optimize(bg, func(ctx context.Context, t *tune.Trial) (float64, error) {
		i, err := t.Int("i", 0, n-1)
		if err != nil {
			return 0, err
		}
		mu.Lock()
		seen[i]++
		mu.Unlock()
		return float64(i), nil
	}, tune.OptimizeOptions{Trials: n, Workers: 8})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if seen[i] != 1 {
			t.Errorf("enqueued trial with i=%d ran %d times", i, seen[i])
		}
	}
}
