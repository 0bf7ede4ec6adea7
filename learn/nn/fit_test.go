package nn

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-tune/tune/learn/optim"
)

// bars returns n 8x8x1 images of a learnable problem, with noise: class 0
// has a horizontal bar, class 1 a vertical one, class 2 a diagonal.
func bars(n int, seed uint64) ([]float32, []int32) {
	rng := rand.New(rand.NewPCG(seed, 99))
	X := make([]float32, n*64)
	y := make([]int32, n)
	for i := range n {
		img := X[i*64 : (i+1)*64]
		for j := range img {
			img[j] = float32(rng.Float64() * 0.3)
		}
		c := int32(rng.IntN(3))
		y[i] = c
		k := rng.IntN(8)
		for j := range 8 {
			switch c {
			case 0:
				img[k*8+j] += 1
			case 1:
				img[j*8+k] += 1
			case 2:
				img[j*8+(j+k)%8] += 1
			}
		}
	}
	return X, y
}

func barsModel(t testing.TB, seed uint64) *Sequential {
	t.Helper()
	m, err := NewSequential([]int{8, 8, 1},
		&Conv2D{Filters: 6, Kernel: 3, Padding: Same, Activation: ActReLU},
		&MaxPool2D{},
		&Flatten{},
		&Dense{Units: 3},
	)
	if err != nil {
		t.Fatal(err)
	}
	m.Init(rand.New(rand.NewPCG(seed, 1)))
	return m
}

