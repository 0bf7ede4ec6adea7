package nn

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/learn/tensor"
)

// The reference values in testdata come from PyTorch, by
// testdata/gen_reference.py; see there for the layouts.

type refLayer struct {
	Name       string
	Type       string
	Config     map[string]any
	Training   *bool
	XShape     []int `json:"x_shape"`
	X          []float64
	Params     map[string][]float64
	State      map[string][]float64
	StateAfter map[string][]float64 `json:"state_after"`
	Dy, Y, Dx  []float64
	Grads      map[string][]float64
}

type refLoss struct {
	Name      string
	Loss      string
	PredShape []int `json:"pred_shape"`
	Pred      []float64
	Labels    []int32
	Values    []float64
	Value     float64
	Grad      []float64
}

type refSeed struct {
	XShape []int `json:"x_shape"`
	X      []float64
	Labels []int32
	Logits []float64
	Loss   float64
	Params []struct {
		Name   string
		Size   int
		FanIn  int `json:"fan_in"`
		FanOut int `json:"fan_out"`
	}
	GradsFile string `json:"grads_file"`
}

type refFile struct {
	Torch   string
	Layers  []refLayer
	Losses  []refLoss
	SeedCNN refSeed `json:"seed_cnn"`
}

var (
	refOnce sync.Once
	ref     refFile
	refErr  error
)

func loadRef(t *testing.T) *refFile {
	t.Helper()
	refOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join("testdata", "reference.json"))
		if err != nil {
			refErr = err
			return
		}
		refErr = json.Unmarshal(b, &ref)
	})
	if refErr != nil {
		t.Fatal(refErr)
	}
	return &ref
}

// refTol is the agreement asked of float32 results with PyTorch's
// float64 ones: |got - want| <= refTol (1 + |want|).
const refTol = 1e-4

// compare checks got against want within refTol and returns the largest
// absolute error.
func compare(t *testing.T, what string, got []float32, want []float64) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, want %d", what, len(got), len(want))
		return math.Inf(1)
	}
	worst, bad := 0.0, 0
	for i, w := range want {
		e := math.Abs(float64(got[i]) - w)
		if !(e <= refTol*(1+math.Abs(w))) {
			if bad < 3 {
				t.Errorf("%s[%d] = %v, PyTorch %v (error %.3g)", what, i, got[i], w, e)
			}
			bad++
		}
		worst = max(worst, e)
	}
	if bad > 3 {
		t.Errorf("%s: %d of %d values off", what, bad, len(want))
	}
	return worst
}

func f32s(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, f := range v {
		out[i] = float32(f)
	}
	return out
}

func cfgInt(c map[string]any, k string) int {
	v, _ := c[k].(float64)
	return int(v)
}

