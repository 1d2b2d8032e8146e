"""Writes optim64.vis: vis's optimizers stepping float64 parameters against PyTorch's.

Each optimizer trains a `model.double()` network (Conv2d, Tanh, Flatten, Linear, with
PyTorch's seeded weights copied in) for 5 steps on a fixed float64 batch: zero_grad,
cross entropy, backward, step. All parameters (flattened and joined) are checked after
every step, and the state dict's buffers after the last (they must be float64, as
PyTorch keeps them). Then a param group that mixes a float32 and a float64 parameter
(each steps in its own dtype), a float32 state dict loaded into a float64 optimizer
(cast to the parameter's dtype, as PyTorch does), and clip_grad_norm_ /
clip_grad_value_ on float64 gradients (alone and mixed with float32 ones).

Tolerances: float64 values use rtol=1e-12, atol=1e-12: both sides compute in double
and differ only in the order of a few roundings (fused or unfused multiply-adds),
a few ulps, while a step computed in float32 anywhere would miss by ~1e-7. float32
values (the float32 parameter of a mixed group) use make_optim.py's rtol=1e-5, atol=1e-6.

Run: /work/torchenv/bin/python Tests/notebooks/reference/make_optim64.py
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torchref import Notebook, lit  # noqa: E402

D = torch.float64
TOL = dict(rtol=1e-12, atol=1e-12)
F32 = dict(rtol=1e-5, atol=1e-6)
STEPS = 5
HERE = os.path.dirname(os.path.abspath(__file__))

nb = Notebook(os.path.join(HERE, "optim64.vis"), "Optimizers on float64 parameters against PyTorch", "make_optim64.py")


def vis_value(v):
    """A vis literal for an option value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, tuple):
        return "(" + ", ".join(vis_value(x) for x in v) + ")"
    return repr(v)


def make_net():
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.Tanh(), nn.Flatten(), nn.Linear(8, 3))


def flat(net):
    return torch.cat([p.detach().flatten() for p in net.parameters()])


def model_run(name, args, seed):
    """STEPS steps of torch.optim.<name>(net.parameters(), **args) on a float64 net."""
    torch.manual_seed(seed)
    net = make_net().double()
    x = torch.randn(4, 1, 4, 4, dtype=D)
    y = torch.tensor([0, 2, 1, 2])
    opt = getattr(torch.optim, name)(net.parameters(), **args)
    label = ", ".join(f"{k}={vis_value(v)}" for k, v in args.items())
    nb.comment(f"{name}({label}) on a float64 model, {STEPS} steps")
    nb.line("net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Tanh(), nn.Flatten(), nn.Linear(8, 3)).double()")
    nb.line("with no_grad() {")
    for pname, p in net.named_parameters():
        i, attr = pname.split(".")
        nb.line(f"    net[{i}].{attr}.copy_({lit(p)})")
    nb.line("}")
    nb.line(f"x = {lit(x)}")
    nb.line(f"y = {lit(y)}")
    kw = "".join(f", {k}={vis_value(v)}" for k, v in args.items())
    nb.line(f"opt = optim.{name}(net.parameters(){kw})")
    for _ in range(STEPS):
        opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        opt.step()
        nb.line("opt.zero_grad(); F.cross_entropy(net(x), y).backward(); opt.step()")
        nb.check("torch.cat([p.detach().flatten() for p in net.parameters()])", flat(net), **TOL)
    nb.line("sd = opt.state_dict()")
    for key, value in opt.state_dict()["state"].get(0, {}).items():
        if isinstance(value, torch.Tensor) and value.dim() > 0:
            nb.check(f'sd["state"][0]["{key}"]', value, **TOL)


