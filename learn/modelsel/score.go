package modelsel

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/metrics"
)

// Scorer scores a fitted estimator on a dataset; greater is better, so
// losses are negated ("neg_log_loss"), as in scikit-learn.
type Scorer struct {
	// Name labels the score in verbose lines and results, such as
	// "accuracy".
	Name string
	// Score computes it.
	Score func(est Estimator, ds *data.Dataset) (float64, error)
}

// ScorerByName returns the built-in scorer that scikit-learn calls name:
// accuracy, balanced_accuracy, f1_macro, f1_micro, f1_weighted,
// precision_macro, precision_micro, precision_weighted, recall_macro,
// recall_micro, recall_weighted, neg_log_loss, roc_auc (binary),
// roc_auc_ovr, roc_auc_ovr_weighted, r2, neg_mean_squared_error,
// neg_root_mean_squared_error, neg_mean_absolute_error. An unknown name is
// an error that lists them.
func ScorerByName(name string) (Scorer, error) {
	if f, ok := builtinScorers()[name]; ok {
		return Scorer{Name: name, Score: f}, nil
	}
	return Scorer{}, fmt.Errorf("modelsel: unknown scorer %q; known: %s", name, strings.Join(ScorerNames(), ", "))
}

// ScorerNames lists the built-in scorers, sorted.
func ScorerNames() []string {
	return sortedKeys(builtinScorers())
}

// Scorers returns the built-in scorers of the given names, in that order.
func Scorers(names ...string) ([]Scorer, error) {
	out := make([]Scorer, 0, len(names))
	for _, n := range names {
		s, err := ScorerByName(n)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

type scoreFunc = func(Estimator, *data.Dataset) (float64, error)

func builtinScorers() map[string]scoreFunc {
	m := map[string]scoreFunc{
		"accuracy":          labelScore(metrics.Accuracy),
		"balanced_accuracy": labelScore(metrics.BalancedAccuracy),
		"neg_log_loss": probaScore(func(y []int32, p []float64, k int) (float64, error) {
			v, err := metrics.LogLoss(y, p, k)
			return -v, err
		}),
		"roc_auc": probaScore(func(y []int32, p []float64, k int) (float64, error) {
			if k != 2 {
				return 0, fmt.Errorf("roc_auc is for two classes, the data has %d; use roc_auc_ovr", k)
			}
			pos := make([]float64, len(y))
			for i := range pos {
				pos[i] = p[2*i+1]
			}
			return metrics.ROCAUC(y, pos)
		}),
		"roc_auc_ovr": probaScore(func(y []int32, p []float64, k int) (float64, error) {
			return metrics.ROCAUCOvR(y, p, k, metrics.Macro)
		}),
		"roc_auc_ovr_weighted": probaScore(func(y []int32, p []float64, k int) (float64, error) {
			return metrics.ROCAUCOvR(y, p, k, metrics.Weighted)
		}),
		"r2":                     valueScore(metrics.R2, 1),
		"neg_mean_squared_error": valueScore(metrics.MSE, -1),
		"neg_root_mean_squared_error": valueScore(func(y, p []float64) (float64, error) {
			return metrics.RMSE(y, p)
		}, -1),
		"neg_mean_absolute_error": valueScore(metrics.MAE, -1),
	}
	for _, avg := range []metrics.Average{metrics.Macro, metrics.Micro, metrics.Weighted} {
		m["f1_"+avg.String()] = averaged(metrics.F1, avg)
		m["precision_"+avg.String()] = averaged(metrics.Precision, avg)
		m["recall_"+avg.String()] = averaged(metrics.Recall, avg)
	}
	return m
}

func averaged(f func(y, p []int32, avg metrics.Average) (float64, error), avg metrics.Average) scoreFunc {
	return labelScore(func(y, p []int32) (float64, error) { return f(y, p, avg) })
}

func labelScore(f func(yTrue, yPred []int32) (float64, error)) scoreFunc {
	return func(est Estimator, ds *data.Dataset) (float64, error) {
		c, ok := est.(Classifier)
		if !ok {
			return 0, fmt.Errorf("%T is not a classifier (no Predict returning []int32)", est)
		}
		if len(ds.Y) != ds.N() {
			return 0, fmt.Errorf("the dataset has no class labels (Y)")
		}
		pred, err := c.Predict(ds)
		if err != nil {
			return 0, err
		}
		return f(ds.Y, pred)
	}
}

func probaScore(f func(yTrue []int32, proba []float64, k int) (float64, error)) scoreFunc {
	return func(est Estimator, ds *data.Dataset) (float64, error) {
		c, ok := est.(ProbClassifier)
		if !ok {
			return 0, fmt.Errorf("%T does not predict probabilities (no PredictProba)", est)
		}
		if len(ds.Y) != ds.N() {
			return 0, fmt.Errorf("the dataset has no class labels (Y)")
		}
		p, err := c.PredictProba(ds)
		if err != nil {
			return 0, err
		}
		n := ds.N()
		if n == 0 || len(p)%n != 0 {
			return 0, fmt.Errorf("%T.PredictProba returned %d values for %d samples", est, len(p), n)
		}
		k := len(p) / n
		if m := int(slices.Max(ds.Y)) + 1; m > k {
			return 0, fmt.Errorf("the test set has class %d, which the model never saw (%d classes)", m-1, k)
		}
		return f(ds.Y, p, k)
	}
}

func valueScore(f func(yTrue, yPred []float64) (float64, error), sign float64) scoreFunc {
	return func(est Estimator, ds *data.Dataset) (float64, error) {
		r, ok := est.(Regressor)
		if !ok {
			return 0, fmt.Errorf("%T is not a regressor (no Predict returning []float64)", est)
		}
		if len(ds.YFloat) != ds.N() {
			return 0, fmt.Errorf("the dataset has no real targets (YFloat)")
		}
		pred, err := r.Predict(ds)
		if err != nil {
			return 0, err
		}
		y := make([]float64, len(ds.YFloat))
		for i, v := range ds.YFloat {
			y[i] = float64(v)
		}
		v, err := f(y, pred)
		return sign * v, err
	}
}

// defaultScorer is scikit-learn's default: accuracy for classifiers, R²
// for regressors.
func defaultScorer(est Estimator) (Scorer, error) {
	switch est.(type) {
	case Classifier:
		return ScorerByName("accuracy")
	case Regressor:
		return ScorerByName("r2")
	}
	return Scorer{}, fmt.Errorf("modelsel: %T is neither a Classifier nor a Regressor; give a Scorer", est)
}
