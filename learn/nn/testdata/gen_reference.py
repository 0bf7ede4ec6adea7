#!/usr/bin/python3
"""Reference values for learn/nn's tests, computed by PyTorch.

Run from learn/nn with Debian's python3-torch (1.13):

    /usr/bin/python3 testdata/gen_reference.py

It writes testdata/reference.json and testdata/seed_cnn_grads.f32. Every
input is a float32 value; PyTorch computes in float64 from it, so the
references are the exact results that learn/nn's float32 code
approximates. Layouts are learn/nn's: NHWC images (PyTorch's are NCHW),
Dense kernels [in, units] (Linear's weight is [units, in]), Conv2D kernels
[kh*kw*cin, cout] (Conv2d's weight is [cout, cin, kh, kw]), Flatten in
(h, w, c) order.

Each layer case has an input x, parameters, an upstream gradient dy, and
the output y and the gradients of sum(y * dy) with respect to x and to the
parameters.
"""

import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))


def f32(a):
    """a as float32 values (in a float64 array)."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def flat(t):
    if isinstance(t, torch.Tensor):
        t = t.detach().numpy()
    return [float(v) for v in np.asarray(t, dtype=np.float64).ravel()]


def t(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def conv_to_torch(w, kh, kw, cin, cout):
    """learn/nn's [kh*kw*cin, cout] kernel as Conv2d's [cout, cin, kh, kw]."""
    return w.reshape(kh, kw, cin, cout).transpose(3, 2, 0, 1)


def conv_from_torch(g):
    """Conv2d's [cout, cin, kh, kw] as learn/nn's [kh*kw*cin, cout]."""
    return g.permute(2, 3, 1, 0).reshape(-1, g.shape[0])


def same_pad(n, k, s):
    out = (n + s - 1) // s
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def act(name, z):
    return {
        "linear": lambda v: v,
        "relu": torch.relu,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "gelu": F.gelu,  # exact erf form
        "softmax": lambda v: torch.softmax(v, dim=-1),
    }[name](z)


def kinks(name, z):
    """The least distance of a pre-activation to a kink of the activation."""
    if name != "relu":
        return math.inf
    return float(np.abs(z.detach().numpy()).min())


rng = np.random.RandomState(20240611)


def normal(*shape):
    return f32(rng.standard_normal(shape))


def uniform(lo, hi, *shape):
    return f32(rng.uniform(lo, hi, shape))


cases = []


def finish(case, x, y, dy, grads=lambda: {}):
    """Backpropagates sum(y*dy) and stores y and the gradients in case;
    grads returns the parameters' gradients once they are computed."""
    (y * dy).sum().backward()
    case["y"] = flat(y)
    case["dx"] = flat(x.grad)
    case["grads"] = {k: flat(v) for k, v in grads().items()}
    cases.append(case)


def dense_case(name, n, fin, units, activation):
    while True:
        x, w, b = normal(n, fin), normal(fin, units) * 0.5, normal(units) * 0.1
        dy = normal(n, units)
        z = t(x) @ t(w) + t(b)
        if kinks(activation, z) > 1e-3:
            break
    xt, wt, bt = t(x, True), t(w, True), t(b, True)
    y = act(activation, xt @ wt + bt)
    case = {"name": name, "type": "Dense", "config": {"units": units, "activation": activation},
            "x_shape": [n, fin], "x": flat(x), "params": {"kernel": flat(w), "bias": flat(b)}, "dy": flat(dy)}
    finish(case, xt, y, t(dy), lambda: {"kernel": wt.grad, "bias": bt.grad})


for a in ["linear", "relu", "tanh", "sigmoid", "gelu", "softmax"]:
    dense_case("dense_" + a, 3, 5, 4, a)


