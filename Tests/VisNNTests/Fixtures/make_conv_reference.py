"""Reference values for the convolution, pooling and linear tests (ConvReferenceTests.swift).

For each case below, fixed float32 inputs (seeded NumPy) go through PyTorch in float64,
and the script saves, as float32 .npy files in conv/:

    NAME_x.npy, NAME_w.npy, NAME_b.npy   the inputs (weight and bias where the op has them)
    NAME_r.npy                           R, the weights of the loss L = sum(out * R)
    NAME_out.npy                         the op's output
    NAME_dx.npy, NAME_dw.npy, NAME_db.npy  dL/dx, dL/dw, dL/db

The reference runs in float64 on the float32 inputs, so it carries no float32 rounding of
its own: the tests' tolerance covers only vis's float32 arithmetic.
Max-pooling inputs are distinct multiples of 1/64 (a shuffled grid), so no window has a tie.

Run with a Python that has torch and numpy:  python make_conv_reference.py
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conv")
rng = np.random.default_rng(20240611)


def rand(*shape):
    return rng.uniform(-1, 1, size=shape).astype(np.float32)


def distinct(*shape):
    n = int(np.prod(shape))
    return (rng.permutation(n).astype(np.float32) / 64 - n / 128).reshape(shape)


def save(name, key, a):
    np.save(os.path.join(OUT, f"{name}_{key}.npy"), np.ascontiguousarray(a, dtype=np.float32))


def run(name, fn, x, w=None, b=None):
    """Saves inputs, output and gradients of sum(fn(x, w, b) * R)."""
    tensors = {}
    for key, a in (("x", x), ("w", w), ("b", b)):
        if a is not None:
            save(name, key, a)
            tensors[key] = torch.from_numpy(a).double().requires_grad_()
    out = fn(tensors["x"], tensors.get("w"), tensors.get("b"))
    r = rand(*out.shape)
    (out * torch.from_numpy(r).double()).sum().backward()
    save(name, "r", r)
    save(name, "out", out.detach().numpy())
    for key, t in tensors.items():
        save(name, "d" + key, t.grad.numpy())


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".npy"):
            os.remove(os.path.join(OUT, f))

    # conv2d
    run("conv_basic", lambda x, w, b: F.conv2d(x, w, b, padding=1),
        rand(2, 3, 7, 6), rand(4, 3, 3, 3), rand(4))
    run("conv_stride_pad", lambda x, w, b: F.conv2d(x, w, None, stride=2, padding=(1, 2)),
        rand(2, 2, 9, 8), rand(3, 2, 3, 2))
    run("conv_dilation", lambda x, w, b: F.conv2d(x, w, b, stride=(1, 2), padding=2, dilation=(2, 1)),
        rand(2, 3, 8, 9), rand(2, 3, 3, 3), rand(2))
    run("conv_groups", lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=2),
        rand(3, 4, 6, 5), rand(6, 2, 3, 3), rand(6))
    run("conv_depthwise", lambda x, w, b: F.conv2d(x, w, None, stride=2, padding=1, groups=3),
        rand(2, 3, 7, 7), rand(6, 1, 3, 3))
    # "same" with an even kernel height: total padding 3 (1 above, 2 below), dilated width: 2 (1 and 1).
    run("conv_same", lambda x, w, b: F.conv2d(x, w, b, padding="same", dilation=(1, 2)),
        rand(2, 2, 6, 7), rand(3, 2, 4, 2), rand(3))
    run("conv_pointwise", lambda x, w, b: F.conv2d(x, w, b),
        rand(3, 5, 4, 4), rand(6, 5, 1, 1), rand(6))
    run("conv_pointwise_stride", lambda x, w, b: F.conv2d(x, w, None, stride=2, padding="valid"),
        rand(2, 3, 5, 5), rand(4, 3, 1, 1))
    run("conv_unbatched", lambda x, w, b: F.conv2d(x, w, b, padding=1),
        rand(3, 6, 5), rand(2, 3, 3, 3), rand(2))

    # conv_transpose2d
    run("convt_basic", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
        rand(2, 4, 5, 4), rand(4, 3, 3, 3), rand(3))
    run("convt_groups", lambda x, w, b: F.conv_transpose2d(x, w, None, stride=(1, 2), padding=(0, 1), groups=2, dilation=2),
        rand(2, 4, 4, 5), rand(4, 2, 3, 2))
    # output_padding >= stride is allowed when it is below the dilation.
    run("convt_outpad_dilation", lambda x, w, b: F.conv_transpose2d(x, w, b, output_padding=1, dilation=2),
        rand(1, 2, 4, 4), rand(2, 3, 3, 3), rand(3))

    # linear
    run("linear_2d", lambda x, w, b: F.linear(x, w, b), rand(4, 5), rand(3, 5), rand(3))
    run("linear_3d", lambda x, w, b: F.linear(x, w, None), rand(2, 3, 5), rand(4, 5))
    run("linear_1d", lambda x, w, b: F.linear(x, w, b), rand(5), rand(3, 5), rand(3))

    # pooling
    run("maxpool_basic", lambda x, w, b: F.max_pool2d(x, 3, stride=2, padding=1), distinct(2, 3, 9, 9))
    run("maxpool_ceil_dilation", lambda x, w, b: F.max_pool2d(x, (3, 2), stride=2, padding=(1, 0), dilation=(2, 1), ceil_mode=True),
        distinct(2, 2, 7, 9))
    run("maxpool_ceil_last_window", lambda x, w, b: F.max_pool2d(x, 2, stride=2, padding=1, ceil_mode=True),
        distinct(1, 2, 5, 6))
    run("avgpool_pad", lambda x, w, b: F.avg_pool2d(x, 3, stride=2, padding=1), rand(2, 2, 7, 8))
    run("avgpool_ceil_nopad", lambda x, w, b: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
        rand(2, 2, 8, 7))
    run("avgpool_ceil_pad", lambda x, w, b: F.avg_pool2d(x, (2, 3), stride=(2, 2), padding=(1, 1), ceil_mode=True),
        rand(1, 2, 6, 8))
    run("adaptive_avg", lambda x, w, b: F.adaptive_avg_pool2d(x, (3, 5)), rand(2, 2, 7, 8))
    run("adaptive_avg_up", lambda x, w, b: F.adaptive_avg_pool2d(x, (9, 7)), rand(1, 2, 4, 5))
    run("adaptive_max", lambda x, w, b: F.adaptive_max_pool2d(x, (3, 4)), distinct(2, 2, 7, 9))
    run("adaptive_max_up", lambda x, w, b: F.adaptive_max_pool2d(x, (6, 5)), distinct(1, 2, 4, 3))
    # Rows wide enough for vis's 8-lane max-pooling path, with border windows on both sides.
    run("maxpool_wide", lambda x, w, b: F.max_pool2d(x, (2, 3), stride=(1, 2), padding=(1, 1), dilation=(1, 2)),
        distinct(2, 2, 6, 40))
    run("maxpool_wide_2x2", lambda x, w, b: F.max_pool2d(x, 2), distinct(1, 3, 4, 36))
    run("maxpool_wide_3x3_s1", lambda x, w, b: F.max_pool2d(x, 3, stride=1, padding=1), distinct(1, 2, 3, 21))

    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, torch {torch.__version__}")


if __name__ == "__main__":
    main()
