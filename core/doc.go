// Package core holds the types that every part of tune shares: distributions,
// trial records, trial states, study directions and the view of a study that
// samplers and pruners receive.
//
// It imports nothing of the project, so that samplers, pruners and storages can
// all depend on it without depending on each other. Its encodings follow
// Optuna's (distribution JSON, internal float64 parameter values, state and
// direction names), because tune's storages share Optuna's database schema.
package core
