// Package qmc is the quasi-Monte Carlo sampler: it fills the search space
// with the points of a low-discrepancy sequence, Sobol' or Halton, as
// Optuna's QMCSampler does, so that a few trials already cover the space
// more evenly than as many random ones.
//
// The package has two layers. Sobol and Halton are pure generators of points
// in the unit cube [0, 1)^d, with or without randomized scrambling; they take
// an index and return a point, with no storage, context or state. Sampler is
// the glue that turns a trial into an index and a point into parameter
// values.
//
// # Points across workers
//
// Trial number n takes point n of the sequence (core.Trial.Number), so
// workers sharing a study, in one process or several, take distinct points
// without coordination, and the same study gives the same points run after
// run. The scrambling seed is likewise shared: Config.Seed, or when it is 0 a
// hash of the study's name. Optuna instead counts samples in a study
// attribute and draws a random seed when none is given, which makes
// distributed workers disagree unless the user passes one.
//
// # References
//
//   - I. M. Sobol', "On the distribution of points in a cube and the
//     approximate evaluation of integrals", USSR Comput. Math. Math. Phys. 7
//     (1967).
//   - S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
//     two-dimensional projections", SIAM J. Sci. Comput. 30 (2008): the
//     direction numbers (new-joe-kuo-6.21201).
//   - J. Matoušek, "On the L2-discrepancy for anchored boxes", J. Complexity
//     14 (1998): linear matrix scrambling with a digital shift.
//   - J. H. Halton, "On the efficiency of certain quasi-random sequences of
//     points in evaluating multi-dimensional integrals", Numer. Math. 2
//     (1960); A. B. Owen, "A randomized Halton algorithm in R" (2017) for
//     scrambling by random digit permutations.
package qmc
