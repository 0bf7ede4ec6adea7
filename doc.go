// Package tune tunes hyperparameters: it runs an objective function over
// many trials, each with parameters proposed by a sampler, and keeps what
// happened in a storage.
//
// The concepts are Optuna's, so that its users feel at home:
//
//   - A Study is a named optimization with one or more directions
//     (Minimize, Maximize), a sampler (random search by default), a pruner
//     (the median pruner by default) and a storage (in memory by default).
//   - A Trial is one evaluation of the objective. The objective asks the
//     trial for its parameters (Float, Int, Categorical) while it runs, so
//     that the search space is defined by the code that uses it
//     (define-by-run), and may report intermediate values and ask whether to
//     stop early (Report, ShouldPrune).
//   - Optimize runs trials with concurrent workers until a trial count, a
//     timeout, a cancelled context or an exhausted sampler stops it; Ask and
//     Tell let a loop of the caller's own do the same.
//
// A minimal study:
//
//	study, err := tune.CreateStudy(ctx, "demo", tune.WithSeed(1))
//	...
//	err = study.Optimize(ctx, func(ctx context.Context, t *tune.Trial) (float64, error) {
//		x, err := t.Float("x", -10, 10)
//		if err != nil {
//			return 0, err
//		}
//		return (x - 2) * (x - 2), nil
//	}, tune.OptimizeOptions{Trials: 100})
//
// Every blocking call takes a context. A Trial carries the context it was
// asked with, as an *http.Request does, because it is a handle scoped to one
// call of the objective: its methods (Float, Report, ...) use that context.
package tune
