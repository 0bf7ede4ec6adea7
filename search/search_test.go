package search

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/modelsel"
	"github.com/go-tune/tune/pruner"
)

// knn is a k-nearest-neighbour classifier: small enough to write here, and
// its accuracy on iris depends on k, so a search has something to find.
type knn struct {
	cfg struct {
		K      int    `param:"k"`
		Metric string `param:"metric"`
	}
	train *data.Dataset
	fits  *atomic.Int64
}

func (m *knn) Fit(ctx context.Context, ds *data.Dataset) error {
	if m.cfg.K < 1 || m.cfg.K > ds.N() {
		return errors.New("k out of range")
	}
	if m.fits != nil {
		m.fits.Add(1)
	}
	m.train = ds
	return nil
}

func (m *knn) Predict(ds *data.Dataset) ([]int32, error) {
	out := make([]int32, ds.N())
	type nb struct {
		d float64
		y int32
	}
	nbs := make([]nb, m.train.N())
	for i := range out {
		x := ds.Row(i)
		for j := range nbs {
			var d float64
			for f, v := range m.train.Row(j) {
				diff := math.Abs(float64(v - x[f]))
				if m.cfg.Metric == "manhattan" {
					d += diff
				} else {
					d += diff * diff
				}
			}
			nbs[j] = nb{d, m.train.Y[j]}
		}
		slices.SortStableFunc(nbs, func(a, b nb) int { return cmp.Compare(a.d, b.d) })
		votes := make([]int, m.train.NumClasses())
		for _, n := range nbs[:m.cfg.K] {
			votes[n.y]++
		}
		out[i] = int32(slices.Index(votes, slices.Max(votes)))
	}
	return out, nil
}

func knnFactory(fits *atomic.Int64) modelsel.Factory {
	return func(p modelsel.Params) (modelsel.Estimator, error) {
		m := &knn{fits: fits}
		return m, modelsel.Bind(&m.cfg, p)
	}
}

var knnSpace = modelsel.Space{
	"k":      modelsel.IntUniform{Low: 1, High: 100},
	"metric": modelsel.Values{"euclidean", "manhattan"},
}

func TestSearchFindsGoodK(t *testing.T) {
	var log bytes.Buffer
	res, err := Search{
		Estimator:    knnFactory(nil),
		Space:        knnSpace,
		Trials:       20,
		Seed:         1,
		Pruner:       pruner.Nop{},
		SearchConfig: modelsel.SearchConfig{Verbose: 3, Log: &log, CVConfig: modelsel.CVConfig{Jobs: 2}},
	}.Fit(context.Background(), data.Iris())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) != 20 {
		t.Fatalf("%d candidates", len(res.Candidates))
	}
	// 5-fold accuracy of kNN on iris is 0.96-0.98 for small k and falls
	// to about 0.9 near k = 100.
	if res.BestScore < 0.96 {
		t.Errorf("best score %.4f with %v", res.BestScore, res.BestParams)
	}
	best := res.Candidates[res.Best]
	for _, c := range res.Candidates {
		if c.Mean["accuracy"] > best.Mean["accuracy"] {
			t.Errorf("candidate %v scores %v, above the best %v", c.Params, c.Mean["accuracy"], best.Mean["accuracy"])
		}
		if len(c.Folds) != 5 {
			t.Errorf("candidate %v has %d folds", c.Params, len(c.Folds))
		}
	}
	// The study's value of each trial is its mean fold score.
	trials, _ := res.Study.Trials(context.Background(), tune.Complete)
	for i, tr := range trials {
		if math.Abs(tr.Values[0]-res.Candidates[i].Mean["accuracy"]) > 1e-12 {
			t.Errorf("trial %d value %v, candidate mean %v", i, tr.Values[0], res.Candidates[i].Mean["accuracy"])
		}
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 101 || lines[0] != "Fitting 5 folds for each of 20 candidates, totalling 100 fits" ||
		!strings.Contains(lines[1], "] END ..") || !strings.Contains(lines[1], ", score=") {
		t.Errorf("verbose output: %d lines, %q, %q", len(lines), lines[0], lines[1])
	}
	if res.BestEstimator == nil {
		t.Error("no refit")
	}
}

