"""scikit-learn's side of bench/forest (run by the Go program, not by hand).

Usage (all output is JSON, one object per line on stdout):

  sklearn_forest.py version
  sklearn_forest.py cv DATA.csv FOLDS.json SEED...   5-fold accuracy of a 100-tree forest, per seed
  sklearn_forest.py fit DATA.csv THREADS REPS         fit time of a 100-tree forest, REPS times
  sklearn_forest.py search SEED                       the classic RandomizedSearchCV example on iris

DATA.csv has a header, the features, then the integer label in the last
column. FOLDS.json is a list of test-index lists, one per fold, so that both
tools score the same splits.
"""
import contextlib
import io
import json
import sys
import time

import numpy as np


def load(path):
    a = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    return a[:, :-1].astype(np.float32), a[:, -1].astype(np.int64)


def main():
    import sklearn
    from sklearn.ensemble import RandomForestClassifier

    cmd = sys.argv[1]
    if cmd == "version":
        print(json.dumps({"version": sklearn.__version__}))
    elif cmd == "cv":
        X, y = load(sys.argv[2])
        with open(sys.argv[3]) as f:
            folds = json.load(f)
        for seed in sys.argv[4:]:
            accs = []
            for test in folds:
                mask = np.zeros(len(y), dtype=bool)
                mask[test] = True
                rf = RandomForestClassifier(n_estimators=100, random_state=int(seed), n_jobs=-1)
                rf.fit(X[~mask], y[~mask])
                accs.append(float((rf.predict(X[mask]) == y[mask]).mean()))
            print(json.dumps({"seed": int(seed), "acc": accs}), flush=True)
    elif cmd == "fit":
        X, y = load(sys.argv[2])
        threads, reps = int(sys.argv[3]), int(sys.argv[4])
        for r in range(reps):
            rf = RandomForestClassifier(n_estimators=100, random_state=r, n_jobs=threads)
            t = time.perf_counter()
            rf.fit(X, y)
            print(json.dumps({"seconds": time.perf_counter() - t}), flush=True)
    elif cmd == "search":
        from sklearn.datasets import load_iris
        from sklearn.model_selection import RandomizedSearchCV

        X, y = load_iris(return_X_y=True)
        param_dist = {
            "n_estimators": [10, 50, 100, 200],
            "max_features": ["auto", "sqrt", "log2"],
            "max_depth": [None, 10, 20, 30],
        }
        search = RandomizedSearchCV(RandomForestClassifier(), param_distributions=param_dist, n_iter=10,
                                    cv=5, verbose=2, random_state=int(sys.argv[2]), n_jobs=-1)
        # verbose=2 as in the example; its worker processes print to the
        # inherited stdout, which the Go side skips.
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            t = time.perf_counter()
            result = search.fit(X, y)
            fit = time.perf_counter() - t
        print(json.dumps({"fit_seconds": fit,
                          "best_score": result.best_score_,
                          "best_params": {k: v for k, v in result.best_params_.items()}}))
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main()
