"""Reference for bench/asktell: Optuna's in-memory random-sampler Ask+Tell.

It measures, with Optuna's default in-memory storage and
RandomSampler(seed=1), the same workload as tune's side of the benchmark:
per trial, study.ask(), five suggest_float("x0".."x4", -10, 10) and
study.tell(trial, value), on a study that already holds a given number of
finished trials. It prints one JSON object on stdout.

The study's size is kept roughly constant while timing: the timed trials run
in blocks of max(1, finished // 4) trials, each on a freshly pre-filled study
(the pre-fill is not timed), so the study holds between finished and
1.25 * finished trials while timed. tune's side (main.go) does the same.

Optuna is the reference of this benchmark only, never a dependency of tune.
Install it with `apt-get install -y python3-optuna` (3.1 was measured).

Usage (main.go runs it): python3 optuna_asktell.py --sizes 100,10000
    --trials 2000 --repeats 5 [--mem-trials 100000 --mem-timeout 120]
"""

import argparse
import datetime
import gc
import json
import platform
import resource
import statistics
import sys
import time

import optuna

PARAMS = ["x0", "x1", "x2", "x3", "x4"]


def new_study():
    return optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))


def ask_tell(study):
    trial = study.ask()
    v = 0.0
    for name in PARAMS:
        x = trial.suggest_float(name, -10, 10)
        v += x * x
    study.tell(trial, v)


def prefill(n):
    study = new_study()
    for _ in range(n):
        ask_tell(study)
    return study


def time_per_trial(finished, trials):
    """Returns the seconds per trial of `trials` timed Ask+Tell trials."""
    block = max(1, finished // 4)
    total, done = 0.0, 0
    while done < trials:
        k = min(block, trials - done)
        study = None  # let the last study go before filling the next
        study = prefill(finished)
        start = time.perf_counter()
        for _ in range(k):
            ask_tell(study)
        total += time.perf_counter() - start
        done += k
    return total / trials


def rss_bytes():
    """Returns the process's current resident set size."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize()
    except OSError:  # not Linux: the peak, in KiB on Linux and bytes on macOS
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def memory(n, timeout):
    """Returns the RSS growth of a study holding n finished trials.

    Ask+Tell scans every trial on each ask (Optuna 3.1's in-memory storage
    filters all trials for Waiting ones), so filling 100,000 trials that way
    takes minutes. The study is filled with add_trial(create_trial(...)), which
    stores the same FrozenTrial records (5 params, 5 distributions, 1 value,
    start and complete times) without that scan.
    """
    gc.collect()
    before = rss_bytes()
    study = new_study()
    dist = optuna.distributions.FloatDistribution
    start = time.perf_counter()
    now = datetime.datetime.now
    for i in range(n):
        params = {name: (i % 2000) / 100.0 - 10.0 for name in PARAMS}
        t0 = now()
        study.add_trial(
            optuna.trial.FrozenTrial(
                number=-1,
                trial_id=-1,
                state=optuna.trial.TrialState.COMPLETE,
                value=sum(x * x for x in params.values()),
                values=None,
                datetime_start=t0,
                datetime_complete=now(),
                params=params,
                distributions={name: dist(-10, 10) for name in PARAMS},
                user_attrs={},
                system_attrs={},
                intermediate_values={},
            )
        )
        if i % 1000 == 0 and time.perf_counter() - start > timeout:
            return {"skipped": "filling took over %gs" % timeout}
    seconds = time.perf_counter() - start
    gc.collect()
    grown = rss_bytes() - before
    assert len(study.get_trials(deepcopy=False)) == n
    return {"trials": n, "rss_mb": grown / 1e6, "fill_seconds": seconds}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="100,10000")
    p.add_argument("--trials", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--mem-trials", type=int, default=0)
    p.add_argument("--mem-timeout", type=float, default=120)
    args = p.parse_args()

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = {
        "optuna": optuna.__version__,
        "python": platform.python_version(),
        "asktell": [],
    }
    for finished in [int(s) for s in args.sizes.split(",")]:
        runs = [time_per_trial(finished, args.trials) * 1e6 for _ in range(args.repeats)]
        out["asktell"].append(
            {"finished": finished, "us_per_trial": statistics.median(runs), "runs_us": runs}
        )
    if args.mem_trials > 0:
        out["memory"] = memory(args.mem_trials, args.mem_timeout)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
