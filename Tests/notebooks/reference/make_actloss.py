"""Writes actloss.vis: vis's activations and losses (issue 17) against PyTorch.

Each activation runs on fixed inputs that include its kinks (0, the bounds, +-lambd,
+-3), ties, NaN and +-inf, and the check covers the values and the input's gradient
(of `(y * w).sum()` with fixed weights w, so every element's gradient is seen); each
loss runs with every reduction, with the gradients of every input that takes one.

Tolerance: rtol=1e-5, atol=1e-6 for float32. vis computes the pointwise activations in
float64 and rounds once to float32, while PyTorch computes in float32, so results may
differ by a few float32 ulps (relative 1e-7 .. 1e-6); the composed losses sum in a
different order. 1e-5 relative is far below any formula error (a wrong branch or
constant changes results by > 1e-3). float64 checks use rtol=1e-12, atol=1e-12.

Run: /work/torchenv/bin/python Tests/notebooks/reference/make_actloss.py
"""
import math
import os
import torch
import torch.nn.functional as F
from torchref import Notebook, lit

RTOL, ATOL = 1e-5, 1e-6
nb = Notebook(os.path.join(os.path.dirname(__file__), "actloss.vis"),
              "Activations and losses against PyTorch (issue 17)", "make_actloss.py")
nan, inf = float("nan"), float("inf")

counter = [0]


def fresh():
    counter[0] += 1
    return f"v{counter[0]}"


def activation(call_vis, fn, values, dtype=torch.float32):
    """Checks y = fn(x) and x.grad of (y * w).sum()."""
    x = torch.tensor(values, dtype=dtype, requires_grad=True)
    y = fn(x)
    w = torch.linspace(0.5, 1.5, y.numel(), dtype=dtype).reshape(y.shape)
    (y * w).sum().backward()
    name = fresh()
    nb.line(f"{name} = {lit(x, requires_grad=True)}")
    nb.line(f"{name}y = {call_vis.format(x=name)}")
    tol = (RTOL, ATOL) if dtype == torch.float32 else (1e-12, 1e-12)
    nb.check(f"{name}y", y, *tol)
    nb.line(f"({name}y * {lit(w)}).sum().backward()")
    # The gradient at a NaN input is left out: PyTorch's own answer there depends on
    # whether its vectorised or its scalar loop handled the element (hardswish gives
    # NaN in a 16-element tensor and 1 in a 3-element one).
    nb.check(f"where(isnan({name}), 0.0, {name}.grad)", torch.where(torch.isnan(x), torch.zeros_like(x), x.grad), *tol)


kinks = [-inf, -20.0, -3.0, -1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 3.0, 6.0, 6.5, 25.0, inf, nan]
nb.comment("Activations: values and input gradients at kinks, large values, +-inf and NaN")
cases = [
    ("F.softplus({x})", F.softplus), ("F.softplus({x}, beta=2, threshold=10)", lambda x: F.softplus(x, beta=2, threshold=10)),
    ("F.elu({x})", F.elu), ("F.elu({x}, alpha=0.5)", lambda x: F.elu(x, alpha=0.5)), ("F.selu({x})", F.selu),
    ("F.celu({x}, alpha=2.0)", lambda x: F.celu(x, alpha=2.0)), ("F.hardtanh({x})", F.hardtanh),
    ("F.hardtanh({x}, -0.5, 3.0)", lambda x: F.hardtanh(x, -0.5, 3.0)), ("F.relu6({x})", F.relu6),
    ("F.hardswish({x})", F.hardswish), ("F.hardsigmoid({x})", F.hardsigmoid), ("F.mish({x})", F.mish),
    ("F.logsigmoid({x})", F.logsigmoid), ("F.softsign({x})", F.softsign), ("F.tanhshrink({x})", F.tanhshrink),
    ("F.hardshrink({x})", F.hardshrink), ("F.hardshrink({x}, 1.0)", lambda x: F.hardshrink(x, 1.0)),
    ("F.softshrink({x})", F.softshrink), ("F.softshrink({x}, 1.0)", lambda x: F.softshrink(x, 1.0)),
    ("F.threshold({x}, 0.5, -2.0)", lambda x: F.threshold(x, 0.5, -2.0)),
    ("F.gelu({x}, approximate=\"tanh\")", lambda x: F.gelu(x, approximate="tanh")), ("F.gelu({x})", F.gelu),
    ("nn.Softplus(beta=0.5)({x})", torch.nn.Softplus(beta=0.5)), ("nn.Hardtanh(-2, 2)({x})", torch.nn.Hardtanh(-2, 2)),
    ("nn.Threshold(1.0, 0.0)({x})", torch.nn.Threshold(1.0, 0.0)), ("nn.SELU()({x})", torch.nn.SELU()),
]
for vis, fn in cases:
    activation(vis, fn, kinks)
