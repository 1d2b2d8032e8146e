"""Writes Tests/notebooks/reference/dtype.vis: vis's dtypes against PyTorch.

Covers PyTorch's promotion table (torch.promote_types) over all ten dtypes, the result
dtype and value of `+` with Python numbers and 0-d tensors (torch.result_type's
priorities), conversions between every pair of dtypes (float16 / bfloat16 rounding,
subnormals, NaN, inf, integer wrapping), float64 compute (values and gradients,
contiguous and non-contiguous, broadcasting, size-0 and size-1 dims), and the storage
dtypes' arithmetic. Also writes the file fixtures for the XCTests: one .npy per dtype
written by NumPy (Tests/VisTensorTests/Fixtures/npy_dtype_*.npy) and one safetensors
file with a tensor of every dtype written by the safetensors package
(Tests/VisNNTests/Fixtures/safetensors/dtypes.safetensors).

float32 and bfloat16 subnormals (below 1.2e-38) are left out: vis runs with
flush-to-zero (Sources/VisTensor/Denormals.swift), so they read as 0 there; float16's
subnormals (6e-8 ... 6.1e-5, normal float32 values) are checked.

Tolerances: conversions and integer results are checked exactly (rtol=0, atol=0: the
rounding rules are what is tested; NaN compares equal). float64 compute uses PyTorch's
float64 defaults (rtol=1e-7, atol=1e-7): vis and PyTorch call different libm / SIMD
implementations (1-2 ulp apart) and sum in different orders, far below 1e-7 relative.
float16 / bfloat16 arithmetic is checked exactly where the float32 result is rounded
once (add, mul: both compute in float32 and round), and with PyTorch's half defaults
(float16 1e-3 / 1e-5, bfloat16 1.6e-2 / 1e-5) for exp and sums, whose float32 kernels
differ by an ulp before rounding.

Run with PyTorch, NumPy and safetensors installed: python make_dtype.py
"""
import os
import numpy as np
import torch
from safetensors.torch import save_file

from torchref import DTYPE_NAMES, Notebook, lit, noncontig

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
ALL = [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
       torch.float16, torch.bfloat16, torch.float32, torch.float64]
FLOATS = [torch.float16, torch.bfloat16, torch.float32, torch.float64]
EXACT = dict(rtol=0, atol=0)
F64 = dict(rtol=1e-7, atol=1e-7)
HALF_TOL = {torch.float16: dict(rtol=1e-3, atol=1e-5), torch.bfloat16: dict(rtol=1.6e-2, atol=1e-5)}

nb = Notebook(os.path.join(HERE, "dtype.vis"), "dtypes against PyTorch: promotion, conversions, float64 compute",
              "Tests/notebooks/reference/make_dtype.py")
name = DTYPE_NAMES

# --- Promotion table -------------------------------------------------------------
nb.comment("torch.promote_types over every pair of dtypes (one line per first dtype, PyTorch's answers as #> lines)")
for a in ALL:
    got = ", ".join(f'promote_types("{name[a]}", "{name[b]}")' for b in ALL)
    want = ", ".join(f'"{name[torch.promote_types(a, b)]}"' for b in ALL)
    nb.line(f"[{got}]")
    nb.line(f"#> [{want}]")


def sample(dtype):
    """Small values every dtype holds exactly."""
    if dtype == torch.bool:
        return torch.tensor([True, False, True])
    return torch.tensor([1, 2, 3]).to(dtype)


nb.comment("x + y for tensors with dimensions of every pair of dtypes: value and result dtype")
for a in ALL:
    for b in ALL:
        x, y = sample(a), sample(b)
        nb.check(f"{lit(x)} + {lit(y)}", x + y, **EXACT)

nb.comment("a tensor with dimensions + a 0-d tensor of every dtype (0-d ranks lower, unless of a higher category)")
for a in ALL:
    for b in ALL:
        x = sample(a)
        z = torch.tensor(True) if b == torch.bool else torch.tensor(2).to(b)
        nb.check(f"{lit(x)} + {lit(z)}", x + z, **EXACT)

