"""Writes f64nn.vis: vis's layers and losses in float64 (and half) against PyTorch.

Every layer and loss runs on fixed seeded float64 inputs with its weights copied in
from PyTorch's, and the notebook checks the output and the gradients of the input
and of every parameter, for a fixed upstream gradient. Then a `model.double()`
training step (forward, cross entropy, backward, an SGD update by hand) is compared
parameter by parameter, and a few half-precision layers are compared with PyTorch's
CPU half results.

Tolerances: float64 results use rtol=1e-12, atol=1e-12: both sides compute in double,
so they differ only by the order of roundings (a few ulps of values of order 1, far
below 1e-12), while a float32 computation anywhere would miss by ~1e-7. Half results
use rtol=atol=2e-3: one half ulp (2**-10 ~ 1e-3 relative) where the two sides round
a float32 value that differs in its last bits.

Run: /work/torchenv/bin/python Tests/notebooks/reference/make_f64nn.py
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torchref import Notebook, lit  # noqa: E402

D = torch.float64
TOL = dict(rtol=1e-12, atol=1e-12)
HALF = dict(rtol=2e-3, atol=2e-3)

torch.manual_seed(16)
nb = Notebook(os.path.join(os.path.dirname(os.path.abspath(__file__)), "f64nn.vis"),
              "float64 (and half) layers and losses against PyTorch", "make_f64nn.py")


def randn(*shape):
    return torch.randn(*shape, dtype=D)


def layer_case(title, make_vis, module, x, extra_params=()):
    """A float64 layer: weights copied in, output and every gradient checked."""
    nb.comment(title)
    module = module.double()
    nb.line(f"L = {make_vis}.double()")
    params = list(module.named_parameters())
    if params:
        nb.line("with no_grad() {")
        for name, p in params:
            nb.line(f"    L.{name}.copy_({lit(p)})")
        nb.line("}")
    xg = x.clone().requires_grad_(True)
    y = module(xg)
    out = y[0] if isinstance(y, tuple) else y
    gy = randn(*out.shape)
    (out * gy).sum().backward()
    nb.line(f"x = {lit(x, requires_grad=True)}")
    nb.line("y = L(x)")
    if isinstance(y, tuple):
        nb.line("y = y[0]")
    nb.check("y", out, **TOL)
    nb.line(f"(y * {lit(gy)}).sum().backward()")
    nb.check("x.grad", xg.grad, **TOL)
    for name, p in params:
        nb.check(f"L.{name}.grad", p.grad, **TOL)
    for name, b in module.named_buffers():
        if b.dtype == D:
            nb.check(f"L.{name}", b, **TOL)


def fn_case(title, vis_call, fn, inputs, grads):
    """A float64 functional: `inputs` (name -> tensor), gradients of `grads` checked."""
    nb.comment(title)
    made = {}
    for name, t in inputs.items():
        rg = name in grads
        made[name] = t.clone().requires_grad_(rg) if t.dtype.is_floating_point and rg else t
        nb.line(f"{name} = {lit(t, requires_grad=rg and t.dtype.is_floating_point)}")
    y = fn(**made)
    nb.line(f"y = {vis_call}")
    nb.check("y", y, **TOL)
    if y.dim() == 0:
        nb.line("y.backward()")
        y.backward()
    else:
        gy = randn(*y.shape)
        nb.line(f"(y * {lit(gy)}).sum().backward()")
        (y * gy).sum().backward()
    for name in grads:
        nb.check(f"{name}.grad", made[name].grad, **TOL)


# ---- layers --------------------------------------------------------------------------
layer_case("Linear", "nn.Linear(5, 3)", torch.nn.Linear(5, 3), randn(4, 5))
layer_case("Linear on [2, 3, 5]", "nn.Linear(5, 2, bias=false)", torch.nn.Linear(5, 2, bias=False), randn(2, 3, 5))
layer_case("Conv2d, stride 2, padding 1", "nn.Conv2d(2, 3, 3, stride=2, padding=1)",
           torch.nn.Conv2d(2, 3, 3, stride=2, padding=1), randn(2, 2, 5, 6))
layer_case("Conv2d, groups 2, dilation 2, no bias", "nn.Conv2d(4, 2, (2, 3), dilation=2, groups=2, bias=false)",
           torch.nn.Conv2d(4, 2, (2, 3), dilation=2, groups=2, bias=False), randn(1, 4, 6, 7))
layer_case("Conv2d, padding same", "nn.Conv2d(1, 2, 4, padding=\"same\")",
           torch.nn.Conv2d(1, 2, 4, padding="same"), randn(2, 1, 5, 5))
layer_case("ConvTranspose2d, stride 2, padding 1, output_padding 1", "nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1)",
           torch.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1), randn(2, 3, 3, 4))
layer_case("ConvTranspose2d, groups 2", "nn.ConvTranspose2d(4, 2, 2, groups=2)",
           torch.nn.ConvTranspose2d(4, 2, 2, groups=2), randn(1, 4, 3, 3))
layer_case("BatchNorm2d in training (batch statistics; running statistics updated)", "nn.BatchNorm2d(3)",
           torch.nn.BatchNorm2d(3), randn(4, 3, 2, 3) * 2 + 1)
bn = torch.nn.BatchNorm1d(3).double()
with torch.no_grad():
    bn.running_mean.copy_(randn(3))
    bn.running_var.copy_(randn(3).abs() + 0.5)
    bn.weight.copy_(randn(3))
    bn.bias.copy_(randn(3))
bn.eval()
nb.comment("BatchNorm1d in eval (running statistics)")
nb.line("L = nn.BatchNorm1d(3).double()")
nb.line("with no_grad() {")
for name in ["running_mean", "running_var", "weight", "bias"]:
    nb.line(f"    L.{name}.copy_({lit(getattr(bn, name))})")
nb.line("}")
nb.line("L.eval()")
xb = randn(5, 3).requires_grad_(True)
yb = bn(xb)
yb.sum().backward()
nb.line(f"x = {lit(xb, requires_grad=True)}")
nb.line("y = L(x)")
nb.check("y", yb, **TOL)
nb.line("y.sum().backward()")
nb.check("x.grad", xb.grad, **TOL)
nb.check("L.weight.grad", bn.weight.grad, **TOL)
layer_case("LayerNorm over the last two dimensions", "nn.LayerNorm([3, 4])", torch.nn.LayerNorm([3, 4]), randn(2, 3, 4))
layer_case("GroupNorm, 2 groups", "nn.GroupNorm(2, 4)", torch.nn.GroupNorm(2, 4), randn(3, 4, 2, 2))
layer_case("MaxPool2d 3, stride 2, padding 1", "nn.MaxPool2d(3, stride=2, padding=1)", torch.nn.MaxPool2d(3, stride=2, padding=1), randn(2, 2, 5, 5))
layer_case("MaxPool2d 2, ceil_mode, dilation 2", "nn.MaxPool2d(2, stride=2, dilation=2, ceil_mode=true)",
           torch.nn.MaxPool2d(2, stride=2, dilation=2, ceil_mode=True), randn(1, 2, 6, 7))
layer_case("AvgPool2d 3, stride 2, padding 1 (count_include_pad)", "nn.AvgPool2d(3, stride=2, padding=1)",
           torch.nn.AvgPool2d(3, stride=2, padding=1), randn(2, 2, 5, 6))
layer_case("AvgPool2d, ceil_mode, count_include_pad=false", "nn.AvgPool2d(2, stride=2, padding=1, ceil_mode=true, count_include_pad=false)",
           torch.nn.AvgPool2d(2, stride=2, padding=1, ceil_mode=True, count_include_pad=False), randn(1, 2, 5, 4))
layer_case("AdaptiveAvgPool2d (3, 2) of 7 x 5", "nn.AdaptiveAvgPool2d((3, 2))", torch.nn.AdaptiveAvgPool2d((3, 2)), randn(2, 2, 7, 5))
layer_case("AdaptiveMaxPool2d (4, 3) of 5 x 5", "nn.AdaptiveMaxPool2d((4, 3))", torch.nn.AdaptiveMaxPool2d((4, 3)), randn(1, 3, 5, 5))
layer_case("Upsample bilinear x2", "nn.Upsample(scale_factor=2, mode=\"bilinear\")",
           torch.nn.Upsample(scale_factor=2, mode="bilinear"), randn(1, 2, 3, 4))
layer_case("Upsample bilinear to (5, 3), align_corners", "nn.Upsample(size=(5, 3), mode=\"bilinear\", align_corners=true)",
           torch.nn.Upsample(size=(5, 3), mode="bilinear", align_corners=True), randn(1, 1, 3, 4))
layer_case("Upsample nearest to (5, 7)", "nn.Upsample(size=(5, 7))", torch.nn.Upsample(size=(5, 7)), randn(1, 2, 3, 4))
layer_case("LSTM, 2 layers, bidirectional", "nn.LSTM(3, 4, num_layers=2, bidirectional=true)",
           torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True), randn(5, 2, 3))
layer_case("LSTM batch_first", "nn.LSTM(3, 2, batch_first=true)", torch.nn.LSTM(3, 2, batch_first=True), randn(2, 4, 3))
layer_case("GRU, 2 layers", "nn.GRU(3, 4, num_layers=2)", torch.nn.GRU(3, 4, num_layers=2), randn(4, 2, 3))
layer_case("GRU bidirectional, no bias", "nn.GRU(2, 3, bidirectional=true, bias=false)",
           torch.nn.GRU(2, 3, bidirectional=True, bias=False), randn(3, 1, 2))

# ---- losses ---------------------------------------------------------------------------
logits = randn(4, 5)
labels = torch.tensor([1, 0, 4, 2])
fn_case("cross_entropy", "F.cross_entropy(x, t)", lambda x, t: F.cross_entropy(x, t), {"x": logits, "t": labels}, ["x"])
cw = randn(5).abs() + 0.1
fn_case("cross_entropy with weight, ignore_index, label_smoothing",
        "F.cross_entropy(x, t, weight=w, ignore_index=2, label_smoothing=0.2)",
        lambda x, t, w: F.cross_entropy(x, t, weight=w, ignore_index=2, label_smoothing=0.2),
        {"x": logits, "t": labels, "w": cw}, ["x"])
fn_case("cross_entropy [N, C, d] reduction none", "F.cross_entropy(x, t, reduction=\"none\")",
        lambda x, t: F.cross_entropy(x, t, reduction="none"),
        {"x": randn(2, 3, 4), "t": torch.tensor([[0, 2, 1, 1], [2, 2, 0, 1]])}, ["x"])
fn_case("cross_entropy with probabilities, label_smoothing, sum", "F.cross_entropy(x, p, label_smoothing=0.1, reduction=\"sum\")",
        lambda x, p: F.cross_entropy(x, p, label_smoothing=0.1, reduction="sum"),
        {"x": logits, "p": torch.softmax(randn(4, 5), 1)}, ["x", "p"])
fn_case("nll_loss with weight", "F.nll_loss(x, t, weight=w)", lambda x, t, w: F.nll_loss(x, t, weight=w),
        {"x": torch.log_softmax(logits, 1), "t": labels, "w": cw}, ["x"])
a, b = randn(3, 4), randn(3, 4)
fn_case("mse_loss", "F.mse_loss(a, b)", lambda a, b: F.mse_loss(a, b), {"a": a, "b": b}, ["a", "b"])
fn_case("mse_loss float64 input, float32 target (promotes)", "F.mse_loss(a, b)", lambda a, b: F.mse_loss(a, b),
        {"a": a, "b": b.float()}, ["a"])
fn_case("l1_loss sum", "F.l1_loss(a, b, reduction=\"sum\")", lambda a, b: F.l1_loss(a, b, reduction="sum"), {"a": a, "b": b}, ["a", "b"])
fn_case("smooth_l1_loss beta 0.7, none", "F.smooth_l1_loss(a, b, reduction=\"none\", beta=0.7)",
        lambda a, b: F.smooth_l1_loss(a, b, reduction="none", beta=0.7), {"a": a, "b": b}, ["a", "b"])
p = torch.rand(3, 4, dtype=D) * 0.9 + 0.05
q = torch.rand(3, 4, dtype=D)
fn_case("binary_cross_entropy with weight", "F.binary_cross_entropy(p, q, weight=w)",
        lambda p, q, w: F.binary_cross_entropy(p, q, weight=w), {"p": p, "q": q, "w": randn(4).abs()}, ["p", "q"])
fn_case("binary_cross_entropy_with_logits with pos_weight", "F.binary_cross_entropy_with_logits(a, q, pos_weight=w)",
        lambda a, q, w: F.binary_cross_entropy_with_logits(a, q, pos_weight=w), {"a": a, "q": q, "w": randn(4).abs()}, ["a", "q"])
fn_case("kl_div batchmean", "F.kl_div(a, q, reduction=\"batchmean\")", lambda a, q: F.kl_div(a, q, reduction="batchmean"),
        {"a": torch.log_softmax(a, 1), "q": q}, ["a", "q"])
fn_case("kl_div log_target", "F.kl_div(a, b, reduction=\"sum\", log_target=true)",
        lambda a, b: F.kl_div(a, b, reduction="sum", log_target=True), {"a": a, "b": torch.log_softmax(b, 1)}, ["a", "b"])

def vis_name(name):
    """`0.weight` -> `[0].weight`: a Sequential child by index."""
    return "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in name.split("."))


# ---- a model.double() training step ----------------------------------------------------
nb.comment("model.double(): one training step (forward, cross_entropy, backward, SGD by hand) as PyTorch's")
net = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3, padding=1), torch.nn.BatchNorm2d(2), torch.nn.ReLU(),
                          torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(8, 3))
nb.line("net = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 3))")
nb.line("w0 = net[0].weight")
nb.line("net.double() is net, w0 is net[0].weight, w0.dtype, net[1].num_batches_tracked.dtype")
nb.line('#> (true, true, "float64", "int64")')
net = net.double()
nb.line("with no_grad() {")
for name, prm in net.named_parameters():
    nb.line(f"    net{vis_name(name)}.copy_({lit(prm)})")
nb.line("}")
xs = randn(4, 1, 4, 4)
ys = torch.tensor([0, 2, 1, 2])
loss = F.cross_entropy(net(xs), ys)
loss.backward()
with torch.no_grad():
    for prm in net.parameters():
        prm -= 0.1 * prm.grad
nb.line(f"loss = F.cross_entropy(net({lit(xs)}), {lit(ys)})")
nb.check("loss", loss.detach(), **TOL)
nb.line("loss.backward()")
nb.line("with no_grad() {")
nb.line("    for p in net.parameters() {")
nb.line("        p.sub_(0.1 * p.grad)")
nb.line("    }")
nb.line("}")
for name, prm in net.named_parameters():
    nb.check(f"net{vis_name(name)}", prm.detach(), **TOL)
nb.check("net[1].running_mean", net[1].running_mean, **TOL)
nb.check("net[1].running_var", net[1].running_var, **TOL)
net.eval()
nb.line("net.eval()")
nb.check(f"net({lit(xs)})", net(xs).detach(), **TOL)

# ---- half layers -----------------------------------------------------------------------
H = torch.float16


def half_case(title, make_vis, module, x):
    nb.comment(title + " in half (computed in float32, returned as float16)")
    module = module.half()
    nb.line(f"L = {make_vis}.half()")
    params = list(module.named_parameters())
    if params:
        nb.line("with no_grad() {")
        for name, prm in params:
            nb.line(f"    L.{name}.copy_({lit(prm)})")
        nb.line("}")
    with torch.no_grad():
        y = module(x)
    y = y[0] if isinstance(y, tuple) else y
    nb.line(f"y = L({lit(x)})")
    if isinstance(module, (torch.nn.LSTM, torch.nn.GRU)):
        nb.line("y = y[0]")
    nb.check("y", y, **HALF)


half_case("Linear", "nn.Linear(4, 3)", torch.nn.Linear(4, 3), torch.randn(2, 4).half())
half_case("Conv2d", "nn.Conv2d(2, 2, 3, padding=1)", torch.nn.Conv2d(2, 2, 3, padding=1), torch.randn(1, 2, 4, 4).half())
half_case("BatchNorm2d", "nn.BatchNorm2d(2)", torch.nn.BatchNorm2d(2), torch.randn(3, 2, 2, 2).half())
half_case("LayerNorm", "nn.LayerNorm(4)", torch.nn.LayerNorm(4), torch.randn(3, 4).half())
half_case("MaxPool2d", "nn.MaxPool2d(2)", torch.nn.MaxPool2d(2), torch.randn(1, 2, 4, 4).half())
half_case("GRU", "nn.GRU(3, 2)", torch.nn.GRU(3, 2), torch.randn(4, 1, 3).half())
nb.comment("half losses")
hx, ht = torch.randn(3, 4).half(), torch.randn(3, 4).half()
nb.check(f"F.mse_loss({lit(hx)}, {lit(ht)})", F.mse_loss(hx, ht), **HALF)
nb.check(f"F.cross_entropy({lit(hx)}, {lit(torch.tensor([0, 3, 1]))})", F.cross_entropy(hx, torch.tensor([0, 3, 1])), **HALF)

nb.write()
