package nn

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/go-tune/tune/learn/tensor"
)

func TestNewSequentialErrors(t *testing.T) {
	conv := &Conv2D{Filters: 4, Kernel: 3}
	tests := []struct {
		name   string
		input  []int
		layers []Layer
		want   []string // substrings of the error
	}{
		{"conv after flatten", []int{28, 28, 1}, []Layer{&Flatten{}, &Conv2D{Filters: 4, Kernel: 3}},
			[]string{"layer 1 (Conv2D)", "input shape [784]", "from layer 0 (Flatten)", "[height width channels]"}},
		{"kernel larger than input", []int{4, 4, 1}, []Layer{&MaxPool2D{}, &Conv2D{Filters: 4, Kernel: 3}},
			[]string{"layer 1 (Conv2D)", "input shape [2 2 1]", "kernel 3x3 is larger"}},
		{"pool larger than input", []int{3, 3, 2}, []Layer{&MaxPool2D{Pool: 4}},
			[]string{"layer 0 (MaxPool2D)", "input shape [3 3 2] from the model input", "window 4x4"}},
		{"no units", []int{10}, []Layer{&Dense{}}, []string{"layer 0 (Dense)", "Units is 0"}},
		{"no filters", []int{8, 8, 1}, []Layer{&Conv2D{Kernel: 3}}, []string{"Filters is 0"}},
		{"dropout rate", []int{10}, []Layer{&Dropout{Rate: 1}}, []string{"layer 0 (Dropout)", "Rate is 1"}},
		{"negative stride", []int{8, 8, 1}, []Layer{&AvgPool2D{Stride: -1}}, []string{"Stride is -1"}},
		{"bad activation", []int{10}, []Layer{&Dense{Units: 2, Activation: 99}}, []string{"unknown activation"}},
		{"same layer twice", []int{8, 8, 1}, []Layer{conv, conv}, []string{"layer 1 (Conv2D) is layer 0 again"}},
		{"nil layer", []int{10}, []Layer{nil}, []string{"layer 0 is nil"}},
		{"no layers", []int{10}, nil, []string{"at least one layer"}},
		{"bad input", []int{0, 3}, []Layer{&Flatten{}}, []string{"input shape [0 3]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSequential(tt.input, tt.layers...)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	_, err := NewSequential([]int{28, 28, 1}, &Flatten{}, &Conv2D{Filters: 4, Kernel: 3})
	le, ok := errors.AsType[*LayerError](err)
	if !ok || le.Index != 1 || le.Type != "Conv2D" || !slices.Equal(le.In, []int{784}) {
		t.Errorf("error %#v is not the *LayerError of layer 1", err)
	}
}

func TestSeedCNNSummary(t *testing.T) {
	m := seedCNN(t)
	n := 0
	for _, p := range m.Params() {
		n += len(p.Value)
	}
	if n != 225034 {
		t.Errorf("%d parameters, want 225,034", n)
	}
	s := m.Summary()
	for _, w := range []string{"(None, 26, 26, 32)", "(None, 5, 5, 64)", "(None, 1600)", "18,496", "204,928", "Total params: 225,034"} {
		if !strings.Contains(s, w) {
			t.Errorf("summary does not show %q:\n%s", w, s)
		}
	}
	if got := m.OutputShape(); !slices.Equal(got, []int{10}) {
		t.Errorf("output shape %v", got)
	}
}

// TestWorkersAgree runs layers big enough to split over goroutines with 1
// and 3 workers: the same outputs and gradients, up to the order of the
// bias-gradient sums.
func TestWorkersAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	layers := func() []Layer {
		return []Layer{
			&Conv2D{Filters: 16, Kernel: 3, Padding: Same, Activation: ActGELU},
			&BatchNorm{},
			&MaxPool2D{},
			&ReLU{},
			&AvgPool2D{Pool: 2, Stride: 1},
			&MaxPool2D{Pool: 3, Stride: 2},
			&Conv2D{Filters: 8, Kernel: 3, Stride: 2, Activation: ActTanh},
			&Flatten{},
			&Dense{Units: 16, Activation: ActSigmoid},
			&Dense{Units: 5, Activation: ActSoftmax},
		}
	}
	x := tensor.New(32, 24, 24, 3)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64())
	}
	var results [][][]float32
	for _, workers := range []int{1, 3} {
		m, err := NewSequential([]int{24, 24, 3}, layers()...)
		if err != nil {
			t.Fatal(err)
		}
		m.Init(rand.New(rand.NewPCG(3, 4)))
		m.Workers = workers
		y := m.Forward(x, true)
		dy := tensor.New(y.Shape...)
		for i := range dy.Data {
			dy.Data[i] = float32(i%7) - 3
		}
		out := [][]float32{append([]float32(nil), y.Data...)}
		m.Backward(dy)
		for _, p := range m.Params() {
			out = append(out, append([]float32(nil), p.Grad...))
		}
		results = append(results, out)
	}
	for i := range results[0] {
		for j, v := range results[0][i] {
			if w := results[1][i][j]; math.Abs(float64(v-w)) > 1e-5*(1+math.Abs(float64(v))) {
				t.Fatalf("array %d [%d]: %v with 1 worker, %v with 3", i, j, v, w)
			}
		}
	}
}

