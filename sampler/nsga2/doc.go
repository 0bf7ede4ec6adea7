// Package nsga2 implements NSGA-II, the elitist non-dominated sorting
// genetic algorithm of Deb, Pratap, Agarwal and Meyarivan ("A fast and
// elitist multiobjective genetic algorithm: NSGA-II", IEEE Transactions on
// Evolutionary Computation 6(2), 2002), as a sampler for studies with one
// or several objectives, after Optuna 3.1's NSGAIISampler.
//
// Trials are grouped in generations of Config.PopulationSize. The first
// generation is sampled at random; each later trial is a child of parents
// drawn by binary tournament from the parent population, crossed over
// (Config.Crossover: uniform, BLX-α, SBX, vSBX, UNDX or SPX) and mutated.
// The parent population of a generation is the elite of the previous
// generation and its own parents: the best PopulationSize by non-dominated
// rank, ties in the last rank broken by crowding distance.
//
// All the state is in the trials' system attributes (AttrGeneration,
// AttrParents, AttrConstraints); the parent populations are derived from
// them alike by every worker, in any process.
//
// Constraints follow Optuna: a trial's constraint values, stored in its
// system attribute AttrConstraints, make it feasible when none is
// positive; a feasible trial dominates an infeasible one, and of two
// infeasible trials the one with the smaller total violation dominates. Set
// Config.ConstraintsFunc to compute them when each trial ends.
package nsga2
