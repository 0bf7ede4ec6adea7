"""Reference values for learn/optim, from PyTorch 1.13.

Run with Debian's python3-torch (1.13; the python3 on PATH may lack torch)
from the repository root, in a few seconds:

    /usr/bin/python3 learn/optim/testdata/gen_reference.py > learn/optim/testdata/reference.json

It writes, as JSON:

- optimizers: for each optimizer and option variant, the trajectory of the
  parameters over 100 steps of torch.optim on a fixed problem whose
  gradient the Go test computes with the same float32 operations:
  two parameters, w (8 values) and b (3), seen as one vector x of 11, and
  the loss 0.5*sum(a*(x-c)**2) + k*sum(x[:-1]*x[1:]), whose gradient is
  a*(x-c) + k*(x shifted right + x shifted left, with zeros at the ends).
  "torch" holds the torch.optim arguments, "config" the Go configuration
  (with Go's defaults for what it leaves out, so that the defaults are
  checked too), "lrs", where present, the learning rate of each step
  (set by an ExponentialLR stepped after every step).
- clip: gradients before and after clip_grad_norm_ (and the norm it
  returned) or clip_grad_value_.
- schedules: for each scheduler, the learning rate after its construction
  and after each of its steps: per epoch for the epoch-wise ones (60
  epochs), per batch for the batch-wise ones (6 epochs of 10 batches);
  ReduceLROnPlateau is fed the metrics listed. WarmupCosine is
  SequentialLR(LinearLR, CosineAnnealingLR); OneCycleLR runs without
  momentum cycling.

Generated with PyTorch's AVX2 kernels, whose fused multiply-adds the Go
code reproduces: there the optimizers' trajectories agree bit for bit.
Kernels without FMA round differently in the last bit; the Go test allows
a relative error of 1e-5.
"""

import json
import math
import re
import sys
import warnings

import numpy as np
import torch

STEPS = 100
A = [1.0, 2.5, 0.5, 3.0, 1.5, 0.75, 2.0, 1.25, 0.6, 2.2, 1.8]
C = [1.0, -2.0, 0.5, 1.5, -0.75, 2.0, -1.25, 0.3, -1.6, 0.9, 1.2]
K = 0.1
X0 = [-1.0, 1.0, 2.0, -0.5, 1.0, -1.5, 0.5, 2.5, 1.0, -2.0, 0.0]
SIZES = [8, 3]


def f32(t):
    """The float32 values of t, as the shortest decimals that read back as
    them in float32 (Go's json reads []float32 so)."""
    return [float(str(np.float32(v))) for v in t.detach().numpy()]


def grad(x):
    """The loss's gradient, op by op in float32, as the Go test computes it."""
    a = torch.tensor(A, dtype=torch.float32)
    c = torch.tensor(C, dtype=torch.float32)
    zero = torch.zeros(1, dtype=torch.float32)
    prev = torch.cat([zero, x[:-1]])
    nxt = torch.cat([x[1:], zero])
    return a * (x - c) + K * (prev + nxt)


OPTIMIZERS = [
    # name, torch class, torch kwargs, Go kind, Go config, lr decay per step
    ("gd", "SGD", {"lr": 0.05}, "GD", {"LR": 0.05}, None),
    ("sgd", "SGD", {"lr": 0.05}, "SGD", {"LR": 0.05}, None),
    ("sgd_momentum", "SGD", {"lr": 0.02, "momentum": 0.9}, "SGD", {"LR": 0.02, "Momentum": 0.9}, None),
    ("sgd_nesterov_wd", "SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
     "SGD", {"LR": 0.02, "Momentum": 0.9, "Nesterov": True, "WeightDecay": 0.01}, None),
    ("sgd_dampening", "SGD", {"lr": 0.02, "momentum": 0.8, "dampening": 0.3, "weight_decay": 1e-3},
     "SGD", {"LR": 0.02, "Momentum": 0.8, "Dampening": 0.3, "WeightDecay": 1e-3}, None),
    ("adam", "Adam", {"lr": 0.05}, "Adam", {"LR": 0.05}, None),
    ("adam_defaults", "Adam", {}, "Adam", {}, None),
    ("adam_amsgrad_wd", "Adam", {"lr": 0.05, "betas": (0.8, 0.99), "amsgrad": True, "weight_decay": 0.01},
     "Adam", {"LR": 0.05, "Beta1": 0.8, "Beta2": 0.99, "AMSGrad": True, "WeightDecay": 0.01}, None),
    ("adam_lr_decay", "Adam", {"lr": 0.1}, "Adam", {"LR": 0.1}, 0.97),
    ("adamw", "AdamW", {"lr": 0.05}, "AdamW", {"LR": 0.05}, None),
    ("adamw_amsgrad", "AdamW", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True, "eps": 1e-6},
     "AdamW", {"LR": 0.05, "WeightDecay": 0.1, "AMSGrad": True, "Eps": 1e-6}, None),
    ("rmsprop", "RMSprop", {}, "RMSProp", {}, None),
    ("rmsprop_centered_momentum", "RMSprop",
     {"lr": 0.005, "alpha": 0.9, "momentum": 0.9, "centered": True, "weight_decay": 0.01},
     "RMSProp", {"LR": 0.005, "Alpha": 0.9, "Momentum": 0.9, "Centered": True, "WeightDecay": 0.01}, None),
    ("rmsprop_centered", "RMSprop", {"lr": 0.01, "centered": True},
     "RMSProp", {"LR": 0.01, "Centered": True}, None),
    ("adagrad", "Adagrad", {"lr": 0.1}, "Adagrad", {"LR": 0.1}, None),
    ("adagrad_lr_decay", "Adagrad",
     {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator_value": 0.1},
     "Adagrad", {"LR": 0.1, "LRDecay": 0.01, "WeightDecay": 0.01, "InitialAccumulator": 0.1}, None),
]


