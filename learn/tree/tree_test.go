package tree

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/go-tune/tune/learn/data"
)

type refCase struct {
	Name        string
	Params      map[string]any
	Depth       int
	Leaves      int
	Importances []float64
	Proba       []float64
	Pred        []float64
	Nodes       []refNode
	Exact       bool
}

type refNode struct {
	Path      string
	Feature   int
	Threshold float64
	Samples   int
	Impurity  float64
}

// compareNodes checks that m has scikit-learn's node at each path given.
func compareNodes(t *testing.T, m *model, want []refNode) {
	t.Helper()
	if len(want) == 0 {
		t.Fatal("no reference nodes")
	}
	for _, w := range want {
		n := int32(0)
		for _, step := range w.Path {
			nd := m.nodes[n]
			if nd.feature < 0 {
				t.Fatalf("node %q: tune's tree has a leaf above it", w.Path)
			}
			if step == 'L' {
				n = nd.left
			} else {
				n = nd.right
			}
		}
		nd := m.nodes[n]
		feature := int(nd.feature)
		if feature < 0 {
			feature = -2 // scikit-learn's TREE_UNDEFINED
		}
		if feature != w.Feature || int(nd.samples) != w.Samples || math.Abs(nd.impurity-w.Impurity) > 1e-9*math.Max(1, w.Impurity) ||
			(feature >= 0 && math.Abs(float64(nd.threshold)-w.Threshold) > 1e-6*math.Max(1, math.Abs(w.Threshold))) {
			t.Fatalf("node %q: feature %d <= %v, %d samples, impurity %v; scikit-learn feature %d <= %v, %d samples, impurity %v",
				w.Path, feature, nd.threshold, nd.samples, nd.impurity, w.Feature, w.Threshold, w.Samples, w.Impurity)
		}
	}
}

