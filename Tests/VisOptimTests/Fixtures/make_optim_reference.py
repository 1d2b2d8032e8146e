#!/usr/bin/env python3
"""Writes optim_reference.json: PyTorch reference trajectories for VisOptim, checked
by the VisOptimTests (OptimizerReference.swift loads it).

- optimizers: SGD, Adam, AdamW and RMSprop over a grid of options. Each case runs
  10 steps on fixed float32 parameters (three tensors, in one or more parameter
  groups) with a fixed sequence of float32 gradients set directly on p.grad (so no
  autograd enters), and records every parameter after every step. A null gradient
  means the parameter has no grad that step (it must be skipped: its state does not
  advance).
- clip: clip_grad_norm_ for several norm types and max norms (total norm and the
  clipped gradients), and clip_grad_value_.
- schedulers: the learning rate of every group after construction and after each
  of 40 steps (ReduceLROnPlateau: after each step(metric) of a fixed metric
  sequence); OneCycleLR also records the momentum (SGD) or beta1 (Adam). LinearWarmup
  cases are PyTorch's SequentialLR([LinearLR(...), after], milestones=[warmup]).

Regenerate with (needs torch and numpy; the output is committed, so the tests never
need Python):

    /work/torchenv/bin/python Tests/VisOptimTests/Fixtures/make_optim_reference.py
"""
import json
import math
import os

import numpy as np
import torch

torch.set_default_dtype(torch.float32)
rng = np.random.default_rng(20240611)

SHAPES = [(3, 4), (5,), (2, 2, 2)]
STEPS = 10
# Gradient scales per step vary so that AMSGrad's running maximum matters.
SCALES = [1.0, 0.3, 2.0, 0.5, 1.5, 0.1, 1.0, 3.0, 0.2, 1.0]


def f32(a):
    return np.asarray(a, dtype=np.float32)


def encode(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "data": [float(v) for v in a.reshape(-1)]}


def param_values(shape):
    """Magnitudes in [0.5, 2] with random signs: away from zero, so relative
    comparisons stay meaningful."""
    mag = rng.uniform(0.5, 2.0, size=shape)
    sign = np.where(rng.uniform(size=shape) < 0.5, -1.0, 1.0)
    return f32(mag * sign)


INIT = [param_values(s) for s in SHAPES]
GRADS = [[f32(rng.standard_normal(s) * SCALES[t]) for s in SHAPES] for t in range(STEPS)]


def run_optimizer(name, kind, defaults, groups, skip=()):
    """groups: list of (param indices, option overrides). skip: (step, param) pairs
    whose gradient is None."""
    params = [torch.tensor(v.copy(), requires_grad=True) for v in INIT]
    torch_groups = [dict(params=[params[i] for i in idx], **opts) for idx, opts in groups]
    kwargs = dict(defaults)
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    cls = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW,
           "RMSprop": torch.optim.RMSprop}[kind]
    opt = cls(torch_groups, foreach=False, **kwargs)
    grads, trajectory = [], []
    for t in range(STEPS):
        step_grads = []
        for k, p in enumerate(params):
            if (t, k) in skip:
                p.grad = None
                step_grads.append(None)
            else:
                p.grad = torch.tensor(GRADS[t][k].copy())
                step_grads.append(encode(GRADS[t][k]))
        opt.step()
        grads.append(step_grads)
        trajectory.append([encode(p.detach().numpy()) for p in params])
    return {"name": name, "optimizer": kind, "defaults": defaults,
            "groups": [{"params": idx, "options": opts} for idx, opts in groups],
            "init": [encode(v) for v in INIT], "grads": grads, "trajectory": trajectory}


ONE = [([0, 1, 2], {})]
TWO = [([0, 2], {}), ([1], {"lr": 0.01, "weight_decay": 0.05})]

