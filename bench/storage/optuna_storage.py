"""Reference for bench/storage: Optuna's RDBStorage with the random sampler.

main.go runs this script (embedded in the program, written to a temporary
file) in one of two modes:

  create: create the study, and the schema in a new database:
      optuna.create_study(storage=URL, study_name=NAME,
                          sampler=RandomSampler(seed=1))
    and print one JSON object: {"optuna": version, "python": version}.

  work: one worker process of a cell of the benchmark:
      study = optuna.load_study(study_name=NAME, storage=URL,
                                sampler=RandomSampler())
    then print "ready", wait for a line on stdin (main.go sends it once every
    worker of the cell is ready, so that Python's start-up is not timed), run
    study.optimize(objective, n_trials=N) and print one JSON object:
    {"start": unix seconds, "end": unix seconds, "trials": N}.

The objective is the same trivial one as tune's side: five
suggest_float("x0".."x4", -10, 10), and the sum of their squares.

Optuna is the reference of this benchmark only, never a dependency of tune.
Install it with `apt-get install -y python3-optuna` (3.1 was measured);
PostgreSQL needs psycopg2 (python3-psycopg2), MySQL/MariaDB pymysql
(python3-pymysql, with a mysql+pymysql:// URL).

Usage (main.go runs it):
    python3 optuna_storage.py create URL NAME
    python3 optuna_storage.py work URL NAME N
"""

import json
import platform
import sys
import time

import optuna

PARAMS = ["x0", "x1", "x2", "x3", "x4"]


def objective(trial):
    v = 0.0
    for name in PARAMS:
        x = trial.suggest_float(name, -10, 10)
        v += x * x
    return v


def create(url, name):
    optuna.create_study(
        storage=url, study_name=name, sampler=optuna.samplers.RandomSampler(seed=1)
    )
    print(json.dumps({"optuna": optuna.__version__, "python": platform.python_version()}))


def work(url, name, n):
    study = optuna.load_study(
        study_name=name, storage=url, sampler=optuna.samplers.RandomSampler()
    )
    print("ready", flush=True)
    if not sys.stdin.readline():
        sys.exit("optuna_storage.py: stdin closed before the start signal")
    start = time.time()
    study.optimize(objective, n_trials=n)
    end = time.time()
    print(json.dumps({"start": start, "end": end, "trials": n}), flush=True)


def main():
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "create" and len(args) == 2:
        create(*args)
    elif mode == "work" and len(args) == 3:
        work(args[0], args[1], int(args[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
