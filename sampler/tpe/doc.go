// Package tpe is the Tree-structured Parzen Estimator sampler (Bergstra et
// al. 2011), with Optuna's algorithm and defaults so that results compare:
// the finished trials are split into a good set (the best gamma(n)) and the
// rest, a Parzen estimator (a mixture of truncated normal kernels, one per
// observation plus a prior) is fitted to each, and of the candidates drawn
// from the good one, the one with the largest log l(x) - log g(x) wins.
//
// Pruned trials count, ranked below the Complete ones by how deep they got
// and then by their last value. With several objectives (MOTPE), the good
// set is filled by non-domination rank, the last rank by greedy
// hypervolume subset selection, and the good trials are weighted by their
// hypervolume contributions, as Optuna does; Pruned and Running trials are
// left out there.
//
// Where it differs from Optuna 3.1, on purpose:
//   - the kernels are sorted stably, so that tied observations get their
//     bandwidths in a defined order;
//   - an observation outside the parameter's current range (a range that
//     changed between trials) is left out rather than kept as a kernel
//     outside it;
//   - running trials count as the worst (constant liar) by default;
//     Optuna31 turns it off.
//
// Optuna 3.1's truncated normal kernels leave out their 1/sigma, so they
// are not densities; today's Optuna has fixed that. tune keeps 3.1's
// kernels by default, since they did better on the benchmark problems, and
// Config.Scaled gives the densities.
//
// The numeric core (estimator.go, truncnorm.go, multi.go) takes slices and
// a *rand.Rand; tpe.go reads the study and turns trials into observations.
package tpe
