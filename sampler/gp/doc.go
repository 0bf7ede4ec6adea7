// Package gp is a Gaussian-process Bayesian optimization sampler, in the
// spirit of Optuna's GPSampler (Optuna 3.6 and later), and its pure numeric
// core.
//
// Model. The parameters of the search space are mapped to coordinates: a
// numeric parameter to [0, 1] over its range (the log of the range for a
// log-scale one; a discrete one, integer or stepped, over its range widened
// by half a step on each side, so that every legal value owns an interval
// of the same width, and rounded to the nearest legal value when proposed);
// a categorical parameter to its choice's index. The GP has a zero mean and
// a Matern-5/2 kernel with one inverse squared lengthscale per coordinate
// (automatic relevance determination), a kernel scale and a noise variance
// (see Params). Two categorical values are at distance 0 when equal and 1
// otherwise, with their own lengthscale, as in Optuna (no one-hot
// encoding: one hyperparameter per categorical parameter, whatever its
// number of choices). The objective values are standardized to mean 0 and
// standard deviation 1, their sign flipped when minimizing so that the
// model always maximizes; infinite values are clipped to the finite range
// and NaN counts as the worst.
//
// Hyperparameters are fitted by maximum a posteriori (Fit): the log
// marginal likelihood, with analytic gradients, plus Optuna's log priors
// (a Gamma(2, 1) prior on the kernel scale, a Gamma(1.1, 30) prior on the
// noise variance, kept above MinNoiseVar, and Optuna's -(0.1/l + 0.1 l) on
// each inverse squared lengthscale l), maximized over their logs within
// fixed bounds by a projected L-BFGS method in the spirit of L-BFGS-B. The
// sampler stores each trial's hyperparameters in the trial (AttrParams)
// and starts the next fit from the last Complete trial's, with few
// iterations: the fit follows the data from trial to trial at a small
// cost, and depends only on the study's trials, so that it is the same in
// every worker and every run.
//
// Acquisition. The next point maximizes the log expected improvement
// (LogEI, accurate where the improvement underflows, after Ament et al.,
// "Unexpected Improvements to Expected Improvement for Bayesian
// Optimization", NeurIPS 2023) over the best observed value: it is
// evaluated at 2048 scrambled Sobol points (Config.Candidates) and the best
// observed points, and bounded quasi-Newton searches over the numeric
// coordinates start from the incumbent and the best of them
// (Config.LocalSearches), followed by rounding onto the discrete grids and
// one sweep over each categorical parameter's choices.
//
// Parallel workers: a Running trial that has the search space's parameters
// counts, in the posterior but not in the hyperparameter fit, as an
// observation of the worst value so far (the constant liar; Config.NoLiar
// turns it off), so that workers do not all propose the same point.
//
// Multi-objective studies are sampled at random (random.Draw), as are the
// startup trials and the parameters outside the intersection space.
//
// Sampling is deterministic: trial n of a study draws from a generator
// seeded by the sampler's seed and n, and the model depends only on the
// study's trials.
package gp
