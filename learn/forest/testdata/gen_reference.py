"""Reference values for learn/forest from scikit-learn 1.2.

Run with Debian's python3-sklearn: /usr/bin/python3 gen_reference.py > reference.json

Random forests draw random numbers, so tune's cannot equal scikit-learn's
tree for tree; what must agree is their quality. For iris and digits this
records scikit-learn's 5-fold cross-validated accuracy on unshuffled
StratifiedKFold folds (which tune's modelsel reproduces index for index)
and its out-of-bag accuracy, each the mean over 5 seeds of a 100-tree
forest with default hyperparameters; for a small regression problem
(committed here), the test R² and out-of-bag R².
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.datasets import load_digits, load_iris, make_friedman1
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.model_selection import StratifiedKFold

SEEDS = range(1, 6)
out = {"sklearn": sklearn.__version__, "classification": []}
for name, (X, y) in [("iris", load_iris(return_X_y=True)), ("digits", load_digits(return_X_y=True))]:
    X = X.astype(np.float32)
    cv, oob = [], []
    for seed in SEEDS:
        for tr, te in StratifiedKFold(5).split(X, y):
            rf = RandomForestClassifier(n_estimators=100, random_state=seed).fit(X[tr], y[tr])
            cv.append(float((rf.predict(X[te]) == y[te]).mean()))
        oob.append(RandomForestClassifier(n_estimators=100, oob_score=True, random_state=seed).fit(X, y).oob_score_)
    out["classification"].append({"name": name, "cv_accuracy": float(np.mean(cv)), "oob_accuracy": float(np.mean(oob))})

X, y = make_friedman1(n_samples=400, n_features=6, noise=0.5, random_state=0)
X = X.astype(np.float32)
r2, oob = [], []
for seed in SEEDS:
    rf = RandomForestRegressor(n_estimators=100, oob_score=True, random_state=seed).fit(X[:300], y[:300])
    r2.append(rf.score(X[300:], y[300:]))
    oob.append(rf.oob_score_)
out["regression"] = {"X": X.ravel().tolist(), "y": y.tolist(), "test_r2": float(np.mean(r2)), "oob_r2": float(np.mean(oob))}
json.dump(out, sys.stdout, separators=(",", ":"))
