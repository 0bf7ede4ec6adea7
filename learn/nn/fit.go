package nn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/learn/tensor"
)

// FitConfig configures Fit. Its zero value trains one epoch in batches of
// 32, shuffled, without validation, with SoftmaxCrossEntropy. The fields
// that hold data or behaviour (validation data, loss, schedule,
// callbacks) are left out of its JSON.
type FitConfig struct {
	Epochs    int  // passes over the training data; zero: 1
	BatchSize int  // samples per optimizer step; zero: 32, as Keras
	NoShuffle bool // keep the samples' order; the zero value shuffles every epoch, as Keras
	// Seed seeds the shuffling (PCG). Zero: a random seed, recorded in
	// History.Seed so that the run can be repeated.
	Seed uint64

	// ValX and ValY are validation samples (of the training shape) and
	// labels, evaluated after every epoch. Nil: see ValidationSplit.
	ValX []float32 `json:"-"`
	ValY []int32   `json:"-"`
	// ValidationSplit, in [0, 1), holds out that fraction of the training
	// samples for validation when ValX is nil: the last ones, before any
	// shuffling, as Keras does. Zero: no validation.
	ValidationSplit float64

	// Loss is the training objective; nil: SoftmaxCrossEntropy.
	Loss Loss `json:"-"`
	// Schedule sets the learning rate as training goes; nil: the
	// optimizer's stays.
	Schedule optim.Schedule `json:"-"`
	// Workers is the number of goroutines for the passes; zero: the
	// model's Workers.
	Workers int
	// Callbacks are called, in order, at the end of every epoch (and
	// batch, and at the start and end of training, for those that
	// implement BatchEnder, TrainBeginner, TrainEnder).
	Callbacks []Callback `json:"-"`
}

// Logs are the metrics of one epoch.
type Logs struct {
	Epoch       int           // from 0
	Loss        float64       // mean training loss over the epoch's batches, weighted by their size
	Accuracy    float64       // training accuracy over the epoch (as the weights changed)
	ValLoss     float64       // validation loss after the epoch; NaN without validation data
	ValAccuracy float64       // validation accuracy; NaN without validation data
	LR          float64       // the optimizer's learning rate at the start of the epoch
	Time        time.Duration // the epoch's duration, validation included
}

// Get returns a metric by its Keras name: "loss", "accuracy", "val_loss",
// "val_accuracy" or "lr"; false for another name.
func (l Logs) Get(name string) (float64, bool) {
	switch name {
	case "loss":
		return l.Loss, true
	case "accuracy", "acc":
		return l.Accuracy, true
	case "val_loss":
		return l.ValLoss, true
	case "val_accuracy", "val_acc":
		return l.ValAccuracy, true
	case "lr":
		return l.LR, true
	}
	return 0, false
}

// History is what Fit did: the logs of every epoch that it finished.
type History struct {
	Epochs  []Logs
	Seed    uint64 // the shuffling seed, FitConfig.Seed or the one drawn for it
	Stopped bool   // a callback stopped training early with ErrStop
}

// Last returns the logs of the last epoch, or false if there is none.
func (h *History) Last() (Logs, bool) {
	if len(h.Epochs) == 0 {
		return Logs{}, false
	}
	return h.Epochs[len(h.Epochs)-1], true
}