func TestPrunedCandidatesStopEarly(t *testing.T) {
	var fits atomic.Int64
	res, err := Search{
		Estimator: knnFactory(&fits),
		Space:     modelsel.Space{"k": modelsel.IntUniform{Low: 1, High: 120}},
		Trials:    30,
		Seed:      3,
		Pruner:    pruner.Median{StartupTrials: 3},
	}.Fit(context.Background(), data.Iris())
	if err != nil {
		t.Fatal(err)
	}
	pruned := 0
	trials, _ := res.Study.Trials(context.Background())
	for i, c := range res.Candidates {
		if !c.Pruned {
			continue
		}
		pruned++
		if len(c.Folds) >= 5 || trials[i].State != tune.Pruned {
			t.Errorf("pruned candidate %d ran %d folds, state %v", i, len(c.Folds), trials[i].State)
		}
		// Each intermediate value is the running mean of the folds.
		var sum float64
		for k, f := range c.Folds {
			sum += f.Test["accuracy"]
			if v, ok := trials[i].At(k); !ok || math.Abs(v-sum/float64(k+1)) > 1e-12 {
				t.Errorf("trial %d step %d: reported %v, running mean %v", i, k, v, sum/float64(k+1))
			}
		}
		if c.Rank["accuracy"] <= 30-countPruned(res) && !math.IsNaN(c.Mean["accuracy"]) {
			t.Errorf("pruned candidate %d ranks %d, ahead of complete ones", i, c.Rank["accuracy"])
		}
	}
	if pruned == 0 {
		t.Fatal("no candidate was pruned")
	}
	if want := int64(30*5 + 1); fits.Load() >= want {
		t.Errorf("%d fits, pruning saved none (%d without)", fits.Load(), want)
	}
	if res.Candidates[res.Best].Pruned {
		t.Error("the best candidate is a pruned one")
	}
}

func countPruned(r *Result) int {
	n := 0
	for _, c := range r.Candidates {
		if c.Pruned {
			n++
		}
	}
	return n
}

func TestResumeFromStorage(t *testing.T) {
	ctx := context.Background()
	url := "sqlite:///" + filepath.Join(t.TempDir(), "search.db")
	run := func(trials int) (*Result, int64) {
		st, err := tune.OpenStorage(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer st.(interface{ Close() error }).Close()
		var fits atomic.Int64
		res, err := Search{
			Estimator: knnFactory(&fits), Space: knnSpace, Trials: trials, Seed: 5,
			Storage: st, StudyName: "knn", Pruner: pruner.Nop{},
			SearchConfig: modelsel.SearchConfig{NoRefit: true},
		}.Fit(ctx, data.Iris())
		if err != nil {
			t.Fatal(err)
		}
		return res, fits.Load()
	}
	first, fits1 := run(4)
	second, fits2 := run(7)
	if fits1 != 20 || fits2 != 15 {
		t.Errorf("fits: %d then %d, want 20 then 15 (only the 3 new candidates)", fits1, fits2)
	}
	if len(second.Candidates) != 7 {
		t.Fatalf("%d candidates after resuming", len(second.Candidates))
	}
	for i, c := range first.Candidates {
		r := second.Candidates[i]
		if c.Params["k"] != r.Params["k"] || c.Mean["accuracy"] != r.Mean["accuracy"] || len(r.Folds) != 5 {
			t.Errorf("candidate %d: %v %v before, %v %v after resuming", i, c.Params, c.Mean, r.Params, r.Mean)
		}
	}
	if second.BestEstimator != nil {
		t.Error("NoRefit refitted")
	}
}

func TestBadConfiguration(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		s    Search
		want string
	}{
		{Search{Estimator: knnFactory(nil), Space: modelsel.Space{"kk": modelsel.Values{3}}}, `unknown hyperparameter "kk"`},
		{Search{Estimator: knnFactory(nil), Space: modelsel.Space{"k": modelsel.Values{struct{}{}}}}, "cannot be a tune categorical choice"},
		{Search{Estimator: knnFactory(nil), Space: modelsel.Space{"k": modelsel.IntUniform{Low: 5, High: 1}}}, `"k": IntUniform{5, 1`},
		{Search{Space: knnSpace}, "no estimator"},
	} {
		_, err := c.s.Fit(ctx, data.Iris())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
	// Every candidate failing (k larger than the training folds) is an
	// error that says why.
	_, err := Search{Estimator: knnFactory(nil), Space: modelsel.Space{"k": modelsel.IntUniform{Low: 500, High: 600}}, Trials: 2}.Fit(ctx, data.Iris())
	if err == nil || !strings.Contains(err.Error(), "k out of range") {
		t.Errorf("all failing: %v", err)
	}
}
