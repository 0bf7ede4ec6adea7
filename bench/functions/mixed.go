package functions

import (
	"math"

	"github.com/go-tune/tune/core"
)

// The optimizer choices of Mixed, with the base-10 logarithm of the learning
// rate that each prefers and the penalty that each adds at its best.
var (
	mixedOptimizers = []any{"sgd", "adam", "rmsprop"}
	mixedLogLR      = []float64{-2, -3, -3.5}
	mixedPenalty    = []float64{0.5, 0, 0.2}
)

// Mixed returns a five-parameter problem over every kind of distribution,
// shaped like the tuning of a training run:
//
//	lr        Float[1e-05, 0.1 log]
//	momentum  Float[0, 1]
//	dropout   Float[0, 0.5 step 0.05]
//	layers    Int[1, 8]
//	optimizer Categorical["sgd", "adam", "rmsprop"] (internal: 0, 1, 2)
//
// Its objective is
//
//	a² + a b + b² + 10 (dropout - 0.2)² + 0.25 (layers - 3)² + penalty
//
// where a = log10(lr) - c, b = 4 (momentum - 0.9), and the optimizer sets c
// and penalty: sgd c = -2, penalty 0.5; adam c = -3, penalty 0; rmsprop
// c = -3.5, penalty 0.2. Since a² + a b + b² = (a + b/2)² + 3b²/4, learning
// rate and momentum interact but each optimizer's best is its penalty. The
// minimum, 0, is at lr = 1e-3, momentum = 0.9, dropout = 0.2, layers = 3,
// optimizer = "adam" (internal 1); sgd's best is 0.5 at lr = 1e-2 and
// rmsprop's 0.2 at lr = 10^-3.5.
func Mixed() Problem {
	optimizer, err := core.NewCategorical(mixedOptimizers...)
	if err != nil {
		panic(err) // the choices are constant and valid
	}
	space := []Param{
		{Name: "lr", Dist: core.Float{Low: 1e-5, High: 0.1, Log: true}},
		{Name: "momentum", Dist: core.Float{Low: 0, High: 1}},
		{Name: "dropout", Dist: core.Float{Low: 0, High: 0.5, Step: 0.05}},
		{Name: "layers", Dist: core.Int{Low: 1, High: 8}},
		{Name: "optimizer", Dist: optimizer},
	}
	return single("Mixed-5", space, 0, []float64{1e-3, 0.9, 0.2, 3, 1}, mixed)
}

func mixed(x []float64) float64 {
	lr, momentum, dropout, layers, opt := x[0], x[1], x[2], x[3], int(x[4])
	a := math.Log10(lr) - mixedLogLR[opt]
	b := 4 * (momentum - 0.9)
	d := dropout - 0.2
	l := layers - 3
	return a*a + a*b + b*b + 10*d*d + 0.25*l*l + mixedPenalty[opt]
}
