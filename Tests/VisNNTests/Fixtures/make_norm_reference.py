#!/usr/bin/env python3
"""Writes the PyTorch reference values under norm/ that NormReferenceTests.swift checks:
batch_norm (train and eval; [N, C], [N, C, L] and [N, C, H, W]; with and without affine
parameters and running stats), layer_norm, group_norm and interpolate (nearest and
bilinear, with and without align_corners, by size and by scale_factor, up and down).

For each case NAME it saves NAME_x.npy (the input), NAME_r.npy (the weights R of the
loss sum(out * R)), NAME_out.npy and NAME_dx.npy, plus where they apply NAME_w.npy,
NAME_b.npy, NAME_dw.npy, NAME_db.npy, NAME_rm.npy / NAME_rv.npy (running stats before)
and NAME_rm_new.npy / NAME_rv_new.npy (after the training step).

Inputs are float32 (what vis computes on), from a fixed seed. The normalisations are
evaluated by torch in float64 on those exact float32 values, so their outputs are the
exact answers the float32 engine approximates. interpolate is evaluated in float32,
because its index and weight rules are defined by torch's float32 kernel (in float64
torch computes the source positions in double and picks slightly different weights).

Regenerate with (any torch 2.x; the committed files came from torch 2.15)

    /work/torchenv/bin/python Tests/VisNNTests/Fixtures/make_norm_reference.py
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "norm")
rng = np.random.default_rng(20240717)


def f32(shape, scale=1.0, offset=0.0):
    return (rng.standard_normal(shape) * scale + offset).astype(np.float32)


def save(name, key, a):
    a = np.asarray(a.detach().cpu().numpy() if torch.is_tensor(a) else a, dtype=np.float32)
    np.save(os.path.join(OUT, f"{name}_{key}.npy"), a)


def leaf(a, dtype):
    return torch.tensor(a, dtype=dtype, requires_grad=True)


def run(name, x, fn, params=(), dtype=torch.float64, extra=None):
    """out = fn(x, *params); saves x, R, out, dx and d(param) for each named param."""
    xt = leaf(x, dtype)
    pts = [(k, leaf(v, dtype)) for k, v in params]
    out = fn(xt, *[p for _, p in pts])
    r = rng.uniform(0.5, 1.5, out.shape).astype(np.float32) * rng.choice([-1.0, 1.0], out.shape).astype(np.float32)
    (out * torch.tensor(r, dtype=dtype)).sum().backward()
    save(name, "x", x)
    save(name, "r", r)
    save(name, "out", out)
    save(name, "dx", xt.grad)
    for k, p in pts:
        save(name, k, p)
        save(name, "d" + k, p.grad)
    for k, v in (extra or {}).items():
        save(name, k, v)


def batch_norm_case(name, shape, training, affine=True, running=True, momentum=0.1, eps=1e-5,
                    scale=2.0, offset=1.5):
    c = shape[1]
    x = f32(shape, scale, offset)
    rm = f32(c, 0.5) if running else None
    rv = rng.uniform(0.5, 2.0, c).astype(np.float32) if running else None
    params = [("w", f32(c, 0.5, 1.0)), ("b", f32(c, 0.5))] if affine else []
    state = {}

    def fn(xt, *p):
        w, b = (p[0], p[1]) if affine else (None, None)
        m = torch.tensor(rm, dtype=torch.float64) if running else None
        v = torch.tensor(rv, dtype=torch.float64) if running else None
        y = F.batch_norm(xt, m, v, w, b, training=training, momentum=momentum, eps=eps)
        state["m"], state["v"] = m, v
        return y

    run(name, x, fn, params)
    if running:
        save(name, "rm", rm)
        save(name, "rv", rv)
        save(name, "rm_new", state["m"])
        save(name, "rv_new", state["v"])


def layer_norm_case(name, shape, normalized, affine=True, eps=1e-5):
    x = f32(shape, 1.5, -0.5)
    params = [("w", f32(normalized, 0.5, 1.0)), ("b", f32(normalized, 0.5))] if affine else []
    run(name, x, lambda xt, *p: F.layer_norm(xt, normalized, *(p if affine else (None, None)), eps=eps), params)


def group_norm_case(name, shape, groups, affine=True, eps=1e-5):
    c = shape[1]
    x = f32(shape, 1.5, 0.7)
    params = [("w", f32(c, 0.5, 1.0)), ("b", f32(c, 0.5))] if affine else []
    run(name, x, lambda xt, *p: F.group_norm(xt, groups, *(p if affine else (None, None)), eps=eps), params)


def interpolate_case(name, shape, **kwargs):
    x = f32(shape)
    run(name, x, lambda xt: F.interpolate(xt, **kwargs), dtype=torch.float32)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".npy"):
            os.remove(os.path.join(OUT, f))

    # batch_norm: 2-D, 3-D and 4-D inputs, training (batch statistics, running update)
    # and evaluation (running statistics).
    batch_norm_case("bn2d_train", [6, 3], training=True)
    batch_norm_case("bn2d_eval", [6, 3], training=False)
    batch_norm_case("bn3d_train", [3, 4, 5], training=True, momentum=0.3)
    batch_norm_case("bn3d_train_plain", [2, 3, 7], training=True, affine=False, running=False)
    batch_norm_case("bn4d_train", [3, 4, 5, 6], training=True)
    batch_norm_case("bn4d_eval", [3, 4, 5, 6], training=False, eps=1e-3)
    batch_norm_case("bn4d_eval_plain", [2, 3, 4, 4], training=False, affine=False)

    layer_norm_case("ln_affine", [2, 3, 4, 5], [4, 5])
    layer_norm_case("ln_plain", [6, 8], [8])
    layer_norm_case("ln_eps", [4, 3, 6], [6], eps=1e-2)

    group_norm_case("gn_affine", [2, 6, 3, 4], 3)
    group_norm_case("gn_plain", [3, 4, 5], 2, affine=False)
    group_norm_case("gn_one_group", [2, 4, 3, 3], 1)
    group_norm_case("gn_instance", [2, 4, 5], 4)

    x = [2, 3, 5, 7]
    interpolate_case("nearest_size_up", x, size=(9, 12), mode="nearest")
    interpolate_case("nearest_size_down", x, size=(3, 4), mode="nearest")
    interpolate_case("nearest_scale_2", x, scale_factor=(2.0, 2.0), mode="nearest")
    interpolate_case("nearest_scale_mixed", x, scale_factor=(1.5, 0.7), mode="nearest")
    interpolate_case("nearest_scale_odd", x, scale_factor=(2.2, 3.3), mode="nearest")
    for ac in (False, True):
        tag = "ac" if ac else "noac"
        interpolate_case(f"bilinear_size_up_{tag}", x, size=(9, 12), mode="bilinear", align_corners=ac)
        interpolate_case(f"bilinear_size_down_{tag}", x, size=(3, 4), mode="bilinear", align_corners=ac)
        interpolate_case(f"bilinear_scale_up_{tag}", x, scale_factor=(1.7, 2.5), mode="bilinear", align_corners=ac)
        interpolate_case(f"bilinear_scale_down_{tag}", x, scale_factor=(0.6, 0.45), mode="bilinear", align_corners=ac)
    interpolate_case("bilinear_scale_2", x, scale_factor=(2.0, 2.0), mode="bilinear")
    # Same height, scale 1.1: torch keeps the identity along an axis whose size is unchanged.
    interpolate_case("bilinear_scale_same_h", [1, 2, 3, 5], scale_factor=(1.1, 3.0), mode="bilinear")


if __name__ == "__main__":
    main()
