"""Writes optim.vis: vis's optimizers and schedulers against PyTorch's.

Optimizers: two float32 parameters with fixed values get fixed gradients (set with
`p.grad = tensor(...)`) for 8 steps; the parameters are checked after every step, and
the optimizer's per-parameter state after the last. After step 3 every run changes one
option through `opt.param_groups[i][key] = value` (PyTorch's way to change lr, betas,
momentum, ... mid-run), so a run fails if that option does not reach the next step.
Schedulers: the lr (and momentum or beta1) of every group after each of ~30 steps.

Tolerances: parameters rtol=1e-5, atol=1e-6. vis computes each update in float32 in
PyTorch's operation order, but a few roundings are not bit-identical (a scalar folded
in a different order, a division where PyTorch multiplies by a reciprocal), and such
1-ulp differences compound over 8 steps. Learning rates and momenta are Python floats
in PyTorch and doubles in vis, computed by the same formulas: rtol=1e-10, atol=1e-12.
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from torchref import Notebook, lit  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 8
P_TOL = dict(rtol=1e-5, atol=1e-6)
LR_TOL = dict(rtol=1e-10, atol=1e-12)


def vis_value(v):
    """A vis literal for an option value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, tuple):
        return "(" + ", ".join(vis_value(x) for x in v) + ")"
    return repr(v)


def vis_call(name, args, params="[p0, p1]"):
    kw = "".join(f", {k}={vis_value(v)}" for k, v in args.items())
    return f"{name}({params}{kw})"


def optimizer_run(nb, name, args, change, groups=None, seed=0):
    """8 steps of torch.optim.<name>(**args) on two parameters; after step 3,
    param_groups[g][key] = value for (g, key, value) in `change`."""
    g = torch.Generator().manual_seed(seed)
    p0 = torch.randn(2, 3, generator=g)
    p1 = torch.randn(4, generator=g)
    grads = [(torch.randn(2, 3, generator=g), torch.randn(4, generator=g)) for _ in range(STEPS)]
    t0 = p0.clone().requires_grad_()
    t1 = p1.clone().requires_grad_()
    cls = getattr(torch.optim, name)
    if groups is None:
        opt = cls([t0, t1], **args)
        call = vis_call(name, args)
        label = ", ".join(f"{k}={vis_value(v)}" for k, v in args.items())
    else:
        opt = cls([{"params": [t0], **groups[0]}, {"params": [t1], **groups[1]}], **args)
        gs = ", ".join("{" + ", ".join([f'"params": [{p}]'] + [f'"{k}": {vis_value(v)}' for k, v in grp.items()]) + "}"
                       for p, grp in zip(["p0", "p1"], groups))
        call = vis_call(name, args, params=f"[{gs}]")
        label = f"groups {groups}, " + ", ".join(f"{k}={vis_value(v)}" for k, v in args.items())
    nb.comment(f"{name}({label}); after step 3: " + ", ".join(f"param_groups[{gi}][{k!r}] = {v!r}" for gi, k, v in change))
    nb.line(f"p0 = {lit(p0, True)}")
    nb.line(f"p1 = {lit(p1, True)}")
    nb.line(f"opt = {call}")
    for step, (g0, g1) in enumerate(grads, 1):
        t0.grad = g0.clone()
        t1.grad = g1.clone()
        opt.step()
        nb.line(f"p0.grad = {lit(g0)}")
        nb.line(f"p1.grad = {lit(g1)}")
        nb.line("opt.step()")
        nb.check("p0.detach()", t0.detach(), **P_TOL)
        nb.check("p1.detach()", t1.detach(), **P_TOL)
        if step == 3:
            for gi, k, v in change:
                opt.param_groups[gi][k] = v
                nb.line(f'opt.param_groups[{gi}]["{k}"] = {vis_value(v)}')
    nb.line("sd = opt.state_dict()")
    for key, value in opt.state_dict()["state"].get(0, {}).items():
        if isinstance(value, torch.Tensor) and value.shape == t0.shape:
            nb.check(f'sd["state"][0]["{key}"]', value, **P_TOL)
        else:
            x = float(value)
            nb.check(f'tensor(float(sd["state"][0]["{key}"]), dtype="float64")', torch.tensor(x, dtype=torch.float64), **P_TOL)


