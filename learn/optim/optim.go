package optim

import "errors"

// Param is one trainable array and its gradient, of the same length. The
// layers of learn/nn hand out their weights as Params whose slices alias
// the layer's own storage.
type Param struct {
	Name  string
	Value []float32
	Grad  []float32
}

// Optimizer updates parameters from their gradients.
//
// Step must be given the same params (same order, same lengths) at every
// call: an optimizer keeps its per-parameter state (momentum, moments) by
// position. Step panics when they differ from the earlier ones, or when
// a param's Grad and Value differ in length (programmer errors). An
// Optimizer is not safe for concurrent use.
type Optimizer interface {
	// Step applies one update to every param's Value from its Grad.
	Step(params []Param)
	// LR returns the learning rate that the next Step uses.
	LR() float64
	// SetLR sets the learning rate (schedules call it).
	SetLR(lr float64)
	// MarshalBinary encodes the optimizer's state (step count, learning
	// rate, per-parameter buffers), so that training can resume exactly.
	MarshalBinary() ([]byte, error)
	// UnmarshalBinary restores a state that MarshalBinary encoded, for an
	// optimizer of the same kind and hyperparameters (the learning rate
	// aside, which it restores) and parameters of the same lengths; it
	// returns an error that says what does not match, otherwise,
	// wrapping ErrMismatch. The lengths are checked then if the optimizer
	// has stepped already, and by the next Step otherwise.
	UnmarshalBinary(data []byte) error
}

// Schedule sets an optimizer's learning rate as training goes. The fit
// loop calls Start once, before the first batch, then AfterBatch after
// every optimizer step and AfterEpoch after every epoch; each returns the
// learning rate for what comes next, which the loop hands to SetLR.
// Epoch-wise schedules (step, multi-step, exponential, cosine,
// reduce-on-plateau) change it in AfterEpoch and return it unchanged from
// AfterBatch; batch-wise ones (warm-up then cosine, one-cycle) the other
// way round. A Schedule holds state (its config's New makes a fresh one,
// and Start begins it again) and is not safe for concurrent use.
//
// The schedules count optimizer updates: with gradient accumulation
// (Accumulate), batchesPerEpoch is the number of updates per epoch, and
// AfterBatch is called after each update.
type Schedule interface {
	// Start begins a run: base is the optimizer's learning rate,
	// batchesPerEpoch and epochs the run's length (one-cycle and cosine
	// with warm-up need the total).
	Start(base float64, batchesPerEpoch, epochs int) float64
	// AfterBatch is called after each optimizer step.
	AfterBatch() float64
	// AfterEpoch is called after each epoch, with the epoch's validation
	// metric (its loss, lower is better; NaN without validation data),
	// which only reduce-on-plateau reads.
	AfterEpoch(metric float64) float64
}

// ErrMismatch is wrapped by the error of UnmarshalBinary when the state
// is another optimizer's: of another kind, other hyperparameters, or other
// parameter lengths.
var ErrMismatch = errors.New("optim: state of another optimizer")