nb.comment("a tensor + Python numbers (wrapped numbers rank lowest: int32 + 5 is int32, float16 + 2.5 float16)")
for a in ALL:
    x = sample(a)
    nb.check(f"{lit(x)} + 5", x + 5, **EXACT)
    nb.check(f"{lit(x)} * 2.5", x * 2.5, **EXACT)
    nb.check(f"{lit(x)} + true", x + True, **EXACT)
    nb.check(f"5 - {lit(x)}", 5 - x, **EXACT) if a != torch.bool else None
    nb.check(f"{lit(x)} / 2", x / 2, **EXACT)

# --- Conversions -----------------------------------------------------------------
nb.comment("conversions between every pair of dtypes (in-range values; exact)")
values = {
    torch.bool: torch.tensor([True, False, True, True]),
    torch.uint8: torch.tensor([0, 1, 127, 200, 255], dtype=torch.uint8),
    torch.int8: torch.tensor([-128, -1, 0, 5, 127], dtype=torch.int8),
    torch.int16: torch.tensor([-32768, -300, 0, 255, 32767], dtype=torch.int16),
    torch.int32: torch.tensor([-70000, -1, 0, 65537, 2147483647], dtype=torch.int32),
    torch.int64: torch.tensor([-(2 ** 40) - 1, -129, 0, 300, 2 ** 40 + 3]),
    torch.float16: torch.tensor([-65504.0, -2.5, -0.0, 1.0009765625, 6e-8, 100.5], dtype=torch.float16),
    torch.bfloat16: torch.tensor([-3.0e38, -2.5, 0.0, 1.0078125, 1.5e-38, 250.0], dtype=torch.bfloat16),
    torch.float32: torch.tensor([-1e10, -2.7, -0.5, 0.4999, 1.7, 255.9, 1.5e-38]),
    torch.float64: torch.tensor([-2.7, -0.5, 0.1, 1.7, 126.9, 1e-300], dtype=torch.float64),
}
# Floats that do not fit an integer dtype convert to an undefined value in PyTorch
# (vis saturates, see tensors_dtype.vis): keep only values inside every integer range
# reachable from them.
for a in ALL:
    for b in ALL:
        x = values[a]
        if a.is_floating_point and not b.is_floating_point and b != torch.bool:
            info = torch.iinfo(b)
            x = x[(x.double() > float(info.min) - 1) & (x.double() < float(info.max) + 1)]
        nb.check(f'{lit(x)}.to("{name[b]}")', x.to(b), **EXACT)
    nb.check(f'{noncontig(values[a])}.to("float64")', values[a].to(torch.float64), **EXACT)

nb.comment("float32 / float64 to float16 and bfloat16: round to nearest even, overflow, subnormals, NaN, inf, -0")
edge32 = torch.tensor([1.00048828125, 1.00146484375, 65504.0, 65519.99, 65520.0, 1e5, 1e-8, 3e-8, 3.0e-8, 6e-8, 9e-8,
                       -0.0, float("nan"), float("inf"), -float("inf"), 0.1, 1 / 3, 1.00390625, 1.01171875, 3.39e38,
                       3.4e38, 1.5e-38, -7.3])
edge64 = torch.tensor([1.0 + 2.0 ** -11 + 2.0 ** -40, 1.0 + 2.0 ** -8 + 2.0 ** -40, 0.1, 1e-310, 1e300, float("nan"), 2.0 / 3],
                      dtype=torch.float64)
for src in [edge32, edge64, torch.randn(40, generator=torch.Generator().manual_seed(1)) * 100]:
    for dst in [torch.float16, torch.bfloat16]:
        nb.check(f'{lit(src)}.to("{name[dst]}")', src.to(dst), **EXACT)
    nb.check(f'{lit(src)}.to("float32")', src.to(torch.float32), **EXACT)