def conv_case(name, n, h, w, cin, cout, k, stride, padding, activation):
    while True:
        x = normal(n, h, w, cin)
        wk = normal(k * k * cin, cout) * 0.3
        b = normal(cout) * 0.1
        xt = t(x, True)
        wt = t(conv_to_torch(wk, k, k, cin, cout), True)
        bt = t(b, True)
        xn = xt.permute(0, 3, 1, 2)
        if padding == "same":
            pt, pb = same_pad(h, k, stride)
            pl, pr = same_pad(w, k, stride)
            xn = F.pad(xn, (pl, pr, pt, pb))
        z = F.conv2d(xn, wt, bt, stride=stride)
        if kinks(activation, z) > 1e-3:
            break
    y = act(activation, z.permute(0, 2, 3, 1))
    dy = normal(*y.shape)
    case = {"name": name, "type": "Conv2D",
            "config": {"filters": cout, "kernel": k, "stride": stride, "padding": padding, "activation": activation},
            "x_shape": [n, h, w, cin], "x": flat(x), "params": {"kernel": flat(wk), "bias": flat(b)}, "dy": flat(dy),
            "y_shape": list(y.shape)}
    finish(case, xt, y, t(dy), lambda: {"kernel": conv_from_torch(wt.grad), "bias": bt.grad})


conv_case("conv_valid", 2, 6, 6, 3, 4, 3, 1, "valid", "linear")
conv_case("conv_same_relu", 2, 5, 5, 3, 4, 3, 1, "same", "relu")
conv_case("conv_same_stride2", 2, 6, 6, 2, 3, 3, 2, "same", "linear")
conv_case("conv_valid_stride2", 2, 7, 7, 2, 3, 3, 2, "valid", "tanh")
conv_case("conv_k2_same_rect", 1, 5, 4, 2, 2, 2, 1, "same", "gelu")
conv_case("conv_1x1", 2, 3, 3, 4, 3, 1, 1, "valid", "sigmoid")


def pool_case(name, typ, n, h, w, c, pool, stride):
    while True:
        x = normal(n, h, w, c)
        xt = t(x, True)
        xn = xt.permute(0, 3, 1, 2)
        if typ == "MaxPool2D":
            # Near ties would make the argmax depend on rounding.
            top = torch.topk(F.unfold(xn.detach(), pool, stride=stride).reshape(n, c, pool * pool, -1), 2, dim=2).values
            if float((top[:, :, 0] - top[:, :, 1]).min()) < 1e-3:
                continue
            z = F.max_pool2d(xn, pool, stride)
        else:
            z = F.avg_pool2d(xn, pool, stride)
        break
    y = z.permute(0, 2, 3, 1)
    dy = normal(*y.shape)
    case = {"name": name, "type": typ, "config": {"pool": pool, "stride": stride},
            "x_shape": [n, h, w, c], "x": flat(x), "params": {}, "dy": flat(dy), "y_shape": list(y.shape)}
    finish(case, xt, y, t(dy))


for typ in ["MaxPool2D", "AvgPool2D"]:
    p = typ[:3].lower()
    pool_case(p + "pool_2", typ, 2, 4, 4, 3, 2, 2)
    pool_case(p + "pool_3_stride2", typ, 1, 7, 7, 2, 3, 2)
    pool_case(p + "pool_2_odd", typ, 1, 5, 5, 2, 2, 2)


def batchnorm_case(name, shape, training):
    c = shape[-1]
    x = normal(*shape) * 2 + 0.5
    gamma, beta = uniform(0.5, 1.5, c), normal(c) * 0.2
    rmean, rvar = normal(c) * 0.3, uniform(0.5, 2, c)
    dy = normal(*shape)
    xt = t(x, True)
    bn = torch.nn.BatchNorm1d(c) if len(shape) == 2 else torch.nn.BatchNorm2d(c)
    with torch.no_grad():
        bn.weight.copy_(t(gamma))
        bn.bias.copy_(t(beta))
        bn.running_mean.copy_(t(rmean))
        bn.running_var.copy_(t(rvar))
    bn.train(training)
    assert bn.momentum == 0.1 and bn.eps == 1e-5
    xn = xt if len(shape) == 2 else xt.permute(0, 3, 1, 2)
    y = bn(xn)
    if len(shape) > 2:
        y = y.permute(0, 2, 3, 1)
    case = {"name": name, "type": "BatchNorm", "config": {}, "training": training,
            "x_shape": list(shape), "x": flat(x), "params": {"gamma": flat(gamma), "beta": flat(beta)},
            "state": {"running_mean": flat(rmean), "running_var": flat(rvar)}, "dy": flat(dy)}
    finish(case, xt, y, t(dy), lambda: {"gamma": bn.weight.grad, "beta": bn.bias.grad})
    case["state_after"] = {"running_mean": flat(bn.running_mean), "running_var": flat(bn.running_var)}


