#!/usr/bin/python3
"""Generate reference.json, the reference values of bench/functions' tests.

Run with the Python that has numpy, scipy and Optuna 3.1 installed, from a
directory that holds no modules shadowing the standard library:

    cd /tmp && /usr/bin/python3 /work/main/bench/functions/testdata/gen_reference.py

It writes reference.json beside this script:

- "problems": for each problem (named as the Go Problem.Name), points x as
  internal values in Space order and the objective values f computed here
  with numpy formulas written independently of the Go code: the known argmin
  where there is one, the lower and upper corners, the centre, and random
  points from a seeded generator (on the grid of stepped, integer and
  categorical parameters). For ZDT problems, "front_hv" is the hypervolume
  of the Pareto front against (11, 11), integrated with scipy.
- "hypervolume": random 2-d point sets with a reference point and their
  hypervolume by optuna._hypervolume.WFG.

Floats are written as Python's repr, which round-trips every bit.
"""

import json
import math
import os

import numpy as np
import optuna
import scipy
from scipy import integrate
from optuna._hypervolume import WFG


def branin(x):
    x1, x2 = x[..., 0], x[..., 1]
    a, b, c, r, s, t = 1.0, 5.1 / (4 * np.pi**2), 5 / np.pi, 6.0, 10.0, 1 / (8 * np.pi)
    return a * (x2 - b * x1**2 + c * x1 - r) ** 2 + s * (1 - t) * np.cos(x1) + s


HART_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
HART_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
HART_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)


def hartmann6(x):
    inner = np.sum(HART_A * (x[..., None, :] - HART_P) ** 2, axis=-1)
    return -np.sum(HART_ALPHA * np.exp(-inner), axis=-1)


def rosenbrock(x):
    return np.sum(100.0 * (x[..., 1:] - x[..., :-1] ** 2) ** 2 + (1 - x[..., :-1]) ** 2, axis=-1)


def ackley(x):
    n = x.shape[-1]
    return (
        -20 * np.exp(-0.2 * np.sqrt(np.sum(x**2, axis=-1) / n))
        - np.exp(np.sum(np.cos(2 * np.pi * x), axis=-1) / n)
        + 20
        + np.e
    )


def styblinski_tang(x):
    return 0.5 * np.sum(x**4 - 16 * x**2 + 5 * x, axis=-1)


def rastrigin(x):
    n = x.shape[-1]
    return 10 * n + np.sum(x**2 - 10 * np.cos(2 * np.pi * x), axis=-1)


def mixed(x):
    lr, mom, drop, layers, opt = (x[..., i] for i in range(5))
    opt = opt.astype(int)
    c = np.array([-2.0, -3.0, -3.5])[opt]
    pen = np.array([0.5, 0.0, 0.2])[opt]
    a = np.log10(lr) - c
    b = 4 * (mom - 0.9)
    return a**2 + a * b + b**2 + 10 * (drop - 0.2) ** 2 + 0.25 * (layers - 3) ** 2 + pen


def zdt_g(x):
    return 1 + 9 * np.sum(x[..., 1:], axis=-1) / (x.shape[-1] - 1)


def zdt1(x):
    f1, g = x[..., 0], zdt_g(x)
    return np.stack([f1, g * (1 - np.sqrt(f1 / g))], axis=-1)


def zdt2(x):
    f1, g = x[..., 0], zdt_g(x)
    return np.stack([f1, g * (1 - (f1 / g) ** 2)], axis=-1)


def box(n, low, high):
    return [("float", low, high)] * n