nb.comment("float64 keeps float64")
for vis, fn in [("F.elu({x})", F.elu), ("F.softplus({x})", F.softplus), ("F.mish({x})", F.mish), ("F.hardswish({x})", F.hardswish),
                ("F.gelu({x}, approximate=\"tanh\")", lambda x: F.gelu(x, approximate="tanh"))]:
    activation(vis, fn, [-2.5, -0.5, 0.0, 0.75, 3.0], torch.float64)

nb.comment("softmin, glu and prelu (with their weights' gradients)")
torch.manual_seed(0)
m = torch.randn(3, 4)
activation("F.softmin({x}, dim=1)", lambda x: F.softmin(x, dim=1), m.tolist())
activation("F.softmin({x}, dim=0)", lambda x: F.softmin(x, dim=0), m.tolist())
activation("nn.Softmin(dim=1)({x})", torch.nn.Softmin(dim=1), m.tolist())
activation("F.glu({x})", F.glu, m.tolist())
activation("F.glu({x}, dim=0)", lambda x: F.glu(x, dim=0), torch.randn(4, 3).tolist())
activation("nn.GLU()({x})", torch.nn.GLU(), m.tolist())
xp = torch.tensor([[[-1.0, 0.0], [2.0, -3.0]], [[0.5, -0.5], [-2.0, 4.0]]], requires_grad=True)
for weights in ([0.25], [0.1, -0.3]):
    wp = torch.tensor(weights, requires_grad=True)
    y = F.prelu(xp, wp)
    g = torch.linspace(0.5, 1.5, y.numel()).reshape(y.shape)
    (y * g).sum().backward()
    a, b = fresh(), fresh()
    nb.line(f"{a} = {lit(xp, True)}")
    nb.line(f"{b} = {lit(wp, True)}")
    nb.line(f"{a}y = F.prelu({a}, {b})")
    nb.check(f"{a}y", y, RTOL, ATOL)
    nb.line(f"({a}y * {lit(g)}).sum().backward()")
    nb.check(f"{a}.grad", xp.grad, RTOL, ATOL)
    nb.check(f"{b}.grad", wp.grad, RTOL, ATOL)
    xp.grad = None
layer = torch.nn.PReLU(2, init=0.1)
y = layer(xp)
y.sum().backward()
nb.line(f"p = nn.PReLU(2, init=0.1)")
nb.line(f"px = {lit(xp, True)}")
nb.line("p(px).sum().backward()")
nb.check("p(px)", y, RTOL, ATOL)
nb.check("p.weight.grad", layer.weight.grad, RTOL, ATOL)
nb.check("px.grad", xp.grad, RTOL, ATOL)

nb.comment("Losses: every reduction, values and gradients")


def loss(call_vis, fn, inputs, grads):
    """inputs: list of torch tensors (float ones named in grads get requires_grad)."""
    names = []
    for i, t in enumerate(inputs):
        n = fresh()
        names.append(n)
        if i in grads:
            t.requires_grad_(True)
        nb.line(f"{n} = {lit(t, requires_grad=i in grads)}")
    for reduction in ["mean", "sum", "none"]:
        for t in inputs:
            t.grad = None
        y = fn(*inputs, reduction)
        w = torch.linspace(0.5, 1.5, y.numel()).reshape(y.shape) if y.dim() else torch.tensor(1.0)
        (y * w).sum().backward()
        r = fresh()
        nb.line(f"{r} = {call_vis.format(*names, r=repr(reduction).replace(chr(39), chr(34)))}")
        nb.check(r, y, RTOL, ATOL)
        for n in names:
            nb.line(f"{n}.grad = none")
        nb.line(f"({r} * {lit(w)}).sum().backward()")
        for i in grads:
            nb.check(f"{names[i]}.grad", inputs[i].grad, RTOL, ATOL)


