// Package cmaes is the CMA-ES sampler, like Optuna 3.1's CmaEsSampler, and
// its pure numeric core.
//
// The core, CMA, is the covariance matrix adaptation evolution strategy
// (Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772) with
// an ask-and-tell interface, following the cmaes Python library (0.9.1)
// closely enough that the same solutions told give the same states to
// 1e-10 (testdata/reference.json, made by testdata/gen_reference.py). It
// has the separable variant (Ros and Hansen, PPSN 2008), the margin
// correction for discrete coordinates (Hamano et al., "CMA-ES with Margin",
// GECCO 2022), the library's termination criteria (CMA.ShouldStop), and
// IPOP (Auger and Hansen, CEC 2005) and BIPOP (Hansen, GECCO 2009)
// restarts (Restarts).
//
// Sampler runs the core over a study's numeric parameters; see Sampler for
// how it keeps the optimizer's state in the trials so that many workers,
// in any processes, agree on it.
package cmaes