nb.check(f'{lit(edge32)}.half().float()', edge32.half().float(), **EXACT)
nb.check(f'{lit(edge32)}.bfloat16().double()', edge32.bfloat16().double(), **EXACT)
nb.check(f'{lit(edge32)}.double().half()', edge32.double().half(), **EXACT)

nb.comment("integers to narrower integers wrap; anything to bool is != 0")
wide = torch.tensor([300, -1, 65537, -129, 2 ** 33 + 7, -(2 ** 31) - 1])
for b in [torch.uint8, torch.int8, torch.int16, torch.int32, torch.bool]:
    nb.check(f'{lit(wide)}.to("{name[b]}")', wide.to(b), **EXACT)
nb.check(f'{lit(edge32)}.bool()', edge32.bool(), **EXACT)
for m, b in [("double", torch.float64), ("half", torch.float16), ("bfloat16", torch.bfloat16), ("int", torch.int32),
             ("short", torch.int16), ("char", torch.int8), ("byte", torch.uint8), ("long", torch.int64), ("float", torch.float32)]:
    x = torch.tensor([0.0, 1.5, -2.5, 100.0])
    if b == torch.uint8:
        x = x.abs()
    nb.check(f"{lit(x)}.{m}()", getattr(x, m)(), **EXACT)

nb.comment("tensor(data, dtype=) for every dtype, and creation functions' dtype=")
for b in ALL:
    data = [1, 0, 3] if b != torch.bool else [True, False, True]
    nb.check(f'tensor({data!r}'.replace("True", "true").replace("False", "false") + f', dtype="{name[b]}")', torch.tensor(data, dtype=b), **EXACT)
    nb.check(f'zeros(2, 3, dtype="{name[b]}")', torch.zeros(2, 3, dtype=b), **EXACT)
    nb.check(f'ones(0, 2, dtype="{name[b]}")', torch.ones(0, 2, dtype=b), **EXACT)
    nb.check(f'full([2], 1, dtype="{name[b]}")', torch.full([2], 1, dtype=b), **EXACT)
    if b != torch.bool:
        nb.check(f'arange(5, dtype="{name[b]}")', torch.arange(5, dtype=b), **EXACT)
    nb.check(f'eye(2, dtype="{name[b]}")', torch.eye(2, dtype=b), **EXACT)
nb.check('tensor([-1, 255, -255], dtype="uint8")', torch.tensor([-1, 255, -255], dtype=torch.uint8), **EXACT)
nb.check('tensor([1.7, -0.0, 255.5], dtype="uint8")', torch.tensor([1.7, -0.0, 255.5], dtype=torch.uint8), **EXACT)
nb.check('tensor([-128.0, 127.9], dtype="int8")', torch.tensor([-128.0, 127.9], dtype=torch.int8), **EXACT)

# --- float64 compute -------------------------------------------------------------
gen = torch.Generator().manual_seed(7)
a64 = (torch.randn(3, 4, generator=gen, dtype=torch.float64) * 2)
b64 = (torch.randn(3, 4, generator=gen, dtype=torch.float64) * 2)
row64 = torch.randn(1, 4, generator=gen, dtype=torch.float64)
pos64 = a64.abs() + 0.1
nb.comment("float64 arithmetic and comparisons: contiguous, non-contiguous, broadcasting, with Python floats (kept in double)")
for expr, f in [("{a} + {b}", lambda a, b: a + b), ("{a} - {b}", lambda a, b: a - b), ("{a} * {b}", lambda a, b: a * b),
                ("{a} / {b}", lambda a, b: a / b), ("{a} * 0.1 + 1e-9", lambda a, b: a * 0.1 + 1e-9),
                ("{a} > {b}", lambda a, b: a > b), ("{a} == {a}", lambda a, b: a == a),
                ("where({a} > 0, {a}, {b})", lambda a, b: torch.where(a > 0, a, b)),
                ("{a}.masked_fill({a} < 0, 0.25)", lambda a, b: a.masked_fill(a < 0, 0.25))]:
    for fa, fb in [(lit, lit), (noncontig, noncontig), (noncontig, lit)]:
        nb.check(expr.format(a=fa(a64), b=fb(b64)), f(a64, b64), **F64)
    nb.check(expr.format(a=lit(a64), b=lit(row64)), f(a64, row64), **F64)
