package nn

import (
	"math"

	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/learn/tensor"
)

// BatchNorm normalises each channel, the last axis, over the batch and
// every other axis (Ioffe and Szegedy, 2015): after a Dense layer it
// normalises each unit (PyTorch's BatchNorm1d), after a Conv2D each
// channel over the batch, height and width (BatchNorm2d on NCHW). Then it
// scales by gamma and shifts by beta, both learned.
//
// Training normalises with the batch's mean and (biased) variance and
// updates the running statistics with PyTorch's convention:
// running = (1-Momentum) running + Momentum batch, with the unbiased
// variance. Inference normalises with the running statistics, which start
// at mean 0 and variance 1 and are saved with the weights (Stateful).
type BatchNorm struct {
	// Momentum is the weight of each batch in the running statistics;
	// zero: 0.1, PyTorch's default (Keras' momentum 0.99 is 0.01 here).
	Momentum float64
	Epsilon  float64 // added to the variance; zero: 1e-5 (PyTorch's)

	c               int
	shape           []int
	gamma, beta     []float32
	dgamma, dbeta   []float32
	runMean, runVar []float32
	params, state   []optim.Param

	training          bool
	mean, v, invStd   []float64 // of the last batch (or the running ones)
	sdy, sdyx         []float64
	xhat              []float32
	x                 *tensor.Tensor
	out, dx           tensor.Tensor
	batchN            int
	momentum, epsilon float64
}

// Build implements Layer.
func (b *BatchNorm) Build(in []int) ([]int, error) {
	if len(in) == 0 {
		return nil, layerError("BatchNorm", in, "needs at least one axis (it normalises the last)")
	}
	if !(b.Momentum >= 0 && b.Momentum <= 1) {
		return nil, layerError("BatchNorm", in, "Momentum is %v, must be in [0, 1]", b.Momentum)
	}
	if !(b.Epsilon >= 0) {
		return nil, layerError("BatchNorm", in, "Epsilon is %v, must not be negative", b.Epsilon)
	}
	b.momentum, b.epsilon = b.Momentum, b.Epsilon
	if b.momentum == 0 {
		b.momentum = 0.1
	}
	if b.epsilon == 0 {
		b.epsilon = 1e-5
	}
	b.shape = append([]int(nil), in...)
	c := in[len(in)-1]
	b.c = c
	b.gamma, b.beta = make([]float32, c), make([]float32, c)
	b.dgamma, b.dbeta = make([]float32, c), make([]float32, c)
	b.runMean, b.runVar = make([]float32, c), make([]float32, c)
	for j := range c {
		b.gamma[j] = 1
		b.runVar[j] = 1
	}
	b.params = []optim.Param{
		{Name: "gamma", Value: b.gamma, Grad: b.dgamma},
		{Name: "beta", Value: b.beta, Grad: b.dbeta},
	}
	b.state = []optim.Param{
		{Name: "running_mean", Value: b.runMean},
		{Name: "running_var", Value: b.runVar},
	}
	b.mean, b.v, b.invStd = make([]float64, c), make([]float64, c), make([]float64, c)
	b.sdy, b.sdyx = make([]float64, c), make([]float64, c)
	return append([]int(nil), in...), nil
}

// Params implements Layer: "gamma" and "beta", one per channel.
func (b *BatchNorm) Params() []optim.Param { return b.params }

// State implements Stateful: "running_mean" and "running_var".
func (b *BatchNorm) State() []optim.Param { return b.state }

// Forward implements Layer.
func (b *BatchNorm) Forward(x *tensor.Tensor, p Pass) *tensor.Tensor {
	setShape(&b.out, x.Shape[0], b.shape)
	b.training = p.Training
	b.x = x
	b.batchN = len(x.Data) / b.c
	if !p.Training {
		for j := range b.c {
			b.mean[j] = float64(b.runMean[j])
			b.invStd[j] = 1 / math.Sqrt(float64(b.runVar[j])+b.epsilon)
		}
		batchNormApply(b.out.Data, x.Data, nil, b.c, b.mean, b.invStd, b.gamma, b.beta)
		return &b.out
	}
	batchNormStats(x.Data, b.c, b.mean, b.v, b.invStd, b.epsilon)
	b.xhat = resize(b.xhat, len(x.Data))
	batchNormApply(b.out.Data, x.Data, b.xhat, b.c, b.mean, b.invStd, b.gamma, b.beta)
	m, n := b.momentum, float64(b.batchN)
	unbias := 1.0
	if b.batchN > 1 {
		unbias = n / (n - 1)
	}
	for j := range b.c {
		b.runMean[j] = float32((1-m)*float64(b.runMean[j]) + m*b.mean[j])
		b.runVar[j] = float32((1-m)*float64(b.runVar[j]) + m*b.v[j]*unbias)
	}
	return &b.out
}

// Backward implements Layer. After an inference Forward the statistics
// are constants: dx = gamma dy / sqrt(running_var + eps).
func (b *BatchNorm) Backward(dy *tensor.Tensor, p Pass) *tensor.Tensor {
	var dx []float32
	if !p.SkipInputGrad {
		setShape(&b.dx, dy.Shape[0], b.shape)
		dx = b.dx.Data
	}
	if b.training {
		batchNormBack(dy.Data, b.xhat, dx, b.c, b.invStd, b.gamma, b.dgamma, b.dbeta, b.sdy, b.sdyx)
	} else {
		b.frozenBack(dy.Data, dx)
	}
	if dx == nil {
		return nil
	}
	return &b.dx
}

// frozenBack is Backward after an inference Forward.
func (b *BatchNorm) frozenBack(dy, dx []float32) {
	c := b.c
	clear(b.sdy)
	clear(b.sdyx)
	x := b.x.Data
	for r := range len(dy) / c {
		for j, d := range dy[r*c : (r+1)*c] {
			h := (float64(x[r*c+j]) - b.mean[j]) * b.invStd[j]
			b.sdy[j] += float64(d)
			b.sdyx[j] += float64(d) * h
			if dx != nil {
				dx[r*c+j] = float32(float64(d) * float64(b.gamma[j]) * b.invStd[j])
			}
		}
	}
	for j := range c {
		b.dgamma[j] = float32(b.sdyx[j])
		b.dbeta[j] = float32(b.sdy[j])
	}
}
