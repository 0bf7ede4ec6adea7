package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/learn/tensor"
)

// ErrNaNLoss reports a loss that is NaN or infinite: training diverged.
var ErrNaNLoss = errors.New("nn: loss is NaN or infinite")

// Sequential is a stack of layers, each taking the previous one's output.
// It is not safe for concurrent use: its layers hold the buffers of the
// last pass. NewSequential builds it; Init (or Load) sets its weights.
type Sequential struct {
	// Workers is the number of goroutines that passes use: tensor.Gemm
	// and the per-sample loops. 0 or 1: the calling goroutine only.
	Workers int

	layers []Layer
	names  []string
	shapes [][]int // shapes[0]: the input; shapes[i+1]: layer i's output
	params []optim.Param
	state  []optim.Param
	owner  []int // layer index of params, then of state

	x, grad tensor.Tensor // a batch of inputs; the loss gradient
}

// NewSequential builds layers in order for samples of inputShape (without
// the batch dimension; an image is [height, width, channels]), each layer
// taking the previous one's output shape. If a layer cannot take its
// input, the error (a *LayerError for this package's layers) names the
// layer's index and type, the shape it got and where from, and what it
// needs. A layer may be used in one model only. The weights are zero:
// call Init or Load before training.
func NewSequential(inputShape []int, layers ...Layer) (*Sequential, error) {
	if len(inputShape) == 0 || !positive(inputShape) {
		return nil, fmt.Errorf("nn: input shape %v must have one or more positive dimensions", inputShape)
	}
	if len(layers) == 0 {
		return nil, errors.New("nn: a Sequential needs at least one layer")
	}
	m := &Sequential{shapes: [][]int{append([]int(nil), inputShape...)}}
	seen := map[Layer]int{}
	counts := map[string]int{}
	for i, l := range layers {
		if l == nil {
			return nil, fmt.Errorf("nn: layer %d is nil", i)
		}
		typ := LayerType(l)
		if reflect.TypeOf(l).Kind() == reflect.Pointer {
			if j, ok := seen[l]; ok {
				return nil, fmt.Errorf("nn: layer %d (%s) is layer %d again: a layer holds its own weights and buffers, make a new one", i, typ, j)
			}
			seen[l] = i
		}
		in := m.shapes[i]
		from := "the model input"
		if i > 0 {
			from = fmt.Sprintf("layer %d (%s)", i-1, LayerType(layers[i-1]))
		}
		out, err := l.Build(append([]int(nil), in...))
		if err != nil {
			if le, ok := errors.AsType[*LayerError](err); ok {
				le.Index, le.Type, le.From = i, typ, from
				return nil, le
			}
			return nil, fmt.Errorf("nn: layer %d (%s): input shape %v from %s: %w", i, typ, in, from, err)
		}
		if len(out) == 0 || !positive(out) {
			return nil, fmt.Errorf("nn: layer %d (%s): input shape %v from %s gives output shape %v, which has no positive dimensions", i, typ, in, from, out)
		}
		m.shapes = append(m.shapes, append([]int(nil), out...))
		m.layers = append(m.layers, l)
		name := snakeCase(typ)
		if k := counts[name]; k > 0 {
			counts[name]++
			name += "_" + strconv.Itoa(k)
		} else {
			counts[name] = 1
		}
		m.names = append(m.names, name)
		for _, p := range l.Params() {
			p.Name = name + "." + p.Name
			m.params = append(m.params, p)
			m.owner = append(m.owner, i)
		}
	}
	for i, l := range m.layers {
		if s, ok := l.(Stateful); ok {
			for _, p := range s.State() {
				p.Name = m.names[i] + "." + p.Name
				m.state = append(m.state, p)
				m.owner = append(m.owner, i)
			}
		}
	}
	return m, nil
}

var (
	snake1 = regexp.MustCompile(`(.)([A-Z][a-z]+)`)
	snake2 = regexp.MustCompile(`([a-z])([A-Z])`)
)

// snakeCase turns a type name into a layer name as Keras does:
// "MaxPool2D" -> "max_pool2d".
func snakeCase(s string) string {
	s = snake1.ReplaceAllString(s, "${1}_${2}")
	return strings.ToLower(snake2.ReplaceAllString(s, "${1}_${2}"))
}

// Init sets every layer's initial weights from rng (each Resetter's
// Reset, in order), which makes a model's start reproducible from a seed.
func (m *Sequential) Init(rng *rand.Rand) {
	for _, l := range m.layers {
		if r, ok := l.(Resetter); ok {
			r.Reset(rng)
		}
	}
}

// Layers returns the model's layers, in order (not a copy).
func (m *Sequential) Layers() []Layer { return m.layers }

// InputShape returns the shape of one input sample.
func (m *Sequential) InputShape() []int { return append([]int(nil), m.shapes[0]...) }

// OutputShape returns the shape of one output sample.
func (m *Sequential) OutputShape() []int {
	return append([]int(nil), m.shapes[len(m.shapes)-1]...)
}