// refLayerOf makes the layer that a reference case describes.
func refLayerOf(t *testing.T, c refLayer) Layer {
	t.Helper()
	var act Activation
	if s, ok := c.Config["activation"].(string); ok {
		if err := act.UnmarshalText([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	switch c.Type {
	case "Dense":
		return &Dense{Units: cfgInt(c.Config, "units"), Activation: act}
	case "Conv2D":
		var pad Padding
		if err := pad.UnmarshalText([]byte(c.Config["padding"].(string))); err != nil {
			t.Fatal(err)
		}
		return &Conv2D{Filters: cfgInt(c.Config, "filters"), Kernel: cfgInt(c.Config, "kernel"),
			Stride: cfgInt(c.Config, "stride"), Padding: pad, Activation: act}
	case "MaxPool2D":
		return &MaxPool2D{Pool: cfgInt(c.Config, "pool"), Stride: cfgInt(c.Config, "stride")}
	case "AvgPool2D":
		return &AvgPool2D{Pool: cfgInt(c.Config, "pool"), Stride: cfgInt(c.Config, "stride")}
	case "BatchNorm":
		return &BatchNorm{}
	case "ReLU":
		return &ReLU{}
	case "LeakyReLU":
		a, _ := c.Config["alpha"].(float64)
		return &LeakyReLU{Alpha: a}
	case "Tanh":
		return &Tanh{}
	case "Sigmoid":
		return &Sigmoid{}
	case "GELU":
		return &GELU{}
	case "Softmax":
		return &Softmax{}
	}
	t.Fatalf("unknown layer type %q", c.Type)
	return nil
}

func setArrays(t *testing.T, ps []optim.Param, values map[string][]float64) {
	t.Helper()
	for _, p := range ps {
		v, ok := values[p.Name]
		if !ok {
			t.Fatalf("no reference values for %s", p.Name)
		}
		if len(v) != len(p.Value) {
			t.Fatalf("%s: %d reference values for %d", p.Name, len(v), len(p.Value))
		}
		copy(p.Value, f32s(v))
	}
}

func TestReferenceLayers(t *testing.T) {
	r := loadRef(t)
	worst := map[string]float64{}
	for _, c := range r.Layers {
		t.Run(c.Name, func(t *testing.T) {
			l := refLayerOf(t, c)
			out, err := l.Build(c.XShape[1:])
			if err != nil {
				t.Fatal(err)
			}
			setArrays(t, l.Params(), c.Params)
			if s, ok := l.(Stateful); ok {
				setArrays(t, s.State(), c.State)
			}
			training := c.Training == nil || *c.Training
			x := tensor.FromSlice(f32s(c.X), c.XShape...)
			p := Pass{Training: training, Workers: 1}
			y := l.Forward(x, p)
			if want := append([]int{c.XShape[0]}, out...); !slices.Equal(y.Shape, want) {
				t.Fatalf("output shape %v, Build said %v", y.Shape, want)
			}
			e := compare(t, "y", y.Data, c.Y)
			dy := tensor.FromSlice(f32s(c.Dy), y.Shape...)
			dx := l.Backward(dy, p)
			e = max(e, compare(t, "dx", dx.Data, c.Dx))
			if !slices.Equal(dx.Shape, c.XShape) {
				t.Errorf("dx shape %v, want %v", dx.Shape, c.XShape)
			}
			for _, p := range l.Params() {
				e = max(e, compare(t, "d"+p.Name, p.Grad, c.Grads[p.Name]))
			}
			if c.StateAfter != nil {
				for _, s := range l.(Stateful).State() {
					e = max(e, compare(t, s.Name, s.Value, c.StateAfter[s.Name]))
				}
			}
			worst[c.Type] = max(worst[c.Type], e)
		})
	}
	t.Logf("PyTorch %s; largest absolute errors: %v", r.Torch, worst)
}

func TestReferenceLosses(t *testing.T) {
	r := loadRef(t)
	worst := 0.0
	for _, c := range r.Losses {
		t.Run(c.Name, func(t *testing.T) {
			var loss Loss
			switch c.Loss {
			case "softmax_cross_entropy":
				loss = SoftmaxCrossEntropy{}
			case "mse":
				loss = MSE{}
			case "bce_logits":
				loss = BinaryCrossEntropy{FromLogits: true}
			case "bce_probs":
				loss = BinaryCrossEntropy{}
			default:
				t.Fatalf("unknown loss %q", c.Loss)
			}
			pred := tensor.FromSlice(f32s(c.Pred), c.PredShape...)
			tg := Targets{Labels: c.Labels}
			if c.Values != nil {
				tg = Targets{Values: f32s(c.Values)}
			}
			grad := make([]float32, len(pred.Data))
			v, err := loss.Loss(pred, tg, grad)
			if err != nil {
				t.Fatal(err)
			}
			e := math.Abs(v - c.Value)
			if !(e <= refTol*(1+math.Abs(c.Value))) {
				t.Errorf("loss %v, PyTorch %v", v, c.Value)
			}
			e = max(e, compare(t, "grad", grad, c.Grad))
			v2, err := loss.Loss(pred, tg, nil)
			if err != nil || v2 != v {
				t.Errorf("without a gradient: %v, %v; want %v", v2, err, v)
			}
			worst = max(worst, e)
		})
	}
	t.Logf("largest absolute error: %.3g", worst)
}

// seedCNN returns the classic Keras MNIST network.
func seedCNN(t testing.TB) *Sequential {
	t.Helper()
	m, err := NewSequential([]int{28, 28, 1},
		&Conv2D{Filters: 32, Kernel: 3, Activation: ActReLU},
		&MaxPool2D{},
		&Conv2D{Filters: 64, Kernel: 3, Activation: ActReLU},
		&MaxPool2D{},
		&Flatten{},
		&Dense{Units: 128, Activation: ActReLU},
		&Dense{Units: 10},
	)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// seedWeight fills w as gen_reference.py does: an integer hash, float64
// operations, then float32, so that both sides get the same bits.
func seedWeight(w []float32, p, fanIn, fanOut int) {
	limit := 0.1
	if fanIn != 0 {
		limit = math.Sqrt(6.0 / float64(fanIn+fanOut))
	}
	for i := range w {
		h := uint32(uint64(i)*2654435761 + uint64(p)*40503 + 12345)
		u := float64(h) / 4294967296.0
		w[i] = float32((u*2 - 1) * limit)
	}
}

func TestReferenceSeedCNN(t *testing.T) {
	r := loadRef(t)
	s := r.SeedCNN
	raw, err := os.ReadFile(filepath.Join("testdata", s.GradsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		m := seedCNN(t)
		m.Workers = workers
		params := m.Params()
		if len(params) != len(s.Params) {
			t.Fatalf("%d params, the reference %d", len(params), len(s.Params))
		}
		var want []float64
		for i, p := range params {
			rp := s.Params[i]
			if p.Name != rp.Name || len(p.Value) != rp.Size {
				t.Fatalf("param %d is %s (%d), the reference's %s (%d)", i, p.Name, len(p.Value), rp.Name, rp.Size)
			}
			seedWeight(p.Value, i, rp.FanIn, rp.FanOut)
			for range p.Value {
				want = append(want, float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*len(want):]))))
			}
		}
		x := tensor.FromSlice(f32s(s.X), s.XShape...)
		logits := m.Forward(x, true)
		e := compare(t, "logits", logits.Data, s.Logits)
		grad := make([]float32, len(logits.Data))
		loss, err := SoftmaxCrossEntropy{}.Loss(logits, Targets{Labels: s.Labels}, grad)
		if err != nil {
			t.Fatal(err)
		}
		e = max(e, compare(t, "loss", []float32{float32(loss)}, []float64{s.Loss}))
		m.Backward(tensor.FromSlice(grad, logits.Shape...))
		k := 0
		for _, p := range params {
			e = max(e, compare(t, "d"+p.Name, p.Grad, want[k:k+len(p.Grad)]))
			k += len(p.Grad)
		}
		t.Logf("workers %d: loss %.6f (PyTorch %.6f), largest absolute error %.3g", workers, loss, s.Loss, e)
	}
}