// Fit trains m with opt on the samples in X, each of shape shape (the
// model's input shape), labelled y (class indices), as cfg says, and
// returns the history of its epochs. The model's weights must be set (Init
// or Load).
//
// Every epoch goes over the training samples in batches (the last one
// smaller if need be), one optimizer step each, then evaluates the
// validation data (inference mode) and calls the callbacks. A callback
// that returns ErrStop ends training after that epoch, without error;
// any other error from a callback, the loss, the schedule or ctx stops it
// at once, and Fit returns it wrapped, with the history so far. A loss
// that turns NaN or infinite stops training with an error wrapping
// ErrNaNLoss that says at which epoch and step (1-based), before that
// step's update.
//
// Gradient accumulation: give Fit an *optim.Accumulator (optim.Accumulate{
// Steps: k}.Wrap(opt)) and it updates the weights every k batches with
// their mean gradient, and at the end of every epoch with the batches left
// over; a schedule then counts updates, not batches.
//
// In steady state Fit allocates nothing per batch: it gathers each batch
// into a buffer and the layers reuse theirs.
func Fit(ctx context.Context, m *Sequential, opt optim.Optimizer, X []float32, shape []int, y []int32, cfg FitConfig) (*History, error) {
	if !slices.Equal(shape, m.shapes[0]) {
		return nil, fmt.Errorf("nn: fit: samples of shape %v for a model of input shape %v", shape, m.shapes[0])
	}
	n, err := m.samples(X)
	if err != nil {
		return nil, fmt.Errorf("nn: fit: %w", err)
	}
	if n != len(y) {
		return nil, fmt.Errorf("nn: fit: %d labels for %d samples", len(y), n)
	}
	out := m.shapes[len(m.shapes)-1]
	classes := max(out[len(out)-1], 2)
	if err := checkLabels(y, classes); err != nil {
		return nil, fmt.Errorf("nn: fit: %w", err)
	}
	epochs, batch := cfg.Epochs, cfg.BatchSize
	if epochs <= 0 {
		epochs = 1
	}
	if batch <= 0 {
		batch = 32
	}
	loss := cfg.Loss
	if loss == nil {
		loss = SoftmaxCrossEntropy{}
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = m.Workers
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64() | 1
	}
	h := &History{Seed: seed}

	valX, valY := cfg.ValX, cfg.ValY
	if valX == nil && cfg.ValidationSplit != 0 {
		if !(cfg.ValidationSplit > 0 && cfg.ValidationSplit < 1) {
			return nil, fmt.Errorf("nn: fit: ValidationSplit is %v, must be in [0, 1)", cfg.ValidationSplit)
		}
		at := int(float64(n) * (1 - cfg.ValidationSplit))
		if at == 0 || at == n {
			return nil, fmt.Errorf("nn: fit: ValidationSplit %v of %d samples leaves %d for training and %d for validation", cfg.ValidationSplit, n, at, n-at)
		}
		in := size(shape)
		valX, valY = X[at*in:], y[at:]
		X, y, n = X[:at*in], y[:at], at
	}
	hasVal := valX != nil
	if hasVal {
		vn, err := m.samples(valX)
		if err != nil {
			return nil, fmt.Errorf("nn: fit: validation: %w", err)
		}
		if vn != len(valY) || vn == 0 {
			return nil, fmt.Errorf("nn: fit: %d validation labels for %d validation samples", len(valY), vn)
		}
		if err := checkLabels(valY, classes); err != nil {
			return nil, fmt.Errorf("nn: fit: validation: %w", err)
		}
	}

	steps := (n + batch - 1) / batch
	info := TrainInfo{Model: m, Optimizer: opt, Epochs: epochs, Steps: steps, Validation: hasVal}
	for _, cb := range cfg.Callbacks {
		if b, ok := cb.(TrainBeginner); ok {
			if err := b.OnTrainBegin(info); err != nil {
				return h, fmt.Errorf("nn: fit: callback: %w", err)
			}
		}
	}
	// With gradient accumulation, the optimizer updates once every
	// acc.Steps() batches and once more at the end of an epoch for the
	// batches left over; schedules count updates, not batches.
	acc, _ := opt.(*optim.Accumulator)
	updates := steps
	if acc != nil {
		updates = (steps + acc.Steps() - 1) / acc.Steps()
	}
	if cfg.Schedule != nil {
		opt.SetLR(cfg.Schedule.Start(opt.LR(), updates, epochs))
	}

	in := size(shape)
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	xb := make([]float32, min(batch, n)*in)
	yb := make([]int32, min(batch, n))
	var bx tensor.Tensor

	for epoch := range epochs {
		start := time.Now()
		lr := opt.LR()
		if !cfg.NoShuffle {
			rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		}
		var sum float64
		right, seen := 0, 0
		for step := range steps {
			if err := ctx.Err(); err != nil {
				return h, fmt.Errorf("nn: fit: %w", err)
			}
			lo, hi := step*batch, min((step+1)*batch, n)
			for i, k := range perm[lo:hi] {
				copy(xb[i*in:(i+1)*in], X[k*in:(k+1)*in])
				yb[i] = y[k]
			}
			alias(&bx, xb[:(hi-lo)*in], hi-lo, shape)
			l, k, err := m.trainStep(&bx, Targets{Labels: yb[:hi-lo]}, loss, opt, workers)
			if errors.Is(err, ErrNaNLoss) {
				return h, fmt.Errorf("%w: %v at epoch %d/%d, step %d/%d", ErrNaNLoss, l, epoch+1, epochs, step+1, steps)
			}
			if err != nil {
				return h, fmt.Errorf("nn: fit: epoch %d/%d, step %d/%d: %w", epoch+1, epochs, step+1, steps, err)
			}
			sum += l * float64(hi-lo)
			right += k
			seen += hi - lo
			if cfg.Schedule != nil && (acc == nil || acc.Pending() == 0) {
				opt.SetLR(cfg.Schedule.AfterBatch())
			}
			for _, cb := range cfg.Callbacks {
				if b, ok := cb.(BatchEnder); ok {
					if err := b.OnBatchEnd(epoch, step, l); err != nil {
						if errors.Is(err, ErrStop) {
							h.Stopped = true
							continue
						}
						return h, fmt.Errorf("nn: fit: epoch %d/%d, step %d/%d: callback: %w", epoch+1, epochs, step+1, steps, err)
					}
				}
			}
			if h.Stopped {
				break
			}
		}
		if acc != nil && acc.Flush(m.params) && cfg.Schedule != nil {
			opt.SetLR(cfg.Schedule.AfterBatch())
		}
		logs := Logs{
			Epoch: epoch, LR: lr,
			Loss:     sum / float64(seen),
			Accuracy: float64(right) / float64(seen),
			ValLoss:  math.NaN(), ValAccuracy: math.NaN(),
		}
		if hasVal {
			logs.ValLoss, logs.ValAccuracy, err = m.evaluate(valX, valY, loss, batch, workers)
			if err != nil {
				return h, fmt.Errorf("nn: fit: validation: %w", err)
			}
		}
		logs.Time = time.Since(start)
		h.Epochs = append(h.Epochs, logs)
		if cfg.Schedule != nil {
			opt.SetLR(cfg.Schedule.AfterEpoch(logs.ValLoss))
		}
		for _, cb := range cfg.Callbacks {
			if err := cb.OnEpochEnd(epoch, logs); err != nil {
				if errors.Is(err, ErrStop) {
					h.Stopped = true
					continue
				}
				return h, fmt.Errorf("nn: fit: epoch %d/%d: %w", epoch+1, epochs, err)
			}
		}
		if h.Stopped {
			break
		}
	}
	for _, cb := range cfg.Callbacks {
		if e, ok := cb.(TrainEnder); ok {
			if err := e.OnTrainEnd(h); err != nil {
				return h, fmt.Errorf("nn: fit: callback: %w", err)
			}
		}
	}
	return h, nil
}

// checkLabels checks that every label is a class index below classes.
func checkLabels(y []int32, classes int) error {
	for i, l := range y {
		if l < 0 || int(l) >= classes {
			return &LabelError{Index: i, Label: l, Classes: classes}
		}
	}
	return nil
}
