package forest

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/modelsel"
	"github.com/go-tune/tune/learn/tree"
)

type reference struct {
	Classification []struct {
		Name string
		CV   float64 `json:"cv_accuracy"`
		OOB  float64 `json:"oob_accuracy"`
	}
	Regression struct {
		X      []float32
		Y      []float64
		TestR2 float64 `json:"test_r2"`
		OOBR2  float64 `json:"oob_r2"`
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

const seeds = 5

// TestAccuracyMatchesScikitLearn: the 5-fold accuracy on scikit-learn's
// own folds, and the out-of-bag accuracy, mean over 5 seeds, within one
// percentage point of scikit-learn's (1.5 for out-of-bag).
func TestAccuracyMatchesScikitLearn(t *testing.T) {
	ref := loadReference(t)
	sets := map[string]*data.Dataset{"iris": data.Iris(), "digits": data.Digits()}
	for _, c := range ref.Classification {
		t.Run(c.Name, func(t *testing.T) {
			ds := sets[c.Name]
			var cv, oob float64
			for seed := range uint64(seeds) {
				res, err := modelsel.CrossValidate(context.Background(), func() modelsel.Estimator {
					return NewClassifier(Config{Seed: seed + 1, Jobs: -1})
				}, ds, modelsel.CVConfig{CV: modelsel.StratifiedKFold{K: 5}, Jobs: -1})
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range res.Scores("accuracy") {
					cv += s / (5 * seeds)
				}
				f := NewClassifier(Config{Seed: seed + 1, OOBScore: true, Jobs: -1})
				if err := f.Fit(context.Background(), ds); err != nil {
					t.Fatal(err)
				}
				o, ok := f.OOBScore()
				if !ok {
					t.Fatal("no OOB score")
				}
				oob += o / seeds
			}
			t.Logf("CV accuracy %.4f (scikit-learn %.4f), OOB %.4f (%.4f)", cv, c.CV, oob, c.OOB)
			if math.Abs(cv-c.CV) > 0.01 {
				t.Errorf("5-fold accuracy %.4f, scikit-learn %.4f", cv, c.CV)
			}
			if math.Abs(oob-c.OOB) > 0.015 {
				t.Errorf("out-of-bag accuracy %.4f, scikit-learn %.4f", oob, c.OOB)
			}
		})
	}
}

func TestRegressorMatchesScikitLearn(t *testing.T) {
	ref := loadReference(t).Regression
	const d = 6
	y32 := make([]float32, len(ref.Y))
	for i, v := range ref.Y {
		y32[i] = float32(v)
	}
	train := &data.Dataset{X: ref.X[:300*d], Shape: []int{d}, YFloat: y32[:300]}
	test := &data.Dataset{X: ref.X[300*d:], Shape: []int{d}}
	var r2, oob float64
	for seed := range uint64(seeds) {
		f := NewRegressor(Config{Seed: seed + 1, OOBScore: true, Jobs: 2})
		if err := f.Fit(context.Background(), train); err != nil {
			t.Fatal(err)
		}
		pred, err := f.Predict(test)
		if err != nil {
			t.Fatal(err)
		}
		var res, tot, mean float64
		for _, v := range ref.Y[300:] {
			mean += v / 100
		}
		for i, v := range ref.Y[300:] {
			res += (v - pred[i]) * (v - pred[i])
			tot += (v - mean) * (v - mean)
		}
		r2 += (1 - res/tot) / seeds
		o, _ := f.OOBScore()
		oob += o / seeds
	}
	t.Logf("test R² %.4f (scikit-learn %.4f), OOB R² %.4f (%.4f)", r2, ref.TestR2, oob, ref.OOBR2)
	if math.Abs(r2-ref.TestR2) > 0.02 || math.Abs(oob-ref.OOBR2) > 0.02 {
		t.Errorf("test R² %.4f, OOB R² %.4f; scikit-learn %.4f, %.4f", r2, oob, ref.TestR2, ref.OOBR2)
	}
}

func TestSameForestWhateverJobs(t *testing.T) {
	digits := data.Digits()
	var probas [][]float64
	for _, jobs := range []int{1, 3, -1} {
		f := NewClassifier(Config{Trees: 20, Seed: 9, Jobs: jobs})
		if err := f.Fit(context.Background(), digits); err != nil {
			t.Fatal(err)
		}
		p, err := f.PredictProba(digits)
		if err != nil {
			t.Fatal(err)
		}
		probas = append(probas, p)
	}
	if !slices.Equal(probas[0], probas[1]) || !slices.Equal(probas[0], probas[2]) {
		t.Error("the same seed gave different forests for different Jobs")
	}
	f := NewClassifier(Config{Trees: 20, Seed: 10})
	_ = f.Fit(context.Background(), digits)
	if p, _ := f.PredictProba(digits); slices.Equal(p, probas[0]) {
		t.Error("another seed gave the same forest")
	}
}

func TestImportancesFindInformativeFeatures(t *testing.T) {
	ds, err := data.MakeClassification(data.ClassificationConfig{
		Samples: 1000, Features: 10, Informative: 2, ClustersPerClass: 1, NoShuffle: true,
	}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	f := NewClassifier(Config{Trees: 50, Seed: 3, Jobs: -1})
	if err := f.Fit(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	imp := f.FeatureImportances()
	var sum float64
	for _, v := range imp {
		sum += v
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("importances sum to %v", sum)
	}
	for j := 2; j < 10; j++ {
		if imp[j] >= min(imp[0], imp[1]) {
			t.Errorf("noise feature %d has importance %.3f, informative ones %.3f and %.3f", j, imp[j], imp[0], imp[1])
		}
	}
}

func TestConfigOptions(t *testing.T) {
	ctx := context.Background()
	iris := data.Iris()
	no := false
	for _, c := range []Config{
		{Trees: 5, Bootstrap: &no}, {Trees: 5, NoBootstrap: true}, {Trees: 5, MaxSamples: 0.5, OOBScore: true},
		{Trees: 5, MaxSamples: 30}, {Trees: 5, MaxDepth: 2, Criterion: tree.Entropy}, {Trees: 5, MaxLeafNodes: 3},
		{Trees: 5, ClassWeight: tree.ClassWeight{Balanced: true}}, {Trees: 5, MaxFeatures: tree.FeatureCount(4)},
	} {
		f := NewClassifier(c)
		if err := f.Fit(ctx, iris); err != nil {
			t.Errorf("%+v: %v", c, err)
			continue
		}
		p, _ := f.Predict(iris)
		right := 0
		for i := range p {
			if p[i] == iris.Y[i] {
				right++
			}
		}
		if right < 130 {
			t.Errorf("%+v: %d of 150 right on its training set", c, right)
		}
	}
	// Without bootstrapping and with all features, every tree is the same
	// full tree up to ties.
	f := NewClassifier(Config{Trees: 3, NoBootstrap: true, MaxFeatures: tree.AllFeatures, Seed: 1})
	_ = f.Fit(ctx, iris)
	for _, tr := range f.Trees() {
		if tr.NumLeaves() != f.Trees()[0].NumLeaves() {
			t.Errorf("trees without bootstrap have %d and %d leaves", tr.NumLeaves(), f.Trees()[0].NumLeaves())
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := NewClassifier(Config{}).Fit(ctx, data.Digits()); !errors.Is(err, context.Canceled) {
		t.Errorf("Fit with a cancelled context: %v", err)
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	nan := data.Iris()
	nan.X[10*4+1] = float32(math.Inf(1))
	short := data.Iris()
	short.X = short.X[:4*149]
	f := NewClassifier(Config{Trees: 2, Seed: 1})
	_ = f.Fit(ctx, data.Iris())
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"Inf feature", NewClassifier(Config{}).Fit(ctx, nan), "sample 10, feature 1 is +Inf"},
		{"lengths", NewClassifier(Config{}).Fit(ctx, short), "150 labels in Y for 149 samples"},
		{"trees", NewClassifier(Config{Trees: -3}).Fit(ctx, data.Iris()), "Trees = -3"},
		{"oob without bootstrap", NewClassifier(Config{OOBScore: true, NoBootstrap: true}).Fit(ctx, data.Iris()), "OOBScore needs bootstrap"},
		{"max samples", NewClassifier(Config{MaxSamples: 500}).Fit(ctx, data.Iris()), "MaxSamples = 500 is more than the 150 samples"},
		{"max samples fraction", NewClassifier(Config{MaxSamples: 2.5}).Fit(ctx, data.Iris()), "MaxSamples = 2.5"},
		{"tree config", NewClassifier(Config{MinSamplesSplit: 1}).Fit(ctx, data.Iris()), "MinSamplesSplit = 1"},
		{"jobs", NewClassifier(Config{Jobs: -2}).Fit(ctx, data.Iris()), "Jobs = -2"},
		{"class weight on a regressor", NewRegressor(Config{ClassWeight: tree.ClassWeight{Balanced: true}}).Fit(ctx, data.Iris()), "ClassWeight is for classifiers"},
		{"predict width", predictErr(f, &data.Dataset{X: make([]float32, 3), Shape: []int{3}}), "3 features, the forest was fitted on 4"},
		{"predict NaN", predictErr(f, &data.Dataset{X: []float32{1, float32(math.NaN()), 1, 1}, Shape: []int{4}}), "sample 0, feature 1 is NaN"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, c.err, c.want)
		}
	}
	if _, err := NewClassifier(Config{}).Predict(data.Iris()); !errors.Is(err, ErrNotFitted) {
		t.Errorf("unfitted: %v", err)
	}
}

func predictErr(f *Classifier, ds *data.Dataset) error {
	_, err := f.Predict(ds)
	return err
}
