// Package tpe is the Tree-structured Parzen Estimator sampler (Bergstra et
// al. 2011), with Optuna's algorithm and defaults so that results compare:
// the finished trials are split into a good set (the best gamma(n)) and the
// rest, a Parzen estimator (a mixture of truncated normal kernels, one per
// observation plus a prior) is fitted to each, and of the candidates drawn
// from the good one, the one with the largest log l(x) - log g(x) wins.
//
// The numeric core (estimator.go, truncnorm.go) takes slices and a
// *rand.Rand; tpe.go reads the study and turns trials into observations.
package tpe