// Params returns the trainable parameters of every layer, in order, named
// "layer.param" with Keras' layer names ("conv2d_1.kernel"). Their Value
// and Grad alias the layers' storage; the slice is the same at every call.
func (m *Sequential) Params() []optim.Param { return m.params }

// checkInput panics unless x is a batch of the model's input samples.
func (m *Sequential) checkInput(x *tensor.Tensor) {
	in := m.shapes[0]
	ok := len(x.Shape) == len(in)+1 && x.Shape[0] > 0 && len(x.Data) == tensor.Size(x.Shape)
	for i := 0; ok && i < len(in); i++ {
		ok = x.Shape[i+1] == in[i]
	}
	if !ok {
		panic(fmt.Sprintf("nn: input of shape %v for a model of input shape %v (with the batch first)", x.Shape, in))
	}
}

// Forward runs the model on a batch x ([n, inputShape...]) and returns its
// output [n, outputShape...], which belongs to the model: valid until the
// next pass, not to be modified. training selects the layers' training
// behaviour (Dropout, BatchNorm), and lets Backward follow. It panics if
// x's shape does not fit the model.
func (m *Sequential) Forward(x *tensor.Tensor, training bool) *tensor.Tensor {
	m.checkInput(x)
	return m.forward(x, Pass{Training: training, Workers: m.Workers})
}

func (m *Sequential) forward(x *tensor.Tensor, p Pass) *tensor.Tensor {
	for _, l := range m.layers {
		x = l.Forward(x, p)
	}
	return x
}

// Backward takes the gradient of a loss with respect to the output of the
// last Forward (training) and sets every parameter's Grad. It may
// overwrite dy. For losses that Loss does not cover; TrainStep does the
// whole step.
func (m *Sequential) Backward(dy *tensor.Tensor) {
	m.backward(dy, m.Workers)
}

func (m *Sequential) backward(dy *tensor.Tensor, workers int) {
	p := Pass{Training: true, Workers: workers}
	for i := len(m.layers) - 1; i >= 0; i-- {
		p.SkipInputGrad = i == 0
		dy = m.layers[i].Backward(dy, p)
	}
}

// TrainStep runs one training step on a batch: forward, loss, backward,
// and opt.Step on Params. It returns the batch's loss. A loss that is NaN
// or infinite returns an error wrapping ErrNaNLoss, before the step.
func (m *Sequential) TrainStep(x *tensor.Tensor, t Targets, loss Loss, opt optim.Optimizer) (float64, error) {
	m.checkInput(x)
	l, _, err := m.trainStep(x, t, loss, opt, m.Workers)
	return l, err
}

// trainStep is TrainStep, which also counts correct predictions when t
// has labels.
func (m *Sequential) trainStep(x *tensor.Tensor, t Targets, loss Loss, opt optim.Optimizer, workers int) (float64, int, error) {
	y := m.forward(x, Pass{Training: true, Workers: workers})
	setShape(&m.grad, y.Shape[0], y.Shape[1:])
	l, err := loss.Loss(y, t, m.grad.Data)
	if err != nil {
		return l, 0, err
	}
	if math.IsNaN(l) || math.IsInf(l, 0) {
		return l, 0, fmt.Errorf("%w: %v", ErrNaNLoss, l)
	}
	k := 0
	if t.Labels != nil && t.Values == nil {
		k = correct(y, t.Labels, threshold(loss))
	}
	m.backward(&m.grad, workers)
	opt.Step(m.params)
	return l, k, nil
}

// samples returns how many input samples X holds, or an error.
func (m *Sequential) samples(X []float32) (int, error) {
	in := size(m.shapes[0])
	if len(X)%in != 0 {
		return 0, fmt.Errorf("nn: %d input values are not a whole number of samples of shape %v (%d values)", len(X), m.shapes[0], in)
	}
	return len(X) / in, nil
}

// batch points m.x at samples [lo, hi) of X, without copying.
func (m *Sequential) batch(X []float32, lo, hi int) *tensor.Tensor {
	in := size(m.shapes[0])
	alias(&m.x, X[lo*in:hi*in], hi-lo, m.shapes[0])
	return &m.x
}

// Predict runs the model on the samples in X (inference), batchSize at a
// time (0: 32), and returns the outputs, one sample after another.
func (m *Sequential) Predict(X []float32, batchSize int) ([]float32, error) {
	n, err := m.samples(X)
	if err != nil {
		return nil, err
	}
	if batchSize <= 0 {
		batchSize = 32
	}
	outSize := size(m.shapes[len(m.shapes)-1])
	out := make([]float32, 0, n*outSize)
	p := Pass{Workers: m.Workers}
	for lo := 0; lo < n; lo += batchSize {
		y := m.forward(m.batch(X, lo, min(lo+batchSize, n)), p)
		out = append(out, y.Data...)
	}
	return out, nil
}