func TestFitLearns(t *testing.T) {
	X, y := bars(400, 1)
	m := barsModel(t, 1)
	var out bytes.Buffer
	h, err := Fit(context.Background(), m, &sgd{lr: 0.05, momentum: 0.9}, X, []int{8, 8, 1}, y, FitConfig{
		Epochs: 6, BatchSize: 16, Seed: 5, ValidationSplit: 0.25, Workers: 2,
		Callbacks: []Callback{&Progress{W: &out}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Epochs) != 6 || h.Seed != 5 || h.Stopped {
		t.Errorf("history: %d epochs, seed %d, stopped %v", len(h.Epochs), h.Seed, h.Stopped)
	}
	last, _ := h.Last()
	if last.ValAccuracy < 0.95 || last.Accuracy < 0.9 || !(last.Loss < h.Epochs[0].Loss) {
		t.Errorf("did not learn: %+v", h.Epochs)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	re := regexp.MustCompile(`^epoch \d/6 - \d+\.\ds - loss \d\.\d{4} - accuracy \d\.\d{4} - val_loss \d\.\d{4} - val_accuracy \d\.\d{4}$`)
	if len(lines) != 6 || !re.MatchString(lines[5]) || !strings.HasPrefix(lines[0], "epoch 1/6 - ") {
		t.Errorf("progress:\n%s", out.String())
	}
	// The validation metrics are those of Evaluate on the held-out tail.
	vl, va, err := m.Evaluate(X[300*64:], y[300:], nil, 0)
	if err != nil || vl != last.ValLoss || va != last.ValAccuracy {
		t.Errorf("Evaluate %v, %v, %v; the logs %v, %v", vl, va, err, last.ValLoss, last.ValAccuracy)
	}
}

func TestFitDeterministic(t *testing.T) {
	X, y := bars(100, 2)
	run := func(workers int) []Logs {
		h, err := Fit(context.Background(), barsModel(t, 3), &sgd{lr: 0.05}, X, []int{8, 8, 1}, y,
			FitConfig{Epochs: 2, BatchSize: 10, Seed: 7, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		for i := range h.Epochs {
			h.Epochs[i].Time = 0
		}
		return h.Epochs
	}
	a, b := run(1), run(1)
	for i := range a {
		if a[i].Loss != b[i].Loss || a[i].Accuracy != b[i].Accuracy {
			t.Fatalf("same seed, epoch %d: %+v and %+v", i, a[i], b[i])
		}
	}
	h, err := Fit(context.Background(), barsModel(t, 3), &sgd{lr: 0.05}, X, []int{8, 8, 1}, y, FitConfig{BatchSize: 10})
	if err != nil || h.Seed == 0 {
		t.Errorf("seed 0: recorded %d, %v", h.Seed, err)
	}
}

func TestFitNaNLoss(t *testing.T) {
	X, y := bars(40, 3)
	X[25*64+3] = float32(math.NaN()) // sample 25: batch 3 of 4
	h, err := Fit(context.Background(), barsModel(t, 4), &sgd{lr: 0.05}, X, []int{8, 8, 1}, y,
		FitConfig{Epochs: 3, BatchSize: 10, NoShuffle: true})
	if !errors.Is(err, ErrNaNLoss) {
		t.Fatalf("error %v, want ErrNaNLoss", err)
	}
	if !strings.Contains(err.Error(), "NaN at epoch 1/3, step 3/4") {
		t.Errorf("error %q does not say where", err)
	}
	if len(h.Epochs) != 0 {
		t.Errorf("%d epochs in the history", len(h.Epochs))
	}
}

func TestFitCallbacks(t *testing.T) {
	X, y := bars(60, 4)
	errPruned := errors.New("trial pruned")
	var seen []int
	tuner := CallbackFunc(func(epoch int, logs Logs) error {
		seen = append(seen, epoch)
		if math.IsNaN(logs.ValLoss) {
			t.Errorf("epoch %d: no val_loss", epoch)
		}
		if epoch == 1 {
			return errPruned
		}
		return nil
	})
	cfg := FitConfig{Epochs: 5, BatchSize: 20, ValX: X[:20*64], ValY: y[:20], Callbacks: []Callback{tuner}}
	h, err := Fit(context.Background(), barsModel(t, 5), &sgd{lr: 0.05}, X, []int{8, 8, 1}, y, cfg)
	if !errors.Is(err, errPruned) || len(h.Epochs) != 2 || !slices.Equal(seen, []int{0, 1}) {
		t.Errorf("pruned: %v, %d epochs, callback saw %v", err, len(h.Epochs), seen)
	}

	stop := CallbackFunc(func(epoch int, _ Logs) error {
		if epoch == 2 {
			return ErrStop
		}
		return nil
	})
	var after []int
	cfg.Callbacks = []Callback{stop, CallbackFunc(func(epoch int, _ Logs) error { after = append(after, epoch); return nil })}
	h, err = Fit(context.Background(), barsModel(t, 5), &sgd{lr: 0.05}, X, []int{8, 8, 1}, y, cfg)
	if err != nil || !h.Stopped || len(h.Epochs) != 3 || !slices.Equal(after, []int{0, 1, 2}) {
		t.Errorf("ErrStop: %v, stopped %v, %d epochs, later callback saw %v", err, h.Stopped, len(h.Epochs), after)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Fit(ctx, barsModel(t, 5), &sgd{lr: 0.05}, X, []int{8, 8, 1}, y, cfg); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}

	cfg = FitConfig{Epochs: 2, Callbacks: []Callback{&EarlyStopping{}}}
	_, err = Fit(context.Background(), barsModel(t, 5), &sgd{lr: 0.05}, X, []int{8, 8, 1}, y, cfg)
	if err == nil || !strings.Contains(err.Error(), "EarlyStopping monitors val_loss, but Fit has no validation data") {
		t.Errorf("EarlyStopping without validation: %v", err)
	}
}

func TestFitErrors(t *testing.T) {
	X, y := bars(30, 5)
	m := barsModel(t, 6)
	opt := &sgd{lr: 0.1}
	ctx := context.Background()
	_, err := Fit(ctx, m, opt, X, []int{64}, y, FitConfig{})
	if err == nil || !strings.Contains(err.Error(), "samples of shape [64] for a model of input shape [8 8 1]") {
		t.Errorf("shape: %v", err)
	}
	_, err = Fit(ctx, m, opt, X, []int{8, 8, 1}, y[:29], FitConfig{})
	if err == nil || !strings.Contains(err.Error(), "29 labels for 30 samples") {
		t.Errorf("labels: %v", err)
	}
	y[17] = 3
	_, err = Fit(ctx, m, opt, X, []int{8, 8, 1}, y, FitConfig{})
	if le, ok := errors.AsType[*LabelError](err); !ok || le.Index != 17 || le.Label != 3 {
		t.Errorf("label 3: %v", err)
	}
	y[17] = 0
	_, err = Fit(ctx, m, opt, X, []int{8, 8, 1}, y, FitConfig{ValidationSplit: 1.5})
	if err == nil || !strings.Contains(err.Error(), "ValidationSplit") {
		t.Errorf("split: %v", err)
	}
}

// recordSchedule is an optim.Schedule that halves the rate every epoch
// and records what the fit loop tells it.
type recordSchedule struct {
	base           float64
	perEpoch, eps  int
	batches        int
	metrics        []float64
	lr             float64
	startedWithLR0 bool
}

func (s *recordSchedule) Start(base float64, perEpoch, epochs int) float64 {
	s.base, s.perEpoch, s.eps, s.lr = base, perEpoch, epochs, base
	return base
}
func (s *recordSchedule) AfterBatch() float64 { s.batches++; return s.lr }
func (s *recordSchedule) AfterEpoch(metric float64) float64 {
	s.metrics = append(s.metrics, metric)
	s.lr /= 2
	return s.lr
}

func TestFitSchedule(t *testing.T) {
	X, y := bars(50, 6)
	s := &recordSchedule{}
	opt := &sgd{lr: 0.08}
	h, err := Fit(context.Background(), barsModel(t, 7), opt, X, []int{8, 8, 1}, y,
		FitConfig{Epochs: 3, BatchSize: 16, ValidationSplit: 0.2, Schedule: s})
	if err != nil {
		t.Fatal(err)
	}
	if s.base != 0.08 || s.perEpoch != 3 || s.eps != 3 || s.batches != 9 || len(s.metrics) != 3 {
		t.Errorf("schedule saw base %v, %d batches per epoch, %d epochs, %d batches, %d epochs", s.base, s.perEpoch, s.eps, s.batches, len(s.metrics))
	}
	for i, l := range h.Epochs {
		if l.LR != 0.08/math.Pow(2, float64(i)) || s.metrics[i] != l.ValLoss {
			t.Errorf("epoch %d: lr %v, schedule metric %v, val_loss %v", i, l.LR, s.metrics[i], l.ValLoss)
		}
	}
	if opt.lr != 0.01 {
		t.Errorf("final lr %v", opt.lr)
	}
}

func TestEarlyStopping(t *testing.T) {
	m := barsModel(t, 8)
	p := m.Params()[0].Value
	tests := []struct {
		name     string
		es       EarlyStopping
		values   []float64
		stopAt   int // -1: does not stop
		best     int
		restored float32 // p[0] after the end, as set at epoch restored
	}{
		{"patience 2", EarlyStopping{Patience: 2, RestoreBest: true}, []float64{1, 0.8, 0.85, 0.9, 0.7}, 3, 1, 1},
		{"patience 0", EarlyStopping{}, []float64{1, 0.8, 0.85, 0.7}, 2, 1, 4},
		{"min delta", EarlyStopping{Patience: 2, MinDelta: 0.1, RestoreBest: true}, []float64{1, 0.85, 0.8, 0.75}, 3, 1, 1},
		{"accuracy", EarlyStopping{Monitor: "val_accuracy", Patience: 2, RestoreBest: true}, []float64{0.5, 0.7, 0.6, 0.8, 0.75, 0.7}, 5, 3, 3},
		{"improving", EarlyStopping{Patience: 1, RestoreBest: true}, []float64{3, 2, 1}, -1, 2, 2},
		{"NaN", EarlyStopping{Patience: 1}, []float64{1, math.NaN(), math.NaN()}, 1, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.es
			if err := e.OnTrainBegin(TrainInfo{Model: m, Validation: true}); err != nil {
				t.Fatal(err)
			}
			stopped := -1
			for epoch, v := range tt.values {
				p[0] = float32(epoch) // the weights of this epoch
				logs := Logs{Epoch: epoch, ValLoss: v, ValAccuracy: v}
				if err := e.OnEpochEnd(epoch, logs); errors.Is(err, ErrStop) {
					stopped = epoch
					break
				} else if err != nil {
					t.Fatal(err)
				}
			}
			if err := e.OnTrainEnd(nil); err != nil {
				t.Fatal(err)
			}
			best, _ := e.Best()
			if stopped != tt.stopAt || e.StoppedEpoch() != tt.stopAt || best != tt.best {
				t.Errorf("stopped after %d (%d), best %d; want %d, %d", stopped, e.StoppedEpoch(), best, tt.stopAt, tt.best)
			}
			want := tt.restored
			if !tt.es.RestoreBest {
				want = float32(stopped)
			}
			if p[0] != want {
				t.Errorf("weights of epoch %v at the end, want %v", p[0], want)
			}
		})
	}
}

func TestCheckpoint(t *testing.T) {
	dir := t.TempDir()
	X, y := bars(60, 9)
	m := barsModel(t, 10)
	opt := &sgd{lr: 0.05, momentum: 0.9}
	every := &Checkpoint{Path: filepath.Join(dir, "epoch-{epoch}.nn")}
	best := &Checkpoint{Path: filepath.Join(dir, "best.nn"), Monitor: "loss", BestOnly: true}
	var saved []int
	var want [][]float32
	spy := CallbackFunc(func(epoch int, _ Logs) error {
		if _, err := os.Stat(filepath.Join(dir, "best.nn")); err == nil {
			saved = append(saved, epoch)
		}
		if epoch == 1 {
			want = m.Weights()
		}
		return nil
	})
	_, err := Fit(context.Background(), m, opt, X, []int{8, 8, 1}, y,
		FitConfig{Epochs: 3, BatchSize: 20, Seed: 1, Callbacks: []Callback{every, best, spy}})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"epoch-1.nn", "epoch-2.nn", "epoch-3.nn", "best.nn"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	f, err := os.Open(filepath.Join(dir, "epoch-2.nn"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fresh := barsModel(t, 11)
	opt2 := &sgd{}
	if err := Load(f, fresh, opt2); err != nil {
		t.Fatal(err)
	}
	for i, w := range fresh.Weights() {
		if !slices.Equal(w, want[i]) {
			t.Fatalf("array %d differs from the weights after epoch 2", i)
		}
	}
	if opt2.lr != 0.05 || len(opt2.buf) != len(m.Params()) {
		t.Errorf("optimizer state not restored: %+v", opt2)
	}
	if len(saved) != 3 {
		t.Errorf("best.nn existed after epochs %v", saved)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("%d files in the directory (temporary ones left?)", len(entries))
	}
}

// TestFitBinary trains one logit with BinaryCrossEntropy: accuracy then
// thresholds the output.
func TestFitBinary(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	X := make([]float32, 2*400)
	y := make([]int32, 400)
	for i := range y {
		a, b := rng.Float64()*2-1, rng.Float64()*2-1
		X[2*i], X[2*i+1] = float32(a), float32(b)
		if a*a+b*b < 0.5 {
			y[i] = 1
		}
	}
	for _, loss := range []Loss{BinaryCrossEntropy{FromLogits: true}, MSE{}} {
		layers := []Layer{&Dense{Units: 16, Activation: ActTanh}, &Dense{Units: 1}}
		if _, ok := loss.(MSE); ok {
			layers[1] = &Dense{Units: 1, Activation: ActSigmoid}
		}
		m, err := NewSequential([]int{2}, layers...)
		if err != nil {
			t.Fatal(err)
		}
		m.Init(rand.New(rand.NewPCG(14, 15)))
		h, err := Fit(context.Background(), m, &sgd{lr: 0.1, momentum: 0.9}, X, []int{2}, y,
			FitConfig{Epochs: 60, BatchSize: 20, Seed: 3, ValidationSplit: 0.25, Loss: loss})
		if err != nil {
			t.Fatal(err)
		}
		if last, _ := h.Last(); last.ValAccuracy < 0.9 {
			t.Errorf("%T: val_accuracy %v", loss, last.ValAccuracy)
		}
	}
}

// TestFitAccumulate: accumulating the gradients of 2 batches of 8 is one
// batch of 16 (the loss is a batch mean), and a schedule counts updates.
func TestFitAccumulate(t *testing.T) {
	X, y := bars(48, 8)
	shape := []int{8, 8, 1}
	run := func(batch, steps int) ([]float32, *recordSchedule) {
		m := barsModel(t, 9)
		inner, err := optim.SGD{LR: 0.05}.New()
		if err != nil {
			t.Fatal(err)
		}
		var opt optim.Optimizer = inner
		if steps > 1 {
			if opt, err = (optim.Accumulate{Steps: steps}).Wrap(inner); err != nil {
				t.Fatal(err)
			}
		}
		s := &recordSchedule{}
		if _, err := Fit(context.Background(), m, opt, X, shape, y, FitConfig{Epochs: 2, BatchSize: batch, NoShuffle: true, Schedule: s}); err != nil {
			t.Fatal(err)
		}
		var w []float32
		for _, p := range m.Params() {
			w = append(w, p.Value...)
		}
		return w, s
	}
	big, sBig := run(16, 1)
	acc, sAcc := run(8, 2)
	for i := range big {
		if d := math.Abs(float64(big[i] - acc[i])); d > 1e-5*(1+math.Abs(float64(big[i]))) {
			t.Fatalf("weight %d: batch 16 gives %v, 2 accumulated batches of 8 give %v", i, big[i], acc[i])
		}
	}
	if sAcc.perEpoch != 3 || sAcc.batches != sBig.batches || sBig.batches != 6 {
		t.Errorf("schedule: %d updates per epoch and %d AfterBatch calls with accumulation, %d without; want 3 and 6, 6", sAcc.perEpoch, sAcc.batches, sBig.batches)
	}
	// 5 batches of 8 (40 samples) with 2 per update: the fifth is flushed
	// at the epoch's end, so the schedule still sees 3 updates an epoch.
	_, sOdd := func() ([]float32, *recordSchedule) { X, y = X[:40*64], y[:40]; return run(8, 2) }()
	if sOdd.perEpoch != 3 || sOdd.batches != 6 {
		t.Errorf("odd batches: %d updates per epoch, %d AfterBatch calls; want 3 and 6", sOdd.perEpoch, sOdd.batches)
	}
}
