package modelsel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-tune/tune/learn/data"
)

type reference struct {
	Folds []struct {
		Name  string
		Kind  string
		K     int
		Y     []int32
		Folds []struct{ Train, Test []int }
	}
	Grids []struct {
		Grid  map[string][]any
		Order []map[string]any
	}
	Verbose []struct {
		Verbose    int
		TrainScore bool `json:"train_score"`
		Lines      string
	}
}

func loadReference(t *testing.T) reference {
	t.Helper()
	raw, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

func labelled(y []int32) *data.Dataset {
	return &data.Dataset{X: make([]float32, len(y)), Shape: []int{1}, Y: y}
}

// TestFoldsMatchScikitLearn checks that unshuffled KFold and
// StratifiedKFold give scikit-learn's folds index for index.
func TestFoldsMatchScikitLearn(t *testing.T) {
	for _, c := range loadReference(t).Folds {
		t.Run(c.Name, func(t *testing.T) {
			var s Splitter = KFold{K: c.K}
			if c.Kind == "stratified" {
				s = StratifiedKFold{K: c.K}
			}
			folds, err := s.Split(labelled(c.Y))
			if err != nil {
				t.Fatal(err)
			}
			if len(folds) != len(c.Folds) {
				t.Fatalf("%d folds, scikit-learn %d", len(folds), len(c.Folds))
			}
			for i, f := range folds {
				if !slices.Equal(f.Test, c.Folds[i].Test) || !slices.Equal(f.Train, c.Folds[i].Train) {
					t.Errorf("fold %d: test %v, scikit-learn %v", i, f.Test, c.Folds[i].Test)
				}
			}
		})
	}
}

func TestShuffledFolds(t *testing.T) {
	iris := data.Iris()
	for _, s := range []Splitter{KFold{K: 5, Shuffle: true, Seed: 3}, StratifiedKFold{K: 5, Shuffle: true, Seed: 3}} {
		folds, err := s.Split(iris)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := s.Split(iris)
		seen := make([]int, iris.N())
		for i, f := range folds {
			if !slices.Equal(f.Test, again[i].Test) {
				t.Errorf("%T: fold %d differs for the same seed", s, i)
			}
			if len(f.Test) != 30 || len(f.Train) != 120 {
				t.Errorf("%T: fold %d has %d test and %d training samples", s, i, len(f.Test), len(f.Train))
			}
			for _, j := range f.Test {
				seen[j]++
			}
			if _, ok := s.(StratifiedKFold); ok {
				counts := iris.Subset(f.Test).ClassCounts()
				if !slices.Equal(counts, []int{10, 10, 10}) {
					t.Errorf("stratified fold %d has classes %v", i, counts)
				}
			}
		}
		for j, n := range seen {
			if n != 1 {
				t.Fatalf("%T: sample %d is in %d test folds", s, j, n)
			}
		}
		unshuffled, _ := KFold{K: 5}.Split(iris)
		if slices.Equal(folds[0].Test, unshuffled[0].Test) {
			t.Errorf("%T: shuffling changed nothing", s)
		}
	}
}

func TestSplitErrors(t *testing.T) {
	small := labelled([]int32{0, 1, 0})
	rare := labelled([]int32{0, 0, 0, 0, 0, 1, 1, 0, 0, 0})
	rare.Classes = []string{"common", "rare"}
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"more folds than samples", func() error { _, err := KFold{K: 5}.Split(small); return err }, "K = 5 folds is more than the 3 samples"},
		{"one fold", func() error { _, err := KFold{K: 1}.Split(small); return err }, "at least 2 folds"},
		{"class rarer than folds", func() error { _, err := StratifiedKFold{K: 3}.Split(rare); return err }, `class "rare" (index 1) has 2 samples, fewer than the 3 folds`},
		{"no labels", func() error {
			_, err := StratifiedKFold{}.Split(&data.Dataset{X: make([]float32, 10), Shape: []int{1}})
			return err
		}, "needs one label (Y) per sample"},
		{"stratified split of a singleton class", func() error {
			_, _, err := TrainTestSplit(labelled([]int32{0, 0, 0, 1, 0, 0}), 0.5, 1, true)
			return err
		}, "class 1 has only 1 sample"},
		{"test fraction", func() error { _, _, err := TrainTestSplit(labelled([]int32{0, 1, 0}), 1.5, 1, false); return err }, "not in (0, 1)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.err()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestTrainTestSplit(t *testing.T) {
	train, test, err := TrainTestSplit(data.Iris(), 0.2, 7, true)
	if err != nil {
		t.Fatal(err)
	}
	if train.N() != 120 || test.N() != 30 || !slices.Equal(test.ClassCounts(), []int{10, 10, 10}) {
		t.Fatalf("train %d, test %d with classes %v", train.N(), test.N(), test.ClassCounts())
	}
}

func TestGridOrderMatchesScikitLearn(t *testing.T) {
	for _, c := range loadReference(t).Grids {
		g := Grid{}
		for k, v := range c.Grid {
			g[k] = v
		}
		cands, err := GridCandidates(g)
		if err != nil {
			t.Fatal(err)
		}
		if len(cands) != len(c.Order) {
			t.Fatalf("%d candidates, scikit-learn %d", len(cands), len(c.Order))
		}
		for i, p := range cands {
			if fmt.Sprint(map[string]any(p)) != fmt.Sprint(c.Order[i]) {
				t.Errorf("candidate %d: %v, scikit-learn %v", i, p, c.Order[i])
			}
		}
	}
}

func TestSampleCandidates(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	lists := Space{"a": Values{1, 2, 3}, "b": Values{"x", "y"}}
	cands, err := SampleCandidates(lists, 6, r)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range cands {
		seen[p.flat()] = true
	}
	if len(seen) != 6 {
		t.Errorf("a list-only space of 6 combinations gave %d distinct of 6: %v", len(seen), cands)
	}
	if cands, _ := SampleCandidates(lists, 10, r); len(cands) != 6 {
		t.Errorf("asking 10 of 6 combinations gave %d", len(cands))
	}
	mixed := Space{"lr": LogUniform{1e-4, 1e-1}, "n": IntUniform{Low: 1, High: 3}, "u": Uniform{-1, 1}, "k": Values{"a"}}
	cands, err = SampleCandidates(mixed, 2000, r)
	if err != nil {
		t.Fatal(err)
	}
	var below, nCount [4]int
	for _, p := range cands {
		lr := p["lr"].(float64)
		if lr < 1e-4 || lr >= 1e-1 {
			t.Fatalf("lr = %v outside [1e-4, 1e-1)", lr)
		}
		if lr < 1e-2 {
			below[0]++
		}
		nCount[p["n"].(int)]++
		if u := p["u"].(float64); u < -1 || u >= 1 {
			t.Fatalf("u = %v", u)
		}
	}
	// log-uniform: two thirds of the draws lie below 1e-2.
	if f := float64(below[0]) / 2000; math.Abs(f-2.0/3) > 0.05 {
		t.Errorf("%.3f of lr draws below 1e-2, want 2/3", f)
	}
	if nCount[0] != 0 || nCount[1] < 550 || nCount[3] < 550 {
		t.Errorf("IntUniform{1, 3} counts %v", nCount)
	}
}

func TestSpaceErrors(t *testing.T) {
	for _, c := range []struct {
		s    Space
		want string
	}{
		{Space{"a": Values{}}, `"a": an empty list`},
		{Space{"lr": LogUniform{0, 1}}, `"lr": LogUniform{0, 1}`},
		{Space{"u": Uniform{1, 1}}, `"u": Uniform{1, 1}`},
		{Space{"n": IntUniform{Low: 3, High: 2}}, `"n": IntUniform{3, 2`},
		{Space{}, "empty search space"},
	} {
		_, err := SampleCandidates(c.s, 3, rand.New(rand.NewPCG(1, 1)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.s, err, c.want)
		}
	}
	if _, err := GridCandidates(Grid{"a": {1}, "b": {}}); err == nil || !strings.Contains(err.Error(), `"b" has no values`) {
		t.Errorf("empty grid values: %v", err)
	}
}

type level int

func (l *level) SetParam(v any) error {
	switch v {
	case "low":
		*l = 1
	case "high":
		*l = 2
	default:
		return fmt.Errorf("want low or high, got %v", v)
	}
	return nil
}

type embedded struct {
	Seed uint64 `param:"random_state"`
}

type toyConfig struct {
	embedded
	Trees   int      `param:"n_estimators"`
	Rate    float64  `param:"learning_rate"`
	Depth   *int     `param:"max_depth"`
	Name    string   `param:"name"`
	Warm    bool     `param:"warm_start"`
	Level   level    `param:"level"`
	Hidden  int      `param:"-"`
	NoTag   int      // not settable
	Weights []string `param:"weights"`
}

func TestBind(t *testing.T) {
	c := toyConfig{Trees: 7}
	err := Bind(&c, Params{"n_estimators": 50.0, "learning_rate": 1, "max_depth": 10, "name": "x",
		"warm_start": true, "level": "high", "random_state": 42, "weights": []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Trees != 50 || c.Rate != 1 || c.Depth == nil || *c.Depth != 10 || c.Name != "x" || !c.Warm ||
		c.Level != 2 || c.Seed != 42 || !slices.Equal(c.Weights, []string{"a"}) {
		t.Fatalf("bound %+v", c)
	}
	if err := Bind(&c, Params{"max_depth": nil, "n_estimators": nil}); err != nil || c.Depth != nil || c.Trees != 0 {
		t.Fatalf("None: %v, %+v", err, c)
	}
	err = Bind(&c, Params{"max_dpeth": 3, "n_estimators": 5, "Hidden": 1, "NoTag": 1})
	if !errors.Is(err, ErrUnknownParam) {
		t.Fatalf("unknown names: %v", err)
	}
	for _, want := range []string{`"Hidden", "NoTag", "max_dpeth"`, "it has learning_rate, level, max_depth, n_estimators, name, random_state, warm_start, weights"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if c.Trees != 0 {
		t.Errorf("a failed Bind changed n_estimators to %d", c.Trees)
	}
	before := c
	for _, bad := range []Params{
		{"n_estimators": 2.5}, {"n_estimators": "many"}, {"random_state": -1}, {"level": "mid"},
		{"warm_start": 1}, {"learning_rate": "fast"}, {"learning_rate": 2.0, "name": 5},
	} {
		if err := Bind(&c, bad); err == nil {
			t.Errorf("Bind(%v) succeeded", bad)
		} else if !strings.Contains(err.Error(), bad.Keys()[len(bad)-1]) {
			t.Errorf("Bind(%v): %v does not name the parameter", bad, err)
		}
		if !reflect.DeepEqual(c, before) {
			t.Errorf("Bind(%v) failed but changed the config to %+v", bad, c)
		}
	}
	if got := ParamNames(toyConfig{}); len(got) != 8 || got[0] != "learning_rate" {
		t.Errorf("ParamNames = %v", got)
	}
}

func TestParamsString(t *testing.T) {
	p := Params{"n_estimators": 50, "max_features": "log2", "max_depth": nil, "lr": 0.1, "alpha": 1.0, "b": true}
	if got, want := p.String(), "{'alpha': 1.0, 'b': True, 'lr': 0.1, 'max_depth': None, 'max_features': 'log2', 'n_estimators': 50}"; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	if got, want := p.flat(), "alpha=1.0, b=True, lr=0.1, max_depth=None, max_features=log2, n_estimators=50"; got != want {
		t.Errorf("flat() = %s, want %s", got, want)
	}
}

// majority predicts the class it saw most in training (scikit-learn's
// DummyClassifier(strategy="most_frequent")), or fails when told to.
type majority struct {
	cfg struct {
		Fail  bool    `param:"fail"`
		Bonus float64 `param:"bonus"`
	}
	class int32
	k     int
}

func (m *majority) Fit(ctx context.Context, ds *data.Dataset) error {
	if m.cfg.Fail {
		return errors.New("told to fail")
	}
	counts := ds.ClassCounts()
	m.class, m.k = int32(slices.Index(counts, slices.Max(counts))), ds.NumClasses()
	return nil
}

func (m *majority) Predict(ds *data.Dataset) ([]int32, error) {
	out := make([]int32, ds.N())
	for i := range out {
		out[i] = m.class
	}
	return out, nil
}

func majorityFactory(p Params) (Estimator, error) {
	m := &majority{}
	return m, Bind(&m.cfg, p)
}

func TestVerboseLinesMatchScikitLearn(t *testing.T) {
	iris := data.Iris()
	var train, test []int
	for i := range iris.N() {
		if i%2 == 0 {
			train = append(train, i)
		} else {
			test = append(test, i)
		}
	}
	acc, err := ScorerByName("accuracy")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range loadReference(t).Verbose {
		var buf bytes.Buffer
		p := NewProgress(c.Verbose, &buf, 5, 10)
		params := Params{"strategy": "most_frequent", "constant": nil}
		m := &majority{}
		fr := FitAndScore(context.Background(), m, iris, Fold{Train: train, Test: test}, []Scorer{acc}, c.TrainScore)
		p.FitStart(2, 1, params)
		p.FitEnd(2, 1, params, fr, []Scorer{acc})
		if buf.String() != c.Lines {
			t.Errorf("verbose %d, train score %v:\n got %q\nwant %q", c.Verbose, c.TrainScore, buf.String(), c.Lines)
		}
	}
}

func TestEvaluate(t *testing.T) {
	// Classes 0 (10 samples), 1 (20) and 2 (5): the majority classifier
	// predicts class 1 in every fold of a stratified 5-fold split.
	var y []int32
	for c, n := range []int{10, 20, 5} {
		for range n {
			y = append(y, int32(c))
		}
	}
	ds := labelled(y)
	var log bytes.Buffer
	res, err := GridSearch{
		Estimator:    majorityFactory,
		Grids:        []Grid{{"fail": {false, true}, "bonus": {0.0, 1.0}}},
		SearchConfig: SearchConfig{Verbose: 2, Log: &log, CVConfig: CVConfig{Jobs: 2}},
	}.Fit(context.Background(), ds)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) != 4 {
		t.Fatalf("%d candidates", len(res.Candidates))
	}
	for i, c := range res.Candidates {
		fail := c.Params["fail"].(bool)
		switch {
		case fail && (c.Err == nil || !math.IsNaN(c.Mean["accuracy"]) || c.Rank["accuracy"] != 3):
			t.Errorf("candidate %d (%v): err %v, mean %v, rank %d; want the failure, NaN, rank 3", i, c.Params, c.Err, c.Mean["accuracy"], c.Rank["accuracy"])
		case !fail && (math.Abs(c.Mean["accuracy"]-20.0/35) > 1e-12 || c.Std["accuracy"] > 1e-12 || c.Rank["accuracy"] != 1):
			t.Errorf("candidate %d (%v): mean %v, std %v, rank %d; want 4/7, 0, rank 1", i, c.Params, c.Mean["accuracy"], c.Std["accuracy"], c.Rank["accuracy"])
		}
	}
	if res.Best != 0 || res.BestParams.flat() != "bonus=0.0, fail=False" || res.BestEstimator == nil {
		t.Errorf("best %d %v, estimator %v", res.Best, res.BestParams, res.BestEstimator)
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 21 || lines[0] != "Fitting 5 folds for each of 4 candidates, totalling 20 fits" {
		t.Errorf("verbose output has %d lines, starting %q", len(lines), lines[0])
	}
	var table bytes.Buffer
	if err := res.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "(failed: told to fail)") || !strings.Contains(table.String(), "0.5714") {
		t.Errorf("table:\n%s", table.String())
	}

	_, err = GridSearch{Estimator: majorityFactory, Grids: []Grid{{"fail": {true}}}}.Fit(context.Background(), ds)
	if err == nil || !strings.Contains(err.Error(), "all 5 fits failed") || !strings.Contains(err.Error(), "told to fail") {
		t.Errorf("all fits failing: %v", err)
	}
	_, err = RandomizedSearch{Estimator: majorityFactory, Space: Space{"bonsu": Values{1}}}.Fit(context.Background(), ds)
	if !errors.Is(err, ErrUnknownParam) || !strings.Contains(err.Error(), `"bonsu"`) {
		t.Errorf("unknown name: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (GridSearch{Estimator: majorityFactory, Grids: []Grid{{"fail": {false}}}}).Fit(ctx, ds); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled search: %v", err)
	}
}

func TestCheckData(t *testing.T) {
	ds := labelled([]int32{0, 1, 0, 1, 0, 1})
	ds.X[3] = float32(math.NaN())
	_, err := CrossValidate(context.Background(), func() Estimator { return &majority{} }, ds, CVConfig{CV: KFold{K: 2}})
	if err == nil || !strings.Contains(err.Error(), "sample 3, feature 0 is NaN") {
		t.Errorf("NaN feature: %v", err)
	}
	ds = labelled([]int32{0, 1, 0, 1, 0, 1})
	ds.Y = ds.Y[:5]
	if _, err := CrossValidate(context.Background(), func() Estimator { return &majority{} }, ds, CVConfig{CV: KFold{K: 2}}); err == nil ||
		!strings.Contains(err.Error(), "5 labels in Y for 6 samples") {
		t.Errorf("mismatched lengths: %v", err)
	}
}
