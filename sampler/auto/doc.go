// Package auto is a sampler that picks the algorithm, so that a user need
// not: it delegates each trial to Gaussian-process optimisation (sampler/gp),
// TPE (sampler/tpe) or NSGA-II (sampler/nsga2) by rules drawn from the
// benchmarks under bench/, and records its choice on the trial and in the
// study.
//
// The rules, for a trial that starts when the study has n Complete trials:
//
//   - One objective, every parameter in every trial (no conditional
//     parameters): GP while n < GPTrials (200), TPE after. On the six
//     single-objective benchmark problems (bench/README.md), GP had the
//     lowest regret at 100 trials on four, Branin, Hartmann-6, Ackley-10 and
//     the mixed space with a categorical; its cost grows with the cube of
//     n (about 0.1 s per trial at 300 trials), where TPE's stays near a
//     millisecond, and TPE carries on from all of GP's trials.
//   - One objective, conditional parameters (a parameter that some
//     Complete trials lack): TPE, which models each parameter on the
//     trials that have it, where GP models only the parameters all trials
//     share.
//   - Several objectives: TPE (MOTPE) while n < NSGA2Trials (300),
//     NSGA-II after. On ZDT1 and ZDT2 in 30 dimensions (the two-objective
//     table of bench/samplers), MOTPE's front was the better one at 100
//     and 250 trials, and NSGA-II's from 500 on, while MOTPE's stopped
//     improving (Optuna 3.1's MOTPE stalls there too).
//
// CMA-ES is not among them: it starts from the centre of the space, so
// switching to it would throw away what the study has found, and from the
// start it beat GP only on Rosenbrock.
//
// The choice is the trial system attribute AttrSampler, and the latest one
// the study system attribute of the same name. Every worker computes the
// same rules from the stored trials, so workers agree but for trials that
// start while the count crosses a threshold.
package auto