optimizers = [
    run_optimizer("sgd_plain", "SGD", {"lr": 0.1}, ONE),
    run_optimizer("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9}, ONE),
    run_optimizer("sgd_momentum_dampening_wd", "SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}, ONE),
    run_optimizer("sgd_nesterov_wd", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.02}, ONE),
    run_optimizer("sgd_groups", "SGD", {"lr": 0.1, "momentum": 0.5}, TWO),
    run_optimizer("sgd_skipped_grads", "SGD", {"lr": 0.1, "momentum": 0.9}, ONE, skip={(0, 1), (3, 1), (4, 2)}),
    run_optimizer("adam_default", "Adam", {"lr": 0.01}, ONE),
    run_optimizer("adam_wd", "Adam", {"lr": 0.01, "weight_decay": 0.1}, ONE),
    run_optimizer("adam_amsgrad_betas", "Adam", {"lr": 0.02, "betas": [0.8, 0.99], "amsgrad": True}, ONE),
    run_optimizer("adam_small_beta1_eps", "Adam", {"lr": 0.01, "betas": [0.3, 0.9], "eps": 1e-3}, ONE),
    run_optimizer("adam_groups", "Adam", {"lr": 0.01}, TWO),
    run_optimizer("adam_skipped_grads", "Adam", {"lr": 0.01, "amsgrad": True}, ONE, skip={(2, 0), (5, 0), (5, 1)}),
    run_optimizer("adamw_default", "AdamW", {"lr": 0.01}, ONE),
    run_optimizer("adamw_amsgrad_wd", "AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}, ONE),
    run_optimizer("adamw_groups", "AdamW", {"lr": 0.01, "betas": [0.85, 0.995]}, TWO),
    run_optimizer("rmsprop_default", "RMSprop", {"lr": 0.01}, ONE),
    run_optimizer("rmsprop_momentum", "RMSprop", {"lr": 0.01, "momentum": 0.9}, ONE),
    run_optimizer("rmsprop_centered", "RMSprop", {"lr": 0.01, "centered": True}, ONE),
    run_optimizer("rmsprop_centered_momentum_wd", "RMSprop", {"lr": 0.005, "alpha": 0.9, "centered": True, "momentum": 0.5, "weight_decay": 0.01}, ONE),
    run_optimizer("rmsprop_small_alpha", "RMSprop", {"lr": 0.01, "alpha": 0.3, "centered": True, "eps": 1e-4}, ONE),
    run_optimizer("rmsprop_groups", "RMSprop", {"lr": 0.01, "momentum": 0.3}, TWO),
]


def run_clip(name, max_norm, norm_type, missing=()):
    params = [torch.tensor(v.copy(), requires_grad=True) for v in INIT]
    grads = []
    for k, p in enumerate(params):
        if k in missing:
            grads.append(None)
        else:
            g = GRADS[2][k] * 1.7
            p.grad = torch.tensor(g.copy())
            grads.append(encode(g))
    total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type, foreach=False)
    return {"name": name, "max_norm": max_norm, "norm_type": "inf" if math.isinf(norm_type) else norm_type,
            "grads": grads, "total_norm": float(total),
            "clipped": [None if p.grad is None else encode(p.grad.numpy()) for p in params]}


clip = [
    run_clip("l2", 1.0, 2.0),
    run_clip("l2_no_clip", 100.0, 2.0),
    run_clip("l1", 2.5, 1.0),
    run_clip("linf", 0.5, math.inf),
    run_clip("l3_missing_grad", 1.0, 3.0, missing=(1,)),
]
params = [torch.tensor(v.copy(), requires_grad=True) for v in INIT]
for k, p in enumerate(params):
    p.grad = torch.tensor(GRADS[7][k].copy())
torch.nn.utils.clip_grad_value_(params, 0.75, foreach=False)
clip_value = {"clip_value": 0.75, "grads": [encode(GRADS[7][k]) for k in range(3)],
              "clipped": [encode(p.grad.numpy()) for p in params]}


def make_optimizer(kind, lrs, **kwargs):
    ps = [torch.zeros(2, requires_grad=True) for _ in lrs]
    groups = [{"params": [p], "lr": lr} for p, lr in zip(ps, lrs)]
    cls = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "RMSprop": torch.optim.RMSprop}[kind]
    return cls(groups, **kwargs)


def momentum_of(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def run_scheduler(name, kind, lrs, build, args, opt_kwargs=None, metrics=None, record_momentum=False, steps=40):
    opt = make_optimizer(kind, lrs, **(opt_kwargs or {}))
    sched = build(opt)
    out_lrs = [[g["lr"] for g in opt.param_groups]]
    out_m = [momentum_of(opt)] if record_momentum else None
    for t in range(steps if metrics is None else len(metrics)):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[t])
        out_lrs.append([g["lr"] for g in opt.param_groups])
        if record_momentum:
            out_m.append(momentum_of(opt))
    case = {"name": name, "optimizer": kind, "optimizer_options": opt_kwargs or {}, "group_lrs": lrs,
            "args": args, "lrs": out_lrs}
    if metrics is not None:
        case["metrics"] = metrics
    if record_momentum:
        case["momentum"] = out_m
    return case


