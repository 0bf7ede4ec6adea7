package metrics_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/go-tune/tune/learn/metrics"
)

type classCase struct {
	Name      string
	K         int
	YTrue     []int32 `json:"y_true"`
	YPred     []int32 `json:"y_pred"`
	Proba     []float64
	Confusion [][]int
	Metrics   map[string]*float64 // nil: scikit-learn rejects the input
}

type regCase struct {
	Name    string
	YTrue   []float64 `json:"y_true"`
	YPred   []float64 `json:"y_pred"`
	Metrics map[string]float64
}

func loadReference(t *testing.T) (cls []classCase, reg []regCase) {
	t.Helper()
	raw, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Classification []classCase
		Regression     []regCase
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	return ref.Classification, ref.Regression
}

// near reports whether got is within 1e-12 of want, relatively.
func near(got, want float64) bool {
	return got == want || math.Abs(got-want) <= 1e-12*math.Abs(want)
}

// classMetrics returns the Go function behind each metric name that
// testdata/gen_reference.py writes.
func classMetrics() map[string]func(c classCase) (float64, error) {
	m := map[string]func(c classCase) (float64, error){
		"accuracy":          func(c classCase) (float64, error) { return metrics.Accuracy(c.YTrue, c.YPred) },
		"balanced_accuracy": func(c classCase) (float64, error) { return metrics.BalancedAccuracy(c.YTrue, c.YPred) },
		"log_loss":          func(c classCase) (float64, error) { return metrics.LogLoss(c.YTrue, c.Proba, c.K) },
		"roc_auc": func(c classCase) (float64, error) {
			score := make([]float64, len(c.YTrue))
			for i := range score {
				score[i] = c.Proba[2*i+1]
			}
			return metrics.ROCAUC(c.YTrue, score)
		},
	}
	for _, avg := range []metrics.Average{metrics.Macro, metrics.Micro, metrics.Weighted, metrics.Binary} {
		m["precision_"+avg.String()] = func(c classCase) (float64, error) { return metrics.Precision(c.YTrue, c.YPred, avg) }
		m["recall_"+avg.String()] = func(c classCase) (float64, error) { return metrics.Recall(c.YTrue, c.YPred, avg) }
		m["f1_"+avg.String()] = func(c classCase) (float64, error) { return metrics.F1(c.YTrue, c.YPred, avg) }
		for name, beta := range map[string]float64{"0": 0, "0.5": 0.5, "2": 2, "inf": math.Inf(1)} {
			m["fbeta"+name+"_"+avg.String()] = func(c classCase) (float64, error) { return metrics.FBeta(c.YTrue, c.YPred, beta, avg) }
		}
		if avg != metrics.Binary {
			m["roc_auc_ovr_"+avg.String()] = func(c classCase) (float64, error) { return metrics.ROCAUCOvR(c.YTrue, c.Proba, c.K, avg) }
		}
	}
	return m
}

// TestMatchesScikitLearn compares every metric with scikit-learn 1.2.1's
// on the cases of testdata/gen_reference.py, errors included.
func TestMatchesScikitLearn(t *testing.T) {
	cls, reg := loadReference(t)
	funcs := classMetrics()
	used := map[string]bool{}
	for _, c := range cls {
		t.Run(c.Name, func(t *testing.T) {
			for name, want := range c.Metrics {
				f, ok := funcs[name]
				if !ok {
					t.Errorf("no Go function for %s", name)
					continue
				}
				used[name] = true
				got, err := f(c)
				switch {
				case want == nil && err == nil:
					t.Errorf("%s = %v, scikit-learn rejects the input", name, got)
				case want != nil && err != nil:
					t.Errorf("%s: %v; scikit-learn %v", name, err, *want)
				case want != nil && !near(got, *want):
					t.Errorf("%s = %.17g, scikit-learn %.17g", name, got, *want)
				}
			}
			conf, err := metrics.ConfusionMatrix(c.YTrue, c.YPred, c.K)
			if err != nil || !slices.EqualFunc(conf, c.Confusion, slices.Equal) {
				t.Errorf("confusion matrix %v (%v), scikit-learn %v", conf, err, c.Confusion)
			}
		})
	}
	for name := range funcs {
		if !used[name] {
			t.Errorf("%s is not checked against scikit-learn", name)
		}
	}
	regFuncs := map[string]func(yTrue, yPred []float64) (float64, error){
		"mse": metrics.MSE, "rmse": metrics.RMSE, "mae": metrics.MAE, "r2": metrics.R2,
	}
	for _, c := range reg {
		t.Run(c.Name, func(t *testing.T) {
			if len(c.Metrics) != len(regFuncs) {
				t.Errorf("%d metrics, want %d", len(c.Metrics), len(regFuncs))
			}
			for name, want := range c.Metrics {
				got, err := regFuncs[name](c.YTrue, c.YPred)
				if err != nil || !near(got, want) {
					t.Errorf("%s = %.17g (%v), scikit-learn %.17g", name, got, err, want)
				}
			}
		})
	}
}

