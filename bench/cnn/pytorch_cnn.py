"""PyTorch's side of bench/cnn: the seed CNN's training and inference speed.

Run by bench/cnn (embedded; Debian's python3-torch). It reads one JSON
request per line on stdin and answers each with one JSON line on stdout,
so that the Go program can interleave its own measurements with these:

    {"mode": "train" | "infer", "threads": 1, "batch": 64, "batches": 50}
    -> {"images_per_s": ..., "seconds": ...}

The model is Keras' MNIST example in PyTorch: Conv2d(1, 32, 3) + ReLU,
MaxPool2d(2), Conv2d(32, 64, 3) + ReLU, MaxPool2d(2), Flatten,
Linear(1600, 128) + ReLU, Linear(128, 10), cross-entropy, SGD lr 0.01.
Inputs are random (speed does not depend on them); a warm-up of 5 batches
is not timed.
"""

import json
import sys
import time

import torch
import torch.nn as nn

torch.manual_seed(0)


def model():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10),
    )


def run(req):
    torch.set_num_threads(req["threads"])
    batch, batches = req["batch"], req["batches"]
    m = model()
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    if req["mode"] == "train":
        opt = torch.optim.SGD(m.parameters(), lr=0.01)
        loss_fn = nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            loss_fn(m(x), y).backward()
            opt.step()
    else:
        m.eval()

        def step():
            with torch.no_grad():
                m(x)
    for _ in range(5):
        step()
    start = time.perf_counter()
    for _ in range(batches):
        step()
    secs = time.perf_counter() - start
    return {"images_per_s": batch * batches / secs, "seconds": secs}


for line in sys.stdin:
    if line.strip():
        print(json.dumps(run(json.loads(line))), flush=True)
