// Package random is the random-search sampler: each parameter is drawn
// independently and uniformly from its distribution (on the log scale for log
// distributions), as Optuna's RandomSampler does.
package random
