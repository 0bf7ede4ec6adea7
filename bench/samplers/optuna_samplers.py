"""Reference for bench/samplers: Optuna 3.1's samplers, driven by main.go.

Optuna is the reference of this benchmark only, never a dependency of tune.
Install it with `apt-get install -y python3-optuna python3-cmaes` (3.1 was
measured). main.go runs this script (embedded in the program) and writes one
JSON job on its stdin:

regret: {"mode": "regret", "sampler": EXPR, "seeds": [1, 2, ...],
         "trials": 200, "space": [{"name": "x0", "dist": DIST_JSON}, ...]}

    EXPR is a Python expression of an Optuna sampler, evaluated with the
    names `optuna` and `seed` (such as "optuna.samplers.TPESampler(seed=seed)");
    DIST_JSON is Optuna's JSON form of a distribution (distribution_to_json).
    For each seed in turn, a new minimising study with that sampler runs
    `trials` trials by ask and tell: each trial is asked with the space's
    distributions, in order, and the script writes the trial's internal values
    (a categorical's is its choice's index) as one line
        {"seed": 1, "x": [0.25, 3.0, 1.0]}
    then reads the objective's value, one number per line, that main.go
    computed with the same Go function as tune's side, and tells it. After the
    last seed it writes {"done": true}.

cost: {"mode": "cost", "samplers": [{"name": NAME, "expr": EXPR}, ...],
       "sizes": [100, 1000], "trials": {"100": 50, "1000": 20}, "seed": 1}

    For each sampler and size n, the time of one trial: study.ask(), five
    suggest_float("x0".."x4", -10, 10) and study.tell(trial, value), on a
    study that already holds n finished trials of the sphere function at
    random points (filled with add_trials, without running the sampler). The
    timed trials run in blocks of max(1, n // 4), each on a newly filled
    study that first runs one untimed trial, so that the study holds between
    n and 1.25 n trials. It writes one JSON line:
        {"optuna": VERSION, "python": VERSION,
         "cost": [{"sampler": NAME, "size": n, "us": [per-trial µs, ...]}]}
"""

import json
import platform
import random
import sys
import time
import warnings

import optuna

PARAMS = ["x0", "x1", "x2", "x3", "x4"]


def new_sampler(expr, seed):
    return eval(expr, {"optuna": optuna, "seed": seed})


def regret(job):
    space = [
        (p["name"], optuna.distributions.json_to_distribution(p["dist"]))
        for p in job["space"]
    ]
    dists = dict(space)
    for seed in job["seeds"]:
        study = optuna.create_study(sampler=new_sampler(job["sampler"], seed))
        for _ in range(job["trials"]):
            trial = study.ask(fixed_distributions=dists)
            x = [d.to_internal_repr(trial.params[name]) for name, d in space]
            sys.stdout.write(json.dumps({"seed": seed, "x": x}) + "\n")
            sys.stdout.flush()
            line = sys.stdin.readline()
            if not line:
                raise SystemExit("regret: no value from main.go")
            study.tell(trial, float(line))
    sys.stdout.write('{"done": true}\n')
    sys.stdout.flush()


def sphere_trial(rng, dist):
    params = {name: rng.uniform(-10, 10) for name in PARAMS}
    return optuna.trial.create_trial(
        params=params,
        distributions={name: dist for name in PARAMS},
        value=sum(x * x for x in params.values()),
    )


def one_trial(study):
    trial = study.ask()
    v = 0.0
    for name in PARAMS:
        x = trial.suggest_float(name, -10, 10)
        v += x * x
    study.tell(trial, v)


def cost(job):
    dist = optuna.distributions.FloatDistribution(-10, 10)
    out = []
    for s in job["samplers"]:
        for n in job["sizes"]:
            trials = job["trials"][str(n)]
            block = max(1, n // 4)
            times = []
            rng = random.Random(job["seed"])
            while len(times) < trials:
                study = None  # let the last study go before filling the next
                study = optuna.create_study(sampler=new_sampler(s["expr"], job["seed"]))
                study.add_trials([sphere_trial(rng, dist) for _ in range(n)])
                one_trial(study)  # untimed: first-call costs
                for _ in range(min(block, trials - len(times))):
                    start = time.perf_counter()
                    one_trial(study)
                    times.append((time.perf_counter() - start) * 1e6)
            out.append({"sampler": s["name"], "size": n, "us": times})
            print("optuna cost: %s at %d: %d trials" % (s["name"], n, trials), file=sys.stderr, flush=True)
    json.dump({"optuna": optuna.__version__, "python": platform.python_version(), "cost": out}, sys.stdout)
    print()


def main():
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore")  # ExperimentalWarning of QMCSampler, multivariate
    job = json.loads(sys.stdin.readline())
    if job["mode"] == "regret":
        regret(job)
    elif job["mode"] == "cost":
        cost(job)
    else:
        raise SystemExit("unknown mode %r" % job["mode"])


if __name__ == "__main__":
    main()
