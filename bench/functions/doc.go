// Package functions holds benchmark problems with known optima, shared by the
// samplers' tests and the sampler benchmark under bench/, in the manner of
// gonum's optimize/functions.
//
// A Problem is a search space of core distributions and an objective written
// over internal values (a categorical parameter is its choice's index). Every
// objective is minimised. The single-objective problems (Branin, Hartmann6,
// Rosenbrock, Ackley, StyblinskiTang, Rastrigin, Mixed) know their global
// minimum and a point that reaches it; the two-objective ones (ZDT1, ZDT2)
// know the hypervolume of their Pareto front, against which Hypervolume2D of a
// run's points gives the gap.
//
// SingleObjective and MultiObjective list the problems of the sampler
// benchmark at their standard dimensions. The formulas are checked against
// independent numpy ones in testdata/reference.json, written by
// testdata/gen_reference.py.
package functions
