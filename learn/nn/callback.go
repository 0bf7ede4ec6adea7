package nn

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/go-tune/tune/learn/optim"
)

// ErrStop, returned by a callback, ends training after the current epoch
// (or batch) without an error: Fit returns a nil error and sets
// History.Stopped. It may be wrapped.
var ErrStop = errors.New("nn: stop training")

// Callback is called by Fit at the end of every epoch, in the order of
// FitConfig.Callbacks. A callback that needs more implements the optional
// interfaces BatchEnder, TrainBeginner and TrainEnder too. Fit calls its
// callbacks from its own goroutine, one at a time.
type Callback interface {
	// OnEpochEnd receives the epoch (from 0) and its logs. Returning
	// ErrStop ends training after this epoch (the other callbacks are
	// still called for it); any other error stops training at once, and
	// Fit returns it wrapped.
	OnEpochEnd(epoch int, logs Logs) error
}

// BatchEnder is a Callback that is also called after every batch, with
// the epoch and step (from 0) and the batch's loss. ErrStop ends training
// after this batch (the epoch's logs then cover the batches done).
type BatchEnder interface {
	OnBatchEnd(epoch, step int, loss float64) error
}

// TrainBeginner is a Callback that is told when training starts, before
// the first batch. An error stops Fit.
type TrainBeginner interface {
	OnTrainBegin(info TrainInfo) error
}

// TrainEnder is a Callback that is told when training ends normally (all
// epochs done, or ErrStop); not when it stops with an error.
type TrainEnder interface {
	OnTrainEnd(h *History) error
}

// TrainInfo describes a training run to TrainBeginner callbacks.
type TrainInfo struct {
	Model      *Sequential
	Optimizer  optim.Optimizer
	Epochs     int  // epochs planned
	Steps      int  // batches per epoch
	Validation bool // whether the logs have val_loss and val_accuracy
}

// CallbackFunc adapts a function to a Callback, called at the end of every
// epoch with its logs.
//
// It is the hook for a hyperparameter tuner: report logs.ValLoss (or
// ValAccuracy) as the trial's intermediate value for step epoch, and
// return the tuner's pruned error when the trial should stop (for
// tune, tune.ErrPruned after Trial.ShouldPrune). Any error stops Fit,
// which returns it wrapped, so that errors.Is finds it; returning ErrStop
// instead ends training quietly.
type CallbackFunc func(epoch int, logs Logs) error

// OnEpochEnd implements Callback.
func (f CallbackFunc) OnEpochEnd(epoch int, logs Logs) error { return f(epoch, logs) }

// maximize reports whether a higher value of the named metric is better.
func maximize(monitor string) bool { return strings.Contains(monitor, "acc") }

// improves reports whether v improves on best by more than delta for the
// named metric. NaN never improves.
func improves(monitor string, v, best, delta float64) bool {
	if maximize(monitor) {
		return v-delta > best
	}
	return v+delta < best
}

// worst is the starting best of the named metric.
func worst(monitor string) float64 {
	if maximize(monitor) {
		return math.Inf(-1)
	}
	return math.Inf(1)
}

// checkMonitor returns an error if the logs will not have monitor.
func checkMonitor(typ, monitor string, info TrainInfo) error {
	if _, ok := (Logs{}).Get(monitor); !ok {
		return fmt.Errorf("nn: %s: unknown metric %q (want loss, accuracy, val_loss or val_accuracy)", typ, monitor)
	}
	if strings.HasPrefix(monitor, "val_") && !info.Validation {
		return fmt.Errorf("nn: %s monitors %s, but Fit has no validation data", typ, monitor)
	}
	return nil
}

// EarlyStopping stops training when a metric has stopped improving, as
// Keras' EarlyStopping does: after Patience epochs in a row without an
// improvement of more than MinDelta. With RestoreBest, the model ends
// training with the weights (and BatchNorm statistics) of its best epoch,
// whether it stopped early or ran all its epochs (Keras 3's behaviour).
// It can be reused for another Fit: it starts afresh.
type EarlyStopping struct {
	Monitor     string  // "loss", "accuracy", "val_loss" or "val_accuracy"; "": "val_loss"
	MinDelta    float64 // least change that counts as an improvement; zero: any
	Patience    int     // epochs without improvement before stopping; zero: stop at the first
	RestoreBest bool    // restore the best epoch's weights at the end

	model     *Sequential
	best      float64
	bestEpoch int
	wait      int
	stopped   int
	weights   [][]float32
}

func (e *EarlyStopping) monitor() string {
	if e.Monitor == "" {
		return "val_loss"
	}
	return e.Monitor
}