batchnorm_case("batchnorm_dense", (6, 4), True)
batchnorm_case("batchnorm_conv", (2, 3, 3, 4), True)
batchnorm_case("batchnorm_eval", (5, 3), False)


def activation_case(name, typ, config, fn):
    while True:
        x = normal(3, 5) * 2
        if typ not in ("ReLU", "LeakyReLU") or np.abs(x).min() > 1e-3:
            break
    dy = normal(3, 5)
    xt = t(x, True)
    y = fn(xt)
    case = {"name": name, "type": typ, "config": config, "x_shape": [3, 5], "x": flat(x), "params": {}, "dy": flat(dy)}
    finish(case, xt, y, t(dy))


activation_case("relu", "ReLU", {}, torch.relu)
activation_case("leaky_relu", "LeakyReLU", {"alpha": 0.1}, lambda v: F.leaky_relu(v, 0.1))
activation_case("leaky_relu_default", "LeakyReLU", {}, F.leaky_relu)  # PyTorch's 0.01
activation_case("tanh", "Tanh", {}, torch.tanh)
activation_case("sigmoid", "Sigmoid", {}, torch.sigmoid)
activation_case("gelu", "GELU", {}, F.gelu)
activation_case("softmax", "Softmax", {}, lambda v: torch.softmax(v, dim=-1))

losses = []


def loss_case(name, loss, pred, fn, labels=None, values=None):
    pt = t(pred, True)
    if values is not None:
        target = t(values)
    elif pred.shape[1] == 1:
        target = t(np.asarray(labels, dtype=np.float64).reshape(-1, 1))
    elif loss == "softmax_cross_entropy":
        target = torch.tensor(labels, dtype=torch.long)
    else:
        target = F.one_hot(torch.tensor(labels, dtype=torch.long), pred.shape[1]).double()
    v = fn(pt, target)
    v.backward()
    case = {"name": name, "loss": loss, "pred_shape": list(pred.shape), "pred": flat(pred),
            "value": float(v), "grad": flat(pt.grad)}
    if labels is not None:
        case["labels"] = [int(l) for l in labels]
    if values is not None:
        case["values"] = flat(values)
    losses.append(case)


loss_case("ce", "softmax_cross_entropy", normal(4, 5) * 2, F.cross_entropy, labels=[0, 3, 4, 1])
loss_case("ce_extreme", "softmax_cross_entropy", f32([[1000, -1000, 0], [-500, 20, 30]]), F.cross_entropy, labels=[1, 0])
loss_case("mse", "mse", normal(3, 4), F.mse_loss, values=normal(3, 4))
loss_case("mse_labels", "mse", normal(3, 4), F.mse_loss, labels=[2, 0, 3])
loss_case("bce_logits", "bce_logits", normal(4, 3) * 3, F.binary_cross_entropy_with_logits, values=uniform(0, 1, 4, 3))
loss_case("bce_logits_labels", "bce_logits", normal(5, 1) * 3, F.binary_cross_entropy_with_logits, labels=[1, 0, 0, 1, 1])
loss_case("bce_probs", "bce_probs", uniform(0.05, 0.95, 4, 3), F.binary_cross_entropy, values=uniform(0, 1, 4, 3))