def scheduler_run(nb, title, make_opt_vis, make_opt, make_sched_vis, make_sched, steps=30, momentum=None, epochs=None):
    """`steps` scheduler steps (or steps to the given `epochs`); checks every group's
    lr, and `momentum` ("momentum" or "beta1") of group 0, after each."""
    nb.comment(title)
    p = torch.zeros(3, requires_grad=True)
    opt = make_opt(p)
    s = make_sched(opt)
    lrs = [[g["lr"] for g in opt.param_groups]]
    moms = []

    def mom():
        g = opt.param_groups[0]
        return g["betas"][0] if momentum == "beta1" else g["momentum"]

    if momentum:
        moms.append(mom())
    for i in range(steps if epochs is None else len(epochs)):
        opt.step()
        if epochs is None:
            s.step()
        else:
            s.step(epochs[i])
        lrs.append([g["lr"] for g in opt.param_groups])
        if momentum:
            moms.append(mom())
    nb.line("p = zeros(3, requires_grad=true)")
    nb.line(f"opt = {make_opt_vis}")
    nb.line(f"s = {make_sched_vis}")
    nb.line("lrs = [[g[\"lr\"] for g in opt.param_groups]]")
    get_m = 'opt.param_groups[0]["betas"][0]' if momentum == "beta1" else 'opt.param_groups[0]["momentum"]'
    if momentum:
        nb.line(f"moms = [{get_m}]")
    if epochs is None:
        body = "opt.step(); s.step()"
        loop = f"for i in range({steps})"
    else:
        nb.line("epochs = [" + ", ".join(repr(e) for e in epochs) + "]")
        body = "opt.step(); s.step(e)"
        loop = "for e in epochs"
    body += "; lrs.append([g[\"lr\"] for g in opt.param_groups])"
    if momentum:
        body += f"; moms.append({get_m})"
    nb.line(f"{loop} {{ {body} }}")
    nb.check('tensor(lrs, dtype="float64")', torch.tensor(lrs, dtype=torch.float64), **LR_TOL)
    if momentum:
        nb.check('tensor(moms, dtype="float64")', torch.tensor(moms, dtype=torch.float64), **LR_TOL)
    nb.check('tensor(s.get_last_lr(), dtype="float64")', torch.tensor(s.get_last_lr(), dtype=torch.float64), **LR_TOL)