type reference struct {
	Classification []refCase
	Regression     []refCase
	X, Xr          []float32
	Y              []int32
	Yr             []float64
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

func configOf(t *testing.T, p map[string]any) Config {
	t.Helper()
	c := Config{MaxBins: 1 << 16} // exact splits: 300 distinct values per feature
	for k, v := range p {
		var err error
		switch k {
		case "criterion":
			err = c.Criterion.SetParam(v)
		case "max_depth":
			c.MaxDepth = int(v.(float64))
		case "min_samples_leaf":
			c.MinSamplesLeaf = int(v.(float64))
		case "min_samples_split":
			c.MinSamplesSplit = int(v.(float64))
		case "min_impurity_decrease":
			c.MinImpurityDecrease = v.(float64)
		case "max_leaf_nodes":
			c.MaxLeafNodes = int(v.(float64))
		case "class_weight":
			err = c.ClassWeight.SetParam(v)
		default:
			t.Fatalf("no field for %s", k)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func closeAll(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, scikit-learn %d", what, len(got), len(want))
	}
	bad := 0
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*math.Max(1, math.Abs(want[i])) {
			if bad < 3 {
				t.Errorf("%s[%d] = %.12g, scikit-learn %.12g", what, i, got[i], want[i])
			}
			bad++
		}
	}
	if bad > 3 {
		t.Errorf("%s: %d of %d values differ", what, bad, len(got))
	}
}

// TestMatchesScikitLearn grows trees on continuous data and compares them
// with scikit-learn's node by node: every node of 30 samples or more (where
// splits do not tie, so scikit-learn's order of trying the features does
// not matter), and, in the "exact" cases with large or few leaves, every
// node, the predictions and the importances.
func TestMatchesScikitLearn(t *testing.T) {
	ref := loadReference(t)
	const d = 6
	train := &data.Dataset{X: ref.X[:300*d], Shape: []int{d}, Y: ref.Y[:300]}
	test := &data.Dataset{X: ref.X[300*d:], Shape: []int{d}}
	for _, c := range ref.Classification {
		t.Run("classifier "+c.Name, func(t *testing.T) {
			cfg := configOf(t, c.Params)
			cfg.Seed = 1
			tr := NewClassifier(cfg)
			if err := tr.Fit(context.Background(), train); err != nil {
				t.Fatal(err)
			}
			compareNodes(t, &tr.m, c.Nodes)
			if !c.Exact {
				return
			}
			if tr.Depth() != c.Depth || tr.NumLeaves() != c.Leaves {
				t.Errorf("depth %d, %d leaves; scikit-learn %d, %d", tr.Depth(), tr.NumLeaves(), c.Depth, c.Leaves)
			}
			closeAll(t, "importances", tr.FeatureImportances(), c.Importances, 1e-9)
			p, err := tr.PredictProba(test)
			if err != nil {
				t.Fatal(err)
			}
			closeAll(t, "proba", p, c.Proba, 1e-9)
		})
	}
	const dr = 5
	for _, c := range ref.Regression {
		t.Run("regressor "+c.Name, func(t *testing.T) {
			b, err := Bin(ref.Xr[:200*dr], dr, 1<<16)
			if err != nil {
				t.Fatal(err)
			}
			tr := NewRegressor(configOf(t, c.Params))
			if err := tr.FitBinned(b, ref.Yr[:200], nil, NewRand(1, 0)); err != nil {
				t.Fatal(err)
			}
			compareNodes(t, &tr.m, c.Nodes)
			if !c.Exact {
				return
			}
			if tr.Depth() != c.Depth || tr.NumLeaves() != c.Leaves {
				t.Errorf("depth %d, %d leaves; scikit-learn %d, %d", tr.Depth(), tr.NumLeaves(), c.Depth, c.Leaves)
			}
			closeAll(t, "importances", tr.FeatureImportances(), c.Importances, 1e-9)
			pred, err := tr.Predict(&data.Dataset{X: ref.Xr[200*dr:], Shape: []int{dr}})
			if err != nil {
				t.Fatal(err)
			}
			closeAll(t, "predictions", pred, c.Pred, 1e-9)
		})
	}
}

// TestSeedsGiveTheSameTree: on untied data the feature order does not
// matter; on iris it may (two splits separate setosa equally well), but a
// seed always gives the same tree.
func TestSeeds(t *testing.T) {
	iris := data.Iris()
	fit := func(seed uint64) *Classifier {
		c := NewClassifier(Config{Seed: seed, MaxFeatures: FeatureCount(2)})
		if err := c.Fit(context.Background(), iris); err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := fit(7), fit(7)
	if a.NumNodes() != b.NumNodes() || a.m.nodes[0] != b.m.nodes[0] {
		t.Error("the same seed gave different trees")
	}
	if fit(0).Seed() == 0 {
		t.Error("seed 0 was not replaced by a random seed")
	}
	p, _ := a.Predict(iris)
	for i := range p {
		if p[i] != iris.Y[i] {
			t.Fatalf("a full tree misclassifies training sample %d", i)
		}
	}
}

func TestBinning(t *testing.T) {
	// 1000 distinct values into 10 bins of 100.
	x := make([]float32, 1000)
	for i := range x {
		x[i] = float32(999 - i)
	}
	b, err := Bin(x, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if b.Bins(0) != 10 {
		t.Fatalf("%d bins", b.Bins(0))
	}
	for i, v := range x {
		if want := uint16(int(v) / 100); b.codes[0][i] != want {
			t.Fatalf("value %v in bin %d, want %d", v, b.codes[0][i], want)
		}
	}
	// A value heavier than a bin's share keeps a bin of its own.
	y := []float32{5, 5, 5, 5, 5, 5, 5, 5, 1, 2, 3, 9}
	b, _ = Bin(y, 1, 3)
	if b.Bins(0) > 3 || b.codes[0][0] == b.codes[0][8] || b.codes[0][0] == b.codes[0][11] {
		t.Errorf("bins %v, codes %v", b.upper[0], b.codes[0])
	}
	for _, c := range []struct{ a, c float32 }{{1, 2}, {1, math.Nextafter32(1, 2)}, {-3e38, 3e38}} {
		if th := threshold(c.a, c.c); !(c.a <= th && th < c.c) {
			t.Errorf("threshold(%v, %v) = %v", c.a, c.c, th)
		}
	}
}

// TestHistogramAccuracy checks that 256 bins lose little on continuous
// data against exact splits.
func TestHistogramAccuracy(t *testing.T) {
	ref := loadReference(t)
	const d = 6
	train := &data.Dataset{X: ref.X[:300*d], Shape: []int{d}, Y: ref.Y[:300]}
	test := &data.Dataset{X: ref.X[300*d:], Shape: []int{d}, Y: ref.Y[300:]}
	acc := func(bins int) float64 {
		c := NewClassifier(Config{MaxBins: bins, MaxDepth: 6, Seed: 1})
		if err := c.Fit(context.Background(), train); err != nil {
			t.Fatal(err)
		}
		p, _ := c.Predict(test)
		n := 0
		for i := range p {
			if p[i] == test.Y[i] {
				n++
			}
		}
		return float64(n) / float64(len(p))
	}
	if exact, hist := acc(1<<16), acc(16); math.Abs(exact-hist) > 0.05 {
		t.Errorf("test accuracy %v with exact splits, %v with 16 bins", exact, hist)
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	nan := data.Iris()
	nan.X[4*7+2] = float32(math.NaN())
	short := data.Iris()
	short.Y = short.Y[:100]
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"NaN", NewClassifier(Config{}).Fit(ctx, nan), "sample 7, feature 2 is NaN"},
		{"lengths", NewClassifier(Config{}).Fit(ctx, short), "100 labels in Y for 150 samples"},
		{"regressor without targets", NewRegressor(Config{}).Fit(ctx, data.Iris()), "0 targets (YFloat) for 150 samples"},
		{"min samples leaf", NewClassifier(Config{MinSamplesLeaf: -1}).Fit(ctx, data.Iris()), "MinSamplesLeaf = -1"},
		{"max bins", NewClassifier(Config{MaxBins: 1}).Fit(ctx, data.Iris()), "MaxBins = 1"},
		{"fraction", NewClassifier(Config{MaxFeatures: FeatureFraction(1.5)}).Fit(ctx, data.Iris()), "MaxFeatures is a fraction of 1.5"},
		{"criterion", NewClassifier(Config{Criterion: SquaredError}).Fit(ctx, data.Iris()), "squared_error"},
		{"weights", NewClassifier(Config{}).FitArrays([]float32{1, 2}, 1, []int32{0, 1}, 2, []float64{0, 0}, NewRand(1, 0)), "every sample weight is 0"},
		{"label range", NewClassifier(Config{}).FitArrays([]float32{1, 2}, 1, []int32{0, 2}, 2, nil, NewRand(1, 0)), "label 2 of sample 1"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, c.err, c.want)
		}
	}
	if _, err := NewClassifier(Config{}).Predict(data.Iris()); !errors.Is(err, ErrNotFitted) {
		t.Errorf("unfitted: %v", err)
	}
	c := NewClassifier(Config{Seed: 1})
	_ = c.Fit(ctx, data.Iris())
	if _, err := c.Predict(&data.Dataset{X: make([]float32, 6), Shape: []int{3}}); err == nil || !strings.Contains(err.Error(), "3 features, the tree was fitted on 4") {
		t.Errorf("wrong width: %v", err)
	}
}

func TestParseMaxFeatures(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
		d, n int
	}{
		{"sqrt", "sqrt", 64, 8}, {"auto", "sqrt", 10, 3}, {"log2", "log2", 64, 6}, {nil, "all", 7, 7},
		{"None", "all", 7, 7}, {3, "3", 10, 3}, {0.5, "0.5", 9, 4}, {"0.25", "0.25", 8, 2}, {100, "100", 5, 5},
		{0.01, "0.01", 5, 1},
	} {
		m, err := ParseMaxFeatures(c.in)
		if err != nil || m.String() != c.want || m.Count(c.d) != c.n {
			t.Errorf("ParseMaxFeatures(%v) = %v (%v), Count(%d) = %d; want %s, %d", c.in, m, err, c.d, m.Count(c.d), c.want, c.n)
		}
	}
	for _, bad := range []any{"cube", 0, -2, 1.5, 0.0, true} {
		if _, err := ParseMaxFeatures(bad); err == nil {
			t.Errorf("ParseMaxFeatures(%v) succeeded", bad)
		}
	}
}

func FuzzParseMaxFeatures(f *testing.F) {
	for _, s := range []string{"sqrt", "log2", "auto", "all", "3", "0.5", "", "1e9", "-1", "NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMaxFeatures(s)
		if err != nil {
			return
		}
		for _, d := range []int{1, 7, 100} {
			if n := m.Count(d); n < 1 || n > d {
				t.Fatalf("ParseMaxFeatures(%q).Count(%d) = %d", s, d, n)
			}
		}
	})
}
