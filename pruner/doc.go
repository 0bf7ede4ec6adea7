// Package pruner holds the Pruner interface and tune's pruners, which stop
// unpromising trials early from the intermediate values that trials report.
//
// The pruners, each a config struct whose zero values are Optuna's
// defaults (so that results compare):
//
//   - Median and Percentile: prune a trial below a percentile of the
//     Complete trials at its step (Optuna's MedianPruner, PercentilePruner).
//   - SuccessiveHalving: asynchronous successive halving, ASHA (Optuna's
//     SuccessiveHalvingPruner); its rungs are trial system attributes.
//   - Hyperband: brackets of successive halving, each trial in a bracket
//     fixed by the study's name and the trial's number; a study shows a
//     trial's sampler only the trials of its bracket (Grouper).
//   - Threshold: prune values outside bounds, or NaN.
//   - Patient: prune only after a number of steps without improvement,
//     optionally asking another pruner then.
//   - Wilcoxon: prune a trial whose per-instance (or per-fold) values are
//     significantly worse than the best trial's (Optuna 3.6's
//     WilcoxonPruner).
//   - Nop: never prune.
//
// A pruner decides from what is stored (the study's trials and system
// attributes, through core.Study), never from the memory of one process,
// so it gives the same answer for a trial whichever worker asks. Where
// Optuna's pruners estimate a setting once per process ("auto" minimum or
// maximum resources), tune's store the estimate in the study, so that all
// workers use the first one.
//
// Settings are checked by Validate (Validator), which tune calls when a
// study is made: a reduction factor below 2, a negative warm-up or a
// percentile outside [0, 100] fail there, naming the field.
//
// Several objectives: Optuna does not prune multi-objective studies, and
// the pruners above return ErrMultiObjective there (Threshold, which looks
// at no other trial, works). Objective is tune's definition for them: the
// trials report intermediate values of one chosen objective, and a
// single-objective pruner judges them in that objective's direction.
package pruner