// TestTrainStepNoAllocs checks that a training step does not allocate
// once the buffers exist.
func TestTrainStepNoAllocs(t *testing.T) {
	m, err := NewSequential([]int{12, 12, 1},
		&Conv2D{Filters: 4, Kernel: 3, Activation: ActReLU},
		&MaxPool2D{},
		&BatchNorm{},
		&Flatten{},
		&Dropout{Rate: 0.2},
		&Dense{Units: 8, Activation: ActGELU},
		&Dense{Units: 3},
	)
	if err != nil {
		t.Fatal(err)
	}
	m.Init(rand.New(rand.NewPCG(5, 6)))
	x := tensor.New(8, 12, 12, 1)
	for i := range x.Data {
		x.Data[i] = float32(i%13) / 13
	}
	y := Targets{Labels: []int32{0, 1, 2, 0, 1, 2, 0, 1}}
	opt := &sgd{lr: 0.01, momentum: 0.9}
	step := func() {
		if _, err := m.TrainStep(x, y, SoftmaxCrossEntropy{}, opt); err != nil {
			t.Fatal(err)
		}
	}
	step()
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	if n := testing.AllocsPerRun(10, step); n != 0 {
		t.Errorf("%v allocations per step", n)
	}
}

func TestTextMarshal(t *testing.T) {
	type cfg struct {
		A Activation
		P Padding
		I Initializer
	}
	in := cfg{ActGELU, Same, HeNormal}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"A":"gelu","P":"same","I":"he_normal"}` {
		t.Errorf("JSON %s", b)
	}
	var out cfg
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("round trip: %+v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"A":"swish"}`), &out); err == nil || !strings.Contains(err.Error(), `"swish"`) {
		t.Errorf("unknown activation: %v", err)
	}
}

func TestInitializers(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	w := make([]float32, 100000)
	fanIn, fanOut := 300, 100
	tests := []struct {
		init     Initializer
		std      float64
		boundary float64 // 0: unbounded
	}{
		{DefaultInit, math.Sqrt(2.0 / 400), math.Sqrt(6.0 / 400)},
		{GlorotUniform, math.Sqrt(2.0 / 400), math.Sqrt(6.0 / 400)},
		{GlorotNormal, math.Sqrt(2.0 / 400), 0},
		{HeNormal, math.Sqrt(2.0 / 300), 0},
		{HeUniform, math.Sqrt(2.0 / 300), math.Sqrt(6.0 / 300)},
		{Zeros, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.init.String(), func(t *testing.T) {
			tt.init.Fill(rng, w, fanIn, fanOut)
			var s, ss float64
			for _, v := range w {
				if tt.boundary > 0 && math.Abs(float64(v)) > tt.boundary {
					t.Fatalf("%v beyond %v", v, tt.boundary)
				}
				s += float64(v)
				ss += float64(v) * float64(v)
			}
			mean := s / float64(len(w))
			std := math.Sqrt(ss/float64(len(w)) - mean*mean)
			if math.Abs(mean) > 0.01*tt.std+1e-9 || math.Abs(std-tt.std) > 0.02*tt.std+1e-9 {
				t.Errorf("mean %v, std %v; want 0, %v", mean, std, tt.std)
			}
		})
	}
}