// OnTrainBegin implements TrainBeginner. It returns an error if the
// monitored metric will not be in the logs.
func (e *EarlyStopping) OnTrainBegin(info TrainInfo) error {
	if err := checkMonitor("EarlyStopping", e.monitor(), info); err != nil {
		return err
	}
	if e.model != info.Model {
		e.weights = nil
	}
	e.model = info.Model
	e.best, e.bestEpoch, e.wait, e.stopped = worst(e.monitor()), -1, 0, -1
	return nil
}

// OnEpochEnd implements Callback.
func (e *EarlyStopping) OnEpochEnd(epoch int, logs Logs) error {
	v, _ := logs.Get(e.monitor())
	e.wait++
	if improves(e.monitor(), v, e.best, math.Abs(e.MinDelta)) {
		e.best, e.bestEpoch, e.wait = v, epoch, 0
		if e.RestoreBest && e.model != nil {
			if e.weights == nil {
				e.weights = e.model.Weights()
			} else {
				e.model.copyWeights(e.weights)
			}
		}
		return nil
	}
	if e.wait >= e.Patience && epoch > 0 {
		e.stopped = epoch
		return ErrStop
	}
	return nil
}

// OnTrainEnd implements TrainEnder: it restores the best weights if asked.
func (e *EarlyStopping) OnTrainEnd(*History) error {
	if e.RestoreBest && e.weights != nil && e.bestEpoch >= 0 {
		return e.model.SetWeights(e.weights)
	}
	return nil
}

// Best returns the best epoch of the last training (-1 if none improved
// on the start) and its metric.
func (e *EarlyStopping) Best() (epoch int, value float64) { return e.bestEpoch, e.best }

// StoppedEpoch returns the epoch after which the last training stopped,
// or -1 if it did not stop early.
func (e *EarlyStopping) StoppedEpoch() int { return e.stopped }

// Checkpoint saves the model and the optimizer's state to a file with
// Save, after every epoch or, with BestOnly, after each epoch that
// improves Monitor. The file is written atomically (a temporary file,
// then renamed), so that a crash leaves the previous one whole.
type Checkpoint struct {
	// Path is the file; "{epoch}" in it becomes the epoch's number
	// (from 1), to keep one file per epoch.
	Path     string
	Monitor  string // for BestOnly: as EarlyStopping's; "": "val_loss"
	BestOnly bool   // save only when Monitor improves

	model *Sequential
	opt   optim.Optimizer
	best  float64
}

func (c *Checkpoint) monitor() string {
	if c.Monitor == "" {
		return "val_loss"
	}
	return c.Monitor
}

// OnTrainBegin implements TrainBeginner.
func (c *Checkpoint) OnTrainBegin(info TrainInfo) error {
	if c.Path == "" {
		return errors.New("nn: Checkpoint has no Path")
	}
	if c.BestOnly {
		if err := checkMonitor("Checkpoint", c.monitor(), info); err != nil {
			return err
		}
	}
	c.model, c.opt = info.Model, info.Optimizer
	c.best = worst(c.monitor())
	return nil
}

// OnEpochEnd implements Callback: it saves, and returns the error if
// saving fails.
func (c *Checkpoint) OnEpochEnd(epoch int, logs Logs) error {
	if c.BestOnly {
		v, _ := logs.Get(c.monitor())
		if !improves(c.monitor(), v, c.best, 0) {
			return nil
		}
		c.best = v
	}
	path := strings.ReplaceAll(c.Path, "{epoch}", strconv.Itoa(epoch+1))
	return saveFile(path, c.model, c.opt)
}

// Progress writes a line per epoch to W, as Keras' fit(verbose=2) does:
//
//	epoch 3/10 - 12.3s - loss 0.0412 - accuracy 0.9871 - val_loss 0.0398 - val_accuracy 0.9874
type Progress struct {
	W io.Writer

	epochs int
}

// OnTrainBegin implements TrainBeginner.
func (p *Progress) OnTrainBegin(info TrainInfo) error {
	p.epochs = info.Epochs
	return nil
}

// OnEpochEnd implements Callback; it returns the writer's error.
func (p *Progress) OnEpochEnd(epoch int, l Logs) error {
	var b strings.Builder
	fmt.Fprintf(&b, "epoch %d/%d - %.1fs - loss %.4f - accuracy %.4f", epoch+1, p.epochs, l.Time.Seconds(), l.Loss, l.Accuracy)
	if !math.IsNaN(l.ValLoss) {
		fmt.Fprintf(&b, " - val_loss %.4f - val_accuracy %.4f", l.ValLoss, l.ValAccuracy)
	}
	b.WriteByte('\n')
	_, err := io.WriteString(p.W, b.String())
	return err
}
