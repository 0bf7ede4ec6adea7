package nn

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/learn/tensor"
)

// resumeModel has a layer of every kind with weights or state.
func resumeModel(t testing.TB, filters int) *Sequential {
	t.Helper()
	m, err := NewSequential([]int{10, 10, 2},
		&Conv2D{Filters: filters, Kernel: 3, Padding: Same, Activation: ActReLU},
		&BatchNorm{},
		&MaxPool2D{},
		&Conv2D{Filters: 6, Kernel: 2, Stride: 2},
		&Flatten{},
		&Dense{Units: 12, Activation: ActGELU},
		&Dense{Units: 4},
	)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// resumeBatches returns fixed training batches.
func resumeBatches(k int) ([]*tensor.Tensor, [][]int32) {
	rng := rand.New(rand.NewPCG(21, 22))
	var xs []*tensor.Tensor
	var ys [][]int32
	for range k {
		x := tensor.New(6, 10, 10, 2)
		for i := range x.Data {
			x.Data[i] = float32(rng.NormFloat64())
		}
		y := make([]int32, 6)
		for i := range y {
			y[i] = int32(rng.IntN(4))
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	return xs, ys
}

func train(t *testing.T, m *Sequential, opt optim.Optimizer, xs []*tensor.Tensor, ys [][]int32) {
	t.Helper()
	for i := range xs {
		if _, err := m.TrainStep(xs[i], Targets{Labels: ys[i]}, SoftmaxCrossEntropy{}, opt); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSaveLoadResume trains N steps, saves, loads into a fresh model and
// optimizer and trains M more: bit for bit what N+M steps give.
func TestSaveLoadResume(t *testing.T) {
	optimizers := []struct {
		name string
		new  func() optim.Optimizer
	}{
		{"momentum", func() optim.Optimizer { return &sgd{lr: 0.05, momentum: 0.9} }},
		{"optim.Adam", func() optim.Optimizer {
			o, err := optim.Adam{LR: 0.01}.New()
			if err != nil {
				t.Fatal(err)
			}
			return o
		}},
	}
	for _, o := range optimizers {
		t.Run(o.name, func(t *testing.T) {
			xs, ys := resumeBatches(8)
			whole := resumeModel(t, 5)
			whole.Init(rand.New(rand.NewPCG(1, 1)))
			train(t, whole, o.new(), xs, ys)

			first := resumeModel(t, 5)
			first.Init(rand.New(rand.NewPCG(1, 1)))
			fopt := o.new()
			train(t, first, fopt, xs[:5], ys[:5])
			var buf bytes.Buffer
			if err := Save(&buf, first, fopt); err != nil {
				t.Fatal(err)
			}
			second := resumeModel(t, 5)
			sopt := o.new()
			sopt.SetLR(1) // restored by Load
			if err := Load(bytes.NewReader(buf.Bytes()), second, sopt); err != nil {
				t.Fatal(err)
			}
			train(t, second, sopt, xs[5:], ys[5:])

			w, s := whole.Weights(), second.Weights()
			for i := range w {
				if !slices.Equal(w[i], s[i]) {
					t.Fatalf("array %d differs after resuming", i)
				}
			}
			if len(w) != len(whole.Params())+2 {
				t.Errorf("%d arrays: the BatchNorm statistics are missing", len(w))
			}
			x := xs[0]
			a := slices.Clone(whole.Forward(x, false).Data)
			if b := second.Forward(x, false).Data; !slices.Equal(a, b) {
				t.Error("inference differs after resuming")
			}
		})
	}
}

func TestLoadMismatch(t *testing.T) {
	m := resumeModel(t, 5)
	m.Init(rand.New(rand.NewPCG(2, 2)))
	var buf bytes.Buffer
	if err := Save(&buf, m, &sgd{lr: 0.1}); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()
	dense := func(units ...int) *Sequential {
		ls := []Layer{&Flatten{}}
		for _, u := range units {
			ls = append(ls, &Dense{Units: u})
		}
		m, err := NewSequential([]int{10, 10, 2}, ls...)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	type otherOpt struct{ sgd }
	tests := []struct {
		name  string
		model *Sequential
		want  string
	}{
		{"filters", resumeModel(t, 7), "layer 0 (Conv2D) has output shape [10 10 5] in the file, [10 10 7] in the model"},
		{"types", dense(4), "layer 0 is Conv2D in the file, Flatten in the model"},
		{"input", func() *Sequential {
			m, _ := NewSequential([]int{10, 10, 3}, &Flatten{})
			return m
		}(), "input shape [10 10 2] in the file, [10 10 3] in the model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.model.Weights()
			err := Load(bytes.NewReader(file), tt.model, nil)
			if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
			for i, w := range tt.model.Weights() {
				if !slices.Equal(w, before[i]) {
					t.Fatal("a failed Load changed the model")
				}
			}
		})
	}

	// Fewer layers in the model than in the file, and the other way round.
	short, err := NewSequential([]int{10, 10, 2}, &Conv2D{Filters: 5, Kernel: 3, Padding: Same, Activation: ActReLU})
	if err != nil {
		t.Fatal(err)
	}
	if err := Load(bytes.NewReader(file), short, nil); err == nil || !strings.Contains(err.Error(), "7 layers in the file, 1 in the model") {
		t.Errorf("short model: %v", err)
	}
	var sb bytes.Buffer
	Save(&sb, short, nil)
	long := resumeModel(t, 5)
	if err := Load(bytes.NewReader(sb.Bytes()), long, nil); err == nil || !strings.Contains(err.Error(), "1 layers in the file, 7 in the model") {
		t.Errorf("long model: %v", err)
	}
	if err := Load(bytes.NewReader(sb.Bytes()), short, &sgd{}); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "no optimizer state") {
		t.Errorf("no optimizer state: %v", err)
	}
	if err := Load(bytes.NewReader(file), resumeModel(t, 5), &otherOpt{}); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "*nn.sgd optimizer, not *nn.otherOpt") {
		t.Errorf("other optimizer: %v", err)
	}
	if err := Load(bytes.NewReader(file), resumeModel(t, 5), nil); err != nil {
		t.Errorf("weights only: %v", err)
	}
}

func TestLoadCorrupt(t *testing.T) {
	m := resumeModel(t, 5)
	m.Init(rand.New(rand.NewPCG(3, 3)))
	var buf bytes.Buffer
	if err := Save(&buf, m, &sgd{lr: 0.1, momentum: 0.5}); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()
	flipped := slices.Clone(file)
	flipped[len(file)/2] ^= 0x10
	magic := slices.Clone(file)
	magic[0] = 'X'
	version := slices.Clone(file)
	version[8] = 9
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"flipped bit", flipped, "checksum"},
		{"cut short", file[:len(file)-9], "cut short"},
		{"empty", nil, "cut short"},
		{"magic", magic, "magic"},
		{"version", version, "version 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fresh := resumeModel(t, 5)
			err := Load(bytes.NewReader(tt.data), fresh, &sgd{})
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want ErrFormat saying %q", err, tt.want)
			}
			for _, w := range fresh.Weights()[:3] {
				if slices.ContainsFunc(w, func(v float32) bool { return v != 0 && v != 1 }) {
					t.Fatal("a failed Load changed the model")
				}
			}
		})
	}
}

func FuzzLoad(f *testing.F) {
	m := resumeModel(f, 5)
	m.Init(rand.New(rand.NewPCG(4, 4)))
	var buf bytes.Buffer
	if err := Save(&buf, m, &sgd{lr: 0.1, momentum: 0.5}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:100])
	f.Add([]byte(fileMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		Load(bytes.NewReader(data), resumeModel(t, 5), &sgd{}) // must not panic
	})
}
