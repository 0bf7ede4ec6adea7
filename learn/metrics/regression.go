package metrics

import (
	"errors"
	"fmt"
	"math"
)

func checkValues(yTrue, yPred []float64) error {
	switch {
	case len(yTrue) != len(yPred):
		return fmt.Errorf("metrics: %d true values but %d predictions", len(yTrue), len(yPred))
	case len(yTrue) == 0:
		return errors.New("metrics: no samples")
	}
	for i := range yTrue {
		if math.IsNaN(yTrue[i]) || math.IsInf(yTrue[i], 0) || math.IsNaN(yPred[i]) || math.IsInf(yPred[i], 0) {
			return fmt.Errorf("metrics: sample %d: true value %v, prediction %v; both must be finite", i, yTrue[i], yPred[i])
		}
	}
	return nil
}

// MSE returns the mean squared error.
func MSE(yTrue, yPred []float64) (float64, error) {
	if err := checkValues(yTrue, yPred); err != nil {
		return 0, err
	}
	var s float64
	for i, y := range yTrue {
		d := y - yPred[i]
		s += d * d
	}
	return s / float64(len(yTrue)), nil
}

// RMSE returns the root of the mean squared error.
func RMSE(yTrue, yPred []float64) (float64, error) {
	m, err := MSE(yTrue, yPred)
	return math.Sqrt(m), err
}

// MAE returns the mean absolute error.
func MAE(yTrue, yPred []float64) (float64, error) {
	if err := checkValues(yTrue, yPred); err != nil {
		return 0, err
	}
	var s float64
	for i, y := range yTrue {
		s += math.Abs(y - yPred[i])
	}
	return s / float64(len(yTrue)), nil
}

// R2 returns the coefficient of determination, 1 - SS_res/SS_tot. When
// yTrue is constant (SS_tot = 0) it is 1 for perfect predictions and 0
// otherwise, as scikit-learn's r2_score (force_finite=True). The mean of
// yTrue is taken relative to its first value, so a constant yTrue gives
// SS_tot = 0 exactly; scikit-learn's plain mean can round away from a
// constant such as 0.1 and return -1e31 where this returns 0.
func R2(yTrue, yPred []float64) (float64, error) {
	if err := checkValues(yTrue, yPred); err != nil {
		return 0, err
	}
	var sum float64
	for _, y := range yTrue {
		sum += y - yTrue[0]
	}
	mean := yTrue[0] + sum/float64(len(yTrue))
	var res, tot float64
	for i, y := range yTrue {
		res += (y - yPred[i]) * (y - yPred[i])
		tot += (y - mean) * (y - mean)
	}
	switch {
	case res == 0:
		return 1, nil
	case tot == 0:
		return 0, nil
	}
	return 1 - res/tot, nil
}
