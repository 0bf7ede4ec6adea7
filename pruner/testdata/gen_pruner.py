#!/usr/bin/python3
"""Generate median.json and percentile.json, Optuna golden data for pruner.

Run with the Python that has Optuna 3.1 and numpy installed, from any
directory that does not hold modules shadowing the standard library (such as
logging.py):

    cd /tmp && /usr/bin/python3 /work/main/pruner/testdata/gen_pruner.py

median.json holds MedianPruner decisions: each case is a study (its
direction, and its trials in number order with their states and
intermediate values), a running trial that reports values in the recorded
order through study.ask() and trial.report(), Optuna's MedianPruner
configuration, and trial.should_prune(). percentile.json holds
numpy.nanpercentile results. Floats are written as Python's repr in
strings, so that NaN and infinities survive JSON.
"""

import json
import math
import os
import random
import warnings

import numpy as np
import optuna
from optuna.trial import TrialState

warnings.simplefilter("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)

HERE = os.path.dirname(os.path.abspath(__file__))


def frepr(x):
    return repr(float(x))


def noisy(rng, x):
    r = rng.random()
    if r < 0.05:
        return math.nan
    if r < 0.08:
        return math.inf
    if r < 0.09:
        return -math.inf
    return x


def history(rng, n_steps, base, skip, digits):
    """Intermediate values at a subset of range(n_steps), in step order."""
    out = []
    for step in range(n_steps):
        if rng.random() < skip:
            continue
        v = base + 2.0 / (step + 1) + rng.gauss(0, 0.3)
        out.append((step, noisy(rng, round(v, digits))))
    return out


CONFIGS = [
    (startup, warmup, interval, min_trials)
    for startup in (0, 5)
    for warmup in (0, 3)
    for interval in (1, 3)
    for min_trials in (1, 3)
]


def make_case(rng, config, direction):
    startup, warmup, interval, min_trials = config
    n_steps = rng.randrange(2, 10)
    # Coarse values make ties with the median, which must not prune.
    digits = rng.choice([6, 6, 1, 0, 0])
    n_complete = rng.choice([0, 1, 2, 3, 4, 5, 5, 6, 7, 8, 10])
    trials = []
    for _ in range(n_complete):
        base = rng.gauss(0, 1)
        steps = history(rng, n_steps, base, rng.choice([0.0, 0.1, 0.3]), digits)
        value = steps[-1][1] if steps and rng.random() < 0.8 else round(base, 6)
        if math.isnan(value):
            value = round(base, 6)
        trials.append({"state": "COMPLETE", "value": value, "intermediate": steps})
    for _ in range(rng.choice([0, 0, 1, 2])):
        state = rng.choice(["PRUNED", "FAIL", "RUNNING"])
        steps = history(rng, n_steps, rng.gauss(-1, 1), 0.2, digits)
        trials.insert(rng.randrange(len(trials) + 1),
                      {"state": state, "value": None, "intermediate": steps})

    # The running trial: reports up to a last step, skipping some.
    last = rng.randrange(n_steps)
    base = rng.gauss(0, 1.2)
    running = []
    for step in range(last + 1):
        if step == last or rng.random() < 0.7:
            v = base + 2.0 / (step + 1) + rng.gauss(0, 0.3)
            running.append((step, noisy(rng, round(v, digits))))
    r = rng.random()
    if r < 0.05:
        running = [(s, math.nan) for s, _ in running]
    elif r < 0.08:
        running = []
    if rng.random() < 0.3:
        rng.shuffle(running)

    pruner = optuna.pruners.MedianPruner(
        n_startup_trials=startup, n_warmup_steps=warmup, interval_steps=interval,
        n_min_trials=min_trials)
    study = optuna.create_study(direction=direction, pruner=pruner)
    for t in trials:
        state = TrialState[t["state"]]
        study.add_trial(optuna.trial.create_trial(
            state=state,
            value=t["value"] if state == TrialState.COMPLETE else None,
            intermediate_values=dict(t["intermediate"]),
            params={}, distributions={}))
    trial = study.ask()
    for step, v in running:
        trial.report(v, step)
    decision = bool(trial.should_prune())

    return {
        "direction": direction,
        "n_startup_trials": startup,
        "n_warmup_steps": warmup,
        "interval_steps": interval,
        "n_min_trials": min_trials,
        "trials": [
            {"state": t["state"],
             "value": None if t["value"] is None else frepr(t["value"]),
             "intermediate": [[s, frepr(v)] for s, v in t["intermediate"]]}
            for t in trials],
        "running": [[s, frepr(v)] for s, v in running],
        "prune": decision,
    }


def median_cases():
    rng = random.Random(314159)
    want = 200  # of each decision
    counts = {True: 0, False: 0}
    cases = []
    i = 0
    while counts[True] < want or counts[False] < want:
        config = CONFIGS[i % len(CONFIGS)]
        direction = ("minimize", "maximize")[(i // len(CONFIGS)) % 2]
        i += 1
        case = make_case(rng, config, direction)
        if counts[case["prune"]] >= want:
            continue
        counts[case["prune"]] += 1
        cases.append(case)
    return cases


def percentile_cases():
    rng = random.Random(271828)
    arrays = [
        [], [math.nan], [math.nan, math.nan], [1.0], [1.0, 2.0], [2.0, 1.0, math.nan],
        [math.inf], [math.inf, math.inf], [-math.inf, math.inf], [1.0, math.inf],
        [-math.inf, 1.0], [-math.inf, -math.inf, 0.0], [1.0, 1.0, 1.0], [0.0, -0.0],
        [1e308, -1e308], [1e308, 1.7976931348623157e308], [5e-324, -5e-324, 0.0],
        [3.0, 1.0, math.inf, math.nan, 2.0], [math.inf, math.nan, -math.inf, 0.0, 1.0],
    ]
    for _ in range(60):
        n = rng.randrange(1, 13)
        xs = []
        for _ in range(n):
            r = rng.random()
            if r < 0.1:
                xs.append(math.nan)
            elif r < 0.15:
                xs.append(math.inf)
            elif r < 0.2:
                xs.append(-math.inf)
            elif r < 0.3 and xs:
                xs.append(rng.choice(xs))
            else:
                xs.append(rng.gauss(0, 10 ** rng.randrange(-3, 4)))
        arrays.append(xs)
    ps = [0.0, 100.0, 50.0, 25.0, 75.0, 10.0, 90.0, 33.3, 12.5]
    out = []
    for xs in arrays:
        for p in ps + [rng.uniform(0, 100)]:
            r = np.nanpercentile(np.array(xs, dtype=float), p)
            out.append({"values": [frepr(x) for x in xs], "p": frepr(p), "result": frepr(r)})
    return out


def write(name, meta, cases):
    """Writes meta and cases as JSON, one case a line."""
    with open(os.path.join(HERE, name), "w") as f:
        head = json.dumps(meta, allow_nan=False)[:-1]
        f.write(head + ', "cases": [\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":"), allow_nan=False) for c in cases))
        f.write("\n]}\n")


def main():
    meta = {"optuna_version": optuna.__version__, "numpy_version": np.__version__}
    write("median.json", meta, median_cases())
    write("percentile.json", meta, percentile_cases())


if __name__ == "__main__":
    main()
