// Package sampler defines the interfaces that tune's samplers implement, in
// the way database/sql/driver defines what drivers implement. The samplers
// themselves live in one package each: sampler/random, sampler/grid, and the
// Bayesian and evolutionary ones.
//
// A sampler proposes parameter values for a trial. It reads the study through
// core.Study (a cached view of the storage), and draws randomness only from
// the *rand.Rand it is handed: tune seeds one per trial from the study's seed
// and the trial's number, so a study is reproducible and workers in several
// processes never propose the same stream of points.
//
// Only Sampler is required; the other interfaces are optional abilities,
// found by type assertion:
//
//   - Relative: joint sampling of a search space inferred from the study
//     (TPE's multivariate mode, Gaussian processes, CMA-ES);
//   - BeforeTrialer and AfterTrialer: hooks around each trial;
//   - Planner: the sampler decides each new trial's parameters before it is
//     created (grid search), so that a point is taken by exactly one trial.
package sampler