# The seed CNN: Conv2D(32, 3x3, relu) -> MaxPool(2) -> Conv2D(64, 3x3, relu)
# -> MaxPool(2) -> Flatten -> Dense(128, relu) -> Dense(10), softmax
# cross-entropy. Its weights come from a formula that the Go test repeats
# exactly (integer hash, then float64 operations, then float32).
SEED_PARAMS = [  # name, shape in learn/nn's layout, fan-in, fan-out (0, 0: a bias)
    ("conv2d.kernel", (9 * 1, 32), 9, 9 * 32), ("conv2d.bias", (32,), 0, 0),
    ("conv2d_1.kernel", (9 * 32, 64), 9 * 32, 9 * 64), ("conv2d_1.bias", (64,), 0, 0),
    ("dense.kernel", (1600, 128), 1600, 128), ("dense.bias", (128,), 0, 0),
    ("dense_1.kernel", (128, 10), 128, 10), ("dense_1.bias", (10,), 0, 0),
]


def seed_weight(p, shape, fan_in, fan_out):
    n = int(np.prod(shape))
    limit = math.sqrt(6.0 / float(fan_in + fan_out)) if fan_in else 0.1
    v = [((((i * 2654435761 + p * 40503 + 12345) % (1 << 32)) / 4294967296.0) * 2 - 1) * limit for i in range(n)]
    return np.asarray(v, dtype=np.float32).astype(np.float64).reshape(shape)


weights = [seed_weight(p, s, fi, fo) for p, (_, s, fi, fo) in enumerate(SEED_PARAMS)]


def seed_cnn(x, labels, ws):
    w1, b1, w2, b2, w3, b3, w4, b4 = ws
    h = x.permute(0, 3, 1, 2)
    z1 = F.conv2d(h, conv_to_torch_t(w1, 3, 3, 1, 32), b1)
    h = F.max_pool2d(torch.relu(z1), 2)
    z2 = F.conv2d(h, conv_to_torch_t(w2, 3, 3, 32, 64), b2)
    h = F.max_pool2d(torch.relu(z2), 2)
    h = h.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
    z3 = h @ w3 + b3
    logits = torch.relu(z3) @ w4 + b4
    return logits, F.cross_entropy(logits, labels), (z1, z2, z3)


def conv_to_torch_t(w, kh, kw, cin, cout):
    return w.reshape(kh, kw, cin, cout).permute(3, 2, 0, 1)


for attempt in range(1000):
    x = uniform(0, 1, 3, 28, 28, 1)
    labels = torch.tensor(rng.randint(0, 10, 3), dtype=torch.long)
    with torch.no_grad():
        _, _, zs = seed_cnn(t(x), labels, [t(w) for w in weights])
    # A pre-activation within rounding of 0 would make the ReLU's gradient
    # depend on float32 rounding: draw another batch.
    if min(float(z.abs().min()) for z in zs) > 2e-6:
        break
else:
    raise SystemExit("no batch without near-kinks")
ws = [t(w, True) for w in weights]
logits, loss, _ = seed_cnn(t(x), labels, ws)
loss.backward()
grads = np.concatenate([w.grad.detach().numpy().ravel() for w in ws]).astype("<f4")
grads.tofile(os.path.join(HERE, "seed_cnn_grads.f32"))
seed = {
    "x_shape": [3, 28, 28, 1], "x": flat(x), "labels": [int(l) for l in labels],
    "logits": flat(logits), "loss": float(loss),
    "params": [{"name": n, "size": int(np.prod(s)), "fan_in": fi, "fan_out": fo} for n, s, fi, fo in SEED_PARAMS],
    "grads_file": "seed_cnn_grads.f32",
}

with open(os.path.join(HERE, "reference.json"), "w") as f:
    json.dump({"torch": torch.__version__, "layers": cases, "losses": losses, "seed_cnn": seed}, f, separators=(",", ":"))
    f.write("\n")
print(f"{len(cases)} layer cases, {len(losses)} loss cases, seed CNN after {attempt + 1} batch(es), loss {float(loss):.6f}")
