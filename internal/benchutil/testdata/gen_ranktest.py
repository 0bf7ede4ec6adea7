# Writes ranktest.json: one-sided Mann-Whitney U p-values from SciPy, the
# reference for MannWhitneyGreater, and Holm-adjusted p-values from
# statsmodels, the reference for Holm (Debian: python3-scipy,
# python3-statsmodels).
#
#   /usr/bin/python3 internal/benchutil/testdata/gen_ranktest.py
import json
import os

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

rng = np.random.RandomState(11)
cases = []
# Without ties SciPy's exact method applies; with ties, its permutation
# test over every split of the pooled sample is exact too (small sizes).
for m, n, shift, ties in [(10, 10, 0.0, False), (10, 10, 0.8, False), (10, 10, -0.5, False),
                          (5, 7, 0.3, False), (1, 4, 0.0, False), (30, 30, 0.4, False),
                          (6, 6, 0.5, True), (8, 5, 0.0, True), (4, 4, 0.0, True)]:
    a = rng.normal(shift, 1, m)
    b = rng.normal(0, 1, n)
    if ties:
        a, b = np.round(a * 2) / 2, np.round(b * 2) / 2
        res = stats.permutation_test(
            (a, b),
            lambda x, y: stats.mannwhitneyu(x, y, alternative="greater", method="asymptotic").statistic,
            permutation_type="independent", alternative="greater", n_resamples=np.inf)
        p = res.pvalue
    else:
        p = stats.mannwhitneyu(a, b, alternative="greater", method="exact").pvalue
    cases.append({"a": a.tolist(), "b": b.tolist(), "p": float(p)})


holms = []
for ps in [[0.01, 0.04, 0.03, 0.005], [0.5, 0.2, 0.9], [0.001, 0.001, 0.2, 0.04, 0.3, 0.012]]:
    holms.append({"p": ps, "adjusted": multipletests(ps, method="holm")[1].tolist()})

with open(os.path.join(os.path.dirname(__file__), "ranktest.json"), "w") as f:
    json.dump({"scipy": __import__("scipy").__version__, "mann_whitney": cases, "holm": holms}, f, indent=1)
