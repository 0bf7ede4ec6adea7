#!/usr/bin/python3
"""Regenerates learn/data's embedded data sets and the reference values that
its tests check them against, from scikit-learn's copies.

Run from learn/data with Debian's python3-sklearn (1.2.1 was used):

    /usr/bin/python3 testdata/gen_reference.py

It writes iris.csv (the 150 rows of Fisher's iris data as scikit-learn ships
them, with a clean header and species names), digits.csv.gz (scikit-learn's
file, byte for byte) and testdata/sklearn_reference.json.
"""
import json
import os
import shutil

import numpy as np
import sklearn
from sklearn.datasets import load_digits, load_iris
from sklearn.preprocessing import MinMaxScaler, StandardScaler

src = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data")

# iris.csv: scikit-learn's header line is "150,4,setosa,versicolor,virginica"
# and its last column a class index; keep the numbers' text as it is.
with open(os.path.join(src, "iris.csv")) as f:
    lines = f.read().splitlines()
names = lines[0].split(",")[2:]
out = ["sepal_length,sepal_width,petal_length,petal_width,species"]
for line in lines[1:]:
    if not line:
        continue
    *feats, target = line.split(",")
    out.append(",".join(feats + [names[int(target)]]))
with open("iris.csv", "w") as f:
    f.write("\n".join(out) + "\n")

shutil.copyfile(os.path.join(src, "digits.csv.gz"), "digits.csv.gz")

iris = load_iris()
digits = load_digits()
std = StandardScaler().fit(iris.data)
mm = MinMaxScaler().fit(iris.data)
rows = [0, 1, 50, 77, 100, 149]
drows = [0, 1, 1000, 1796]
ref = {
    "sklearn_version": sklearn.__version__,
    "iris": {
        "target_names": list(iris.target_names),
        "feature_names": list(iris.feature_names),
        "rows": rows,
        "data": iris.data[rows].tolist(),
        "target": iris.target[rows].tolist(),
        "standard_mean": std.mean_.tolist(),
        "standard_scale": std.scale_.tolist(),
        "standard_rows": std.transform(iris.data[rows]).tolist(),
        "minmax_min": mm.data_min_.tolist(),
        "minmax_max": mm.data_max_.tolist(),
        "minmax_rows": mm.transform(iris.data[rows]).tolist(),
    },
    "digits": {
        "n": int(digits.data.shape[0]),
        "rows": drows,
        "data": digits.data[drows].tolist(),
        "target": digits.target[drows].tolist(),
        "class_counts": np.bincount(digits.target).tolist(),
        "feature_names": digits.feature_names[:3],
    },
}
with open("testdata/sklearn_reference.json", "w") as f:
    json.dump(ref, f, indent=1)
    f.write("\n")
