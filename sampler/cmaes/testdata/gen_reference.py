"""Generate reference.json: CMA-ES states from the cmaes library (0.9.1).

Run from a directory outside the repository, with the system Python that has
cmaes, numpy and scipy:

    cd /tmp && /usr/bin/python3 /path/to/sampler/cmaes/testdata/gen_reference.py > /path/to/reference.json

Each case builds an optimizer, then for a number of generations draws
solutions with its own numpy generator (so the library's sampler is not
involved), evaluates them on a fixed quadratic, tells them, and records the
solutions told and the state that results (mean, sigma, covariance, evolution
paths; for CMAwM also the margin scaling A). The Go test tells the same
solutions and compares the states.
"""
import json
import sys

import numpy as np
from cmaes import CMA, CMAwM, SepCMA


def quadratic(x):
    return float(sum((i + 1) * (xi - 1.0 + 0.1 * i) ** 2 for i, xi in enumerate(x)))


def draw(rng, mean, sigma, cov, n):
    # A sample around the current distribution, from our own generator.
    L = np.linalg.cholesky(cov + 1e-300 * np.eye(n))
    return mean + sigma * L.dot(rng.standard_normal(n))


def run(kind, n, gens, popsize=None, bounds=None, steps=None, seed=1):
    mean = np.full(n, 3.0)
    sigma = 1.5
    if kind == "cma":
        opt = CMA(mean=mean.copy(), sigma=sigma, bounds=bounds, population_size=popsize)
        core = opt
    elif kind == "sep":
        opt = SepCMA(mean=mean.copy(), sigma=sigma, bounds=bounds, population_size=popsize)
        core = opt
    else:
        opt = CMAwM(mean=mean.copy(), sigma=sigma, bounds=bounds, steps=steps, population_size=popsize)
        core = opt._cma
    rng = np.random.RandomState(seed)
    out = {
        "kind": kind,
        "dim": n,
        "popsize": opt.population_size,
        "mean0": mean.tolist(),
        "sigma0": sigma,
        "bounds": None if bounds is None else bounds.tolist(),
        "steps": None if steps is None else steps.tolist(),
        "generations": [],
    }
    for g in range(gens):
        cov = core._C if kind != "sep" else np.diag(core._C)
        sols = []
        for _ in range(opt.population_size):
            x = draw(rng, core._mean, core._sigma, cov, n)
            if kind == "wm":
                # Evaluate the encoded point, tell the raw one.
                xe = x.copy()
                xe[opt._discrete_idx] = opt._encode_discrete_params(x[opt._discrete_idx])
                sols.append((x, quadratic(xe)))
            else:
                sols.append((x, quadratic(x)))
        told = [(s[0].tolist(), s[1]) for s in sols]
        opt.tell(sols)
        rec = {
            "x": [t[0] for t in told],
            "values": [t[1] for t in told],
            "mean": core._mean.tolist(),
            "sigma": float(core._sigma),
            "pc": core._pc.tolist(),
            "ps": core._p_sigma.tolist(),
            "should_stop": bool(opt.should_stop()),
        }
        # should_stop runs the eigendecomposition, which rebuilds C: record it after.
        rec["cov"] = core._C.tolist()
        if kind == "wm":
            rec["a"] = opt._A.tolist()
        out["generations"].append(rec)
    return out


def main():
    cases = {
        "cma_dim3": run("cma", 3, 40),
        "cma_dim5_pop12": run("cma", 5, 25, popsize=12, seed=2),
        "cma_dim2_bounds": run("cma", 2, 20, bounds=np.array([[-1.0, 4.0], [0.0, 5.0]]), seed=3),
        "sep_dim4": run("sep", 4, 40, seed=4),
        "wm_dim3": run(
            "wm", 3, 40,
            bounds=np.array([[-10.0, 10.0], [-4.0, 6.0], [0.0, 8.0]]),
            steps=np.array([0.0, 1.0, 2.0]),
            seed=5,
        ),
    }
    json.dump(cases, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
