package optim

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
)

// reference is testdata/reference.json, which testdata/gen_reference.py
// computed with PyTorch 1.13.
type reference struct {
	Torch   string
	Problem problem
	// Optimizers are trajectories of torch.optim on Problem.
	Optimizers []struct {
		Name   string
		Kind   string
		Config json.RawMessage
		X      [][]float32 // the parameters after each step
		LRs    []float64   `json:"lrs"` // the rate of each step, if it changes
	}
	Clip []struct {
		Kind     string // "norm" or "value"
		Max      float64
		NormType any `json:"norm_type"` // a number or "inf"
		Total    float32
		Grads    [][]float32
		Clipped  [][]float32
	}
	Schedules struct {
		Base        float64
		Epochs      int
		Batches     int
		BatchEpochs int `json:"batch_epochs"`
		Cases       []struct {
			Name      string
			Kind      string
			Config    json.RawMessage
			Batchwise bool
			Metrics   []float64
			LRs       []float64 `json:"lrs"` // after Start, then after each step
		}
	}
}

// problem is the loss 0.5*sum(A*(x-C)^2) + K*sum(x[i]*x[i+1]) over x,
// seen as params of Sizes.
type problem struct {
	A, C  []float32
	K     float64
	X0    []float32
	Sizes []int
	Steps int
}

// grad writes the loss's gradient at x into g, with the float32
// operations, in the order, that gen_reference.py's grad uses.
func (p *problem) grad(x, g []float32) {
	k := float32(p.K)
	for i := range x {
		var prev, next float32
		if i > 0 {
			prev = x[i-1]
		}
		if i+1 < len(x) {
			next = x[i+1]
		}
		g[i] = float32(p.A[i]*(x[i]-p.C[i])) + float32(k*(prev+next))
	}
}

// params returns x and its gradient g as the problem's Params.
func (p *problem) params(x, g []float32) []Param {
	var ps []Param
	off := 0
	for i, n := range p.Sizes {
		ps = append(ps, Param{Name: fmt.Sprint("p", i), Value: x[off : off+n], Grad: g[off : off+n]})
		off += n
	}
	return ps
}

func loadReference(t testing.TB) *reference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	ref := new(reference)
	if err := json.Unmarshal(b, ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

// newOptimizer returns the optimizer of kind with the JSON config.
func newOptimizer(kind string, config []byte) (Optimizer, error) {
	var cfg interface{ New() (Optimizer, error) }
	switch kind {
	case "GD":
		cfg = new(GD)
	case "SGD":
		cfg = new(SGD)
	case "Adam":
		cfg = new(Adam)
	case "AdamW":
		cfg = new(AdamW)
	case "RMSProp":
		cfg = new(RMSProp)
	case "Adagrad":
		cfg = new(Adagrad)
	default:
		return nil, fmt.Errorf("unknown optimizer %q", kind)
	}
	if err := json.Unmarshal(config, cfg); err != nil {
		return nil, err
	}
	return cfg.New()
}

// newSchedule returns the schedule of kind with the JSON config.
func newSchedule(kind string, config []byte) (Schedule, error) {
	var cfg interface{ New() (Schedule, error) }
	switch kind {
	case "Constant":
		cfg = new(Constant)
	case "Step":
		cfg = new(Step)
	case "MultiStep":
		cfg = new(MultiStep)
	case "Exponential":
		cfg = new(Exponential)
	case "Cosine":
		cfg = new(Cosine)
	case "WarmupCosine":
		cfg = new(WarmupCosine)
	case "ReduceOnPlateau":
		cfg = new(ReduceOnPlateau)
	case "OneCycle":
		cfg = new(OneCycle)
	default:
		return nil, fmt.Errorf("unknown schedule %q", kind)
	}
	if err := json.Unmarshal(config, cfg); err != nil {
		return nil, err
	}
	return cfg.New()
}

// relErr is |got-want| relative to |want|, or to 1e-3 when |want| is
// smaller (a parameter that crosses 0).
func relErr(got, want float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-3)
}

