#!/usr/bin/env python3
"""Writes the PyTorch reference values under recurrent/ that LSTMTests.swift and
GRUTests.swift check: nn.LSTM and nn.GRU with 1 or 2 layers, one or two directions,
batch_first or not, with and without bias, with and without initial states, and an
unbatched (2-D) input.

For each case NAME it saves, as float32 .npy files:
  NAME_x              the input
  NAME_h0, NAME_c0    the initial states (only where the case passes them)
  NAME_<param>        every parameter under its PyTorch name (weight_ih_l0, ...,
                      bias_hh_l1_reverse), set from the seed (uniform in +-0.6, a bit
                      wider than PyTorch's default +-1/sqrt(H) so the gates saturate more)
  NAME_r, NAME_rh, NAME_rc   the fixed weights of the loss
                      L = sum(out * r) + sum(h_n * rh) [+ sum(c_n * rc)]
  NAME_out, NAME_h, NAME_c   the outputs (c for LSTM only)
  NAME_dx, NAME_dh0, NAME_dc0, NAME_d_<param>   the gradients of L

Inputs and parameters are float32 (what vis computes on), from a fixed seed; torch
evaluates the modules in float64 on exactly those values, so the outputs are the exact
answers the float32 engine approximates. Dropout is 0 (its mask is random).

Regenerate with (any torch 2.x; the committed files came from torch 2.15)

    /work/torchenv/bin/python Tests/VisNNTests/Fixtures/make_recurrent_reference.py
"""
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "recurrent")
rng = np.random.default_rng(20250301)

# name, cell, input_size, hidden_size, num_layers, bidirectional, batch_first, bias,
# initial states, (seq_len, batch) or (seq_len,) for an unbatched input.
CASES = [
    ("lstm_l1", "lstm", 4, 5, 1, False, False, True, False, (6, 3)),
    ("lstm_l1_h0", "lstm", 4, 9, 1, False, False, True, True, (5, 2)),
    ("lstm_bi_h0", "lstm", 3, 5, 1, True, False, True, True, (4, 3)),
    ("lstm_l2_bf", "lstm", 4, 5, 2, False, True, True, False, (5, 2)),
    ("lstm_l2_bi_bf_h0", "lstm", 6, 9, 2, True, True, True, True, (7, 4)),
    ("lstm_l2_bi_nobias", "lstm", 4, 3, 2, True, False, False, True, (5, 2)),
    ("lstm_unbatched", "lstm", 4, 5, 1, True, False, True, True, (6,)),
    # Sizes at which each step's products are cut into column blocks (RecurrentDirection).
    ("lstm_wide", "lstm", 8, 64, 1, False, False, True, True, (3, 24)),
    ("gru_l1", "gru", 4, 5, 1, False, False, True, False, (6, 3)),
    ("gru_l1_h0", "gru", 4, 9, 1, False, False, True, True, (5, 2)),
    ("gru_bi_h0", "gru", 3, 5, 1, True, False, True, True, (4, 3)),
    ("gru_l2_bf", "gru", 4, 5, 2, False, True, True, False, (5, 2)),
    ("gru_l2_bi_bf_h0", "gru", 6, 9, 2, True, True, True, True, (7, 4)),
    ("gru_l2_bi_nobias", "gru", 4, 3, 2, True, False, False, True, (5, 2)),
    ("gru_unbatched", "gru", 4, 5, 1, True, False, True, True, (6,)),
    ("gru_wide", "gru", 8, 64, 1, False, False, True, True, (3, 24)),
]


def f32(shape, scale=1.0):
    return (rng.uniform(-1.0, 1.0, shape) * scale).astype(np.float32)


def signs(shape):
    """Loss weights in +-[0.5, 1.5]."""
    return (rng.uniform(0.5, 1.5, shape) * rng.choice([-1.0, 1.0], shape)).astype(np.float32)


def save(name, key, a):
    a = a.detach().cpu().numpy() if torch.is_tensor(a) else a
    np.save(os.path.join(OUT, f"{name}_{key}.npy"), np.asarray(a, dtype=np.float32))


def leaf(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def run(name, cell, inp, hid, layers, bi, bf, bias, states, dims):
    cls = torch.nn.LSTM if cell == "lstm" else torch.nn.GRU
    m = cls(inp, hid, num_layers=layers, bias=bias, batch_first=bf, bidirectional=bi).double()
    params = {}
    with torch.no_grad():
        for pname, p in m.named_parameters():
            v = f32(tuple(p.shape), 0.6)
            p.copy_(torch.tensor(v, dtype=torch.float64))
            params[pname] = v
    batched = len(dims) == 2
    if batched:
        t, n = dims
        xshape = (n, t, inp) if bf else (t, n, inp)
    else:
        xshape = (dims[0], inp)
    x = f32(xshape, 1.5)
    xt = leaf(x)
    nd = 2 if bi else 1
    sshape = (layers * nd, dims[1], hid) if batched else (layers * nd, hid)
    h0 = f32(sshape, 0.8) if states else None
    c0 = f32(sshape, 1.2) if states and cell == "lstm" else None
    h0t = leaf(h0) if h0 is not None else None
    c0t = leaf(c0) if c0 is not None else None
    if cell == "lstm":
        out, (h, c) = m(xt, (h0t, c0t)) if states else m(xt)
    else:
        out, h = m(xt, h0t) if states else m(xt)
        c = None
    r, rh = signs(out.shape), signs(h.shape)
    loss = (out * torch.tensor(r, dtype=torch.float64)).sum() + (h * torch.tensor(rh, dtype=torch.float64)).sum()
    if c is not None:
        rc = signs(c.shape)
        loss = loss + (c * torch.tensor(rc, dtype=torch.float64)).sum()
        save(name, "rc", rc)
        save(name, "c", c)
    loss.backward()
    save(name, "x", x)
    save(name, "r", r)
    save(name, "rh", rh)
    save(name, "out", out)
    save(name, "h", h)
    save(name, "dx", xt.grad)
    if h0t is not None:
        save(name, "h0", h0)
        save(name, "dh0", h0t.grad)
    if c0t is not None:
        save(name, "c0", c0)
        save(name, "dc0", c0t.grad)
    for pname, p in m.named_parameters():
        save(name, pname, params[pname])
        save(name, "d_" + pname, p.grad)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".npy"):
            os.remove(os.path.join(OUT, f))
    for case in CASES:
        run(*case)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, to {OUT}")


if __name__ == "__main__":
    main()
