#!/usr/bin/python3
"""Optuna's side of tune's interoperability tests (storage/rdb/interop_test.go).

The Go tests run this script with the system Python that has Optuna 3.x
(/usr/bin/python3) against a database that tune writes or reads, and compare
what it prints with what tune sees. It prints JSON on stdout (one document,
or for "optimize" a few lines); Optuna's logs and warnings go to stderr.

Subcommands (URL is a SQLAlchemy storage URL: sqlite:////abs.db,
postgresql://..., mysql+pymysql://...):

  dump URL NAME...     What Optuna sees of the studies: load_study each and
                       print {"studies": {NAME: study}} (see dump_study).
  claim URL NAME       Run one trial of NAME with study.optimize (so Optuna
                       claims the oldest Waiting trial, with its fixed
                       params), suggesting every parameter the study's trials
                       have, with the distribution they have it with; print
                       {"number": n, "trial": trial, "suggested": {name:
                       {"type", "value"}}}: the trial it ran, as a new
                       load_study reads it, and what suggest_* returned.
  create URL NAME      Create a study with Optuna: trials of every state,
                       every suggest_* kind, attributes, a failed trial, one
                       left Running (ask) and one enqueued (Waiting); print
                       the dump of it.
  optimize URL NAME N  load_study NAME, print "ready", wait for a line on
                       stdin, run study.optimize(n_trials=N) with a
                       RandomSampler (each trial sets the user attribute
                       "by": "optuna"), print "done".

Floats that JSON cannot hold are printed as Python's repr ("inf", "nan"),
which Go's strconv.ParseFloat reads back exactly.
"""

import json
import sys
import time

import optuna
from optuna.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.WARNING)


def iso(dt):
    return None if dt is None else dt.isoformat()


def dump_trial(t):
    params = {}
    for name, value in t.params.items():
        d = t.distributions[name]
        params[name] = {
            "type": type(value).__name__,
            "value": value,
            "internal": repr(d.to_internal_repr(value)),
            "distribution": distribution_to_json(d),
        }
    return {
        "number": t.number,
        "state": t.state.name,
        "params": params,
        "values": None if t.values is None else [repr(float(v)) for v in t.values],
        "intermediate": [[s, repr(float(v))] for s, v in sorted(t.intermediate_values.items())],
        "user_attrs": t.user_attrs,
        "system_attrs": t.system_attrs,
        "datetime_start": iso(t.datetime_start),
        "datetime_complete": iso(t.datetime_complete),
    }


def dump_study(url, name):
    study = optuna.load_study(study_name=name, storage=url)
    trials = study.get_trials(deepcopy=False)
    out = {
        "directions": [d.name for d in study.directions],
        "user_attrs": study.user_attrs,
        "system_attrs": study._storage.get_study_system_attrs(study._study_id),
        "trials": [dump_trial(t) for t in trials],
    }
    if len(study.directions) == 1:
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        out["best"] = study.best_trial.number if complete else None
    else:
        out["best_trials"] = sorted(t.number for t in study.best_trials)
    return out


def dump(url, names):
    print(json.dumps({"studies": {n: dump_study(url, n) for n in names}}))


def suggest(trial, name, d):
    if isinstance(d, FloatDistribution):
        return trial.suggest_float(name, d.low, d.high, step=d.step, log=d.log)
    if isinstance(d, IntDistribution):
        return trial.suggest_int(name, d.low, d.high, step=d.step, log=d.log)
    if isinstance(d, CategoricalDistribution):
        return trial.suggest_categorical(name, d.choices)
    raise TypeError(d)