// TestOptimizersMatchPyTorch runs every optimizer on the reference
// problem and checks each step's parameters against PyTorch's.
func TestOptimizersMatchPyTorch(t *testing.T) {
	ref := loadReference(t)
	p := &ref.Problem
	for _, c := range ref.Optimizers {
		t.Run(c.Name, func(t *testing.T) {
			opt, err := newOptimizer(c.Kind, c.Config)
			if err != nil {
				t.Fatal(err)
			}
			x := append([]float32(nil), p.X0...)
			g := make([]float32, len(x))
			params := p.params(x, g)
			worst, exact := 0.0, 0
			for step, want := range c.X {
				if c.LRs != nil {
					opt.SetLR(c.LRs[step])
				}
				p.grad(x, g)
				opt.Step(params)
				for i := range x {
					e := relErr(float64(x[i]), float64(want[i]))
					if e > 1e-5 {
						t.Fatalf("step %d: x[%d] is %v, PyTorch's %v (relative error %.2g)", step+1, i, x[i], want[i], e)
					}
					worst = max(worst, e)
					if x[i] == want[i] {
						exact++
					}
				}
			}
			t.Logf("largest relative error %.2g; %d of %d values bit for bit", worst, exact, len(c.X)*len(x))
		})
	}
}

// TestClipMatchesPyTorch checks ClipGradNorm and ClipGradValue against
// PyTorch's. They differ in the last bit or two where PyTorch sums the
// squares in float32, and ClipGradNorm in float64.
func TestClipMatchesPyTorch(t *testing.T) {
	ref := loadReference(t)
	worst := 0.0
	defer func() { t.Logf("largest relative error %.2g", worst) }()
	for i, c := range ref.Clip {
		t.Run(fmt.Sprint(i, c.Kind, c.Max, c.NormType), func(t *testing.T) {
			var params []Param
			for _, g := range c.Grads {
				params = append(params, Param{Value: make([]float32, len(g)), Grad: append([]float32(nil), g...)})
			}
			switch c.Kind {
			case "norm":
				p := math.Inf(1)
				if f, ok := c.NormType.(float64); ok {
					p = f
				}
				total := ClipGradNorm(params, c.Max, p)
				e := relErr(total, float64(c.Total))
				if e > 1e-6 {
					t.Errorf("norm %v, PyTorch's %v", total, c.Total)
				}
				worst = max(worst, e)
			case "value":
				ClipGradValue(params, c.Max)
			}
			for k, p := range params {
				for j, g := range p.Grad {
					e := relErr(float64(g), float64(c.Clipped[k][j]))
					if e > 1e-6 {
						t.Errorf("grad %d,%d is %v, PyTorch's %v", k, j, g, c.Clipped[k][j])
					}
					worst = max(worst, e)
				}
			}
		})
	}
}

// TestSchedulesMatchPyTorch drives each schedule as the fit loop does and
// checks its rates against PyTorch's scheduler's.
func TestSchedulesMatchPyTorch(t *testing.T) {
	ref := loadReference(t)
	rs := &ref.Schedules
	for _, c := range rs.Cases {
		t.Run(c.Name, func(t *testing.T) {
			s, err := newSchedule(c.Kind, c.Config)
			if err != nil {
				t.Fatal(err)
			}
			batches, epochs := 3, rs.Epochs
			if c.Batchwise {
				batches, epochs = rs.Batches, rs.BatchEpochs
			}
			worst := 0.0
			check := func(n int, got float64) {
				t.Helper()
				e := relErr(got, c.LRs[n])
				if e > 1e-12 {
					t.Fatalf("step %d: rate %v, PyTorch's %v", n, got, c.LRs[n])
				}
				worst = max(worst, e)
			}
			lr := s.Start(rs.Base, batches, epochs)
			check(0, lr)
			n := 0
			for e := range epochs {
				for range batches {
					lr = s.AfterBatch()
					if c.Batchwise {
						n++
					}
					check(n, lr)
				}
				metric := math.NaN()
				if c.Metrics != nil {
					metric = c.Metrics[e]
				}
				lr = s.AfterEpoch(metric)
				if !c.Batchwise {
					n++
				}
				check(n, lr)
			}
			if n != len(c.LRs)-1 {
				t.Fatalf("%d steps, PyTorch's %d", n, len(c.LRs)-1)
			}
			t.Logf("largest relative error %.2g", worst)
		})
	}
}
