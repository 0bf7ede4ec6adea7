"""Reference values for learn/metrics from scikit-learn 1.2.

Run with Debian's python3-sklearn: /usr/bin/python3 gen_reference.py > reference.json
"""
import json
import sys

import numpy as np
import sklearn
from sklearn import metrics

rng = np.random.RandomState(7)


def probs(n, k, y, sharp):
    """Random probabilities that lean towards the true class."""
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), y] += sharp
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


cases = []


def add(name, y_true, y_pred, proba=None, k=None):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    c = {"name": name, "y_true": y_true.tolist(), "y_pred": y_pred.tolist()}
    c["accuracy"] = metrics.accuracy_score(y_true, y_pred)
    c["balanced_accuracy"] = metrics.balanced_accuracy_score(y_true, y_pred)
    averages = ["macro", "micro", "weighted"]
    if set(np.unique(np.concatenate([y_true, y_pred]))) <= {0, 1}:
        averages.append("binary")
    for avg in averages:
        kw = dict(average=avg, zero_division=0)
        c["precision_" + avg] = metrics.precision_score(y_true, y_pred, **kw)
        c["recall_" + avg] = metrics.recall_score(y_true, y_pred, **kw)
        c["f1_" + avg] = metrics.f1_score(y_true, y_pred, **kw)
        c["f2_" + avg] = metrics.fbeta_score(y_true, y_pred, beta=2, **kw)
    k = k or int(max(y_true.max(), y_pred.max())) + 1
    c["k"] = k
    c["confusion"] = metrics.confusion_matrix(y_true, y_pred, labels=list(range(k))).tolist()
    if proba is not None:
        c["proba"] = proba.ravel().tolist()
        c["log_loss"] = metrics.log_loss(y_true, proba, labels=list(range(k)))
        if k == 2:
            c["roc_auc"] = metrics.roc_auc_score(y_true, proba[:, 1])
        elif len(np.unique(y_true)) == k:
            c["roc_auc_ovr_macro"] = metrics.roc_auc_score(y_true, proba, multi_class="ovr", average="macro")
            c["roc_auc_ovr_weighted"] = metrics.roc_auc_score(y_true, proba, multi_class="ovr", average="weighted")
    cases.append(c)


for name, n, k, sharp, noise in [("binary", 60, 2, 1.0, 0.3), ("3-class", 90, 3, 1.5, 0.4), ("10-class", 300, 10, 2.0, 0.5)]:
    y = rng.randint(0, k, size=n)
    pred = np.where(rng.rand(n) < noise, rng.randint(0, k, size=n), y)
    add(name, y, pred, probs(n, k, y, sharp))

# Imbalanced, with a class that is never predicted.
y = rng.choice(4, size=80, p=[0.7, 0.2, 0.07, 0.03])
pred = np.where(y == 3, 0, y)
pred = np.where(rng.rand(80) < 0.2, rng.choice(3, size=80), pred)
add("imbalanced, class 3 never predicted", y, pred, probs(80, 4, y, 1.0))

# A class that is only predicted, never true (k=3 but y_true has 0 and 1).
add("class only predicted", [0, 1, 0, 1, 1, 0, 1], [0, 2, 0, 1, 2, 0, 1])

# Ties in the scores, with extreme probabilities that log loss clips.
y = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 0])
s = np.array([0.5, 0.5, 0.8, 0.2, 0.8, 0.8, 0.0, 1.0, 0.5, 0.2])
add("ties and 0/1 probabilities", y, (s > 0.5).astype(int), np.stack([1 - s, s], axis=1))

reg = []
for name, yt, yp in [
    ("noisy line", np.linspace(0, 10, 50), np.linspace(0, 10, 50) + rng.normal(scale=0.7, size=50)),
    ("constant target, imperfect", np.full(5, 2.0), np.array([2.0, 2.1, 1.9, 2.0, 2.0])),
    ("constant target, perfect", np.full(5, 2.0), np.full(5, 2.0)),
    ("worse than the mean", np.array([1.0, 2.0, 3.0]), np.array([3.0, 1.0, 5.0])),
]:
    reg.append({
        "name": name, "y_true": yt.tolist(), "y_pred": yp.tolist(),
        "mse": metrics.mean_squared_error(yt, yp),
        "mae": metrics.mean_absolute_error(yt, yp),
        "r2": metrics.r2_score(yt, yp),
    })

json.dump({"sklearn": sklearn.__version__, "classification": cases, "regression": reg}, sys.stdout, separators=(",", ":"))