# name: (space, objective, argmin or None); a space entry is
# ("float", low, high), ("log", low, high), ("step", low, high, step),
# ("int", low, high) or ("cat", number of choices).
ST_ARGMIN = -2.903534027771178
PROBLEMS = {
    "Branin": (box(1, -5, 10) + box(1, 0, 15), branin, [math.pi, 2.275]),
    "Hartmann-6": (
        box(6, 0, 1),
        hartmann6,
        [0.20168951100810, 0.15001069540141, 0.47687397967340, 0.27533243009227, 0.31165161560356, 0.65730053754733],
    ),
    "Rosenbrock-2": (box(2, -5, 10), rosenbrock, [1.0] * 2),
    "Rosenbrock-10": (box(10, -5, 10), rosenbrock, [1.0] * 10),
    "Ackley-1": (box(1, -32.768, 32.768), ackley, [0.0]),
    "Ackley-10": (box(10, -32.768, 32.768), ackley, [0.0] * 10),
    "Styblinski-Tang-2": (box(2, -5, 5), styblinski_tang, [ST_ARGMIN] * 2),
    "Styblinski-Tang-8": (box(8, -5, 5), styblinski_tang, [ST_ARGMIN] * 8),
    "Rastrigin-5": (box(5, -5.12, 5.12), rastrigin, [0.0] * 5),
    "Mixed-5": (
        [("log", 1e-5, 0.1), ("float", 0, 1), ("step", 0, 0.5, 0.05), ("int", 1, 8), ("cat", 3)],
        mixed,
        [1e-3, 0.9, 0.2, 3, 1],
    ),
    "ZDT1-30": (box(30, 0, 1), zdt1, None),
    "ZDT2-30": (box(30, 0, 1), zdt2, None),
    "ZDT1-3": (box(3, 0, 1), zdt1, None),
    "ZDT2-2": (box(2, 0, 1), zdt2, None),
}


def bounds(p):
    if p[0] == "cat":
        return 0.0, float(p[1] - 1)
    return float(p[1]), float(p[2])


def sample(rng, p):
    kind = p[0]
    if kind == "float":
        return rng.uniform(p[1], p[2])
    if kind == "log":
        return math.exp(rng.uniform(math.log(p[1]), math.log(p[2])))
    if kind == "step":
        k = rng.integers(0, round((p[2] - p[1]) / p[3]) + 1)
        return p[1] + k * p[3]
    if kind == "int":
        return float(rng.integers(p[1], p[2] + 1))
    return float(rng.integers(0, p[1]))


def snap(p, v):
    """Moves a centre value onto the grid of a discrete parameter."""
    if p[0] == "step":
        return p[1] + round((v - p[1]) / p[3]) * p[3]
    if p[0] in ("int", "cat"):
        return float(math.floor(v))
    return v


def points(name, space, argmin, rng):
    pts = []
    if argmin is not None:
        pts.append(list(argmin))
    lows = [bounds(p)[0] for p in space]
    highs = [bounds(p)[1] for p in space]
    pts.append(lows)
    pts.append(highs)
    pts.append([snap(p, (lo + hi) / 2) for p, lo, hi in zip(space, lows, highs)])
    for _ in range(5):
        pts.append([float(sample(rng, p)) for p in space])
    if name.startswith("ZDT"):
        # On the Pareto front: x0 = 0.25, the rest 0.
        pts.append([0.25] + [0.0] * (len(space) - 1))
    return pts


def front_hv(name):
    front = {"ZDT1": lambda t: 1 - math.sqrt(t), "ZDT2": lambda t: 1 - t * t}[name.split("-")[0]]
    area, _ = integrate.quad(front, 0, 1, epsabs=1e-14, epsrel=1e-14)
    return 11 * 11 - area


def main():
    rng = np.random.default_rng(20261128)
    problems = []
    for name, (space, f, argmin) in PROBLEMS.items():
        xs = points(name, space, argmin, rng)
        fs = np.atleast_2d(f(np.array(xs, dtype=float)).T).T
        entry = {"name": name, "x": xs, "f": [[float(v) for v in np.atleast_1d(row)] for row in fs]}
        if name.startswith("ZDT"):
            entry["front_hv"] = front_hv(name)
        problems.append(entry)

    hv = []
    cases = [(1, 1.1), (2, 1.1), (5, 1.1), (20, 1.1), (100, 1.1), (50, 11.0)]
    for size, r in cases:
        ref = np.array([r, r])
        pts = rng.uniform(0, 1, size=(size, 2))
        if r > 2:  # ZDT-like scale: spread over [0, 10]
            pts = pts * 10
        if size >= 5:
            pts[1] = pts[0]  # a repeated point
            pts[2] = np.minimum(pts[0] + 0.01, r - 1e-3)  # a dominated point
        hv.append({"ref": ref.tolist(), "points": pts.tolist(), "hv": float(WFG().compute(pts, ref))})

    out = {
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "optuna_version": optuna.__version__,
        "problems": problems,
        "hypervolume": hv,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
