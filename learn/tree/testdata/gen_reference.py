"""Reference values for learn/tree from scikit-learn 1.2.

Run with Debian's python3-sklearn: /usr/bin/python3 gen_reference.py > reference.json

The data are continuous, so splits of large nodes do not tie and
scikit-learn's choice there does not depend on the order it tries the
features in: tune's trees must have the same splits at every node of 30 or
more samples. Small nodes do tie (two samples are separated equally well by
any feature), so only the cases marked "exact", whose leaves are large
(min_samples_leaf) or few, must match everywhere: predictions, importances,
depth and leaves.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.tree import _tree
from sklearn.datasets import make_classification, make_regression
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

def nodes(t, exact):
    """The nodes (all of them when exact, else those of 30 samples or more):
    path from the root (L, R), split feature (-2 for a leaf), threshold,
    sample count and impurity."""
    t = t.tree_
    out = []

    def rec(n, path):
        if exact or t.n_node_samples[n] >= 30:
            out.append({"path": path, "feature": int(t.feature[n]), "threshold": float(t.threshold[n]),
                        "samples": int(t.n_node_samples[n]), "impurity": float(t.impurity[n])})
        if t.feature[n] != _tree.TREE_UNDEFINED:
            rec(t.children_left[n], path + "L")
            rec(t.children_right[n], path + "R")

    rec(0, "")
    return out


EXACT = ("min_samples_leaf", "min_impurity_decrease", "max_leaf_nodes", "class_weight")

out = {"sklearn": sklearn.__version__, "classification": [], "regression": []}

X, y = make_classification(n_samples=400, n_features=6, n_informative=4, n_redundant=1,
                           n_classes=3, weights=[0.6, 0.3, 0.1], random_state=3)
X = X.astype(np.float32)
Xtr, ytr, Xte = X[:300], y[:300], X[300:]
for name, kw in [
    ("gini full", {}),
    ("entropy depth 4", {"criterion": "entropy", "max_depth": 4}),
    ("min_samples_leaf 15, min_samples_split 40", {"min_samples_leaf": 15, "min_samples_split": 40}),
    ("min_impurity_decrease 0.01", {"min_impurity_decrease": 0.01}),
    ("max_leaf_nodes 8", {"max_leaf_nodes": 8}),
    ("class_weight balanced, depth 3", {"class_weight": "balanced", "max_depth": 3}),
]:
    t = DecisionTreeClassifier(random_state=0, **kw).fit(Xtr, ytr)
    out["classification"].append({
        "name": name, "params": kw,
        "depth": int(t.get_depth()), "leaves": int(t.get_n_leaves()),
        "importances": t.feature_importances_.tolist(),
        "proba": t.predict_proba(Xte).ravel().tolist(),
        "nodes": nodes(t, any(k in kw for k in EXACT)), "exact": any(k in kw for k in EXACT),
    })
out["X"] = X.ravel().tolist()
out["y"] = y.tolist()

Xr, yr = make_regression(n_samples=300, n_features=5, n_informative=3, noise=5.0, random_state=4)
Xr = Xr.astype(np.float32)
for name, kw in [("depth 5", {"max_depth": 5}), ("full", {}), ("min_samples_leaf 10", {"min_samples_leaf": 10})]:
    t = DecisionTreeRegressor(random_state=0, **kw).fit(Xr[:200], yr[:200])
    out["regression"].append({
        "name": name, "params": kw,
        "depth": int(t.get_depth()), "leaves": int(t.get_n_leaves()),
        "importances": t.feature_importances_.tolist(),
        "pred": t.predict(Xr[200:]).tolist(),
        "nodes": nodes(t, any(k in kw for k in EXACT)), "exact": any(k in kw for k in EXACT),
    })
out["Xr"] = Xr.ravel().tolist()
out["yr"] = yr.tolist()
json.dump(out, sys.stdout, separators=(",", ":"))
