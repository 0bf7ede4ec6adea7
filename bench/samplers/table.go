package main

import (
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/auto"
	"github.com/go-tune/tune/sampler/cmaes"
	"github.com/go-tune/tune/sampler/gp"
	"github.com/go-tune/tune/sampler/qmc"
	"github.com/go-tune/tune/sampler/random"
	"github.com/go-tune/tune/sampler/tpe"
)

// entry is one row of the sample-efficiency table: a tune sampler and its
// Optuna counterpart, either of which may be missing.
type entry struct {
	// Name is what -samplers selects the row by.
	Name string
	// Label describes the row in the tables.
	Label string
	// Tune returns a new tune sampler for one study; nil when the row is
	// Optuna's only.
	Tune func() (sampler.Sampler, error)
	// Optuna is a Python expression of the Optuna sampler, evaluated with
	// the names optuna and seed; "" when the row is tune's only.
	Optuna string
}

// entries is the table of samplers measured, in the order of the report.
// Adding a sampler is adding a line here.
var entries = []entry{
	{"random", "random", newRandom, "optuna.samplers.RandomSampler(seed=seed)"},
	{"tpe31", "TPE, Optuna 3.1 default (independent)", newTPE(tpe.Optuna31()), "optuna.samplers.TPESampler(seed=seed)"},
	{"tpe-mv", "TPE multivariate, no liar", newTPE(tpe.Config{Multivariate: true, NoConstantLiar: true}), "optuna.samplers.TPESampler(multivariate=True, seed=seed)"},
	{"tpe", "TPE, tune default (constant liar)", newTPE(tpe.Config{}), ""},
	{"qmc", "QMC, scrambled Sobol", newQMC, "optuna.samplers.QMCSampler(scramble=True, seed=seed)"},
	{"cmaes", "CMA-ES", newCMAES, "optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)"},
	// Optuna 3.1 has no GP sampler.
	{"gp", "GP (log EI)", newGP, ""},
	{"auto", "auto (GP, then TPE)", newAuto, ""},
}

// The rows that the targets compare.
const (
	tuneTPE   = "tpe"   // tune's default TPE, against Optuna's default TPE (tpe31's Optuna side)
	optunaTPE = "tpe31" // Optuna's default TPESampler
)

func newRandom() (sampler.Sampler, error) { return random.New(), nil }

func newCMAES() (sampler.Sampler, error) { return cmaes.New(cmaes.Config{}) }

func newQMC() (sampler.Sampler, error) { return qmc.New(qmc.Config{}) }

func newGP() (sampler.Sampler, error) { return gp.New(gp.Config{}) }

func newAuto() (sampler.Sampler, error) { return auto.New(auto.Config{}) }

func newTPE(cfg tpe.Config) func() (sampler.Sampler, error) {
	return func() (sampler.Sampler, error) { return tpe.New(cfg) }
}
