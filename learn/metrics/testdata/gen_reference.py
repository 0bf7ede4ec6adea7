"""Reference values for learn/metrics from scikit-learn 1.2.1.

Run with Debian's python3-sklearn, from this directory:

    /usr/bin/python3 gen_reference.py > reference.json

Each case holds its inputs and a "metrics" object mapping a metric's name
to scikit-learn's value, or to null where scikit-learn rejects the input
with a ValueError (the Go function must then return an error).
"""
import json
import sys
import warnings

import numpy as np
import sklearn
from sklearn import metrics

warnings.simplefilter("ignore")  # zero_division and "classes not in y_true"
rng = np.random.RandomState(7)


def probs(n, k, y, sharp):
    """Random probabilities that lean towards the true class."""
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), y] += sharp
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def value(f, *args, **kw):
    try:
        return float(f(*args, **kw))
    except ValueError:
        return None


cases = []


def add(name, y_true, y_pred, proba=None, k=None):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    k = k or int(max(y_true.max(), y_pred.max())) + 1
    m = {
        "accuracy": value(metrics.accuracy_score, y_true, y_pred),
        "balanced_accuracy": value(metrics.balanced_accuracy_score, y_true, y_pred),
    }
    for avg in ["macro", "micro", "weighted", "binary"]:
        kw = dict(average=avg, zero_division=0)
        m["precision_" + avg] = value(metrics.precision_score, y_true, y_pred, **kw)
        m["recall_" + avg] = value(metrics.recall_score, y_true, y_pred, **kw)
        m["f1_" + avg] = value(metrics.f1_score, y_true, y_pred, **kw)
        for beta in [0, 0.5, 2, np.inf]:
            m[f"fbeta{beta}_{avg}"] = value(metrics.fbeta_score, y_true, y_pred, beta=beta, **kw)
    c = {"name": name, "k": k, "y_true": y_true.tolist(), "y_pred": y_pred.tolist()}
    c["confusion"] = metrics.confusion_matrix(y_true, y_pred, labels=list(range(k))).tolist()
    if proba is not None:
        c["proba"] = proba.ravel().tolist()
        m["log_loss"] = value(metrics.log_loss, y_true, proba, labels=list(range(k)))
        if k == 2:
            m["roc_auc"] = value(metrics.roc_auc_score, y_true, proba[:, 1])
        else:
            for avg in ["macro", "micro", "weighted"]:
                m["roc_auc_ovr_" + avg] = value(metrics.roc_auc_score, y_true, proba, multi_class="ovr", average=avg)
    c["metrics"] = m
    cases.append(c)


def noisy(y, k, noise):
    """y with a fraction noise of its labels replaced by random ones."""
    return np.where(rng.rand(len(y)) < noise, rng.randint(0, k, size=len(y)), y)


for name, n, k, sharp, noise in [
    ("binary", 60, 2, 1.0, 0.3),
    ("3-class", 90, 3, 1.5, 0.4),
    ("10-class", 300, 10, 2.0, 0.5),
]:
    y = rng.randint(0, k, size=n)
    add(name, y, noisy(y, k, noise), probs(n, k, y, sharp))

# Imbalanced, with a class that is never predicted.
y = rng.choice(4, size=80, p=[0.7, 0.2, 0.07, 0.03])
pred = np.where(rng.rand(80) < 0.2, rng.choice(3, size=80), np.where(y == 3, 0, y))
add("imbalanced, class 3 never predicted", y, pred, probs(80, 4, y, 1.0))

# Class 2 is only predicted, never true: balanced accuracy leaves it out,
# one-vs-rest AUC is undefined, log loss is not.
y = np.array([0, 1, 0, 1, 1, 0, 1])
add("class 2 only predicted", y, [0, 2, 0, 1, 2, 0, 1], probs(7, 3, y, 1.0))

# Ties in the scores, with probabilities 0 and 1 that log loss clips.
y = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 0])
s = np.array([0.5, 0.5, 0.8, 0.2, 0.8, 0.8, 0.0, 1.0, 0.5, 0.2])
add("ties and 0/1 probabilities", y, (s > 0.5).astype(int), np.stack([1 - s, s], axis=1))

# Many ties: binary scores on a grid of 11 values.
y = rng.randint(0, 2, size=400)
s = np.round(np.clip(0.5 + 0.3 * (y - 0.5) + rng.normal(scale=0.25, size=400), 0, 1), 1)
add("binary, scores on a 0.1 grid", y, (s > 0.5).astype(int), np.stack([1 - s, s], axis=1))

# Many ties in one-vs-rest AUC: every row is one of four.
palette = np.array([[0.6, 0.2, 0.2], [0.2, 0.6, 0.2], [0.2, 0.2, 0.6], [0.25, 0.5, 0.25]])
y = rng.randint(0, 3, size=150)
rows = np.where(rng.rand(150) < 0.6, y, rng.randint(0, 4, size=150))
add("3-class, tied probabilities", y, palette[rows].argmax(axis=1), palette[rows])

# Binary average and its corner cases.
y = rng.randint(0, 2, size=30)
add("nothing predicted as class 1", y, np.zeros(30, dtype=int), probs(30, 2, y, 1.0))
add("only class 1 true", np.ones(12, dtype=int), noisy(np.ones(12, dtype=int), 2, 0.5), probs(12, 2, np.ones(12, dtype=int), 1.0))
add("only class 0 anywhere", np.zeros(5, dtype=int), np.zeros(5, dtype=int), k=2)
add("labels 1 and 2", [1, 2, 2, 1, 1, 2, 1], [2, 2, 1, 1, 1, 2, 2], k=3)
add("labels 0 and 2", [0, 2, 2, 0], [0, 2, 0, 0])
add("only class 2 anywhere", [2, 2, 2], [2, 2, 2])

reg = []
for name, yt, yp in [
    ("noisy line", np.linspace(0, 10, 50), np.linspace(0, 10, 50) + rng.normal(scale=0.7, size=50)),
    ("heavy tails, 1000 samples", rng.standard_cauchy(1000), rng.standard_cauchy(1000)),
    ("constant target, imperfect", np.full(5, 2.0), np.array([2.0, 2.1, 1.9, 2.0, 2.0])),
    ("constant target, perfect", np.full(5, 2.0), np.full(5, 2.0)),
    ("worse than the mean", np.array([1.0, 2.0, 3.0]), np.array([3.0, 1.0, 5.0])),
]:
    reg.append({
        "name": name, "y_true": yt.tolist(), "y_pred": yp.tolist(),
        "metrics": {
            "mse": metrics.mean_squared_error(yt, yp),
            "rmse": metrics.mean_squared_error(yt, yp, squared=False),
            "mae": metrics.mean_absolute_error(yt, yp),
            "r2": metrics.r2_score(yt, yp),
        },
    })

json.dump({"sklearn": sklearn.__version__, "classification": cases, "regression": reg}, sys.stdout, separators=(",", ":"))