nb.check(f"{lit(a64)} + {lit(torch.tensor([1.0, 2.0, 3.0, 4.0]))}", a64 + torch.tensor([1.0, 2.0, 3.0, 4.0]), **F64)
nb.check(f"{lit(pos64)} ** {lit(b64)}", pos64 ** b64, **F64)
nb.check(f"{lit(a64)} ** 2", a64 ** 2, **F64)

nb.comment("float64 unary math, activations and reductions, with gradients (float64)")
w = torch.randn(3, 4, generator=gen, dtype=torch.float64)
unary = [("{x}.exp()", torch.exp, a64), ("{x}.log()", torch.log, pos64), ("{x}.sqrt()", torch.sqrt, pos64),
         ("{x}.abs()", torch.abs, a64), ("{x}.relu()", torch.relu, a64), ("{x}.sigmoid()", torch.sigmoid, a64),
         ("{x}.tanh()", torch.tanh, a64), ("{x}.clamp(-1, 1)", lambda t: t.clamp(-1, 1), a64),
         ("leaky_relu({x}, 0.2)", lambda t: torch.nn.functional.leaky_relu(t, 0.2), a64),
         ("gelu({x})", torch.nn.functional.gelu, a64),
         ("{x}.sum(1)", lambda t: t.sum(1), a64), ("{x}.mean(0, keepdim=true)", lambda t: t.mean(0, keepdim=True), a64),
         ("{x}.var(1)", lambda t: t.var(1), a64), ("{x}.std()", lambda t: t.std(), a64),
         ("{x}.max(1)[0]", lambda t: t.max(1).values, a64), ("{x}.min(0)[0]", lambda t: t.min(0).values, a64),
         ("{x} @ {w}.t()", None, a64), ("cat([{x}, {x} * 2], 1)", lambda t: torch.cat([t, t * 2], 1), a64),
         ("stack([{x}, {x}])", lambda t: torch.stack([t, t]), a64), ("{x}[1:, ::2]", lambda t: t[1:, ::2], a64),
         ("{x}.to(\"float32\")", lambda t: t.float(), a64)]
for expr, f, x in unary:
    if f is None:
        f = lambda t: t @ w.t()
    for make in [lit, noncontig]:
        e = expr.format(x=make(x), w=lit(w))
        y = f(x)
        nb.check(e, y, **(F64 if y.dtype == torch.float64 else dict(rtol=1.3e-6, atol=1e-5)))
    xg = x.clone().requires_grad_(True)
    yg = f(xg)
    wg = torch.randn(yg.shape, generator=gen, dtype=torch.float64)
    (yg * wg).sum().backward()
    nb.line(f"x = {lit(x, requires_grad=True)}")
    nb.line(f"y = {expr.format(x='x', w=lit(w))}")
    nb.line(f"(y * {lit(wg)}).sum().backward()")
    nb.check("x.grad", xg.grad, **F64)