// Evaluate runs the model on the samples in X (inference), batchSize at a
// time (0: 32), and returns the mean loss against the labels y (nil loss:
// SoftmaxCrossEntropy) and the accuracy: the fraction of samples whose
// largest output is their label (for one output: whose output is above
// 0.5, or 0 for logits, when their label is 1).
func (m *Sequential) Evaluate(X []float32, y []int32, loss Loss, batchSize int) (lossValue, accuracy float64, err error) {
	return m.evaluate(X, y, loss, batchSize, m.Workers)
}

func (m *Sequential) evaluate(X []float32, y []int32, loss Loss, batchSize, workers int) (float64, float64, error) {
	n, err := m.samples(X)
	if err != nil {
		return 0, 0, err
	}
	if n != len(y) {
		return 0, 0, fmt.Errorf("nn: %d labels for %d samples", len(y), n)
	}
	if n == 0 {
		return math.NaN(), math.NaN(), nil
	}
	if loss == nil {
		loss = SoftmaxCrossEntropy{}
	}
	if batchSize <= 0 {
		batchSize = 32
	}
	var sum float64
	k := 0
	p := Pass{Workers: workers}
	th := threshold(loss)
	for lo := 0; lo < n; lo += batchSize {
		hi := min(lo+batchSize, n)
		out := m.forward(m.batch(X, lo, hi), p)
		l, err := loss.Loss(out, Targets{Labels: y[lo:hi]}, nil)
		if err != nil {
			if le, ok := errors.AsType[*LabelError](err); ok {
				le.Index += lo
			}
			return 0, 0, err
		}
		sum += l * float64(hi-lo)
		k += correct(out, y[lo:hi], th)
	}
	return sum / float64(n), float64(k) / float64(n), nil
}

// Weights returns a copy of every parameter's value and every layer's
// state (BatchNorm's running statistics), in Params order then state
// order: a snapshot that SetWeights restores.
func (m *Sequential) Weights() [][]float32 {
	w := make([][]float32, 0, len(m.params)+len(m.state))
	for _, p := range m.params {
		w = append(w, append([]float32(nil), p.Value...))
	}
	for _, p := range m.state {
		w = append(w, append([]float32(nil), p.Value...))
	}
	return w
}

// copyWeights copies the weights into w, a snapshot from Weights.
func (m *Sequential) copyWeights(w [][]float32) {
	for i, p := range m.params {
		copy(w[i], p.Value)
	}
	for i, p := range m.state {
		copy(w[len(m.params)+i], p.Value)
	}
}

// SetWeights sets the weights from a snapshot that Weights returned for a
// model of the same architecture; it returns an error, changing nothing,
// if the lengths differ.
func (m *Sequential) SetWeights(w [][]float32) error {
	all := append(append([]optim.Param(nil), m.params...), m.state...)
	if len(w) != len(all) {
		return fmt.Errorf("nn: %d weight arrays for a model with %d", len(w), len(all))
	}
	for i, p := range all {
		if len(w[i]) != len(p.Value) {
			return fmt.Errorf("nn: weight array %d (%s) has %d values, the model's %d", i, p.Name, len(w[i]), len(p.Value))
		}
	}
	for i, p := range all {
		copy(p.Value, w[i])
	}
	return nil
}

// Summary returns a table of the layers, their output shapes (the batch
// as None) and parameter counts, with the totals, as Keras' summary does.
func (m *Sequential) Summary() string {
	rows := [][3]string{{"Layer (type)", "Output Shape", "Param #"}}
	perLayer := make([]int, len(m.layers))
	for i, p := range m.params {
		perLayer[m.owner[i]] += len(p.Value)
	}
	trainable, fixed := 0, 0
	for _, p := range m.params {
		trainable += len(p.Value)
	}
	for i, p := range m.state {
		fixed += len(p.Value)
		perLayer[m.owner[len(m.params)+i]] += len(p.Value)
	}
	for i, l := range m.layers {
		dims := []string{"None"}
		for _, d := range m.shapes[i+1] {
			dims = append(dims, strconv.Itoa(d))
		}
		rows = append(rows, [3]string{
			fmt.Sprintf("%s (%s)", m.names[i], LayerType(l)),
			"(" + strings.Join(dims, ", ") + ")",
			thousands(perLayer[i]),
		})
	}
	var w [3]int
	for _, r := range rows {
		for j, s := range r {
			w[j] = max(w[j], len(s))
		}
	}
	width := w[0] + 3 + w[1] + 3 + w[2]
	var b strings.Builder
	line := func(r [3]string) {
		fmt.Fprintf(&b, "%-*s   %-*s   %*s\n", w[0], r[0], w[1], r[1], w[2], r[2])
	}
	line(rows[0])
	b.WriteString(strings.Repeat("=", width) + "\n")
	for _, r := range rows[1:] {
		line(r)
	}
	b.WriteString(strings.Repeat("=", width) + "\n")
	fmt.Fprintf(&b, "Total params: %s\n", thousands(trainable+fixed))
	fmt.Fprintf(&b, "Trainable params: %s\n", thousands(trainable))
	fmt.Fprintf(&b, "Non-trainable params: %s\n", thousands(fixed))
	return b.String()
}

// thousands formats n with commas: 225034 -> "225,034".
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