S = torch.optim.lr_scheduler
LRS2 = [0.1, 0.05]


def sequential(first, after, milestone):
    return lambda o: S.SequentialLR(o, [first(o), after(o)], milestones=[milestone])


# A loss-like metric: falls, stalls (with improvements below the threshold), falls again.
loss_metric = [1.0, 0.9, 0.85, 0.85, 0.84995, 0.86, 0.849, 0.849, 0.849, 0.849,
               0.7, 0.7, 0.71, 0.72, 0.69, 0.69, 0.69, 0.69, 0.69, 0.69,
               0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4]
# An accuracy-like metric for mode "max".
acc_metric = [0.5, 0.6, 0.65, 0.655, 0.66, 0.66, 0.64, 0.7, 0.705, 0.701,
              0.702, 0.71, 0.72, 0.72, 0.72, 0.72, 0.8, 0.79, 0.79, 0.81,
              0.81, 0.81, 0.81, 0.81, 0.81, 0.82, 0.82, 0.82, 0.82, 0.82]

schedulers = [
    run_scheduler("steplr", "SGD", LRS2, lambda o: S.StepLR(o, step_size=3, gamma=0.5),
                  {"scheduler": "StepLR", "step_size": 3, "gamma": 0.5}, {"momentum": 0.9}),
    run_scheduler("multisteplr", "SGD", LRS2, lambda o: S.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.3),
                  {"scheduler": "MultiStepLR", "milestones": [5, 12, 12, 30], "gamma": 0.3}),
    run_scheduler("exponentiallr", "Adam", LRS2, lambda o: S.ExponentialLR(o, gamma=0.9),
                  {"scheduler": "ExponentialLR", "gamma": 0.9}),
    run_scheduler("cosine_t10_eta", "SGD", LRS2, lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
                  {"scheduler": "CosineAnnealingLR", "T_max": 10, "eta_min": 0.001}),
    run_scheduler("cosine_t7", "Adam", [0.003], lambda o: S.CosineAnnealingLR(o, T_max=7),
                  {"scheduler": "CosineAnnealingLR", "T_max": 7, "eta_min": 0.0}),
    run_scheduler("linearlr", "SGD", LRS2, lambda o: S.LinearLR(o, start_factor=0.25, total_iters=4),
                  {"scheduler": "LinearLR", "start_factor": 0.25, "end_factor": 1.0, "total_iters": 4}),
    run_scheduler("linearlr_end", "SGD", LRS2, lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=30),
                  {"scheduler": "LinearLR", "start_factor": 1.0, "end_factor": 0.1, "total_iters": 30}),
    run_scheduler("warmup_only", "SGD", LRS2, lambda o: S.LinearLR(o, start_factor=0.5, total_iters=6),
                  {"scheduler": "LinearWarmup", "warmup_steps": 6, "start_factor": 0.5}),
    run_scheduler("warmup_cosine", "Adam", LRS2,
                  sequential(lambda o: S.LinearLR(o, start_factor=0.1, total_iters=5),
                             lambda o: S.CosineAnnealingLR(o, T_max=20, eta_min=1e-4), 5),
                  {"scheduler": "LinearWarmup", "warmup_steps": 5, "start_factor": 0.1,
                   "after": {"scheduler": "CosineAnnealingLR", "T_max": 20, "eta_min": 1e-4}}),
    run_scheduler("warmup_step", "SGD", LRS2,
                  sequential(lambda o: S.LinearLR(o, start_factor=0.2, total_iters=3),
                             lambda o: S.StepLR(o, step_size=4, gamma=0.5), 3),
                  {"scheduler": "LinearWarmup", "warmup_steps": 3, "start_factor": 0.2,
                   "after": {"scheduler": "StepLR", "step_size": 4, "gamma": 0.5}}),
    run_scheduler("warmup_multistep", "SGD", LRS2,
                  sequential(lambda o: S.LinearLR(o, start_factor=0.3, total_iters=4),
                             lambda o: S.MultiStepLR(o, milestones=[0, 6], gamma=0.5), 4),
                  {"scheduler": "LinearWarmup", "warmup_steps": 4, "start_factor": 0.3,
                   "after": {"scheduler": "MultiStepLR", "milestones": [0, 6], "gamma": 0.5}}),
    run_scheduler("warmup_exponential", "SGD", LRS2,
                  sequential(lambda o: S.LinearLR(o, start_factor=0.01, total_iters=7),
                             lambda o: S.ExponentialLR(o, gamma=0.95), 7),
                  {"scheduler": "LinearWarmup", "warmup_steps": 7, "start_factor": 0.01,
                   "after": {"scheduler": "ExponentialLR", "gamma": 0.95}}),
    run_scheduler("onecycle_cos_adam", "Adam", [0.001], lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=40),
                  {"scheduler": "OneCycleLR", "max_lr": [0.1], "total_steps": 40}, record_momentum=True),
    run_scheduler("onecycle_linear_three_phase_sgd", "SGD", LRS2,
                  lambda o: S.OneCycleLR(o, max_lr=[0.1, 0.05], epochs=4, steps_per_epoch=10, pct_start=0.25,
                                         anneal_strategy="linear", three_phase=True, div_factor=10.0,
                                         final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9),
                  {"scheduler": "OneCycleLR", "max_lr": [0.1, 0.05], "epochs": 4, "steps_per_epoch": 10,
                   "pct_start": 0.25, "anneal_strategy": "linear", "three_phase": True, "div_factor": 10.0,
                   "final_div_factor": 100.0, "base_momentum": 0.8, "max_momentum": 0.9},
                  {"momentum": 0.9, "nesterov": True}, record_momentum=True),
    run_scheduler("onecycle_rmsprop_no_momentum", "RMSprop", LRS2,
                  lambda o: S.OneCycleLR(o, max_lr=0.02, total_steps=40, pct_start=0.4, cycle_momentum=False),
                  {"scheduler": "OneCycleLR", "max_lr": [0.02, 0.02], "total_steps": 40, "pct_start": 0.4,
                   "cycle_momentum": False}),
    run_scheduler("plateau_min_rel", "SGD", LRS2, lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2),
                  {"scheduler": "ReduceLROnPlateau", "mode": "min", "factor": 0.5, "patience": 2}, metrics=loss_metric),
    run_scheduler("plateau_min_abs_cooldown", "SGD", LRS2,
                  lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.3, patience=0, threshold=0.005,
                                                threshold_mode="abs", cooldown=3, min_lr=0.002),
                  {"scheduler": "ReduceLROnPlateau", "mode": "min", "factor": 0.3, "patience": 0, "threshold": 0.005,
                   "threshold_mode": "abs", "cooldown": 3, "min_lr": 0.002}, metrics=loss_metric),
    run_scheduler("plateau_max_rel", "Adam", [0.001], lambda o: S.ReduceLROnPlateau(o, mode="max", patience=3, factor=0.5),
                  {"scheduler": "ReduceLROnPlateau", "mode": "max", "factor": 0.5, "patience": 3}, metrics=acc_metric),
    run_scheduler("plateau_max_abs_min_lrs", "SGD", LRS2,
                  lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.2, patience=1, threshold=0.01,
                                                threshold_mode="abs", cooldown=2, min_lr=[0.02, 0.001]),
                  {"scheduler": "ReduceLROnPlateau", "mode": "max", "factor": 0.2, "patience": 1, "threshold": 0.01,
                   "threshold_mode": "abs", "cooldown": 2, "min_lrs": [0.02, 0.001]}, metrics=acc_metric),
    run_scheduler("plateau_eps", "SGD", [0.1, 1e-7],
                  lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=1, eps=1e-7),
                  {"scheduler": "ReduceLROnPlateau", "mode": "min", "factor": 0.5, "patience": 1, "eps": 1e-7},
                  metrics=[1.0] * 30),
]

out = {"torch": torch.__version__, "optimizers": optimizers, "clip": clip, "clip_value": clip_value,
       "schedulers": schedulers}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim_reference.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {path}: {len(optimizers)} optimizer cases, {len(clip)} clip cases, {len(schedulers)} schedulers")
