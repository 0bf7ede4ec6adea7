"""Reference values for sampler/tpe, from Optuna 3.1's TPE.

Run with Debian's python3-optuna (3.1) from any directory:

    /usr/bin/python3 sampler/tpe/testdata/gen_reference.py > sampler/tpe/testdata/reference.json

For fixed observations it fits Optuna's Parzen estimators (the good set's and
the rest's) and writes their kernels, their log densities at fixed points and
the point with the largest log l(x) - log g(x); and, for lists of trial
scores, Optuna's split into the good set and the rest.

Optuna 3.1's truncated normal log density leaves out the kernel's -log(sigma)
(its kernels integrate to sigma, not 1); today's Optuna has the term. The
script computes the log densities both ways: with the term put back (tune's
Config.Scaled) and as 3.1 has them (tune's default), with 3.1's kernels,
weights and bandwidths either way. It also makes
the estimator's sort of the observations stable (see below).
"""

import json
import sys

import numpy as np
import optuna
from optuna.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)
from optuna.samplers._tpe import _truncnorm
from optuna.samplers._tpe import parzen_estimator as pe
from optuna.samplers._tpe.sampler import (
    _calculate_weights_below_for_multi_objective,
    _split_observation_pairs,
    default_weights,
)

_logpdf = _truncnorm.logpdf


def logpdf(x, a, b, loc=0, scale=1):
    return _logpdf(x, a, b, loc=loc, scale=scale) - np.log(scale)


_truncnorm.logpdf = logpdf
pe.truncnorm.logpdf = logpdf

# numpy's default argsort is not stable beyond 16 values: tied observations
# (common for discrete parameters) would get their bandwidths in an
# unspecified order. tune sorts stably; so does the reference.
_argsort = np.argsort


def stable_argsort(a, *args, **kwargs):
    kwargs.setdefault("kind", "stable")
    return _argsort(a, *args, **kwargs)


pe.np = type(np)("numpy_stable")
pe.np.__dict__.update(np.__dict__)
pe.np.argsort = stable_argsort

rng = np.random.RandomState(7)


def params(multivariate):
    return pe._ParzenEstimatorParameters(True, 1.0, True, False, default_weights, multivariate)


def draw(dist, n):
    if isinstance(dist, CategoricalDistribution):
        return rng.randint(0, len(dist.choices), n).astype(float)
    if isinstance(dist, IntDistribution):
        if dist.log:
            v = np.exp(rng.uniform(np.log(dist.low), np.log(dist.high), n))
            return np.clip(np.round(v), dist.low, dist.high)
        k = (dist.high - dist.low) // dist.step
        return (dist.low + rng.randint(0, k + 1, n) * dist.step).astype(float)
    if dist.log:
        return np.exp(rng.uniform(np.log(dist.low), np.log(dist.high), n))
    if dist.step is not None:
        k = int(round((dist.high - dist.low) / dist.step))
        return dist.low + rng.randint(0, k + 1, n) * dist.step
    return rng.uniform(dist.low, dist.high, n)


def case(name, space, n_below, n_above, multivariate, n_points=30):
    below = {k: draw(d, n_below) for k, d in space.items()}
    above = {k: draw(d, n_above) for k, d in space.items()}
    points = {
        k: draw(d, n_points).astype(int) if isinstance(d, CategoricalDistribution) else draw(d, n_points)
        for k, d in space.items()
    }
    l = pe._ParzenEstimator(below, space, params(multivariate))
    g = pe._ParzenEstimator(above, space, params(multivariate))
    log_l = l.log_pdf(points)
    log_g = g.log_pdf(points)
    # And with Optuna 3.1's own (unscaled) kernels.
    pe.truncnorm.logpdf = _logpdf
    log_l31 = l.log_pdf(points)
    log_g31 = g.log_pdf(points)
    pe.truncnorm.logpdf = logpdf
    return {
        "name": name,
        "multivariate": multivariate,
        "space": [{"name": k, "dist": json.loads(distribution_to_json(d))} for k, d in space.items()],
        "below": {k: v.tolist() for k, v in below.items()},
        "above": {k: v.tolist() for k, v in above.items()},
        "points": {k: v.tolist() for k, v in points.items()},
        "weights_below": l._weights.tolist(),
        "mus_below": {k: (None if v is None else v.tolist()) for k, v in l._mus.items()},
        "sigmas_below": {k: (None if v is None else v.tolist()) for k, v in l._sigmas.items()},
        "log_l": log_l.tolist(),
        "log_g": log_g.tolist(),
        "best": int(np.argmax(log_l - log_g)),
        "log_l31": log_l31.tolist(),
        "log_g31": log_g31.tolist(),
        "best31": int(np.argmax(log_l31 - log_g31)),
    }


