// Package grid is the grid-search sampler: every combination of the given
// parameter values is evaluated exactly once, and the study ends when none is
// left, as with Optuna's GridSampler.
//
// "Exactly once" holds across workers in one process and across processes
// sharing a storage: each combination is claimed through the storage by a
// unique trial key (storage.TrialSpec.Key), so the decision is made from what
// is stored, never from one process's memory. A combination whose trial
// failed counts as evaluated, as in Optuna.
package grid