torch.manual_seed(1)
a = torch.randn(4, 3) * 2
b = torch.randn(4, 3)
b[0, 0] = a[0, 0] + 1.0  # exactly delta apart
loss("F.huber_loss({0}, {1}, reduction={r})", lambda x, y, r: F.huber_loss(x, y, reduction=r), [a.clone(), b.clone()], [0, 1])
loss("F.huber_loss({0}, {1}, reduction={r}, delta=0.5)", lambda x, y, r: F.huber_loss(x, y, reduction=r, delta=0.5), [a.clone(), b.clone()], [0, 1])
loss("nn.HuberLoss(reduction={r}, delta=2.0)({0}, {1})", lambda x, y, r: torch.nn.HuberLoss(reduction=r, delta=2.0)(x, y), [a.clone(), b.clone()], [0, 1])
hw = torch.linspace(0.1, 2.0, 12).reshape(4, 3)
loss("F.huber_loss({0}, {1}, reduction={r}, weight=%s)" % lit(hw), lambda x, y, r: F.huber_loss(x, y, reduction=r, weight=hw), [a.clone(), b.clone()], [0, 1])
y1 = torch.tensor([1, -1, 1, -1])
loss("F.cosine_embedding_loss({0}, {1}, {2}, margin=0.2, reduction={r})", lambda x, z, t, r: F.cosine_embedding_loss(x, z, t, margin=0.2, reduction=r),
     [a.clone(), b.clone(), y1.clone()], [0, 1])
s1, s2 = torch.randn(5), torch.randn(5)
s2[1] = s1[1] + 0.1  # exactly at the margin
loss("F.margin_ranking_loss({0}, {1}, {2}, margin=0.1, reduction={r})", lambda x, z, t, r: F.margin_ranking_loss(x, z, t, margin=0.1, reduction=r),
     [s1.clone(), s2.clone(), torch.tensor([1.0, 1.0, -1.0, 1.0, -1.0])], [0, 1])
n3 = torch.randn(4, 3)
loss("F.triplet_margin_loss({0}, {1}, {2}, reduction={r})", lambda x, p, n, r: F.triplet_margin_loss(x, p, n, reduction=r), [a.clone(), b.clone(), n3.clone()], [0, 1, 2])
loss("nn.TripletMarginLoss(margin=2.0, p=1, swap=true, reduction={r})({0}, {1}, {2})",
     lambda x, p, n, r: torch.nn.TripletMarginLoss(margin=2.0, p=1, swap=True, reduction=r)(x, p, n), [a.clone(), b.clone(), n3.clone()], [0, 1, 2])
counts = torch.tensor([[0.0, 1.0, 2.0], [3.0, 0.5, 7.0], [1.0, 4.0, 0.0], [2.0, 2.0, 10.0]])
loss("F.poisson_nll_loss({0}, {1}, reduction={r})", lambda x, t, r: F.poisson_nll_loss(x, t, reduction=r), [b.clone(), counts.clone()], [0])
loss("F.poisson_nll_loss({0}, {1}, log_input=false, full=true, reduction={r})", lambda x, t, r: F.poisson_nll_loss(x, t, log_input=False, full=True, reduction=r),
     [a.abs() + 0.1, counts.clone()], [0])
var = torch.rand(4, 3) + 0.1
var[0, 0] = 1e-8  # clamped to eps
loss("F.gaussian_nll_loss({0}, {1}, {2}, reduction={r})", lambda x, t, v, r: F.gaussian_nll_loss(x, t, v, reduction=r), [a.clone(), b.clone(), var.clone()], [0, 1, 2])
loss("F.gaussian_nll_loss({0}, {1}, {2}, full=true, reduction={r})", lambda x, t, v, r: F.gaussian_nll_loss(x, t, v, full=True, reduction=r),
     [a.clone(), b.clone(), torch.rand(4) + 0.5], [0, 1, 2])
loss("F.gaussian_nll_loss({0}, {1}, {2}, reduction={r})", lambda x, t, v, r: F.gaussian_nll_loss(x, t, v, reduction=r),
     [a.clone(), b.clone(), torch.rand(4, 1) + 0.5], [0, 1, 2])
