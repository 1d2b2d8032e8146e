#!/usr/bin/env python3
"""Writes reference_ops.json: NumPy reference values for VisTensor's softmax,
log_softmax, var, std and matmul, checked by ReferenceValueTests.swift.

Inputs are float32 (what vis computes on), drawn from a fixed seed and stored
exactly; outputs are computed in float64 from those float32 inputs, so they are
the exact answers the float32 engine approximates. Regenerate with

    python3 Tests/VisTensorTests/Fixtures/make_reference.py

(needs only NumPy; the output is deterministic for a given NumPy version's
default_rng, and is committed so the tests never need Python.)
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20240601)


def array(shape, scale=1.0):
    """Float32 input values, rounded to float32 and then widened exactly."""
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def encode(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "data": [float(v) for v in a.reshape(-1)]}


def softmax(x, axis):
    x = x.astype(np.float64)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x, axis):
    x = x.astype(np.float64)
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


cases = []


def add(op, inputs, output, **params):
    cases.append({"op": op, "params": params,
                  "inputs": [encode(i) for i in inputs], "output": encode(output)})


x3 = array((2, 3, 4), scale=3.0)
for axis in (0, 1, 2):
    add("softmax", [x3], softmax(x3, axis), dim=axis)
    add("log_softmax", [x3], log_softmax(x3, axis), dim=axis)
wide = array((3, 7), scale=10.0)  # large logits exercise the max subtraction
add("softmax", [wide], softmax(wide, -1), dim=-1)
add("log_softmax", [wide], log_softmax(wide, -1), dim=-1)

v = array((4, 6))
v64 = v.astype(np.float64)
for ddof in (1, 0):
    add("var", [v], np.var(v64, ddof=ddof), dims=[], correction=ddof)
    add("std", [v], np.std(v64, ddof=ddof), dims=[], correction=ddof)
    for axis in (0, 1):
        add("var", [v], np.var(v64, axis=axis, ddof=ddof), dims=[axis], correction=ddof)
        add("std", [v], np.std(v64, axis=axis, ddof=ddof), dims=[axis], correction=ddof)
shifted = array((5, 8)) + np.float32(1000)  # a large mean: needs a stable algorithm
add("var", [shifted], np.var(shifted.astype(np.float64), axis=1, ddof=1), dims=[1], correction=1)

for sa, sb in [((3, 4), (4, 5)), ((4,), (4,)), ((4,), (4, 5)), ((3, 4), (4,)),
               ((2, 1, 3, 4), (3, 4, 2)), ((5, 3, 4), (4, 2)), ((3, 4), (2, 4, 5)),
               ((1, 3, 4), (2, 4, 3))]:
    a, b = array(sa), array(sb)
    add("matmul", [a, b], np.matmul(a.astype(np.float64), b.astype(np.float64)))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "reference_ops.json"), "w") as f:
    json.dump({"generator": "make_reference.py", "numpy": np.__version__, "cases": cases}, f)
    f.write("\n")
print(f"wrote {len(cases)} cases")