def trajectory(cls, kwargs, decay):
    x0 = torch.tensor(X0, dtype=torch.float32)
    params = [torch.nn.Parameter(t.clone()) for t in torch.split(x0, SIZES)]
    opt = getattr(torch.optim, cls)(params, **kwargs)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, decay) if decay else None
    xs, lrs = [], []
    for _ in range(STEPS):
        with torch.no_grad():
            g = grad(torch.cat([p.detach() for p in params]))
        for p, gp in zip(params, torch.split(g, SIZES)):
            p.grad = gp.clone()
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if sched:
            sched.step()
        xs.append(f32(torch.cat([p.detach() for p in params])))
    return xs, lrs


def optimizers():
    out = []
    for name, cls, kwargs, kind, config, decay in OPTIMIZERS:
        xs, lrs = trajectory(cls, kwargs, decay)
        case = {"name": name, "torch": {"class": cls, **kwargs}, "kind": kind,
                "config": config, "x": xs}
        if decay:
            case["lrs"] = lrs
        out.append(case)
    return out


GRADS = [
    [0.5, -3.0, 2.25, 0.125, -1.5, 4.0, -0.75, 1.0],
    [-2.5, 0.3, 1.7],
]


def clips():
    out = []
    cases = [("norm", 1.0, 2.0), ("norm", 100.0, 2.0), ("norm", 0.5, math.inf),
             ("norm", 2.0, 1.0), ("norm", 1.0, 3.0), ("norm", 5.0, math.inf),
             ("value", 0.5, None), ("value", 2.0, None)]
    for kind, v, p in cases:
        params = [torch.nn.Parameter(torch.zeros(len(g))) for g in GRADS]
        for q, g in zip(params, GRADS):
            q.grad = torch.tensor(g, dtype=torch.float32)
        case = {"kind": kind, "max": v}
        if kind == "norm":
            case["norm_type"] = "inf" if math.isinf(p) else p
            case["total"] = f32(torch.nn.utils.clip_grad_norm_(params, v, p).reshape(1))[0]
        else:
            torch.nn.utils.clip_grad_value_(params, v)
        case["grads"] = GRADS
        case["clipped"] = [f32(q.grad) for q in params]
        out.append(case)
    return out


BASE = 0.1
EPOCHS = 60
BATCHES, BATCH_EPOCHS = 10, 6
# A validation loss that falls, stalls, wobbles within the threshold and
# falls again, for ReduceLROnPlateau.
METRICS = ([1.0 - 0.05 * i for i in range(10)] + [0.55] * 8 + [0.5499, 0.54996, 0.5] + [0.5] * 12
           + [0.4 - 0.01 * i for i in range(5)] + [0.37] * 15 + [0.36, 0.365, 0.36, 0.35, 0.36, 0.3, 0.31])
assert len(METRICS) >= EPOCHS


def sgd():
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=BASE)


def run(sched, opt, n, metrics=None):
    lrs = [opt.param_groups[0]["lr"]]
    for i in range(n):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        lrs.append(opt.param_groups[0]["lr"])
    return lrs


def warmup_cosine(warmup, start_factor, min_lr):
    opt = sgd()
    total = BATCHES * BATCH_EPOCHS
    lin = torch.optim.lr_scheduler.LinearLR(opt, start_factor=start_factor, total_iters=warmup)
    cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=min_lr)
    seq = torch.optim.lr_scheduler.SequentialLR(opt, [lin, cos], milestones=[warmup])
    return run(seq, opt, total)


