package gp

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// reference is testdata/reference.json, made by testdata/gen_reference.py.
type reference struct {
	Bounded []struct {
		Name string      `json:"name"`
		X0   []float64   `json:"x0"`
		Lo   []float64   `json:"lo"`
		Hi   []float64   `json:"hi"`
		X    []float64   `json:"x"`
		F    float64     `json:"f"`
		A    [][]float64 `json:"a"`
		B    []float64   `json:"b"`
	} `json:"bounded"`
	LogEI []struct {
		Z     float64 `json:"z"`
		LogH  float64 `json:"log_h"`
		DLogH float64 `json:"dlog_h"`
	} `json:"logei"`
	Posterior struct {
		X        [][]float64 `json:"x"`
		Y        []float64   `json:"y"`
		Cat      []bool      `json:"cat"`
		Lam      []float64   `json:"inv_sq_lengthscales"`
		Scale    float64     `json:"kernel_scale"`
		Noise    float64     `json:"noise_var"`
		Xs       [][]float64 `json:"xs"`
		Mean     []float64   `json:"mean"`
		Var      []float64   `json:"var"`
		LogMarg  float64     `json:"log_marginal"`
		LogPrior float64     `json:"log_prior"`
	} `json:"posterior"`
}

func loadReference(t *testing.T) reference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func rosenbrock(x, g []float64) float64 {
	f := 0.0
	for i := range g {
		g[i] = 0
	}
	for i := 0; i+1 < len(x); i++ {
		a, b := x[i+1]-x[i]*x[i], 1-x[i]
		f += 100*a*a + b*b
		g[i] += -400*a*x[i] - 2*b
		g[i+1] += 200 * a
	}
	return f
}

// quadratic returns f(x) = x^T a x / 2 - b^T x and its gradient.
func quadratic(a [][]float64, b []float64) func(x, g []float64) float64 {
	return func(x, g []float64) float64 {
		f := 0.0
		for i := range x {
			g[i] = -b[i]
			for j := range x {
				g[i] += a[i][j] * x[j]
			}
			f += 0.5 * x[i] * (g[i] - b[i]) // (Ax)_i = g_i + b_i
		}
		return f
	}
}

// TestBoundedReference compares minimizeBounded with scipy's L-BFGS-B.
func TestBoundedReference(t *testing.T) {
	for _, c := range loadReference(t).Bounded {
		t.Run(c.Name, func(t *testing.T) {
			f := rosenbrock
			if c.A != nil {
				f = quadratic(c.A, c.B)
			}
			res := minimizeBounded(f, c.X0, c.Lo, c.Hi, boundedSettings{MaxIter: 5000, GradTol: 1e-10, FTol: 1e-15})
			if math.Abs(res.F-c.F) > 1e-8*max(1, math.Abs(c.F)) {
				t.Errorf("f = %.12g after %d iterations, scipy %.12g", res.F, res.Iter, c.F)
			}
			for i := range c.X {
				if math.Abs(res.X[i]-c.X[i]) > 1e-5 {
					t.Errorf("x[%d] = %.10g, scipy %.10g", i, res.X[i], c.X[i])
				}
				if res.X[i] < c.Lo[i] || res.X[i] > c.Hi[i] {
					t.Errorf("x[%d] = %v outside [%v, %v]", i, res.X[i], c.Lo[i], c.Hi[i])
				}
			}
			t.Logf("%d iterations, %d evaluations", res.Iter, res.Evals)
		})
	}
}

func TestLogEIReference(t *testing.T) {
	for _, c := range loadReference(t).LogEI {
		got := logH(c.Z)
		if math.Abs(got-c.LogH) > 1e-13*max(1, math.Abs(c.LogH)) {
			t.Errorf("logH(%g) = %.17g, want %.17g", c.Z, got, c.LogH)
		}
		if d := dLogH(c.Z); math.Abs(d-c.DLogH) > 1e-11*max(1, math.Abs(c.DLogH)) {
			t.Errorf("dLogH(%g) = %.17g, want %.17g", c.Z, d, c.DLogH)
		}
		// LogEI scales: sigma 2 around best 1.
		if got, want := LogEI(1+2*c.Z, 4, 1), math.Log(2)+c.LogH; math.Abs(got-want) > 1e-12*max(1, math.Abs(want)) {
			t.Errorf("LogEI at z=%g = %.17g, want %.17g", c.Z, got, want)
		}
	}
	// Monotone and finite through the change of formulas.
	prev := math.Inf(-1)
	for z := -60.0; z <= 5; z += 0.001 {
		v := logH(z)
		if math.IsInf(v, 0) || math.IsNaN(v) || v <= prev {
			t.Fatalf("logH(%g) = %v after %v", z, v, prev)
		}
		prev = v
	}
}

func TestPosteriorReference(t *testing.T) {
	r := loadReference(t).Posterior
	p := Params{InvSqLengthscales: r.Lam, KernelScale: r.Scale, NoiseVar: r.Noise}
	m, err := NewModel(r.X, r.Y, r.Cat, p)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range r.Xs {
		mean, v := m.Predict(x)
		if math.Abs(mean-r.Mean[i]) > 1e-10 || math.Abs(v-r.Var[i]) > 1e-10 {
			t.Errorf("point %d: mean %.15g var %.15g, want %.15g %.15g", i, mean, v, r.Mean[i], r.Var[i])
		}
	}
	o := newMAPObjective(r.X, r.Y, r.Cat)
	theta := []float64{math.Log(r.Lam[0]), math.Log(r.Lam[1]), math.Log(r.Lam[2]), math.Log(r.Scale), math.Log(r.Noise - MinNoiseVar)}
	got := -o.eval(theta, make([]float64, len(theta)))
	if want := r.LogMarg + r.LogPrior; math.Abs(got-want) > 1e-10 {
		t.Errorf("log posterior %.15g, want %.15g", got, want)
	}
	if lp := logPrior(p, nil); math.Abs(lp-r.LogPrior) > 1e-12 {
		t.Errorf("log prior %.15g, want %.15g", lp, r.LogPrior)
	}
}
