package nn

import (
	"fmt"
	"math"

	"github.com/go-tune/tune/learn/tensor"
)

// Targets are what a model's predictions are compared with: class labels
// or values.
type Targets struct {
	// Labels holds one class index per sample. The losses that compare
	// values read a label as the value itself when the prediction has one
	// column per sample (binary classification), as a one-hot row
	// otherwise.
	Labels []int32
	// Values holds the targets value by value, in the prediction's shape;
	// when it is set, Labels is not read.
	Values []float32
}

// Loss is a training objective over a batch of predictions.
type Loss interface {
	// Loss returns the loss of pred, [batch, outputs...], against t,
	// averaged as the loss documents, and, unless grad is nil, writes the
	// gradient of that loss with respect to pred into grad (as long as
	// pred.Data). It returns an error if t does not fit pred: a label out
	// of range (a *LabelError), a length that differs.
	Loss(pred *tensor.Tensor, t Targets, grad []float32) (float64, error)
}

// LabelError reports a class label out of range.
type LabelError struct {
	Index   int   // the sample
	Label   int32 // its label
	Classes int   // labels must be in [0, Classes)
}

// Error says which label, at which index, and the range.
func (e *LabelError) Error() string {
	return fmt.Sprintf("nn: label %d at index %d is out of range [0, %d)", e.Label, e.Index, e.Classes)
}

// rowsCols returns a prediction's batch size and its values per sample.
func rowsCols(pred *tensor.Tensor) (rows, cols int) {
	rows = pred.Shape[0]
	if rows == 0 {
		return 0, 0
	}
	return rows, len(pred.Data) / rows
}

// SoftmaxCrossEntropy is the cross-entropy of the softmax of logits
// against integer class labels, averaged over the batch: Keras'
// SparseCategoricalCrossentropy(from_logits=True), PyTorch's
// cross_entropy. It takes Targets.Labels; the logits are the last axis of
// pred. The gradient is (softmax - onehot)/batch.
type SoftmaxCrossEntropy struct{}

// Loss implements Loss.
func (SoftmaxCrossEntropy) Loss(pred *tensor.Tensor, t Targets, grad []float32) (float64, error) {
	c := pred.Shape[len(pred.Shape)-1]
	rows := len(pred.Data) / max(c, 1)
	if len(t.Labels) != rows {
		return 0, fmt.Errorf("nn: SoftmaxCrossEntropy: %d labels for %d rows of logits", len(t.Labels), rows)
	}
	for i, l := range t.Labels {
		if l < 0 || int(l) >= c {
			return 0, &LabelError{Index: i, Label: l, Classes: c}
		}
	}
	var sum float64
	inv := 1 / float64(rows)
	for r := range rows {
		z := pred.Data[r*c : (r+1)*c]
		m := math.Inf(-1)
		for _, v := range z {
			m = max(m, float64(v))
		}
		var s float64
		for _, v := range z {
			s += math.Exp(float64(v) - m)
		}
		lse := m + math.Log(s)
		label := int(t.Labels[r])
		sum += lse - float64(z[label])
		if grad != nil {
			g := grad[r*c : (r+1)*c]
			for j, v := range z {
				g[j] = float32(math.Exp(float64(v)-lse) * inv)
			}
			g[label] -= float32(inv)
		}
	}
	return sum * inv, nil
}

// value returns target i of a prediction in rows of cols values.
func (t Targets) value(i, cols int) float64 {
	if t.Values != nil {
		return float64(t.Values[i])
	}
	label := t.Labels[i/cols]
	if cols == 1 {
		return float64(label)
	}
	if int(label) == i%cols {
		return 1
	}
	return 0
}

// check checks that t fits a prediction of n values in rows of cols.
func (t Targets) check(name string, n, rows, cols int) error {
	if t.Values != nil {
		if len(t.Values) != n {
			return fmt.Errorf("nn: %s: %d target values for %d predictions", name, len(t.Values), n)
		}
		return nil
	}
	if len(t.Labels) != rows {
		return fmt.Errorf("nn: %s: %d labels for %d rows of predictions", name, len(t.Labels), rows)
	}
	classes := max(cols, 2)
	for i, l := range t.Labels {
		if l < 0 || int(l) >= classes {
			return &LabelError{Index: i, Label: l, Classes: classes}
		}
	}
	return nil
}

// MSE is the mean squared error, averaged over every value (PyTorch's
// mse_loss, Keras' MeanSquaredError for one output).
type MSE struct{}

// Loss implements Loss.
func (MSE) Loss(pred *tensor.Tensor, t Targets, grad []float32) (float64, error) {
	rows, cols := rowsCols(pred)
	n := len(pred.Data)
	if err := t.check("MSE", n, rows, cols); err != nil {
		return 0, err
	}
	var sum float64
	for i, p := range pred.Data {
		y := t.value(i, cols)
		d := float64(p) - y
		sum += d * d
		if grad != nil {
			grad[i] = float32(2 * d / float64(n))
		}
	}
	return sum / float64(n), nil
}

// BinaryCrossEntropy is the cross-entropy of independent binary outputs
// against targets in [0, 1], averaged over every value (PyTorch's
// binary_cross_entropy and its _with_logits form, Keras'
// BinaryCrossentropy).
type BinaryCrossEntropy struct {
	// FromLogits says pred holds logits, not probabilities; the loss
	// then applies the sigmoid itself, stably. Prefer it: with
	// probabilities, log is clamped at -100 (as PyTorch does) and the
	// gradient is unreliable near 0 and 1.
	FromLogits bool
}

// Loss implements Loss.
func (b BinaryCrossEntropy) Loss(pred *tensor.Tensor, t Targets, grad []float32) (float64, error) {
	rows, cols := rowsCols(pred)
	n := len(pred.Data)
	if err := t.check("BinaryCrossEntropy", n, rows, cols); err != nil {
		return 0, err
	}
	var sum float64
	inv := 1 / float64(n)
	for i, p := range pred.Data {
		y := t.value(i, cols)
		x := float64(p)
		if b.FromLogits {
			// max(x, 0) - x y + log(1 + exp(-|x|))
			sum += max(x, 0) - x*y + math.Log1p(math.Exp(-math.Abs(x)))
			if grad != nil {
				grad[i] = float32((1/(1+math.Exp(-x)) - y) * inv)
			}
			continue
		}
		sum -= y*max(math.Log(x), -100) + (1-y)*max(math.Log(1-x), -100)
		if grad != nil {
			grad[i] = float32((x - y) / max(x*(1-x), 1e-12) * inv)
		}
	}
	return sum * inv, nil
}

// correct counts the samples whose prediction matches their label: the
// largest output for more than one column, the output above threshold for
// one column.
func correct(pred *tensor.Tensor, labels []int32, threshold float32) int {
	rows, cols := rowsCols(pred)
	k := 0
	for r := range rows {
		z := pred.Data[r*cols : (r+1)*cols]
		if cols == 1 {
			if (z[0] > threshold) == (labels[r] == 1) {
				k++
			}
			continue
		}
		best := 0
		for j, v := range z {
			if v > z[best] {
				best = j
			}
		}
		if int32(best) == labels[r] {
			k++
		}
	}
	return k
}

// threshold is the decision threshold of one output trained with loss:
// 0 for logits, 0.5 for probabilities.
func threshold(loss Loss) float32 {
	switch l := loss.(type) {
	case BinaryCrossEntropy:
		if l.FromLogits {
			return 0
		}
	case *BinaryCrossEntropy:
		if l.FromLogits {
			return 0
		}
	}
	return 0.5
}