func TestDropout(t *testing.T) {
	d := &Dropout{Rate: 0.25, Rand: rand.New(rand.NewPCG(9, 10))}
	if _, err := d.Build([]int{1000}); err != nil {
		t.Fatal(err)
	}
	x := tensor.New(10, 1000)
	for i := range x.Data {
		x.Data[i] = 1
	}
	if y := d.Forward(x, Pass{}); y != x {
		t.Error("inference is not the identity")
	}
	y := d.Forward(x, Pass{Training: true})
	zeros := 0
	for _, v := range y.Data {
		switch v {
		case 0:
			zeros++
		case 1 / 0.75:
		default:
			t.Fatalf("value %v, want 0 or 1/0.75", v)
		}
	}
	if f := float64(zeros) / float64(len(y.Data)); math.Abs(f-0.25) > 0.02 {
		t.Errorf("dropped %v, want 0.25", f)
	}
	dy := tensor.New(10, 1000)
	for i := range dy.Data {
		dy.Data[i] = 2
	}
	dx := d.Backward(dy, Pass{Training: true})
	for i, v := range dx.Data {
		if v != 2*y.Data[i] {
			t.Fatalf("dx[%d] = %v for output %v", i, v, y.Data[i])
		}
	}
}

func TestBatchNormInference(t *testing.T) {
	// Training on batches from N(3, 4) moves the running statistics there;
	// inference then normalises with them.
	b := &BatchNorm{Momentum: 0.5}
	if _, err := b.Build([]int{2}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	x := tensor.New(256, 2)
	for range 20 {
		for i := range x.Data {
			x.Data[i] = float32(3 + 2*rng.NormFloat64())
		}
		b.Forward(x, Pass{Training: true})
	}
	st := b.State()
	for j := range 2 {
		if math.Abs(float64(st[0].Value[j])-3) > 0.3 || math.Abs(float64(st[1].Value[j])-4) > 0.8 {
			t.Errorf("running mean %v, var %v; want about 3, 4", st[0].Value[j], st[1].Value[j])
		}
	}
	st[0].Value[0], st[1].Value[0] = 3, 4
	x = tensor.FromSlice([]float32{5, 0}, 1, 2)
	y := b.Forward(x, Pass{})
	if want := 2 / math.Sqrt(4+1e-5); math.Abs(float64(y.Data[0])-want) > 1e-6 {
		t.Errorf("inference output %v, want %v", y.Data[0], want)
	}
}

func TestLossErrors(t *testing.T) {
	pred := tensor.New(3, 4)
	_, err := SoftmaxCrossEntropy{}.Loss(pred, Targets{Labels: []int32{0, 4, 1}}, nil)
	le, ok := errors.AsType[*LabelError](err)
	if !ok || le.Index != 1 || le.Label != 4 || le.Classes != 4 {
		t.Errorf("error %v, want a *LabelError for label 4 at index 1", err)
	}
	if err == nil || err.Error() != "nn: label 4 at index 1 is out of range [0, 4)" {
		t.Errorf("message %q", err)
	}
	for _, loss := range []Loss{SoftmaxCrossEntropy{}, MSE{}, BinaryCrossEntropy{}} {
		one := Targets{Labels: []int32{0}}
		if _, err := loss.Loss(pred, one, nil); err == nil {
			t.Errorf("%T: no error for 1 label for 3 rows", loss)
		}
	}
	five := Targets{Values: make([]float32, 5)}
	if _, err := (MSE{}).Loss(pred, five, nil); err == nil {
		t.Error("MSE: no error for 5 values for 12")
	}
	bce := BinaryCrossEntropy{}
	if _, err := bce.Loss(tensor.New(2, 1), Targets{Labels: []int32{0, 2}}, nil); err == nil {
		t.Error("BinaryCrossEntropy: no error for label 2")
	}
}

func TestPredictEvaluate(t *testing.T) {
	m, err := NewSequential([]int{3}, &Dense{Units: 2})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	copy(p[0].Value, []float32{1, 0, 0, 1, 0, 0}) // y = (x0, x1)
	X := []float32{2, 1, 0, 0, 3, 0, 5, 4, 0}
	out, err := m.Predict(X, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out, []float32{2, 1, 0, 3, 5, 4}) {
		t.Errorf("Predict = %v", out)
	}
	_, acc, err := m.Evaluate(X, []int32{0, 1, 1}, nil, 2)
	if err != nil || math.Abs(acc-2.0/3) > 1e-12 {
		t.Errorf("Evaluate accuracy %v, %v; want 2/3", acc, err)
	}
	_, _, err = m.Evaluate(X, []int32{0, 1, 7}, nil, 2)
	if le, ok := errors.AsType[*LabelError](err); !ok || le.Index != 2 {
		t.Errorf("Evaluate error %v, want a *LabelError at index 2", err)
	}
	if _, err := m.Predict(X[:4], 0); err == nil {
		t.Error("Predict: no error for 4 values of 3-value samples")
	}
}