cases = [
    case("float", {"x": FloatDistribution(-5, 5)}, 5, 20, False),
    case("float-few", {"x": FloatDistribution(0, 1)}, 1, 2, False),
    case("float-empty", {"x": FloatDistribution(0, 1)}, 0, 3, False),
    case("float-ramp", {"x": FloatDistribution(-5, 5)}, 25, 60, False),
    case("float-log", {"lr": FloatDistribution(1e-5, 1, log=True)}, 4, 30, False),
    case("float-step", {"q": FloatDistribution(0, 1, step=0.125)}, 3, 12, False),
    case("int", {"n": IntDistribution(1, 9)}, 3, 12, False),
    case("int-step", {"n": IntDistribution(0, 30, step=3)}, 4, 16, False),
    case("int-log", {"units": IntDistribution(1, 1024, log=True)}, 4, 20, False),
    case("categorical", {"c": CategoricalDistribution(["a", "b", "c", None])}, 5, 15, False),
    case(
        "multivariate",
        {
            "x": FloatDistribution(-5, 5),
            "lr": FloatDistribution(1e-4, 1, log=True),
            "n": IntDistribution(1, 9),
            "c": CategoricalDistribution([1, 2.5, True]),
        },
        6,
        40,
        True,
    ),
    case("multivariate-ramp", {"x": FloatDistribution(-5, 5), "y": FloatDistribution(0, 1)}, 25, 50, True),
]

# Splits: Complete (-inf, v), Pruned (-step, v) or (1, 0), Running (inf, inf).
inf = float("inf")
splits = []
for n_below, scores in [
    (2, [(-inf, 3.0), (-inf, 1.0), (-inf, 2.0), (-inf, 1.0), (-inf, 0.5)]),
    (3, [(-inf, 3.0), (-4, 0.1), (-inf, 2.0), (-7, 9.0), (1, 0.0), (inf, inf), (-4, 0.05), (-inf, 5.0)]),
    (4, [(-2, inf), (-2, 1.0), (-inf, 8.0), (1, 0.0), (-inf, 7.0), (inf, inf)]),
]:
    below, above = _split_observation_pairs([(s, [v]) for s, v in scores], n_below, None)
    splits.append(
        {
            "scores": [[s, v] for s, v in scores],
            "n_below": n_below,
            "below": below.tolist(),
            "above": above.tolist(),
        }
    )


# Several objectives: the good set (in Optuna's order: by rank, then by
# hypervolume subset selection) and its weights.
multi = []
for n, k, n_below in [(30, 2, 5), (40, 2, 12), (25, 3, 6), (20, 3, 20), (12, 4, 5)]:
    lv = rng.uniform(0, 1, (n, k))
    lv[3] = lv[4]  # a tie
    scores = [(-inf, list(v)) for v in lv]
    below, above = _split_observation_pairs(scores, n_below, None)
    weights = _calculate_weights_below_for_multi_objective(scores, below, None)
    multi.append(
        {
            "values": lv.tolist(),
            "n_below": n_below,
            "below": below.tolist(),
            "above": above.tolist(),
            "weights": weights.tolist(),
        }
    )


# Group decomposition of conditional spaces: trials' parameter names, and
# Optuna's groups (as sorted name lists).
from optuna.samplers._search_space.group_decomposed import _SearchSpaceGroup

groups = []
names = ["a", "b", "c", "d", "e", "f", "g"]
for case_i in range(4):
    trials = []
    for _ in range(8):
        k = rng.randint(1, len(names) + 1)
        trials.append(sorted(rng.choice(names, k, replace=False).tolist()))
    g = _SearchSpaceGroup()
    for t in trials:
        g.add_distributions({n: FloatDistribution(0, 1) for n in t})
    groups.append({"trials": trials, "groups": sorted(sorted(s.keys()) for s in g.search_spaces)})


def clean(x):
    if isinstance(x, float):
        if x == inf:
            return "inf"
        if x == -inf:
            return "-inf"
        return x
    if isinstance(x, list):
        return [clean(v) for v in x]
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    return x


json.dump(
    {"optuna": optuna.__version__, "cases": clean(cases), "splits": clean(splits), "multi": multi, "groups": groups},
    sys.stdout,
    indent=1,
)
sys.stdout.write("\n")
