"""Reference values for learn/modelsel from scikit-learn 1.2.

Run with Debian's python3-sklearn: /usr/bin/python3 gen_reference.py > reference.json

It records scikit-learn's folds (KFold and StratifiedKFold without shuffling,
which are deterministic), ParameterGrid's order, and the verbose lines that
_fit_and_score prints, for tests that check tune's against them.
"""
import contextlib
import io
import json
import sys

import numpy as np
import sklearn
from sklearn.datasets import load_iris
from sklearn.dummy import DummyClassifier
from sklearn.metrics import make_scorer, accuracy_score
from sklearn.model_selection import KFold, ParameterGrid, StratifiedKFold
from sklearn.model_selection._validation import _fit_and_score

out = {"sklearn": sklearn.__version__, "folds": [], "grids": [], "verbose": []}

iris_y = load_iris().target
rng = np.random.RandomState(0)
cases = [
    ("kfold n=17 k=5", "kfold", 5, list(range(17))),
    ("kfold n=150 k=3", "kfold", 3, list(range(150))),
    ("stratified iris k=5", "stratified", 5, iris_y.tolist()),
    ("stratified imbalanced k=4", "stratified", 4, rng.choice([0, 1, 2], size=53, p=[0.6, 0.3, 0.1]).tolist()),
    ("stratified first-appearance order k=3", "stratified", 3, [2, 2, 0, 1, 0, 2, 1, 1, 0, 2, 0, 1, 2, 0]),
]
for name, kind, k, y in cases:
    cv = KFold(k) if kind == "kfold" else StratifiedKFold(k)
    X = np.zeros((len(y), 1))
    folds = [{"train": tr.tolist(), "test": te.tolist()} for tr, te in cv.split(X, y)]
    out["folds"].append({"name": name, "kind": kind, "k": k, "y": y, "folds": folds})

grids = [
    {"n_estimators": [10, 50, 100, 200], "max_features": ["auto", "sqrt", "log2"], "max_depth": [None, 10, 20, 30]},
    {"b": [1, 2], "a": ["x", "y", "z"]},
]
for g in grids:
    out["grids"].append({"grid": g, "order": list(ParameterGrid(g))})

# Verbose lines: a DummyClassifier fits in well under 0.05 s, so the time
# prints as "   0.0s" in both tools.
X, y = load_iris(return_X_y=True)
train, test = np.arange(0, 150, 2), np.arange(1, 150, 2)
params = {"strategy": "most_frequent", "constant": None}
scorer = {"score": make_scorer(accuracy_score)}
for verbose in (1, 2, 3, 10):
    for train_score in (False, True):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            _fit_and_score(DummyClassifier(), X, y, scorer["score"], train, test, verbose,
                           params, None, return_train_score=train_score,
                           split_progress=(1, 5), candidate_progress=(2, 10))
        out["verbose"].append({"verbose": verbose, "train_score": train_score, "lines": buf.getvalue()})

json.dump(out, sys.stdout, indent=1)
