"""Writes reference.json: unscrambled Sobol' and Halton points from
scipy.stats.qmc, which package qmc must reproduce, and the centered L2
discrepancy of one point set, to cross-check the Go implementation.

Run from any directory, with numpy and scipy (1.10 was used) installed:

    python3 gen_reference.py
"""

import json
import os

import numpy as np
from scipy.stats import qmc

here = os.path.dirname(os.path.abspath(__file__))
N = 64
# Indices reached with fast_forward, as Optuna's QMCSampler does for its
# sample id.
FAR = [100, 1000, 12345, 2**20 + 7]

out = {"scipy": __import__("scipy").__version__, "n": N, "far": FAR, "sequences": []}
for kind, engine in [("sobol", qmc.Sobol), ("halton", qmc.Halton)]:
    for d in [1, 5, 40]:
        points = engine(d, scramble=False).random(N)
        far = []
        for i in FAR:
            e = engine(d, scramble=False)
            e.fast_forward(i)
            far.append(e.random(1)[0].tolist())
        out["sequences"].append({"type": kind, "d": d, "points": points.tolist(), "far": far})

# The centered L2 discrepancy of the first 32 unscrambled Sobol' points in
# 5 dimensions (qmc.discrepancy's default method, "CD").
pts = qmc.Sobol(5, scramble=False).random(32)
out["discrepancy"] = {"type": "sobol", "d": 5, "n": 32, "cd": qmc.discrepancy(pts)}

with open(os.path.join(here, "reference.json"), "w") as f:
    json.dump(out, f, indent=None, separators=(",", ":"))
    f.write("\n")
