"""Generates reference.json: NSGA-II selection by Optuna 3.1.

Run from outside the repository (Optuna 3.1 and NumPy installed):

    cd /tmp && python3 /path/to/sampler/nsga2/testdata/gen_reference.py > /path/to/reference.json

For fixed objective values (and constraint values), it records what
Optuna's NSGAIISampler computes: the fronts of _fast_non_dominated_sort
(in Optuna's order), the order of _crowding_distance_sort on the first
front, and the elite of _select_elite_population. reference_test.go
compares the Go functions with them.
"""

import json
import random
import warnings

import optuna
from optuna.samplers.nsgaii._sampler import NSGAIISampler, _crowding_distance_sort
from optuna.study import StudyDirection
from optuna.trial import create_trial

warnings.simplefilter("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)


class FakeStudy:
    def __init__(self, directions):
        self.directions = directions


def make_trials(rng, n, n_obj, constrained, grid, with_inf):
    trials = []
    for i in range(n):
        values = [float(rng.randint(0, grid)) if grid else rng.random() for _ in range(n_obj)]
        if with_inf and rng.random() < 0.1:
            values[rng.randrange(n_obj)] = rng.choice([float("inf"), float("-inf")])
        attrs = {}
        if constrained and rng.random() < 0.9:
            attrs["constraints"] = [rng.choice([-1.0, 0.0, 0.5, 1.0, 2.0]) for _ in range(2)]
        t = create_trial(values=values, system_attrs=attrs)
        t.number = i
        trials.append(t)
    return trials


def case(rng, name, n, n_obj, pop, constrained=False, grid=0, with_inf=False, maximize=False):
    dirs = [StudyDirection.MINIMIZE] * n_obj
    if maximize:
        dirs[-1] = StudyDirection.MAXIMIZE
    trials = make_trials(rng, n, n_obj, constrained, grid, with_inf)
    cf = (lambda t: [0.0]) if constrained else None
    sampler = NSGAIISampler(population_size=pop, constraints_func=cf)
    study = FakeStudy(dirs)
    fronts = sampler._fast_non_dominated_sort(list(trials), dirs)
    first = list(fronts[0])
    _crowding_distance_sort(first)
    elite = sampler._select_elite_population(study, list(trials))

    def enc(v):
        if v == float("inf"):
            return "inf"
        if v == float("-inf"):
            return "-inf"
        return v

    return {
        "name": name,
        "maximize": [d == StudyDirection.MAXIMIZE for d in dirs],
        "population_size": pop,
        "trials": [
            {
                "number": t.number,
                "values": [enc(v) for v in t.values],
                "constraints": t.system_attrs.get("constraints"),
            }
            for t in trials
        ],
        "fronts": [[t.number for t in f] for f in fronts],
        "crowding_first_front": [t.number for t in first],
        "elite": [t.number for t in elite],
    }


def main():
    rng = random.Random(20240601)
    cases = [
        case(rng, "continuous-2", 40, 2, 20),
        case(rng, "continuous-3", 60, 3, 25),
        case(rng, "grid-ties-2", 50, 2, 20, grid=5),
        case(rng, "grid-ties-3", 50, 3, 30, grid=4),
        case(rng, "maximize", 40, 2, 15, maximize=True),
        case(rng, "infinite", 40, 2, 20, grid=6, with_inf=True),
        case(rng, "constrained", 60, 2, 25, constrained=True),
        case(rng, "constrained-ties", 60, 2, 30, constrained=True, grid=5),
        case(rng, "single-objective", 30, 1, 10, grid=8),
        case(rng, "all-equal", 12, 2, 5, grid=1),
    ]
    print(json.dumps({"optuna": optuna.__version__, "cases": cases}))


if __name__ == "__main__":
    main()