def schedules():
    S = torch.optim.lr_scheduler
    out = []

    def epochwise(name, kind, config, make, metrics=None):
        opt = sgd()
        out.append({"name": name, "kind": kind, "config": config, "batchwise": False,
                    "metrics": metrics[:EPOCHS] if metrics else None,
                    "lrs": run(make(opt), opt, EPOCHS, metrics)})

    def batchwise(name, kind, config, lrs):
        out.append({"name": name, "kind": kind, "config": config, "batchwise": True, "lrs": lrs})

    epochwise("step", "Step", {"Size": 7, "Gamma": 0.5}, lambda o: S.StepLR(o, 7, gamma=0.5))
    epochwise("step_default_gamma", "Step", {"Size": 10}, lambda o: S.StepLR(o, 10))
    epochwise("multistep", "MultiStep", {"Milestones": [10, 25, 40], "Gamma": 0.3},
              lambda o: S.MultiStepLR(o, [10, 25, 40], gamma=0.3))
    epochwise("exponential", "Exponential", {"Gamma": 0.93}, lambda o: S.ExponentialLR(o, 0.93))
    epochwise("cosine", "Cosine", {"MinLR": 1e-4}, lambda o: S.CosineAnnealingLR(o, EPOCHS, eta_min=1e-4))
    epochwise("cosine_past_tmax", "Cosine", {"TMax": 20},
              lambda o: S.CosineAnnealingLR(o, 20))
    epochwise("plateau", "ReduceOnPlateau", {"Patience": 3},
              lambda o: S.ReduceLROnPlateau(o, patience=3), METRICS)
    epochwise("plateau_defaults", "ReduceOnPlateau", {},
              lambda o: S.ReduceLROnPlateau(o), METRICS)
    epochwise("plateau_cooldown_abs", "ReduceOnPlateau",
              {"Patience": 2, "Cooldown": 3, "ThresholdAbs": True, "Threshold": 0.001, "Factor": 0.5, "MinLR": 0.01},
              lambda o: S.ReduceLROnPlateau(o, patience=2, cooldown=3, threshold_mode="abs", threshold=0.001,
                                            factor=0.5, min_lr=0.01), METRICS)
    epochwise("plateau_max", "ReduceOnPlateau", {"Max": True, "Patience": 1, "Factor": 0.7},
              lambda o: S.ReduceLROnPlateau(o, mode="max", patience=1, factor=0.7), [-m for m in METRICS])

    batchwise("warmup_cosine", "WarmupCosine", {"Warmup": 15, "StartFactor": 0.1, "MinLR": 1e-5},
              warmup_cosine(15, 0.1, 1e-5))
    batchwise("warmup_cosine_defaults", "WarmupCosine", {}, warmup_cosine(5, 1.0 / 3, 0.0))
    total = BATCHES * BATCH_EPOCHS
    opt = sgd()
    batchwise("warmup_cosine_none", "WarmupCosine", {"Warmup": -1},
              run(S.CosineAnnealingLR(opt, total), opt, total))
    for name, config, kwargs in [
        ("onecycle", {}, {}),
        ("onecycle_max_lr", {"MaxLR": 0.5}, {"max_lr": 0.5}),
        ("onecycle_three_phase_linear", {"ThreePhase": True, "Linear": True, "PctStart": 0.25,
                                         "DivFactor": 10, "FinalDivFactor": 100},
         {"three_phase": True, "anneal_strategy": "linear", "pct_start": 0.25, "div_factor": 10.0,
          "final_div_factor": 100.0}),
        ("onecycle_three_phase", {"ThreePhase": True}, {"three_phase": True}),
    ]:
        opt = sgd()
        kwargs.setdefault("max_lr", BASE)
        sched = S.OneCycleLR(opt, epochs=BATCH_EPOCHS, steps_per_epoch=BATCHES, cycle_momentum=False, **kwargs)
        batchwise(name, "OneCycle", config, run(sched, opt, total))
    return out


def main():
    # ReduceLROnPlateau's and SequentialLR's step(epoch) warn of deprecation.
    warnings.simplefilter("ignore", UserWarning)
    ref = {
        "torch": torch.__version__,
        "problem": {"a": A, "c": C, "k": K, "x0": X0, "sizes": SIZES, "steps": STEPS},
        "optimizers": optimizers(),
        "clip": clips(),
        "schedules": {"base": BASE, "epochs": EPOCHS, "batches": BATCHES, "batch_epochs": BATCH_EPOCHS,
                      "cases": schedules()},
    }
    text = json.dumps(ref, indent=1)
    # One line per list of numbers.
    text = re.sub(r"\[[-+0-9.e,\s]*\]", lambda m: re.sub(r"\s+", " ", m.group(0)).replace("[ ", "[").replace(" ]", "]"),
                  text)
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