def main():
    runs = [
        ("SGD", dict(lr=0.1)),
        ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
        ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
        ("Adam", dict(lr=0.01)),
        ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
        ("AdamW", dict(lr=0.01)),
        ("RMSprop", dict(lr=0.01)),
        ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.01)),
        ("Adagrad", dict(lr=0.1, lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.5)),
        ("Adadelta", dict(lr=0.5, weight_decay=0.1)),
        ("Adamax", dict(weight_decay=0.1)),
        ("NAdam", dict(weight_decay=0.1)),
        ("NAdam", dict(weight_decay=0.1, decoupled_weight_decay=True)),
        ("RAdam", dict(betas=(0.9, 0.9), weight_decay=0.1)),
        ("RAdam", dict()),
        ("Rprop", dict(lr=0.05)),
        ("ASGD", dict(lr=0.05, t0=2.0, lambd=0.01, weight_decay=0.1)),
    ]
    for seed, (name, args) in enumerate(runs):
        model_run(name, args, seed)

    nb.comment("One group mixing a float32 and a float64 parameter: each steps in its own dtype")
    g = torch.Generator().manual_seed(100)
    p0 = torch.randn(2, 3, generator=g)
    p1 = torch.randn(4, generator=g, dtype=D)
    t0 = p0.clone().requires_grad_()
    t1 = p1.clone().requires_grad_()
    opt = torch.optim.Adam([t0, t1], lr=0.1)
    nb.line(f"p0 = {lit(p0, True)}")
    nb.line(f"p1 = {lit(p1, True)}")
    nb.line("opt = optim.Adam([p0, p1], lr=0.1)")
    for _ in range(3):
        g0, g1 = torch.randn(2, 3, generator=g), torch.randn(4, generator=g, dtype=D)
        t0.grad, t1.grad = g0.clone(), g1.clone()
        opt.step()
        nb.line(f"p0.grad = {lit(g0)}")
        nb.line(f"p1.grad = {lit(g1)}")
        nb.line("opt.step()")
        nb.check("p0.detach()", t0.detach(), **F32)
        nb.check("p1.detach()", t1.detach(), **TOL)
    sd = opt.state_dict()
    nb.line("sd = opt.state_dict()")
    nb.check('sd["state"][0]["exp_avg_sq"]', sd["state"][0]["exp_avg_sq"], **F32)
    nb.check('sd["state"][1]["exp_avg_sq"]', sd["state"][1]["exp_avg_sq"], **TOL)

    nb.comment("A float32 optimizer's state dict loaded into a float64 one: the buffers take the parameter's dtype")
    q = p1.clone().requires_grad_()
    opt2 = torch.optim.SGD([q], lr=0.1, momentum=0.9)
    opt2.load_state_dict({"state": {0: {"momentum_buffer": torch.tensor([0.5, -0.25, 1.0, 2.0])}},
                          "param_groups": [{**opt2.param_groups[0], "params": [0]}]})
    q.grad = torch.ones(4, dtype=D)
    opt2.step()
    nb.line(f"q = {lit(p1, True)}")
    nb.line("opt2 = optim.SGD([q], lr=0.1, momentum=0.9)")
    nb.line("sd = opt2.state_dict()")
    nb.line('sd["state"] = {"0": {"momentum_buffer": tensor([0.5, -0.25, 1.0, 2.0])}}')
    nb.line("opt2.load_state_dict(sd)")
    nb.line('q.grad = ones(4, dtype="float64")')
    nb.line("opt2.step()")
    nb.check("q.detach()", q.detach(), **TOL)
    nb.check('opt2.state_dict()["state"][0]["momentum_buffer"]', opt2.state_dict()["state"][0]["momentum_buffer"], **TOL)

    nb.comment("clip_grad_norm_ and clip_grad_value_ on float64 gradients")
    g = torch.Generator().manual_seed(101)
    a = torch.randn(3, 4, generator=g, dtype=D)
    b = torch.randn(5, generator=g, dtype=D)
    c = torch.randn(2, 2, generator=g)
    for norm_type in [2.0, 1.0, float("inf"), 3.0]:
        ta, tb = torch.zeros(3, 4, dtype=D, requires_grad=True), torch.zeros(5, dtype=D, requires_grad=True)
        ta.grad, tb.grad = a.clone(), b.clone()
        total = torch.nn.utils.clip_grad_norm_([ta, tb], 0.5, norm_type=norm_type)
        nt = "inf" if norm_type == float("inf") else repr(norm_type)
        nb.line('pa = zeros(3, 4, dtype="float64", requires_grad=true); pb = zeros(5, dtype="float64", requires_grad=true)')
        nb.line(f"pa.grad = {lit(a)}; pb.grad = {lit(b)}")
        nb.line(f"total = nn.utils.clip_grad_norm_([pa, pb], 0.5, norm_type={nt})")
        nb.check('tensor(float(total), dtype="float64")', total.to(D), **TOL)
        nb.check("pa.grad", ta.grad, **TOL)
        nb.check("pb.grad", tb.grad, **TOL)
    nb.comment("mixed float32 and float64 gradients: the total is float64, each gradient scaled in its own dtype")
    ta, tc = torch.zeros(3, 4, dtype=D, requires_grad=True), torch.zeros(2, 2, requires_grad=True)
    ta.grad, tc.grad = a.clone(), c.clone()
    total = torch.nn.utils.clip_grad_norm_([ta, tc], 0.5)
    nb.line('pa = zeros(3, 4, dtype="float64", requires_grad=true); pc = zeros(2, 2, requires_grad=true)')
    nb.line(f"pa.grad = {lit(a)}; pc.grad = {lit(c)}")
    nb.line("total = nn.utils.clip_grad_norm_([pa, pc], 0.5)")
    nb.check('tensor(float(total), dtype="float64")', total.to(D), **TOL)
    nb.check("pa.grad", ta.grad, **TOL)
    nb.check("pc.grad", tc.grad, **F32)
    ta.grad = a.clone()
    torch.nn.utils.clip_grad_value_([ta], 0.7)
    nb.line(f"pa.grad = {lit(a)}")
    nb.line("nn.utils.clip_grad_value_([pa], 0.7)")
    nb.check("pa.grad", ta.grad, **TOL)
    nb.write()


main()
