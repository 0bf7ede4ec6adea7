#!/usr/bin/python3
"""PyTorch's time for BenchmarkSeedCNNTrainStep's step, for comparison:
the seed CNN, a batch of 64 28x28x1 images, forward, cross-entropy,
backward, SGD with momentum. Run with Debian's python3-torch:

    /usr/bin/python3 testdata/bench_torch.py [threads]
"""

import sys
import time

import torch
import torch.nn as nn

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
x, y = torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,))
loss = nn.CrossEntropyLoss()
for layout in ["nchw", "nhwc"]:
    if layout == "nhwc":
        model = model.to(memory_format=torch.channels_last)
        x = x.to(memory_format=torch.channels_last)

    def step():
        opt.zero_grad()
        loss(model(x), y).backward()
        opt.step()

    for _ in range(10):
        step()
    n, start = 100, time.perf_counter()
    for _ in range(n):
        step()
    dt = (time.perf_counter() - start) / n
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {layout}: {dt * 1e3:.1f} ms/step, {64 / dt:.0f} images/s")
