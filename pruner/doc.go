// Package pruner holds the Pruner interface and tune's pruners, which stop
// unpromising trials early from the intermediate values that trials report.
//
// A pruner decides from what is stored (the study's trials, through
// core.Study), never from memory of one process, so it gives the same
// answer for a trial whichever worker asks.
package pruner