def claim(url, name):
    study = optuna.load_study(
        study_name=name, storage=url, sampler=optuna.samplers.RandomSampler(seed=1)
    )
    dists = {}
    for t in study.get_trials(deepcopy=False):
        for n, d in t.distributions.items():
            dists.setdefault(n, d)
    ran, suggested = [], {}

    def objective(trial):
        ran.append(trial.number)
        for n, d in dists.items():
            v = suggest(trial, n, d)
            suggested[n] = {"type": type(v).__name__, "value": v}
        return 1.0

    study.optimize(objective, n_trials=1)
    # The trial as a new load of the study reads it from the database (the
    # study above has it cached, as the objective got it).
    fresh = optuna.load_study(study_name=name, storage=url)
    (t,) = [t for t in fresh.get_trials(deepcopy=False) if t.number == ran[0]]
    print(json.dumps({"number": ran[0], "trial": dump_trial(t), "suggested": suggested}))


def create(url, name):
    study = optuna.create_study(
        study_name=name,
        storage=url,
        sampler=optuna.samplers.RandomSampler(seed=7),
        pruner=optuna.pruners.NopPruner(),
        direction="minimize",
    )
    study.set_user_attr("owner", 'optuna "side" \u00fc\u2713')
    study.set_user_attr("nested", {"a": [1, 2.5, "x", {"deep": [None, True]}], "b": None})
    study._storage.set_study_system_attr(study._study_id, "sys", {"k": [True, False], "s": "it's"})

    def objective(trial):
        x = trial.suggest_float("x", -10, 10)
        trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        trial.suggest_float("s", 0, 1, step=0.25)
        n = trial.suggest_int("n", 1, 10)
        trial.suggest_int("ln", 1, 1024, log=True)
        trial.suggest_int("sn", 0, 100, step=5)
        trial.suggest_categorical("c", ["a", 7, 2.5, True, None])
        trial.set_user_attr("label", "trial %d \u00fc \"q\"" % trial.number)
        trial.set_user_attr("list", [trial.number, {"n": n}])
        for step in range(3):
            trial.report(x + step, step)
        k = trial.number
        if k == 1:
            trial.report(float("nan"), 3)
            trial.report(float("-inf"), 4)
            trial.report(float("inf"), 5)
            raise optuna.TrialPruned()  # Pruned, with value +inf
        if k == 2:
            raise ValueError('boom "quoted" \u00fc')  # Fail
        if k == 3:
            raise optuna.TrialPruned()  # Pruned, with a finite value
        if k == 4:
            return float("-inf")  # Complete, with value -inf
        if k == 5:
            trial.report(float("nan"), 9)
            raise optuna.TrialPruned()  # Pruned, last value NaN: no value
        return x * x + n

    study.optimize(objective, n_trials=7, catch=(ValueError,))
    # Left Running: asked, never told.
    running = study.ask()
    running.suggest_float("x", -10, 10)
    running.suggest_categorical("c", ["a", 7, 2.5, True, None])
    running.report(0.5, 0)
    running.set_user_attr("running", True)
    # Waiting: enqueued, for tune's first trial to claim.
    study.enqueue_trial({"x": 1.5, "c": None, "n": 3, "sn": 15}, user_attrs={"enq": "ueued"})
    dump(url, [name])


def optimize(url, name, n):
    study = optuna.load_study(
        study_name=name, storage=url, sampler=optuna.samplers.RandomSampler()
    )

    def objective(trial):
        x = trial.suggest_float("x", -10, 10)
        y = trial.suggest_int("y", 0, 100)
        trial.set_user_attr("by", "optuna")
        time.sleep(0.005)
        return x * x + y

    print("ready", flush=True)
    sys.stdin.readline()
    study.optimize(objective, n_trials=n)
    print("done", flush=True)


def main(argv):
    cmd, url = argv[1], argv[2]
    if cmd == "dump":
        dump(url, argv[3:])
    elif cmd == "claim":
        claim(url, argv[3])
    elif cmd == "create":
        create(url, argv[3])
    elif cmd == "optimize":
        optimize(url, argv[3], int(argv[4]))
    else:
        sys.exit("unknown subcommand %r" % cmd)


if __name__ == "__main__":
    main(sys.argv)
