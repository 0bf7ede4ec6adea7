#!/usr/bin/python3
"""Generate replay.json and wilcoxon.json, golden data for pruner.

Run with Debian's python3-optuna (3.1) and python3-scipy, from a directory
that holds no module shadowing the standard library:

    cd /tmp && /usr/bin/python3 /work/main/pruner/testdata/gen_replay.py

replay.json: for each case, Optuna runs a study of scripted learning
curves one trial after the other (ask, report each step, should_prune,
tell), under one pruner configuration, and records at which step each trial
was pruned (or null). tune's test replays the same curves through a tune
study and must prune the same trials at the same steps. Floats are Python
reprs in strings, so that NaN survives JSON.

wilcoxon.json: scipy.stats.wilcoxon(d, zero_method="zsplit",
alternative=...) p-values, the statistic behind WilcoxonPruner (which
Optuna 3.1 does not have).
"""

import json
import math
import os
import random
import warnings

import numpy as np
import optuna
import scipy
from optuna.trial import TrialState
from scipy import stats

warnings.simplefilter("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)
HERE = os.path.dirname(os.path.abspath(__file__))


def curves(rng, n_trials, n_steps, nan_rate):
    """Learning curves of a loss: final value + a decaying excess + noise."""
    out = []
    for _ in range(n_trials):
        final = rng.uniform(0, 1)
        excess = rng.uniform(0.2, 2)
        rate = rng.uniform(0.3, 1.5)
        c = []
        for s in range(n_steps):
            v = final + excess / (s + 1) ** rate + rng.gauss(0, 0.02)
            if rng.random() < nan_rate:
                v = math.nan
            c.append(round(v, 6))
        out.append(c)
    return out


def pruners():
    P = optuna.pruners
    yield "sha default", lambda: P.SuccessiveHalvingPruner(), {"kind": "sha"}
    yield "sha min 1, rf 2", lambda: P.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2), {"kind": "sha", "min_resource": 1, "reduction_factor": 2}
    yield "sha min 2, rf 3, rate 1, bootstrap 2", lambda: P.SuccessiveHalvingPruner(min_resource=2, reduction_factor=3, min_early_stopping_rate=1, bootstrap_count=2), {"kind": "sha", "min_resource": 2, "reduction_factor": 3, "min_early_stopping_rate": 1, "bootstrap_count": 2}
    yield "hyperband default", lambda: P.HyperbandPruner(), {"kind": "hyperband"}
    yield "hyperband max 27, rf 3", lambda: P.HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3), {"kind": "hyperband", "min_resource": 1, "max_resource": 27, "reduction_factor": 3}
    yield "hyperband min 2, max 40, rf 2, bootstrap 1", lambda: P.HyperbandPruner(min_resource=2, max_resource=40, reduction_factor=2, bootstrap_count=1), {"kind": "hyperband", "min_resource": 2, "max_resource": 40, "reduction_factor": 2, "bootstrap_count": 1}
    yield "threshold upper 1.2, warmup 2, interval 2", lambda: P.ThresholdPruner(upper=1.2, n_warmup_steps=2, interval_steps=2), {"kind": "threshold", "upper": 1.2, "warmup": 2, "interval": 2}
    yield "threshold lower 0.3", lambda: P.ThresholdPruner(lower=0.3), {"kind": "threshold", "lower": 0.3}
    yield "patient 2 over median", lambda: P.PatientPruner(P.MedianPruner(n_startup_trials=3), patience=2), {"kind": "patient", "patience": 2, "wrapped": "median3"}
    yield "patient 1, delta 0.05, alone", lambda: P.PatientPruner(None, patience=1, min_delta=0.05), {"kind": "patient", "patience": 1, "min_delta": 0.05}
    yield "percentile 25", lambda: P.PercentilePruner(25.0, n_startup_trials=3), {"kind": "percentile", "percentile": 25, "startup": 3}
    yield "percentile 90, warmup 3", lambda: P.PercentilePruner(90.0, n_startup_trials=2, n_warmup_steps=3), {"kind": "percentile", "percentile": 90, "startup": 2, "warmup": 3}


def replay(name, pruner, direction, cs):
    study = optuna.create_study(study_name=name, direction=direction, pruner=pruner)
    pruned_at = []
    for c in cs:
        t = study.ask()
        at = None
        for s, v in enumerate(c):
            t.report(v, s)
            if t.should_prune():
                at = s
                break
        if at is None:
            final = c[-1]
            if math.isnan(final):
                study.tell(t, state=TrialState.FAIL)
            else:
                study.tell(t, final)
        else:
            study.tell(t, state=TrialState.PRUNED)
        pruned_at.append(at)
    return pruned_at


def main():
    rng = random.Random(20261128)
    cases = []
    for label, make_pruner, config in pruners():
        for direction in ("minimize", "maximize"):
            pruner = make_pruner()  # a fresh one: Optuna's pruners cache estimates
            n_steps = rng.choice([10, 27, 40])
            cs = curves(rng, 40, n_steps, 0.01 if config["kind"] != "hyperband" else 0.0)
            if direction == "maximize":
                cs = [[-v for v in c] for c in cs]
            name = f"replay-{len(cases)}"
            cases.append({
                "label": label, "study": name, "direction": direction, "config": config,
                "curves": [[repr(float(v)) for v in c] for c in cs],
                "pruned_at": replay(name, pruner, direction, cs),
            })
    with open(os.path.join(HERE, "replay.json"), "w") as f:
        json.dump({"optuna": optuna.__version__, "cases": cases}, f, separators=(",", ":"))

    wcases = []
    nrng = np.random.RandomState(3)
    for n in (1, 2, 3, 5, 8, 12, 20, 35, 50, 51, 80):
        for kind in ("plain", "ties", "zeros"):
            d = nrng.normal(-0.3, 1, size=n)
            if kind == "ties":
                d = np.round(d, 1)
            if kind == "zeros":
                d = np.round(d)
            if kind == "zeros" and not np.any(d == 0):
                d[0] = 0
            if np.all(d == 0):
                continue
            for alt in ("less", "greater"):
                p = stats.wilcoxon(d, zero_method="zsplit", alternative=alt).pvalue
                wcases.append({"d": d.tolist(), "alternative": alt, "p": float(p)})
    with open(os.path.join(HERE, "wilcoxon.json"), "w") as f:
        json.dump({"scipy": scipy.__version__, "cases": wcases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