loss("nn.GaussianNLLLoss(reduction={r})({0}, {1}, 0.7)", lambda x, t, r: torch.nn.GaussianNLLLoss(reduction=r)(x, t, 0.7), [a.clone(), b.clone()], [0, 1])
pm = torch.tensor([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0], [1.0, 1.0, 1.0], [-1.0, 1.0, -1.0]])
loss("F.soft_margin_loss({0}, {1}, reduction={r})", lambda x, t, r: F.soft_margin_loss(x, t, reduction=r), [a.clone(), pm.clone()], [0])
loss("F.hinge_embedding_loss({0}, {1}, margin=1.5, reduction={r})", lambda x, t, r: F.hinge_embedding_loss(x, t, margin=1.5, reduction=r), [a.clone(), pm.clone()], [0])
labels = torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0], [0.0, 1.0, 0.0]])
loss("F.multilabel_soft_margin_loss({0}, {1}, reduction={r})", lambda x, t, r: F.multilabel_soft_margin_loss(x, t, reduction=r), [a.clone(), labels.clone()], [0])
loss("F.multilabel_soft_margin_loss({0}, {1}, weight=tensor([0.5, 1.0, 2.0]), reduction={r})",
     lambda x, t, r: F.multilabel_soft_margin_loss(x, t, weight=torch.tensor([0.5, 1.0, 2.0]), reduction=r), [a.clone(), labels.clone()], [0])
cls = torch.tensor([2, 0, 1, 2])
loss("F.multi_margin_loss({0}, {1}, reduction={r})", lambda x, t, r: F.multi_margin_loss(x, t, reduction=r), [a.clone(), cls.clone()], [0])
loss("F.multi_margin_loss({0}, {1}, p=2, margin=0.5, weight=tensor([1.0, 2.0, 0.5]), reduction={r})",
     lambda x, t, r: F.multi_margin_loss(x, t, p=2, margin=0.5, weight=torch.tensor([1.0, 2.0, 0.5]), reduction=r), [a.clone(), cls.clone()], [0])
ml = torch.tensor([[2, 0, -1], [1, -1, 0], [0, 1, 2], [-1, 2, 1]])
loss("F.multilabel_margin_loss({0}, {1}, reduction={r})", lambda x, t, r: F.multilabel_margin_loss(x, t, reduction=r), [a.clone(), ml.clone()], [0])

nb.comment("Distances")
for vis, fn in [("F.cosine_similarity({0}, {1})", lambda x, z: F.cosine_similarity(x, z)),
                ("F.cosine_similarity({0}, {1}, dim=0, eps=0.5)", lambda x, z: F.cosine_similarity(x, z, dim=0, eps=0.5)),
                ("nn.CosineSimilarity(dim=0)({0}, {1})", lambda x, z: torch.nn.CosineSimilarity(dim=0)(x, z)),
                ("F.pairwise_distance({0}, {1})", lambda x, z: F.pairwise_distance(x, z)),
                ("F.pairwise_distance({0}, {1}, p=1.0, keepdim=true)", lambda x, z: F.pairwise_distance(x, z, p=1.0, keepdim=True)),
                ("nn.PairwiseDistance(p=3.0)({0}, {1})", lambda x, z: torch.nn.PairwiseDistance(p=3.0)(x, z))]:
    xa, xb = a.clone().requires_grad_(True), b.clone().requires_grad_(True)
    y = fn(xa, xb)
    w = torch.linspace(0.5, 1.5, y.numel()).reshape(y.shape)
    (y * w).sum().backward()
    na, nbn, r = fresh(), fresh(), fresh()
    nb.line(f"{na} = {lit(xa, True)}")
    nb.line(f"{nbn} = {lit(xb, True)}")
    nb.line(f"{r} = {vis.format(na, nbn)}")
    nb.check(r, y, RTOL, ATOL)
    nb.line(f"({r} * {lit(w)}).sum().backward()")
    nb.check(f"{na}.grad", xa.grad, RTOL, ATOL)
    nb.check(f"{nbn}.grad", xb.grad, RTOL, ATOL)

nb.write()
