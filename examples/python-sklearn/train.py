"""A training script that tune tunes: it reads its hyperparameters from the
command line and prints one JSON line per epoch with the validation loss.

With scikit-learn installed it trains an SGDClassifier (logistic loss) on
the 8x8 digits, one partial_fit per epoch; without it, the same model in
plain Python on a generated two-class problem, so the example runs
wherever python3 does.

    python3 train.py --lr 0.01 --alpha 1e-4 --epochs 20
"""
import argparse
import json
import math
import random
import sys


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--lr", type=float, required=True)
    p.add_argument("--alpha", type=float, required=True)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args()


def report(epoch, loss):
    print(json.dumps({"step": epoch, "val_loss": loss}), flush=True)


def with_sklearn(args):
    from sklearn.datasets import load_digits
    from sklearn.linear_model import SGDClassifier
    from sklearn.metrics import log_loss
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.3, random_state=args.seed, stratify=y)
    scaler = StandardScaler().fit(Xtr)
    Xtr, Xva = scaler.transform(Xtr), scaler.transform(Xva)
    clf = SGDClassifier(loss="log_loss", alpha=args.alpha, learning_rate="constant", eta0=args.lr, random_state=args.seed)
    classes = sorted(set(y))
    for epoch in range(args.epochs):
        clf.partial_fit(Xtr, ytr, classes=classes)
        report(epoch, log_loss(yva, clf.predict_proba(Xva), labels=classes))


def plain(args):
    rng = random.Random(args.seed)
    def sample():
        c = rng.random() < 0.5
        x = [rng.gauss(1.0 if c else -1.0, 1.5) for _ in range(5)]
        return x, 1 if c else 0
    train = [sample() for _ in range(600)]
    val = [sample() for _ in range(300)]
    w, b = [0.0] * 5, 0.0
    for epoch in range(args.epochs):
        rng.shuffle(train)
        for x, t in train:
            z = max(-30.0, min(30.0, sum(wi * xi for wi, xi in zip(w, x)) + b))
            g = 1 / (1 + math.exp(-z)) - t
            w = [wi - args.lr * (g * xi + args.alpha * wi) for wi, xi in zip(w, x)]
            b -= args.lr * g
        loss = 0.0
        for x, t in val:
            z = max(-30.0, min(30.0, sum(wi * xi for wi, xi in zip(w, x)) + b))
            p = min(max(1 / (1 + math.exp(-z)), 1e-12), 1 - 1e-12)
            loss -= t * math.log(p) + (1 - t) * math.log(1 - p)
        report(epoch, loss / len(val))


if __name__ == "__main__":
    args = parse()
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("scikit-learn is not installed: training the plain-Python model", file=sys.stderr)
        plain(args)
    else:
        with_sklearn(args)
