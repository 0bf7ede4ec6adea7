"""Reference distributions of Optuna 3.1's TPE proposals, for sampler/tpe.

Run with Debian's python3-optuna (3.1) from any directory (about 3 minutes):

    /usr/bin/python3 sampler/tpe/testdata/gen_proposals.py > sampler/tpe/testdata/proposals.json

reference.json pins the estimators' densities and the winner among fixed
candidates; this pins the whole proposal, end to end through Optuna's
sampler: history, split, weights, candidates drawn from l(x) with Optuna's
random source, and the winner. It runs Optuna's multivariate TPE on Branin
for 120 trials (a history that has clustered on the minima, as real ones
do), then asks a study that holds exactly that history for many proposals
(running trials do not count without the constant liar) with each
configuration, and writes the 1st..99th percentiles of each parameter's
proposals. The configurations are Optuna 3.1's own, unscaled kernels
included: tune's Optuna31() and its multivariate counterpart.
"""

import json
import math

import numpy as np
import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial

optuna.logging.set_verbosity(optuna.logging.WARNING)
N_HISTORY = 120
N_PROPOSALS = 10000
SPACE = {"x": FloatDistribution(-5, 10), "y": FloatDistribution(0, 15)}


def branin(x, y):
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10


def objective(trial):
    return branin(trial.suggest_float("x", -5, 10), trial.suggest_float("y", 0, 15))


import warnings

warnings.simplefilter("ignore")
hist_study = optuna.create_study(sampler=optuna.samplers.TPESampler(multivariate=True, seed=1))
hist_study.optimize(objective, n_trials=N_HISTORY)
history = [[t.params["x"], t.params["y"], t.value] for t in hist_study.trials]

out = {"optuna": optuna.__version__, "history": history, "proposals": N_PROPOSALS, "configs": []}
for name, multivariate in [("independent", False), ("multivariate", True)]:
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(multivariate=multivariate, seed=2))
    study.add_trials(
        [create_trial(params={"x": h[0], "y": h[1]}, distributions=SPACE, value=h[2]) for h in history]
    )
    xs, ys = [], []
    for _ in range(N_PROPOSALS):
        t = study.ask(SPACE)
        xs.append(t.params["x"])
        ys.append(t.params["y"])
    q = list(range(1, 100))
    out["configs"].append(
        {
            "name": name,
            "multivariate": multivariate,
            "percentiles": {"x": np.percentile(xs, q).tolist(), "y": np.percentile(ys, q).tolist()},
        }
    )
print(json.dumps(out, indent=1))
