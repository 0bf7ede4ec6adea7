package metrics

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

type classCase struct {
	Name    string
	YTrue   []int32   `json:"y_true"`
	YPred   []int32   `json:"y_pred"`
	Proba   []float64 `json:"proba"`
	K       int
	Conf    [][]int `json:"confusion"`
	Metrics map[string]float64
}

type regCase struct {
	Name         string
	YTrue, YPred []float64
	MSE, MAE, R2 float64
}

func loadReference(t *testing.T) ([]classCase, []regCase) {
	t.Helper()
	raw, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Classification []json.RawMessage
		Regression     []struct {
			Name         string
			YTrue        []float64 `json:"y_true"`
			YPred        []float64 `json:"y_pred"`
			MSE, MAE, R2 float64
		}
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	var cls []classCase
	for _, r := range ref.Classification {
		var c classCase
		if err := json.Unmarshal(r, &c); err != nil {
			t.Fatal(err)
		}
		// The remaining keys with number values are the metrics.
		var all map[string]any
		if err := json.Unmarshal(r, &all); err != nil {
			t.Fatal(err)
		}
		c.Metrics = map[string]float64{}
		for k, v := range all {
			if f, ok := v.(float64); ok && k != "k" {
				c.Metrics[k] = f
			}
		}
		cls = append(cls, c)
	}
	var reg []regCase
	for _, r := range ref.Regression {
		reg = append(reg, regCase{r.Name, r.YTrue, r.YPred, r.MSE, r.MAE, r.R2})
	}
	return cls, reg
}

func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want))
}

// TestMatchesScikitLearn compares every metric with scikit-learn 1.2's on
// the cases of testdata/gen_reference.py.
func TestMatchesScikitLearn(t *testing.T) {
	cls, reg := loadReference(t)
	for _, c := range cls {
		t.Run(c.Name, func(t *testing.T) {
			checked := 0
			for name, want := range c.Metrics {
				var got float64
				var err error
				switch {
				case name == "accuracy":
					got, err = Accuracy(c.YTrue, c.YPred)
				case name == "balanced_accuracy":
					got, err = BalancedAccuracy(c.YTrue, c.YPred)
				case name == "log_loss":
					got, err = LogLoss(c.YTrue, c.Proba, c.K)
				case name == "roc_auc":
					pos := make([]float64, len(c.YTrue))
					for i := range pos {
						pos[i] = c.Proba[2*i+1]
					}
					got, err = ROCAUC(c.YTrue, pos)
				case strings.HasPrefix(name, "roc_auc_ovr_"):
					avg, _ := ParseAverage(strings.TrimPrefix(name, "roc_auc_ovr_"))
					got, err = ROCAUCOvR(c.YTrue, c.Proba, c.K, avg)
				default:
					metric, avgName, _ := strings.Cut(name, "_")
					avg, perr := ParseAverage(avgName)
					if perr != nil {
						t.Fatalf("%s: %v", name, perr)
					}
					switch metric {
					case "precision":
						got, err = Precision(c.YTrue, c.YPred, avg)
					case "recall":
						got, err = Recall(c.YTrue, c.YPred, avg)
					case "f1":
						got, err = F1(c.YTrue, c.YPred, avg)
					case "f2":
						got, err = FBeta(c.YTrue, c.YPred, 2, avg)
					default:
						t.Fatalf("no metric for %s", name)
					}
				}
				if err != nil {
					t.Errorf("%s: %v", name, err)
				} else if !near(got, want) {
					t.Errorf("%s = %.17g, scikit-learn %.17g", name, got, want)
				}
				checked++
			}
			conf, err := ConfusionMatrix(c.YTrue, c.YPred, c.K)
			if err != nil || !slices.EqualFunc(conf, c.Conf, slices.Equal) {
				t.Errorf("confusion matrix %v (%v), scikit-learn %v", conf, err, c.Conf)
			}
			if checked < 14 {
				t.Errorf("only %d metrics checked", checked)
			}
		})
	}
	for _, c := range reg {
		for _, m := range []struct {
			name string
			f    func(a, b []float64) (float64, error)
			want float64
		}{{"MSE", MSE, c.MSE}, {"MAE", MAE, c.MAE}, {"R2", R2, c.R2}} {
			got, err := m.f(c.YTrue, c.YPred)
			if err != nil || !near(got, m.want) {
				t.Errorf("%s: %s = %v (%v), scikit-learn %v", c.Name, m.name, got, err, m.want)
			}
		}
		if got, _ := RMSE(c.YTrue, c.YPred); !near(got, math.Sqrt(c.MSE)) {
			t.Errorf("%s: RMSE = %v", c.Name, got)
		}
	}
}

func TestBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"lengths", func() error { _, err := Accuracy([]int32{0, 1}, []int32{0}); return err }, "2 true labels but 1 predictions"},
		{"empty", func() error { _, err := F1(nil, nil, Macro); return err }, "no samples"},
		{"negative class", func() error { _, err := Recall([]int32{0, -1}, []int32{0, 0}, Macro); return err }, "sample 1 has a negative class index"},
		{"binary with 3 classes", func() error { _, err := Precision([]int32{0, 2}, []int32{0, 1}, Binary); return err }, "the labels reach 2"},
		{"beta", func() error { _, err := FBeta([]int32{0}, []int32{0}, 0, Macro); return err }, "beta = 0"},
		{"proba shape", func() error { _, err := LogLoss([]int32{0, 1}, []float64{0.5, 0.5, 1}, 2); return err }, "3 probabilities for 2 samples of 2 classes, want 4"},
		{"class out of range", func() error { _, err := LogLoss([]int32{0, 2}, []float64{0.5, 0.5, 1, 0}, 2); return err }, "class index 2 is not in [0, 2)"},
		{"one class AUC", func() error { _, err := ROCAUC([]int32{1, 1}, []float64{0.3, 0.4}); return err }, "only one class"},
		{"AUC labels", func() error { _, err := ROCAUC([]int32{0, 2}, []float64{0.3, 0.4}); return err }, "sample 1 has 2"},
		{"OvR micro", func() error { _, err := ROCAUCOvR([]int32{0, 1}, []float64{1, 0, 0, 1}, 2, Micro); return err }, "macro or weighted, not micro"},
		{"OvR absent class", func() error {
			_, err := ROCAUCOvR([]int32{0, 1, 0}, []float64{1, 0, 0, 0, 1, 0, 0.5, 0.5, 0}, 3, Macro)
			return err
		}, "class 2 does not occur"},
		{"OvR rows", func() error { _, err := ROCAUCOvR([]int32{0, 1}, []float64{0.5, 0.2, 0.3, 0.7}, 2, Macro); return err }, "sum to 0.7"},
		{"NaN value", func() error { _, err := MSE([]float64{1, math.NaN()}, []float64{1, 2}); return err }, "sample 1: true value NaN"},
		{"regression lengths", func() error { _, err := R2([]float64{1, 2}, []float64{1}); return err }, "2 true values but 1 predictions"},
		{"confusion classes", func() error { _, err := ConfusionMatrix([]int32{0, 3}, []int32{0, 1}, 2); return err }, "not below nClasses = 2"},
		{"average name", func() error { _, err := ParseAverage("samples"); return err }, `unknown average "samples"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.err()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}

// TestAUCLargeInput guards the sort-based AUC against a quadratic
// rewrite: a million samples would take minutes pairwise.
func TestAUCLargeInput(t *testing.T) {
	n := 1_000_000
	y := make([]int32, n)
	s := make([]float64, n)
	for i := range n {
		y[i] = int32(i % 2)
		s[i] = float64(i%1000) + float64(y[i])*0.5
	}
	got, err := ROCAUC(y, s)
	if err != nil || got < 0.5 || got > 0.51 {
		t.Fatalf("AUC = %v, %v", got, err)
	}
}
