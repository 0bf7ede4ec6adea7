"""Generates reference.json, the reference values of package gp's tests.

Run from any directory with numpy, scipy and mpmath installed:

    python3 gen_reference.py > reference.json

It writes:
  - "bounded": problems minimised by scipy.optimize.minimize(method="L-BFGS-B")
    (the test problems are defined alike in lbfgsb_test.go);
  - "logei": log(phi(z) + z Phi(z)) and its derivative Phi(z)/h(z), computed
    by mpmath with 120 digits;
  - "posterior": a GP with a Matern-5/2 ARD kernel (one categorical column,
    with Hamming distance) and fixed hyperparameters, computed directly with
    numpy: posterior means and variances, log marginal likelihood and
    Optuna's log prior.
"""
import json
import sys

import mpmath
import numpy as np
import scipy
import scipy.optimize as so


def rosen(x):
    return float(sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


def rosen_grad(x):
    return so.rosen_der(x)


def quad_problem(n, seed):
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(n, n))
    a = m @ m.T + n * np.eye(n)
    b = rng.normal(size=n) * 10
    return a, b


def bounded_cases():
    cases = []

    def run(name, f, g, x0, bounds, extra=None):
        r = so.minimize(f, np.array(x0, float), jac=g, method="L-BFGS-B", bounds=bounds,
                        options={"maxiter": 15000, "ftol": 1e-15, "gtol": 1e-10})
        c = {"name": name, "x0": list(map(float, x0)), "lo": [b[0] for b in bounds],
             "hi": [b[1] for b in bounds], "x": r.x.tolist(), "f": float(r.fun)}
        if extra:
            c.update(extra)
        cases.append(c)

    run("rosenbrock2", rosen, rosen_grad, [-1.2, 1.0], [(-2.0, 0.5), (-2.0, 2.0)])
    run("rosenbrock10", rosen, rosen_grad, [0.0] * 10, [(-0.5, 0.8)] * 10)
    run("rosenbrock5-interior", rosen, rosen_grad, [-0.5, 0.3, 0.1, -0.2, 0.4], [(-2.0, 2.0)] * 5)
    for name, n, seed, lo, hi, fixed in [("quadratic6", 6, 1, 0.0, 1.0, None),
                                         ("quadratic8-fixed", 8, 2, -1.0, 1.0, 3)]:
        a, b = quad_problem(n, seed)
        f = lambda x, a=a, b=b: float(0.5 * x @ a @ x - b @ x)
        g = lambda x, a=a, b=b: a @ x - b
        bounds = [(lo, hi)] * n
        x0 = [0.5 * (lo + hi)] * n
        if fixed is not None:
            bounds[fixed] = (0.25, 0.25)
            x0[fixed] = 0.25
        run(name, f, g, x0, bounds, {"a": a.tolist(), "b": b.tolist()})
    return cases


def logei_cases():
    mpmath.mp.dps = 120
    out = []
    for z in [-1e10, -1e8, -3e7, -1e5, -1e3, -100, -40, -38.5, -30, -26, -20, -10, -5, -2,
              -1.5, -1.0000001, -1, -0.9999999, -0.5, 0, 0.5, 1, 2, 5, 10, 30]:
        zm = mpmath.mpf(z)
        h = mpmath.npdf(zm) + zm * mpmath.ncdf(zm)
        out.append({"z": z, "log_h": float(mpmath.log(h)), "dlog_h": float(mpmath.ncdf(zm) / h)})
    return out


def matern52(u):
    r = np.sqrt(u)
    return (1 + np.sqrt(5) * r + 5.0 / 3.0 * u) * np.exp(-np.sqrt(5) * r)


def kernel(x1, x2, cat, lam, scale):
    d = x1[:, None, :] - x2[None, :, :]
    d2 = np.where(cat[None, None, :], (d != 0).astype(float), d * d)
    return scale * matern52((d2 * lam).sum(-1))


def posterior_case():
    rng = np.random.default_rng(5)
    n, m = 9, 6
    x = np.column_stack([rng.random(n), rng.random(n), rng.integers(0, 3, n).astype(float)])
    xs = np.column_stack([rng.random(m), rng.random(m), rng.integers(0, 3, m).astype(float)])
    xs[0] = x[2]  # a point observed
    y = np.sin(6 * x[:, 0]) + x[:, 1] ** 2 + 0.3 * x[:, 2]
    cat = np.array([False, False, True])
    lam, scale, noise = np.array([2.0, 0.5, 1.3]), 1.7, 0.01
    k = kernel(x, x, cat, lam, scale) + noise * np.eye(n)
    ks = kernel(xs, x, cat, lam, scale)
    kinv = np.linalg.inv(k)
    mean = ks @ kinv @ y
    var = scale - np.einsum("ij,jk,ik->i", ks, kinv, ks)
    sign, logdet = np.linalg.slogdet(k)
    lml = -0.5 * y @ kinv @ y - 0.5 * logdet - 0.5 * n * np.log(2 * np.pi)
    log_prior = (-(0.1 / lam + 0.1 * lam).sum() + (2 - 1) * np.log(scale) - scale
                 + (1.1 - 1) * np.log(noise) - 30 * noise)
    return {"x": x.tolist(), "y": y.tolist(), "cat": cat.tolist(), "inv_sq_lengthscales": lam.tolist(),
            "kernel_scale": scale, "noise_var": noise, "xs": xs.tolist(), "mean": mean.tolist(),
            "var": var.tolist(), "log_marginal": float(lml), "log_prior": float(log_prior)}


json.dump({"numpy": np.__version__, "scipy": scipy.__version__, "mpmath": mpmath.__version__,
           "bounded": bounded_cases(), "logei": logei_cases(), "posterior": posterior_case()},
          sys.stdout, indent=1)
sys.stdout.write("\n")