func TestValues(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func() (float64, error)
		want float64
	}{
		{"beta 0 is precision", func() (float64, error) {
			return metrics.FBeta([]int32{0, 1, 1, 1}, []int32{1, 1, 0, 0}, 0, metrics.Binary)
		}, 0.5},
		{"beta +Inf is recall", func() (float64, error) {
			return metrics.FBeta([]int32{0, 1, 1, 1}, []int32{1, 1, 0, 0}, math.Inf(1), metrics.Binary)
		}, 1.0 / 3},
		{"large class indices", func() (float64, error) {
			return metrics.F1([]int32{1 << 30, 5, 5}, []int32{1 << 30, 5, 1 << 30}, metrics.Macro)
		}, (2.0/3 + 2.0/3) / 2},
		{"AUC all tied", func() (float64, error) { return metrics.ROCAUC([]int32{0, 1, 1, 0}, []float64{3, 3, 3, 3}) }, 0.5},
		{"AUC reversed", func() (float64, error) { return metrics.ROCAUC([]int32{1, 1, 0}, []float64{1, 2, 3}) }, 0},
		{"AUC infinite scores", func() (float64, error) {
			return metrics.ROCAUC([]int32{0, 1, 1, 0}, []float64{math.Inf(-1), math.Inf(1), 0, math.Inf(-1)})
		}, 1},
		{"OvR float32 rounding", func() (float64, error) {
			return metrics.ROCAUCOvR([]int32{0, 1}, []float64{0.7, 0.3000001, 0.4, 0.6}, 2, metrics.Macro)
		}, 1},
		{"log loss of a certain right answer", func() (float64, error) {
			return metrics.LogLoss([]int32{1}, []float64{0, 1}, 2)
		}, -math.Log((1 - 0x1p-52) / 1)},
		{"R² of a constant 0.1 target", func() (float64, error) {
			return metrics.R2([]float64{0.1, 0.1, 0.1}, []float64{0.1, 0.2, 0.1})
		}, 0},
		{"R² of a single sample", func() (float64, error) { return metrics.R2([]float64{4}, []float64{4}) }, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.f()
			if err != nil || !near(got, c.want) {
				t.Fatalf("got %.17g (%v), want %.17g", got, err, c.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"lengths", func() error { _, err := metrics.Accuracy([]int32{0, 1}, []int32{0}); return err }, "2 true labels but 1 predictions"},
		{"empty", func() error { _, err := metrics.F1(nil, nil, metrics.Macro); return err }, "no samples"},
		{"negative class", func() error {
			_, err := metrics.Recall([]int32{0, -1}, []int32{0, 0}, metrics.Macro)
			return err
		}, "sample 1 has a negative class index"},
		{"binary with 3 classes", func() error {
			_, err := metrics.Precision([]int32{0, 2}, []int32{0, 1}, metrics.Binary)
			return err
		}, "the labels are [0 1 2]"},
		{"binary without class 1", func() error {
			_, err := metrics.Recall([]int32{0, 2}, []int32{0, 0}, metrics.Binary)
			return err
		}, "the labels are [0 2]"},
		{"unknown average", func() error { _, err := metrics.F1([]int32{0}, []int32{0}, 9); return err }, "unknown average Average(9)"},
		{"negative beta", func() error { _, err := metrics.FBeta([]int32{0}, []int32{0}, -1, metrics.Macro); return err }, "beta = -1"},
		{"NaN beta", func() error {
			_, err := metrics.FBeta([]int32{0}, []int32{0}, math.NaN(), metrics.Macro)
			return err
		}, "beta = NaN"},
		{"confusion classes", func() error {
			_, err := metrics.ConfusionMatrix([]int32{0, 3}, []int32{0, 1}, 2)
			return err
		}, "sample 1: true class 3, predicted 1; both must be below nClasses = 2"},
		{"confusion nClasses", func() error { _, err := metrics.ConfusionMatrix([]int32{0}, []int32{0}, -1); return err }, "nClasses = -1"},
		{"proba shape", func() error {
			_, err := metrics.LogLoss([]int32{0, 1}, []float64{0.5, 0.5, 1}, 2)
			return err
		}, "3 probabilities for 2 samples of 2 classes, want 4"},
		{"proba classes", func() error { _, err := metrics.LogLoss([]int32{0}, []float64{1}, 1); return err }, "nClasses = 1, need at least 2"},
		{"class out of range", func() error {
			_, err := metrics.LogLoss([]int32{0, 2}, []float64{0.5, 0.5, 1, 0}, 2)
			return err
		}, "sample 1: class index 2 is not in [0, 2)"},
		{"NaN probability", func() error {
			_, err := metrics.LogLoss([]int32{0}, []float64{math.NaN(), 1}, 2)
			return err
		}, "sample 0, class 0: probability NaN"},
		{"negative probability", func() error {
			_, err := metrics.ROCAUCOvR([]int32{0, 1}, []float64{1.5, -0.5, 0, 1}, 2, metrics.Macro)
			return err
		}, "sample 0, class 1: probability -0.5"},
		{"AUC one class", func() error { _, err := metrics.ROCAUC([]int32{1, 1}, []float64{0.3, 0.4}); return err }, "only class 1 occurs"},
		{"AUC labels", func() error { _, err := metrics.ROCAUC([]int32{0, 2}, []float64{0.3, 0.4}); return err }, "sample 1 has 2"},
		{"AUC NaN", func() error { _, err := metrics.ROCAUC([]int32{0, 1}, []float64{0.3, math.NaN()}); return err }, "sample 1 has a NaN score"},
		{"AUC lengths", func() error { _, err := metrics.ROCAUC([]int32{0, 1}, []float64{0.3}); return err }, "2 true labels but 1 scores"},
		{"OvR binary", func() error {
			_, err := metrics.ROCAUCOvR([]int32{0, 1}, []float64{1, 0, 0, 1}, 2, metrics.Binary)
			return err
		}, "macro, micro or weighted, not binary"},
		{"OvR absent class", func() error {
			_, err := metrics.ROCAUCOvR([]int32{0, 1, 0}, []float64{1, 0, 0, 0, 1, 0, 0.5, 0.5, 0}, 3, metrics.Macro)
			return err
		}, "class 2 does not occur"},
		{"OvR rows", func() error {
			_, err := metrics.ROCAUCOvR([]int32{0, 1}, []float64{0.5, 0.2, 0.3, 0.7}, 2, metrics.Macro)
			return err
		}, "sample 0: probabilities sum to 0.7, not 1"},
		{"NaN value", func() error { _, err := metrics.MSE([]float64{1, math.NaN()}, []float64{1, 2}); return err }, "sample 1: true value NaN"},
		{"infinite prediction", func() error {
			_, err := metrics.MAE([]float64{1, 2}, []float64{math.Inf(1), 2})
			return err
		}, "sample 0: true value 1, prediction +Inf"},
		{"regression lengths", func() error { _, err := metrics.R2([]float64{1, 2}, []float64{1}); return err }, "2 true values but 1 predictions"},
		{"regression empty", func() error { _, err := metrics.RMSE(nil, nil); return err }, "no samples"},
		{"average name", func() error { _, err := metrics.ParseAverage("samples"); return err }, `unknown average "samples"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.err()
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "metrics: ") {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestAverageNames(t *testing.T) {
	for _, avg := range []metrics.Average{metrics.Macro, metrics.Micro, metrics.Weighted, metrics.Binary} {
		if got, err := metrics.ParseAverage(avg.String()); got != avg || err != nil {
			t.Errorf("ParseAverage(%q) = %v, %v", avg.String(), got, err)
		}
	}
}

// TestAUCPairs checks the sorted computation against the definition,
// counting pairs one by one, on scores with many ties.
func TestAUCPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		n := 2 + rng.IntN(60)
		y := make([]int32, n)
		s := make([]float64, n)
		for i := range n {
			y[i] = int32(rng.IntN(2))
			s[i] = float64(rng.IntN(8))
		}
		y[0], y[1] = 0, 1
		var pairs, count float64
		for i := range n {
			for j := range n {
				if y[i] == 1 && y[j] == 0 {
					count++
					switch {
					case s[i] > s[j]:
						pairs++
					case s[i] == s[j]:
						pairs += 0.5
					}
				}
			}
		}
		got, err := metrics.ROCAUC(y, s)
		if err != nil || !near(got, pairs/count) {
			t.Fatalf("ROCAUC(%v, %v) = %v (%v), want %v", y, s, got, err, pairs/count)
		}
	}
}

// TestAUCLargeInput guards the sort-based AUC against a quadratic rewrite,
// which would take minutes on a million samples.
func TestAUCLargeInput(t *testing.T) {
	if testing.Short() {
		t.Skip("a million samples")
	}
	n := 1_000_000
	y := make([]int32, n)
	s := make([]float64, n)
	for i := range n {
		y[i] = int32(i % 2)
		s[i] = float64(i % 1000) // positives odd, negatives even
	}
	// A positive 2j+1 is above the j+1 even values 0..2j, of 500.
	got, err := metrics.ROCAUC(y, s)
	if err != nil || !near(got, 0.501) {
		t.Fatalf("AUC = %v, %v; want 0.501", got, err)
	}
}

func BenchmarkROCAUC(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	y := make([]int32, 100_000)
	s := make([]float64, len(y))
	for i := range y {
		y[i] = int32(rng.IntN(2))
		s[i] = rng.Float64() + 0.2*float64(y[i])
	}
	for b.Loop() {
		metrics.ROCAUC(y, s)
	}
}

func BenchmarkF1(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	y := make([]int32, 100_000)
	p := make([]int32, len(y))
	for i := range y {
		y[i], p[i] = int32(rng.IntN(10)), int32(rng.IntN(10))
	}
	for b.Loop() {
		metrics.F1(y, p, metrics.Macro)
	}
}
