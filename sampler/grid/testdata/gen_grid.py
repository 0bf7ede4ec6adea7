# Generates optuna_grid.json: the combinations of a grid in Optuna's grid_id
# order, as Optuna's GridSampler enumerates them.
# Run: cd sampler/grid/testdata && /usr/bin/python3 gen_grid.py > optuna_grid.json
import json

import optuna

space = {"lr": [0.1, 0.01, 0.001], "act": ["relu", "tanh"], "depth": [None, 10, 20, 30], "bn": [True, False]}
sampler = optuna.samplers.GridSampler(space)
print(json.dumps({"optuna": optuna.__version__, "space": space, "grids": [list(g) for g in sampler._all_grids],
                  "param_names": sampler._param_names}, separators=(",", ":")))