nb.check(f"{lit(a64)}.argmax(1)", a64.argmax(1), **EXACT)
nb.check(f"{lit(a64)}.sum()", a64.sum(), **F64)
nb.check(f"{lit(torch.zeros(0, 3, dtype=torch.float64))}.sum(0)", torch.zeros(0, 3, dtype=torch.float64).sum(0), **F64)
nb.check(f"{lit(torch.ones(1, 1, dtype=torch.float64))} * {lit(a64)}", a64.clone(), **F64)
m1 = torch.randn(5, 7, generator=gen, dtype=torch.float64)
m2 = torch.randn(2, 7, 3, generator=gen, dtype=torch.float64)
nb.check(f"{lit(m1)} @ {lit(m2)}", m1 @ m2, **F64)
nb.check(f"{noncontig(m1)} @ {lit(m2[0])}", m1 @ m2[0], **F64)
nb.comment("mixed float32 and float64: the result is float64, the float32 input's gradient float32")
a32 = torch.randn(3, 4, generator=gen)
nb.check(f"{lit(a32)} * {lit(a64)}", a32 * a64, **F64)
xg = a32.clone().requires_grad_(True)
(xg * a64).sum().backward()
nb.line(f"x = {lit(a32, requires_grad=True)}")
nb.line(f"(x * {lit(a64)}).sum().backward()")
nb.check("x.grad", xg.grad)

# --- storage dtypes --------------------------------------------------------------
nb.comment("float16 / bfloat16 compute in float32 and round back; narrow integers in int64 and wrap back")
for h in [torch.float16, torch.bfloat16]:
    x = (torch.randn(2, 5, generator=gen) * 4).to(h)
    y = (torch.randn(2, 5, generator=gen) * 4).to(h)
    nb.check(f"{lit(x)} + {lit(y)}", x + y, **EXACT)
    nb.check(f"{noncontig(x)} * {lit(y)}", x * y, **EXACT)
    nb.check(f"{lit(x)} > {lit(y)}", x > y, **EXACT)
    nb.check(f"{lit(x)}.exp()", x.exp(), **HALF_TOL[h])
    nb.check(f"{lit(x)}.sum(1)", x.sum(1), **HALF_TOL[h])
    nb.check(f"{lit(x)}.max(1)[0]", x.max(1).values, **EXACT)
    nb.check(f"{lit(x)} * 1.5", x * 1.5, **EXACT)
    nb.check(f"-{lit(x)}", -x, **EXACT)
    nb.check(f"cat([{lit(x)}, {lit(y)}])", torch.cat([x, y]), **EXACT)
for i in [torch.uint8, torch.int8, torch.int16, torch.int32]:
    x = torch.tensor([[100, 7, 0], [3, 120, 9]], dtype=i)
    nb.check(f"{lit(x)} + {lit(x)}", x + x, **EXACT)
    nb.check(f"{lit(x)} * 3", x * 3, **EXACT)
    nb.check(f"{noncontig(x)} - 1", x - 1, **EXACT)
    nb.check(f"{lit(x)}.sum()", x.sum(), **EXACT)
    nb.check(f"{lit(x)}.max(0)[0]", x.max(0).values, **EXACT)
    nb.check(f"{lit(x)} // 2", x // 2, **EXACT)
    nb.check(f"{lit(x)} & 6", x & 6, **EXACT)
    nb.check(f"{lit(x)}[tensor([1, 0], dtype=\"int32\")]", x[torch.tensor([1, 0], dtype=torch.int32)], **EXACT)
nb.write()

# --- file fixtures ---------------------------------------------------------------
npy_dir = os.path.join(ROOT, "Tests", "VisTensorTests", "Fixtures")
for dt in [np.float64, np.float16, np.int32, np.int16, np.int8, np.uint8]:
    arr = np.array([[0, 1, 2], [3, 100, 127]], dtype=dt)
    if dt in (np.float64, np.float16):
        arr = arr * 0.5 - 1
    np.save(os.path.join(npy_dir, f"npy_dtype_{np.dtype(dt).name}.npy"), arr)
st = {name[d]: (torch.tensor([[1.5, -2.0], [0.25, 100.0]]) if d.is_floating_point else torch.tensor([[1, 0], [7, 100]])).to(d)
      for d in ALL}
save_file(st, os.path.join(ROOT, "Tests", "VisNNTests", "Fixtures", "safetensors", "dtypes.safetensors"))
print("wrote", nb.path)
