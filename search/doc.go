// Package search tunes an estimator's hyperparameters with tune's
// samplers: the same search as modelsel's GridSearch and RandomizedSearch
// (a Factory, a Space, cross-validation, scorers, verbose lines, results
// table, refit of the best), but each candidate is proposed by a tune
// sampler (TPE by default; GP, CMA-ES, ... as the caller chooses) from the
// scores of the candidates before it.
//
// Each candidate is a tune trial. Its folds run one after the other, and
// after each the running mean of the test score is reported as the trial's
// intermediate value at that step (step k after k+1 folds), so that a tune
// pruner can stop a candidate that is clearly worse than the others after
// a fold or two; candidates run in parallel as tune workers. Given a
// persistent storage (SQLite, PostgreSQL), the study outlives the process:
// a search started again with the same study name resumes, running only
// the trials that are left and reporting all of them.
//
// The package sits above both tune and learn: learn never imports tune
// (see DESIGN.md).
package search