def main():
    nb = Notebook(os.path.join(HERE, "optim.vis"), "Optimizers and schedulers against PyTorch", "make_optim.py")
    O = torch.optim
    runs = [
        ("SGD", dict(lr=0.1), [(0, "lr", 0.05)]),
        ("SGD", dict(lr=0.1, momentum=0.9), [(0, "momentum", 0.5)]),
        ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01), [(0, "dampening", 0.5)]),
        ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1), [(0, "weight_decay", 0.0)]),
        ("SGD", dict(lr=0.1, momentum=0.9), [(0, "nesterov", True)]),
        ("SGD", dict(lr=0.1, momentum=0.5), [(0, "maximize", True)]),
        ("Adam", dict(), [(0, "lr", 0.01)]),
        ("Adam", dict(lr=0.01), [(0, "betas", (0.5, 0.9))]),
        ("Adam", dict(lr=0.01, amsgrad=True), [(0, "eps", 1e-3)]),
        ("Adam", dict(lr=0.01, weight_decay=0.1), [(0, "weight_decay", 0.5)]),
        ("Adam", dict(lr=0.01, amsgrad=True), [(0, "amsgrad", False)]),
        ("Adam", dict(lr=0.01, maximize=True), [(0, "maximize", False)]),
        ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True), [(0, "decoupled_weight_decay", False)]),
        ("AdamW", dict(lr=0.01), [(0, "weight_decay", 0.5)]),
        ("AdamW", dict(lr=0.01, amsgrad=True, weight_decay=0.05), [(0, "betas", (0.8, 0.99))]),
        ("AdamW", dict(lr=0.01, maximize=True), [(0, "lr", 0.002)]),
        ("RMSprop", dict(), [(0, "alpha", 0.5)]),
        ("RMSprop", dict(centered=True), [(0, "eps", 1e-2)]),
        ("RMSprop", dict(momentum=0.9, centered=True, weight_decay=0.01), [(0, "momentum", 0.3)]),
        ("RMSprop", dict(momentum=0.5, centered=True), [(0, "centered", False)]),
        ("RMSprop", dict(maximize=True), [(0, "weight_decay", 0.1)]),
        ("Adagrad", dict(), [(0, "lr", 0.1)]),
        ("Adagrad", dict(lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.5), [(0, "lr_decay", 0.5)]),
        ("Adagrad", dict(maximize=True), [(0, "eps", 1e-2)]),
        ("Adadelta", dict(), [(0, "rho", 0.5)]),
        ("Adadelta", dict(lr=0.5, rho=0.5, weight_decay=0.1), [(0, "eps", 1e-3)]),
        ("Adadelta", dict(maximize=True), [(0, "lr", 0.1)]),
        ("Adamax", dict(), [(0, "betas", (0.5, 0.9))]),
        ("Adamax", dict(weight_decay=0.1, betas=(0.8, 0.9)), [(0, "eps", 1e-2)]),
        ("Adamax", dict(maximize=True), [(0, "weight_decay", 0.1)]),
        ("NAdam", dict(), [(0, "momentum_decay", 0.1)]),
        ("NAdam", dict(weight_decay=0.1), [(0, "betas", (0.8, 0.9))]),
        ("NAdam", dict(weight_decay=0.1, decoupled_weight_decay=True), [(0, "lr", 0.01)]),
        ("NAdam", dict(maximize=True, momentum_decay=0.01), [(0, "eps", 1e-2)]),
        ("RAdam", dict(), [(0, "lr", 0.01)]),
        ("RAdam", dict(betas=(0.9, 0.9), weight_decay=0.1), [(0, "betas", (0.5, 0.8))]),
        ("RAdam", dict(betas=(0.9, 0.9), weight_decay=0.1, decoupled_weight_decay=True), [(0, "weight_decay", 0.3)]),
        ("RAdam", dict(betas=(0.9, 0.8), maximize=True), [(0, "eps", 1e-2)]),
        ("Rprop", dict(), [(0, "lr", 0.5)]),
        ("Rprop", dict(etas=(0.3, 1.5), step_sizes=(1e-3, 0.05)), [(0, "etas", (0.6, 1.1))]),
        ("Rprop", dict(maximize=True), [(0, "step_sizes", (0.02, 0.03))]),
        ("ASGD", dict(), [(0, "lr", 0.1)]),
        ("ASGD", dict(t0=3.0, lambd=0.01, weight_decay=0.1, lr=0.05), [(0, "alpha", 0.5)]),
        ("ASGD", dict(maximize=True, t0=2.0), [(0, "lambd", 0.1)]),
    ]
    for seed, (name, args, change) in enumerate(runs):
        optimizer_run(nb, name, args, change, seed=seed)

    nb.comment("Per-group options: the second group overrides lr (and momentum), the first uses the defaults")
    optimizer_run(nb, "SGD", dict(lr=0.1, momentum=0.9), [(1, "lr", 0.5)], groups=[{}, {"lr": 1e-3, "momentum": 0.5}], seed=100)
    optimizer_run(nb, "Adam", dict(lr=0.01), [(0, "betas", (0.7, 0.9))], groups=[{"betas": (0.5, 0.6)}, {"lr": 0.1, "amsgrad": True}], seed=101)
    optimizer_run(nb, "NAdam", dict(), [(1, "momentum_decay", 0.2)], groups=[{}, {"weight_decay": 0.1}], seed=102)

    sgd = lambda lr=0.1, **kw: (f"SGD([p], lr={lr}" + "".join(f", {k}={vis_value(v)}" for k, v in kw.items()) + ")",
                                lambda p: O.SGD([p], lr=lr, **kw))
    sgd2 = ('SGD([{"params": [p]}, {"params": [zeros(1, requires_grad=true)], "lr": 0.5}], lr=0.1, momentum=0.9)',
            lambda p: O.SGD([{"params": [p]}, {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.5}], lr=0.1, momentum=0.9))
    adam = ("Adam([p], lr=0.01)", lambda p: O.Adam([p], lr=0.01))
    S = O.lr_scheduler

    def sched(title, opt, vis, make, **kw):
        scheduler_run(nb, title, opt[0], opt[1], vis, make, **kw)

    sched("LinearLR(start_factor=0.25, total_iters=8)", sgd(), "LinearLR(opt, start_factor=0.25, total_iters=8)",
          lambda o: S.LinearLR(o, start_factor=0.25, total_iters=8))
    sched("LinearLR(start_factor=1.0, end_factor=0.1, total_iters=20), two groups", sgd2,
          "LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=20)", lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=20))
    sched("LinearLR defaults", sgd(), "LinearLR(opt)", lambda o: S.LinearLR(o), steps=8)
    sched("ConstantLR(factor=0.5, total_iters=4)", sgd(), "ConstantLR(opt, factor=0.5, total_iters=4)",
          lambda o: S.ConstantLR(o, factor=0.5, total_iters=4), steps=10)
    sched("ConstantLR defaults", sgd2, "ConstantLR(opt)", lambda o: S.ConstantLR(o), steps=8)
    sched("PolynomialLR(total_iters=10, power=2.0)", sgd(), "PolynomialLR(opt, total_iters=10, power=2.0)",
          lambda o: S.PolynomialLR(o, total_iters=10, power=2.0), steps=14)
    sched("PolynomialLR defaults", sgd2, "PolynomialLR(opt)", lambda o: S.PolynomialLR(o), steps=8)
    sched("CosineAnnealingWarmRestarts(T_0=5, T_mult=2, eta_min=0.001)", sgd(),
          "CosineAnnealingWarmRestarts(opt, T_0=5, T_mult=2, eta_min=0.001)", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.001), steps=40)
    sched("CosineAnnealingWarmRestarts(T_0=4), two groups", sgd2, "CosineAnnealingWarmRestarts(opt, T_0=4)",
          lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4), steps=12)
    sched("CosineAnnealingWarmRestarts(T_0=3, T_mult=2).step(epoch) with fractional epochs", sgd(),
          "CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2)", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
          epochs=[0.5, 1.25, 2.99, 3.0, 4.5, 8.75, 9.0, 21.5, 2.0, 100.25])
    sched("CosineAnnealingWarmRestarts(T_0=4, T_mult=1).step(epoch)", sgd(), "CosineAnnealingWarmRestarts(opt, T_0=4)",
          lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4), epochs=[0.5, 4.0, 5.5, 11.25, 1.0])
    sched("CyclicLR triangular, SGD momentum cycles", sgd(momentum=0.9), "CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=4, step_size_down=2)",
          lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4, step_size_down=2), momentum="momentum")
    sched("CyclicLR triangular2, two groups", sgd2, "CyclicLR(opt, base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=3)",
          lambda o: S.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=3), momentum="momentum")
    sched("CyclicLR triangular2", sgd(momentum=0.9), "CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3, mode=\"triangular2\", base_momentum=0.7, max_momentum=0.95)",
          lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, mode="triangular2", base_momentum=0.7, max_momentum=0.95), momentum="momentum")
    sched("CyclicLR exp_range, Adam's beta1 cycles", adam, "CyclicLR(opt, base_lr=0.001, max_lr=0.01, step_size_up=5, mode=\"exp_range\", gamma=0.9)",
          lambda o: S.CyclicLR(o, base_lr=0.001, max_lr=0.01, step_size_up=5, mode="exp_range", gamma=0.9), momentum="beta1")
    sched("CyclicLR scale_fn (a user function of the cycle), no momentum", sgd(),
          "CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2, scale_fn=lambda x: 1 / x, cycle_momentum=false)",
          lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2, scale_fn=lambda x: 1 / x, cycle_momentum=False))
    sched("CyclicLR scale_fn per iteration", sgd(momentum=0.5),
          "CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2, scale_fn=lambda x: 0.95 ** x, scale_mode=\"iterations\")",
          lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2, scale_fn=lambda x: 0.95 ** x, scale_mode="iterations"), momentum="momentum")
    sched("LambdaLR(lambda e: 0.9 ** e)", sgd(), "LambdaLR(opt, lambda e: 0.9 ** e)", lambda o: S.LambdaLR(o, lambda e: 0.9 ** e))
    sched("LambdaLR with one function per group", sgd2, "LambdaLR(opt, [lambda e: 1 / (e + 1), lambda e: 0.5 if e >= 5 else 1.0])",
          lambda o: S.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: 0.5 if e >= 5 else 1.0]), steps=10)
    sched("MultiplicativeLR(lambda e: 0.95)", sgd(), "MultiplicativeLR(opt, lambda e: 0.95)", lambda o: S.MultiplicativeLR(o, lambda e: 0.95))
    sched("MultiplicativeLR per group", sgd2, "MultiplicativeLR(opt, [lambda e: 0.9, lambda e: 1.0 if e < 3 else 0.5])",
          lambda o: S.MultiplicativeLR(o, [lambda e: 0.9, lambda e: 1.0 if e < 3 else 0.5]), steps=8)
    sched("SequentialLR: LinearLR warm-up then ExponentialLR", sgd(),
          "SequentialLR(opt, [LinearLR(opt, start_factor=0.1, total_iters=5), ExponentialLR(opt, gamma=0.9)], milestones=[5])",
          lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.ExponentialLR(o, gamma=0.9)], milestones=[5]))
    sched("SequentialLR: ConstantLR, CosineAnnealingLR, StepLR", sgd2,
          "SequentialLR(opt, [ConstantLR(opt, factor=0.5, total_iters=3), CosineAnnealingLR(opt, T_max=10), StepLR(opt, step_size=3, gamma=0.5)], milestones=[3, 13])",
          lambda o: S.SequentialLR(o, [S.ConstantLR(o, factor=0.5, total_iters=3), S.CosineAnnealingLR(o, T_max=10), S.StepLR(o, step_size=3, gamma=0.5)], milestones=[3, 13]))
    sched("ChainedScheduler: ConstantLR and ExponentialLR", sgd(),
          "ChainedScheduler([ConstantLR(opt, factor=0.1, total_iters=2), ExponentialLR(opt, gamma=0.9)])",
          lambda o: S.ChainedScheduler([S.ConstantLR(o, factor=0.1, total_iters=2), S.ExponentialLR(o, gamma=0.9)]), steps=10)
    sched("ChainedScheduler: LinearLR and MultiStepLR, two groups", sgd2,
          "ChainedScheduler([LinearLR(opt, start_factor=0.5, total_iters=4), MultiStepLR(opt, milestones=[3, 6], gamma=0.5)], optimizer=opt)",
          lambda o: S.ChainedScheduler([S.LinearLR(o, start_factor=0.5, total_iters=4), S.MultiStepLR(o, milestones=[3, 6], gamma=0.5)], optimizer=o), steps=10)
    sched("OneCycleLR momentum cycling on SGD", sgd(momentum=0.9), "OneCycleLR(opt, max_lr=0.1, total_steps=30)",
          lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=30), steps=29, momentum="momentum")
    sched("OneCycleLR beta1 cycling on Adam, base_momentum and max_momentum", adam,
          "OneCycleLR(opt, max_lr=0.01, total_steps=25, base_momentum=0.8, max_momentum=0.9, three_phase=true)",
          lambda o: S.OneCycleLR(o, max_lr=0.01, total_steps=25, base_momentum=0.8, max_momentum=0.9, three_phase=True), steps=24, momentum="beta1")
    sched("OneCycleLR linear, no momentum cycling", sgd(), "OneCycleLR(opt, max_lr=0.1, total_steps=20, anneal_strategy=\"linear\", cycle_momentum=false)",
          lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=20, anneal_strategy="linear", cycle_momentum=False), steps=19)

    nb.comment("ReduceLROnPlateau stepped with 0-d loss tensors")
    losses = [1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.5, 0.6, 0.7, 0.8, 0.9, 0.91]
    p = torch.zeros(3, requires_grad=True)
    o = O.SGD([p], lr=0.1)
    s = S.ReduceLROnPlateau(o, patience=2, factor=0.5)
    lrs = []
    for x in losses:
        s.step(torch.tensor(x))
        lrs.append(o.param_groups[0]["lr"])
    nb.line("p = zeros(3, requires_grad=true)")
    nb.line("opt = SGD([p], lr=0.1)")
    nb.line("s = ReduceLROnPlateau(opt, patience=2, factor=0.5)")
    nb.line("lrs = []")
    nb.line("for x in [" + ", ".join(repr(x) for x in losses) + "] { s.step(tensor(x)); lrs.append(opt.param_groups[0][\"lr\"]) }")
    nb.check('tensor(lrs, dtype="float64")', torch.tensor(lrs, dtype=torch.float64), **LR_TOL)
    nb.write()


if __name__ == "__main__":
    main()
