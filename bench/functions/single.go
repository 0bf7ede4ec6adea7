package functions

import (
	"math"
	"strconv"

	"github.com/go-tune/tune/core"
)

// Branin returns the Branin-Hoo function on x0 in [-5, 10], x1 in [0, 15]
// (Dixon and Szegő, "The global optimisation problem: an introduction", 1978):
//
//	(x1 - 5.1/(4π²) x0² + 5/π x0 - 6)² + 10 (1 - 1/(8π)) cos(x0) + 10
//
// Its minimum, 0.397887357729739, is reached at (-π, 12.275), (π, 2.275) and
// (9.42478, 2.475); ArgMin is (π, 2.275).
func Branin() Problem {
	space := []Param{
		{Name: "x0", Dist: core.Float{Low: -5, High: 10}},
		{Name: "x1", Dist: core.Float{Low: 0, High: 15}},
	}
	return single("Branin", space, 0.397887357729739, []float64{math.Pi, 2.275}, branin)
}

func branin(x []float64) float64 {
	const (
		b = 5.1 / (4 * math.Pi * math.Pi)
		c = 5 / math.Pi
		t = 1 / (8 * math.Pi)
	)
	u := x[1] - b*x[0]*x[0] + c*x[0] - 6
	return u*u + 10*(1-t)*math.Cos(x[0]) + 10
}

// The constants of the six-dimensional Hartmann function.
var (
	hartmannAlpha = [4]float64{1, 1.2, 3, 3.2}
	hartmannA     = [4][6]float64{
		{10, 3, 17, 3.5, 1.7, 8},
		{0.05, 10, 17, 0.1, 8, 14},
		{3, 3.5, 1.7, 10, 17, 8},
		{17, 8, 0.05, 10, 0.1, 14},
	}
	hartmannP = [4][6]float64{
		{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
		{0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
		{0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
		{0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381},
	}
)

// Hartmann6 returns the six-dimensional Hartmann function on [0, 1]^6
// (Dixon and Szegő, 1978):
//
//	-Σᵢ αᵢ exp(-Σⱼ Aᵢⱼ (xⱼ - Pᵢⱼ)²)
//
// with the usual constants α, A and P. It has six local minima; the global
// one, -3.32236801141551, is at about (0.201690, 0.150011, 0.476874,
// 0.275332, 0.311652, 0.657301).
func Hartmann6() Problem {
	argMin := []float64{0.20168951100810, 0.15001069540141, 0.47687397967340,
		0.27533243009227, 0.31165161560356, 0.65730053754733}
	return single("Hartmann-6", box(6, 0, 1), -3.32236801141551, argMin, hartmann6)
}

func hartmann6(x []float64) float64 {
	var f float64
	for i, alpha := range hartmannAlpha {
		var s float64
		for j, xj := range x {
			d := xj - hartmannP[i][j]
			s += hartmannA[i][j] * d * d
		}
		f -= alpha * math.Exp(-s)
	}
	return f
}

// Rosenbrock returns the n-dimensional Rosenbrock function on [-5, 10]^n
// (Rosenbrock, "An automatic method for finding the greatest or least value
// of a function", 1960), a narrow curved valley:
//
//	Σᵢ₌₀ⁿ⁻² 100 (xᵢ₊₁ - xᵢ²)² + (1 - xᵢ)²
//
// Its minimum, 0, is at (1, ..., 1). It panics if n < 2.
func Rosenbrock(n int) Problem {
	checkDim("Rosenbrock", n, 2)
	return single("Rosenbrock-"+strconv.Itoa(n), box(n, -5, 10), 0, filled(n, 1), rosenbrock)
}

func rosenbrock(x []float64) float64 {
	var f float64
	for i := range len(x) - 1 {
		u, v := x[i+1]-x[i]*x[i], 1-x[i]
		f += 100*u*u + v*v
	}
	return f
}

// Ackley returns the n-dimensional Ackley function on [-32.768, 32.768]^n
// (Ackley, "A connectionist machine for genetic hillclimbing", 1987), a
// funnel covered with many local minima:
//
//	-20 exp(-0.2 √(Σ xᵢ² / n)) - exp(Σ cos(2π xᵢ) / n) + 20 + e
//
// Its minimum, 0, is at the origin. It panics if n < 1.
func Ackley(n int) Problem {
	checkDim("Ackley", n, 1)
	return single("Ackley-"+strconv.Itoa(n), box(n, -32.768, 32.768), 0, filled(n, 0), ackley)
}

func ackley(x []float64) float64 {
	var sq, cos float64
	for _, v := range x {
		sq += v * v
		cos += math.Cos(2 * math.Pi * v)
	}
	n := float64(len(x))
	return -20*math.Exp(-0.2*math.Sqrt(sq/n)) - math.Exp(cos/n) + 20 + math.E
}

// styblinskiTangMin is the minimum of Styblinski-Tang per dimension, reached
// at styblinskiTangArgMin.
const (
	styblinskiTangMin    = -39.16616570377142
	styblinskiTangArgMin = -2.903534027771178
)

// StyblinskiTang returns the n-dimensional Styblinski-Tang function on
// [-5, 5]^n (Styblinski and Tang, "Experiments in nonconvex optimization:
// stochastic approximation with function smoothing and simulated annealing",
// 1990), which has 2^n local minima:
//
//	Σ (xᵢ⁴ - 16 xᵢ² + 5 xᵢ) / 2
//
// Its minimum, -39.16616570377142 n, is at (-2.903534027771178, ...). It
// panics if n < 1.
func StyblinskiTang(n int) Problem {
	checkDim("Styblinski-Tang", n, 1)
	return single("Styblinski-Tang-"+strconv.Itoa(n), box(n, -5, 5),
		styblinskiTangMin*float64(n), filled(n, styblinskiTangArgMin), styblinskiTang)
}

func styblinskiTang(x []float64) float64 {
	var f float64
	for _, v := range x {
		v2 := v * v
		f += v2*v2 - 16*v2 + 5*v
	}
	return f / 2
}

// Rastrigin returns the n-dimensional Rastrigin function on [-5.12, 5.12]^n
// (Rastrigin, "Systems of extremal control", 1974), a bowl with a regular
// grid of local minima:
//
//	10 n + Σ (xᵢ² - 10 cos(2π xᵢ))
//
// Its minimum, 0, is at the origin. It panics if n < 1.
func Rastrigin(n int) Problem {
	checkDim("Rastrigin", n, 1)
	return single("Rastrigin-"+strconv.Itoa(n), box(n, -5.12, 5.12), 0, filled(n, 0), rastrigin)
}

func rastrigin(x []float64) float64 {
	f := 10 * float64(len(x))
	for _, v := range x {
		f += v*v - 10*math.Cos(2*math.Pi*v)
	}
	return f
}
