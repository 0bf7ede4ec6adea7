package gp

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomData returns n points in d dimensions (the last categorical with 3
// choices when cat) and smooth values.
func randomData(n, d int, cat bool, rng *rand.Rand) ([][]float64, []float64, []bool) {
	c := make([]bool, d)
	if cat {
		c[d-1] = true
	}
	x := make([][]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = make([]float64, d)
		for j := range x[i] {
			x[i][j] = rng.Float64()
			if c[j] {
				x[i][j] = float64(rng.IntN(3))
			}
			y[i] += math.Sin(3*x[i][j] + float64(j))
		}
	}
	return x, y, c
}

// checkGrad compares f's gradient at x with central differences.
func checkGrad(t *testing.T, name string, f func(x, g []float64) float64, x []float64, skip []bool) {
	t.Helper()
	g := make([]float64, len(x))
	f(x, g)
	scratch := make([]float64, len(x))
	for i := range x {
		if skip != nil && skip[i] {
			continue
		}
		const h = 1e-6
		xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
		xp[i] += h
		xm[i] -= h
		fd := (f(xp, scratch) - f(xm, scratch)) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-5*max(1, math.Abs(fd)) {
			t.Errorf("%s: d/dx%d = %.10g, finite differences %.10g", name, i, g[i], fd)
		}
	}
}

func TestMAPGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		n, d int
		cat  bool
	}{{"numeric", 12, 3, false}, {"categorical", 15, 3, true}, {"one-point", 1, 2, false}} {
		x, y, cat := randomData(tc.n, tc.d, tc.cat, rng)
		o := newMAPObjective(x, y, cat)
		for range 3 {
			theta := make([]float64, tc.d+2)
			for i := range theta {
				theta[i] = rng.Float64()*3 - 1.5
			}
			theta[tc.d+1] = -3 - 3*rng.Float64()
			checkGrad(t, tc.name, o.eval, theta, nil)
		}
	}
}

func TestMatern52(t *testing.T) {
	for _, u := range []float64{0, 1e-12, 1e-4, 0.3, 2, 40} {
		m, dm := matern52(u)
		r := math.Sqrt(u)
		want := (1 + math.Sqrt(5)*r + 5*u/3) * math.Exp(-math.Sqrt(5)*r)
		if math.Abs(m-want) > 1e-15 {
			t.Errorf("m(%g) = %v, want %v", u, m, want)
		}
		if u > 1e-6 {
			const h = 1e-7
			mp, _ := matern52(u + h)
			mm, _ := matern52(u - h)
			if fd := (mp - mm) / (2 * h); math.Abs(fd-dm) > 1e-6 {
				t.Errorf("m'(%g) = %v, finite differences %v", u, dm, fd)
			}
		}
	}
}

func TestAcquisitionGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x, y, cat := randomData(20, 4, true, rng)
	p := Params{InvSqLengthscales: []float64{3, 0.5, 8, 1}, KernelScale: 1.3, NoiseVar: 1e-4}
	m, err := NewModel(x, y, cat, p)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]float64, 2*m.N())
	dm, dv := make([]float64, 4), make([]float64, 4)
	// The posterior mean and variance themselves.
	for range 5 {
		pt := []float64{rng.Float64(), rng.Float64(), rng.Float64(), float64(rng.IntN(3))}
		checkGrad(t, "mean", func(z, g []float64) float64 { v, _ := m.predict(z, buf, g, dv); return v }, pt, cat)
		checkGrad(t, "variance", func(z, g []float64) float64 { _, v := m.predict(z, buf, dm, g); return v }, pt, cat)
		for _, best := range []float64{0, 2, 10} { // z near 0, below -1 and far below
			a := &acquisition{m: m, best: best}
			checkGrad(t, "logEI", func(z, g []float64) float64 { return a.valueGrad(z, buf, g, dm, dv) }, pt, cat)
			if v, w := a.valueGrad(pt, buf, make([]float64, 4), dm, dv), a.value(pt, buf); math.Abs(v-w) > 1e-12*max(1, math.Abs(w)) {
				t.Errorf("valueGrad %v, value %v", v, w)
			}
		}
	}
}

func TestFitRecoversLengthscales(t *testing.T) {
	// y depends on x0 only: x1's inverse squared lengthscale must come out
	// far smaller than x0's, and the fit must improve the posterior.
	rng := rand.New(rand.NewPCG(5, 6))
	n := 40
	x := make([][]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = []float64{rng.Float64(), rng.Float64()}
		y[i] = math.Sin(6 * x[i][0])
	}
	cat := []bool{false, false}
	p, err := Fit(x, y, cat, Params{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.InvSqLengthscales[0] < 10*p.InvSqLengthscales[1] {
		t.Errorf("fitted %+v: x0 not more relevant than x1", p)
	}
	o := newMAPObjective(x, y, cat)
	g := make([]float64, 4)
	if f0, f1 := o.eval(thetaOf(DefaultParams(2)), g), o.eval(thetaOf(p), g); !(f1 < f0) {
		t.Errorf("fit did not lower the objective: %v -> %v", f0, f1)
	}
	if p.NoiseVar < MinNoiseVar {
		t.Errorf("noise %v below the minimum", p.NoiseVar)
	}
}

// TestColdFitSubsample: a cold fit of many observations, which starts from
// a fit of every k-th one, reaches a posterior about as good as the full
// fit of all of them.
func TestColdFitSubsample(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n := 3 * coldFitMax
	x := make([][]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = []float64{rng.Float64(), rng.Float64(), rng.Float64(), rng.Float64()}
		y[i] = math.Sin(6*x[i][0]) + x[i][1]*x[i][1] + 0.05*rng.NormFloat64()
	}
	cat := make([]bool, 4)
	full, err := Fit(x, y, cat, DefaultParams(4), coldFitIter)
	if err != nil {
		t.Fatal(err)
	}
	two, err := coldFit(x, y, cat, DefaultParams(4))
	if err != nil {
		t.Fatal(err)
	}
	o := newMAPObjective(x, y, cat)
	g := make([]float64, 6)
	f0, fFull, fTwo := o.eval(thetaOf(DefaultParams(4)), g), o.eval(thetaOf(full), g), o.eval(thetaOf(two), g)
	t.Logf("objective: start %.3f, full fit %.3f, subsample then warm %.3f", f0, fFull, fTwo)
	if fTwo > fFull+0.02*math.Abs(fFull-f0) {
		t.Errorf("the two-step fit's objective %v is not within 2%% of the improvement of the full fit's %v (start %v)", fTwo, fFull, f0)
	}
}
