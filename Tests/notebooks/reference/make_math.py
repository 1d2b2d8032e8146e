"""Writes math.vis: vis's elementwise math and reductions checked against PyTorch.

Run with PyTorch installed: python make_math.py (writes math.vis next to this file).

Tolerances: elementwise float32 functions are compared at rtol=1e-5, atol=1e-6
(vis calls the platform's libm per element, PyTorch its vectorised SLEEF kernels; both
are within about 1 ulp of the true value, so they may differ by 2 ulp, about 2.4e-7
relative); gradients and reductions at rtol=1e-4, atol=1e-5 (they are composed of
several rounded float32 steps whose order differs between the two). Integer and bool
results are compared exactly.
"""
import math
import os
import torch
import torchref
from torchref import lit, noncontig

torch.manual_seed(16)
HERE = os.path.dirname(os.path.abspath(__file__))
nb = torchref.Notebook(os.path.join(HERE, "math.vis"), "Elementwise math and reductions against PyTorch", "make_math.py")
EW = dict(rtol=1e-5, atol=1e-6)
RED = dict(rtol=1e-4, atol=1e-5)
nan, inf = float("nan"), float("inf")


def domain(lo, hi, shape=(3, 4)):
    return torch.empty(shape).uniform_(lo, hi)


counter = [0]


def grad_check(vis_call, torch_fn, x, tol=RED):
    """x.grad of sum(f(x) * w) for a random weight w, vis against PyTorch."""
    counter[0] += 1
    name = f"g{counter[0]}"
    xt = x.clone().requires_grad_(True)
    y = torch_fn(xt)
    w = torch.randn(y.shape)
    (y * w).sum().backward()
    nb.line(f"{name} = {lit(x, requires_grad=True)}")
    nb.line(f"({vis_call.format(x=name)} * {lit(w)}).sum().backward()")
    nb.check(f"{name}.grad", xt.grad, **tol)


# ---------------------------------------------------------------- unary float functions
unary = [
    # name, torch fn, domain (lo, hi), special values, accepts int/bool, differentiable
    ("sin", torch.sin, (-6, 6), [0.0, -0.0, inf, -inf, nan, 1e4]),
    ("cos", torch.cos, (-6, 6), [0.0, inf, nan, 1e4]),
    ("tan", torch.tan, (-1.4, 1.4), [0.0, inf, nan]),
    ("asin", torch.asin, (-0.99, 0.99), [1.0, -1.0, 1.5, nan]),
    ("acos", torch.acos, (-0.99, 0.99), [1.0, -1.0, 1.5, nan]),
    ("atan", torch.atan, (-5, 5), [inf, -inf, nan, 0.0]),
    ("sinh", torch.sinh, (-5, 5), [inf, -inf, nan, 100.0]),
    ("cosh", torch.cosh, (-5, 5), [inf, -inf, nan, 100.0]),
    ("tanh", torch.tanh, (-5, 5), [inf, -inf, nan, 0.0]),
    ("asinh", torch.asinh, (-5, 5), [inf, -inf, nan, 0.0]),
    ("acosh", torch.acosh, (1.1, 5), [1.0, 0.5, inf, nan]),
    ("atanh", torch.atanh, (-0.95, 0.95), [1.0, -1.0, 2.0, nan]),
    ("erf", torch.erf, (-3, 3), [inf, -inf, nan, 0.0]),
    ("erfc", torch.erfc, (-3, 3), [inf, -inf, nan, 10.0]),
    ("erfinv", torch.erfinv, (-0.99, 0.99), [1.0, -1.0, 1.5, nan, 0.0]),
    ("log1p", torch.log1p, (-0.9, 5), [-1.0, -2.0, inf, nan, 1e-10]),
    ("expm1", torch.expm1, (-3, 3), [inf, -inf, nan, 1e-10, 100.0]),
    ("log2", torch.log2, (0.1, 10), [0.0, -1.0, inf, nan]),
    ("log10", torch.log10, (0.1, 10), [0.0, -1.0, inf, nan]),
    ("exp2", torch.exp2, (-5, 5), [inf, -inf, nan, 200.0]),
    ("rsqrt", torch.rsqrt, (0.1, 10), [0.0, -1.0, inf, nan]),
    ("reciprocal", torch.reciprocal, (0.5, 5), [0.0, -0.0, inf, nan]),
    ("square", torch.square, (-5, 5), [inf, nan, 1e20]),
    ("frac", torch.frac, (-5, 5), [inf, nan, -2.5]),
]
aliases = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "asinh": "arcsinh", "acosh": "arccosh", "atanh": "arctanh"}

nb.comment("Unary float functions: contiguous, non-contiguous, 0-d, size 0, special values, int64 / bool inputs, gradients.")
for name, fn, (lo, hi), special in unary:
    nb.comment(name)
    x = domain(lo, hi)
    nb.check(f"{name}({lit(x)})", fn(x), **EW)
    nb.check(f"{noncontig(x)}.{name}()", fn(x), **EW)
    nb.check(f"torch.{name}({lit(x[0, 0])})", fn(x[0, 0]), **EW)
    nb.check(f"{name}(zeros(0, 3))", fn(torch.zeros(0, 3)), **EW)
    s = torch.tensor(special)
    nb.check(f"{name}({lit(s)})", fn(s), **EW)
    if name in aliases:
        nb.check(f"{aliases[name]}({lit(x)})", fn(x), **EW)
    if name != "frac":
        i = torch.tensor([[1, 2], [0, 3]]) if name not in ("acosh",) else torch.tensor([1, 2, 3])
        nb.check(f"{name}({lit(i)})", fn(i), **EW)
        b = torch.tensor([True, False])
        nb.check(f"{name}({lit(b)})", fn(b), **EW)
    grad_check(f"{name}({{x}})", fn, domain(lo, hi, (2, 3)))

# ---------------------------------------------------------------- rounding and sign
nb.comment("Rounding: half to even, decimals, int64 unchanged; sign / sgn (0 for NaN); zero gradients.")
r = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, -2.7, 1e10, inf, -inf, nan, -0.0])
for name in ["floor", "ceil", "round", "trunc", "sign", "sgn"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(r)})", fn(r), **EW)
    nb.check(f"{noncontig(r.reshape(3, 4))}.{name}()", fn(r.reshape(3, 4)), **EW)
    nb.check(f"{name}({lit(torch.tensor([-3, 0, 7]))})", fn(torch.tensor([-3, 0, 7])))
    grad_check(f"{name}({{x}})", fn, domain(-3, 3, (5,)))
nb.check(f"sign({lit(torch.tensor([True, False]))})", torch.sign(torch.tensor([True, False])))
nb.check(f"fix({lit(r)})", torch.fix(r), **EW)
d = torch.tensor([1.2345, -2.675, 1234.5678, 0.125, 1250.0, 1350.0, nan, inf])
for k in [0, 1, 2, 3, -1, -2]:
    nb.check(f"round({lit(d)}, decimals={k})", torch.round(d, decimals=k), **EW)
    nb.check(f"{lit(d)}.round(decimals={k})", torch.round(d, decimals=k), **EW)
nb.check(f"round({lit(d)}, 2)", torch.round(d, decimals=2), **EW)
nb.check(f"torch.round({lit(torch.tensor([2, -3]))})", torch.round(torch.tensor([2, -3])))

# ---------------------------------------------------------------- classification
nb.comment("isnan / isinf / isfinite / isposinf / isneginf and nan_to_num.")
c = torch.tensor([[1.0, nan, inf], [-inf, 0.0, -2.0]])
for name in ["isnan", "isinf", "isfinite", "isposinf", "isneginf"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(c)})", fn(c))
    nb.check(f"{noncontig(c)}.{name}()", fn(c))
    nb.check(f"torch.{name}({lit(torch.tensor([1, 2]))})", fn(torch.tensor([1, 2])))
    nb.check(f"{name}({lit(torch.tensor([True]))})", fn(torch.tensor([True])))
    nb.check(f"{name}(zeros(0))", fn(torch.zeros(0)))
nb.check(f"nan_to_num({lit(c)})", torch.nan_to_num(c))
nb.check(f"nan_to_num({lit(c)}, nan=1.5, posinf=100, neginf=-100)", torch.nan_to_num(c, nan=1.5, posinf=100, neginf=-100))
nb.check(f"{noncontig(c)}.nan_to_num(posinf=7)", torch.nan_to_num(c, posinf=7))
nb.check(f"nan_to_num({lit(torch.tensor([1, 2]))})", torch.nan_to_num(torch.tensor([1, 2])))
grad_check("nan_to_num({x})", torch.nan_to_num, c)

# ---------------------------------------------------------------- binary math
nb.comment("Binary math with broadcasting: atan2, hypot, fmod, remainder (and %), clamp_min / clamp_max, lerp, logical ops.")
a = torch.randn(3, 4) * 3
b = torch.randn(4) * 2
sp = torch.tensor([0.0, -0.0, 1.0, -1.0, inf, -inf, nan, 3.0])
spb = torch.tensor([0.0, 0.0, -0.0, 2.0, 2.0, inf, 1.0, -inf])
for name in ["atan2", "arctan2", "hypot", "fmod", "remainder"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(a)}, {lit(b)})", fn(a, b), **EW)
    nb.check(f"{noncontig(a)}.{name}({lit(b)})", fn(a, b), **EW)
    nb.check(f"{name}({lit(sp)}, {lit(spb)})", fn(sp, spb), **EW)
    nb.check(f"{name}(zeros(0, 4), {lit(b)})", fn(torch.zeros(0, 4), b), **EW)
    nb.check(f"{name}({lit(a)}, 1.5)", fn(a, torch.tensor(1.5)), **EW)
    if name != "hypot":
        ii, jj = torch.tensor([[-7, 7], [5, -5]]), torch.tensor([3, -3])
        nb.check(f"{name}({lit(ii)}, {lit(jj)})", fn(ii, jj), **EW)
    # Gradients for both operands.
    counter[0] += 1
    at, bt = a.clone().requires_grad_(True), b.clone().abs().add(0.5).requires_grad_(True)
    y = fn(at, bt)
    w = torch.randn(y.shape)
    (y * w).sum().backward()
    nb.line(f"p{counter[0]} = {lit(a, requires_grad=True)}")
    nb.line(f"q{counter[0]} = {lit(bt.detach(), requires_grad=True)}")
    nb.line(f"({name}(p{counter[0]}, q{counter[0]}) * {lit(w)}).sum().backward()")
    nb.check(f"p{counter[0]}.grad", at.grad, **RED)
    nb.check(f"q{counter[0]}.grad", bt.grad, **RED)
nb.check(f"{lit(a)} % {lit(b)}", a % b, **EW)
nb.check(f"{lit(torch.tensor([-7, 7, 0]))} % 3", torch.tensor([-7, 7, 0]) % 3)
nb.check(f"{lit(torch.tensor([-7, 7, 0]))} % -3", torch.tensor([-7, 7, 0]) % -3)
nb.check(f"{lit(torch.tensor([-3.0, 3.0, -0.0]))} % 2", torch.tensor([-3.0, 3.0, -0.0]) % 2, **EW)
grad_check("({x} % 1.5)", lambda t: t % 1.5, a)
nb.check(f"atan2({lit(torch.tensor([1, -1]))}, {lit(torch.tensor([True, False]))})", torch.atan2(torch.tensor([1, -1]), torch.tensor([True, False])), **EW)

cm = torch.tensor([1.0, 3.0, nan, -2.0, 5.0])
for name in ["clamp_min", "clamp_max"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(cm)}, 2)", fn(cm, 2), **EW)
    nb.check(f"{lit(cm)}.{name}(2.5)", fn(cm, 2.5), **EW)
    nb.check(f"{name}({lit(cm)}, nan)", fn(cm, nan), **EW)
    nb.check(f"{name}({noncontig(a)}, {lit(b)})", fn(a, b), **EW)
    nb.check(f"{name}({lit(torch.tensor([1, 5, -3]))}, 2)", fn(torch.tensor([1, 5, -3]), 2))
    nb.check(f"{name}({lit(torch.tensor([1, 5, -3]))}, 2.5)", fn(torch.tensor([1, 5, -3]), 2.5), **EW)
    grad_check(f"{name}({{x}}, 3.0)", lambda t, fn=fn: fn(t, 3.0), torch.tensor([1.0, 3.0, 3.0, 4.0, 2.0]))
    counter[0] += 1
    xt = torch.tensor([1.0, 3.0, 3.0, 2.0], requires_grad=True)
    bt = torch.tensor([3.0, 3.0, 1.0, 2.0], requires_grad=True)
    fn(xt, bt).sum().backward()
    nb.line(f"p{counter[0]} = {lit(xt, requires_grad=True)}")
    nb.line(f"q{counter[0]} = {lit(bt, requires_grad=True)}")
    nb.line(f"{name}(p{counter[0]}, q{counter[0]}).sum().backward()")
    nb.check(f"p{counter[0]}.grad", xt.grad, **RED)
    nb.check(f"q{counter[0]}.grad", bt.grad, **RED)

s, e = torch.randn(3, 4), torch.randn(3, 4)
wt = torch.rand(4)
nb.check(f"lerp({lit(s)}, {lit(e)}, 0.3)", torch.lerp(s, e, 0.3), **EW)
nb.check(f"lerp({lit(s)}, {lit(e)}, 1)", torch.lerp(s, e, 1.0), **EW)
nb.check(f"{noncontig(s)}.lerp({lit(e)}, {lit(wt)})", torch.lerp(s, e, wt), **EW)
nb.check(f"lerp({lit(s)}, {lit(e[0])}, 0.75)", torch.lerp(s, e[0], 0.75), **EW)
counter[0] += 1
st, et, wtt = s.clone().requires_grad_(True), e.clone().requires_grad_(True), wt.clone().requires_grad_(True)
out = torch.lerp(st, et, wtt)
w = torch.randn(out.shape)
(out * w).sum().backward()
nb.line(f"s{counter[0]} = {lit(s, requires_grad=True)}")
nb.line(f"e{counter[0]} = {lit(e, requires_grad=True)}")
nb.line(f"w{counter[0]} = {lit(wt, requires_grad=True)}")
nb.line(f"(lerp(s{counter[0]}, e{counter[0]}, w{counter[0]}) * {lit(w)}).sum().backward()")
for v, t in [("s", st), ("e", et), ("w", wtt)]:
    nb.check(f"{v}{counter[0]}.grad", t.grad, **RED)

la, lb = torch.tensor([[1.0, 0.0, nan], [0.0, 2.0, -1.0]]), torch.tensor([0.0, 3.0, 0.0])
for name in ["logical_and", "logical_or", "logical_xor"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(la)}, {lit(lb)})", fn(la, lb))
    nb.check(f"{noncontig(la)}.{name}({lit(lb)})", fn(la, lb))
    nb.check(f"{name}({lit(torch.tensor([1, 0]))}, {lit(torch.tensor([True, True]))})", fn(torch.tensor([1, 0]), torch.tensor([True, True])))
nb.check(f"logical_not({lit(la)})", torch.logical_not(la))
nb.check(f"{lit(torch.tensor([0, 3]))}.logical_not()", torch.logical_not(torch.tensor([0, 3])))

# ---------------------------------------------------------------- reductions
nb.comment("prod: all, one dim, keepdim, dtype=, zeros in the gradient, int64 / bool.")
p = torch.randn(3, 4)
pz = torch.tensor([[2.0, 0.0, 3.0], [0.0, 1.0, 0.0], [1.5, 2.0, -1.0]])
nb.check(f"prod({lit(p)})", torch.prod(p), **RED)
for dim in [0, 1, -1]:
    nb.check(f"prod({lit(p)}, {dim})", torch.prod(p, dim), **RED)
    nb.check(f"{noncontig(p)}.prod(dim={dim}, keepdim=true)", torch.prod(p, dim, keepdim=True), **RED)
nb.check(f"prod({lit(torch.tensor([[1, 2], [3, 4]]))}, 1)", torch.prod(torch.tensor([[1, 2], [3, 4]]), 1))
nb.check(f"prod({lit(torch.tensor([[1, 2], [3, 4]]))}, 1, dtype=torch.float32)", torch.prod(torch.tensor([[1, 2], [3, 4]]), 1, dtype=torch.float32), **RED)
nb.check(f"prod({lit(torch.tensor([True, False]))})", torch.prod(torch.tensor([True, False])))
nb.check(f"prod(zeros(0))", torch.prod(torch.zeros(0)))
nb.check(f"prod(zeros(0, 3), 0)", torch.prod(torch.zeros(0, 3), 0))
nb.check(f"prod({lit(torch.tensor(2.5))})", torch.prod(torch.tensor(2.5)))
nb.check(f"prod({lit(torch.tensor([[2.0], [3.0]]))}.expand(2, 3), 1)", torch.prod(torch.tensor([[2.0], [3.0]]).expand(2, 3), 1), **RED)
grad_check("prod({x}, 1)", lambda t: torch.prod(t, 1), pz)
grad_check("prod({x}, 0)", lambda t: torch.prod(t, 0), pz)
grad_check("prod({x})", torch.prod, torch.tensor([2.0, 0.0, 3.0]))
grad_check("prod({x})", torch.prod, p)

nb.comment("Scans: cumsum, cumprod, cummax, cummin, logcumsumexp.")
q = torch.randn(3, 5)
qi = torch.tensor([[3, -1, 4], [1, 5, -9]])
for name in ["cumsum", "cumprod", "logcumsumexp"]:
    fn = getattr(torch, name)
    for dim in [0, 1, -1]:
        nb.check(f"{name}({lit(q)}, {dim})", fn(q, dim), **RED)
    nb.check(f"{noncontig(q)}.{name}(1)", fn(q, 1), **RED)
    nb.check(f"{name}(zeros(0, 3), 1)", fn(torch.zeros(0, 3), 1), **RED)
    nb.check(f"{name}({lit(torch.tensor(2.0))}, 0)", fn(torch.tensor(2.0), 0), **RED)
    if name != "logcumsumexp":
        nb.check(f"{name}({lit(qi)}, 1)", fn(qi, 1))
        nb.check(f"{name}({lit(torch.tensor([True, True, False]))}, 0)", fn(torch.tensor([True, True, False]), 0))
        nb.check(f"{name}({lit(qi)}, 1, dtype=torch.float32)", fn(qi, 1, dtype=torch.float32), **RED)
    nb.check(f"{name}({lit(sp)}, 0)", fn(sp, 0), **RED)
    grad_check(f"{name}({{x}}, 1)", lambda t, fn=fn: fn(t, 1), q)
    grad_check(f"{name}({{x}}, 0)", lambda t, fn=fn: fn(t, 0), q)
grad_check("cumprod({x}, 0)", lambda t: torch.cumprod(t, 0), torch.tensor([2.0, 0.0, 3.0, 0.0, 4.0]))
grad_check("cumprod({x}, 1)", lambda t: torch.cumprod(t, 1), pz)
nb.check(f"logcumsumexp({lit(torch.tensor([-inf, -inf, 0.0, inf]))}, 0)", torch.logcumsumexp(torch.tensor([-inf, -inf, 0.0, inf]), 0), **RED)
cx = torch.tensor([[1.0, 3.0, 3.0, 2.0, nan, 5.0, nan, 1.0], [4.0, 4.0, 1.0, 0.0, 7.0, 7.0, -1.0, 8.0]])
for name in ["cummax", "cummin"]:
    fn = getattr(torch, name)
    v, i = fn(cx, 1)
    nb.line(f"v, i = {name}({lit(cx)}, 1)")
    nb.check("v", v, **EW)
    nb.check("i", i)
    v, i = fn(cx, 0)
    nb.line(f"v, i = {noncontig(cx)}.{name}(0)")
    nb.check("v", v, **EW)
    nb.check("i", i)
    v, i = fn(qi, 1)
    nb.line(f"v, i = {name}({lit(qi)}, 1)")
    nb.check("v", v)
    nb.check("i", i)
    grad_check(f"{name}({{x}}, 1)[0]", lambda t, fn=fn: fn(t, 1)[0], torch.tensor([[1.0, 3.0, 3.0, 2.0, 5.0], [4.0, 1.0, 4.0, 0.0, 7.0]]))

nb.comment("logsumexp over dims; infinities; int input; size 0.")
ls = torch.randn(2, 3, 4) * 10
for dims in [0, 1, [0, 2], [-1]]:
    nb.check(f"logsumexp({lit(ls)}, {dims})", torch.logsumexp(ls, dims), **RED)
    nb.check(f"{noncontig(ls)}.logsumexp({dims}, keepdim=true)", torch.logsumexp(ls.transpose(-1, -2).contiguous().transpose(-1, -2), dims, keepdim=True), **RED)
lsi = torch.tensor([[inf, 1.0], [-inf, -inf], [nan, 0.0]])
nb.check(f"logsumexp({lit(lsi)}, 1)", torch.logsumexp(lsi, 1), **RED)
nb.check(f"logsumexp({lit(torch.tensor([[1, 2], [3, 4]]))}, 1)", torch.logsumexp(torch.tensor([[1, 2], [3, 4]]), 1), **RED)
nb.check("logsumexp(zeros(0, 3), 0)", torch.logsumexp(torch.zeros(0, 3), 0), **RED)
grad_check("logsumexp({x}, 1)", lambda t: torch.logsumexp(t, 1), ls)
grad_check("logsumexp({x}, [0, 2])", lambda t: torch.logsumexp(t, [0, 2]), ls)

nb.comment("all / any / count_nonzero: dims, keepdim, NaN is true, empty.")
al = torch.tensor([[1.0, 0.0, nan], [2.0, 3.0, -1.0]])
for name in ["all", "any"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(al)})", fn(al))
    nb.check(f"{name}({lit(al)}, dim=1)", fn(al, dim=1))
    nb.check(f"{noncontig(al)}.{name}(dim=0, keepdim=true)", fn(al, dim=0, keepdim=True))
    nb.check(f"{name}({lit(al)}, dim=[0, 1])", fn(al, dim=(0, 1)))
    nb.check(f"torch.{name}({lit(torch.tensor([[1, 0], [2, 3]]))}, 1)", fn(torch.tensor([[1, 0], [2, 3]]), 1))
    nb.check(f"{name}(zeros(0, 2), 0)", fn(torch.zeros(0, 2), 0))
    nb.check(f"{name}(zeros(0))", fn(torch.zeros(0)))
nb.check(f"count_nonzero({lit(al)})", torch.count_nonzero(al))
nb.check(f"count_nonzero({lit(al)}, dim=0)", torch.count_nonzero(al, dim=0))
nb.check(f"{noncontig(al)}.count_nonzero(dim=[0, 1])", torch.count_nonzero(al, dim=(0, 1)))
nb.check(f"count_nonzero({lit(torch.tensor([True, False, True]))})", torch.count_nonzero(torch.tensor([True, False, True])))

nb.comment("amax / amin / aminmax: NaN wins, dtype kept, ties share the gradient.")
am = torch.tensor([[1.0, 5.0, 5.0], [nan, 2.0, 3.0], [-1.0, -1.0, 0.0]])
for name in ["amax", "amin"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(am)})", fn(am))
    nb.check(f"{name}({lit(am)}, 1)", fn(am, 1))
    nb.check(f"{noncontig(am)}.{name}(dim=0, keepdim=true)", fn(am, 0, keepdim=True))
    nb.check(f"{name}({lit(am)}, [0, 1])", fn(am, (0, 1)))
    nb.check(f"{name}({lit(qi)}, 1)", fn(qi, 1))
    nb.check(f"{name}({lit(torch.tensor([True, False]))})", fn(torch.tensor([True, False])))
    nb.check(f"{name}(zeros(2, 0), 0)", fn(torch.zeros(2, 0), 0))
    tie = torch.tensor([[1.0, 5.0, 5.0], [4.0, 2.0, 3.0], [-1.0, -1.0, -1.0]])
    grad_check(f"{name}({{x}})", fn, tie)
    grad_check(f"{name}({{x}}, 1)", lambda t, fn=fn: fn(t, 1), tie)
    grad_check(f"{name}({{x}}, 0)", lambda t, fn=fn: fn(t, 0), tie)
lo, hi = torch.aminmax(am)
nb.line(f"lo, hi = aminmax({lit(am)})")
nb.check("lo", lo)
nb.check("hi", hi)
lo, hi = torch.aminmax(qi, dim=1, keepdim=True)
nb.line(f"lo, hi = {lit(qi)}.aminmax(dim=1, keepdim=true)")
nb.check("lo", lo)
nb.check("hi", hi)

nb.comment("nansum / nanmean.")
nn_ = torch.tensor([[1.0, nan, 2.0], [nan, nan, nan], [3.0, -1.0, 0.5]])
for name in ["nansum", "nanmean"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(nn_)})", fn(nn_), **RED)
    nb.check(f"{name}({lit(nn_)}, 1)", fn(nn_, 1), **RED)
    nb.check(f"{noncontig(nn_)}.{name}(dim=0, keepdim=true)", fn(nn_, 0, keepdim=True), **RED)
    nb.check(f"{name}({lit(nn_)}, [0, 1])", fn(nn_, (0, 1)), **RED)
    nb.check(f"{name}(zeros(0))", fn(torch.zeros(0)), **RED)
    grad_check(f"{name}({{x}}, 1)", lambda t, fn=fn: fn(t, 1), nn_)
nb.check(f"nansum({lit(qi)}, 1)", torch.nansum(qi, 1))
nb.check(f"nansum({lit(qi)}, dtype=torch.float32)", torch.nansum(qi, dtype=torch.float32), **RED)

nb.comment("median / nanmedian / mode: lower median, NaN rules, indices, gradients.")
md = torch.tensor([[3.0, 1.0, 4.0, 2.0], [5.0, nan, 1.0, 0.0], [9.0, 7.0, 8.0, 6.0]])
for name in ["median", "nanmedian"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(md)})", fn(md))
    nb.check(f"{name}({lit(md[0])})", fn(md[0]))
    for dim in [1, 0]:
        v, i = fn(md, dim)
        nb.line(f"v, i = {name}({lit(md)}, {dim})")
        nb.check("v", v)
        nb.check("i", i)
    v, i = fn(md, 1, keepdim=True)
    nb.line(f"v, i = {noncontig(md)}.{name}(1, keepdim=true)")
    nb.check("v", v)
    nb.check("i", i)
    v, i = fn(qi, 1)
    nb.line(f"v, i = {name}({lit(qi)}, 1)")
    nb.check("v", v)
    nb.check("i", i)
    nb.check(f"{name}({lit(torch.tensor([nan, nan]))})", fn(torch.tensor([nan, nan])))
    nb.check(f"{name}(zeros(0))", fn(torch.zeros(0)))
    grad_check(f"{name}({{x}})", fn, torch.tensor([3.0, 1.0, 2.0, 2.0, 5.0]))
    grad_check(f"{name}({{x}}, 1)[0]", lambda t, fn=fn: fn(t, 1)[0], md[[0, 2]])
mo = torch.tensor([[1.0, 2.0, 2.0, 3.0, 3.0, 0.0], [4.0, 4.0, 1.0, 1.0, 1.0, 4.0]])
for args in ["", ", 1", ", 0", ", -1, true"]:
    targs = eval(f"(mo{args.replace('true', 'True')})")
    v, i = torch.mode(*targs) if isinstance(targs, tuple) else torch.mode(targs)
    nb.line(f"v, i = mode({lit(mo)}{args})")
    nb.check("v", v)
    nb.check("i", i)
v, i = torch.mode(torch.tensor([3, 1, 1, 3, 2]))
nb.line(f"v, i = {lit(torch.tensor([3, 1, 1, 3, 2]))}.mode()")
nb.check("v", v)
nb.check("i", i)
grad_check("mode({x}, 1)[0]", lambda t: torch.mode(t, 1)[0], mo)

nb.comment("quantile / nanquantile: q scalar or list, dim, keepdim, the five interpolations, NaN rows.")
qq = torch.randn(3, 7)
qn = torch.tensor([[1.0, 2.0, 3.0, 4.0], [4.0, nan, 5.0, 6.0], [nan, nan, nan, nan]])
for name in ["quantile", "nanquantile"]:
    fn = getattr(torch, name)
    for interp in ["linear", "lower", "higher", "nearest", "midpoint"]:
        nb.check(f'{name}({lit(qq)}, 0.3, dim=1, interpolation="{interp}")', fn(qq, 0.3, dim=1, interpolation=interp), **RED)
        nb.check(f'{name}({lit(qn)}, {lit(torch.tensor([0.0, 0.25, 0.5, 1.0]))}, dim=1, keepdim=true, interpolation="{interp}")',
                 fn(qn, torch.tensor([0.0, 0.25, 0.5, 1.0]), dim=1, keepdim=True, interpolation=interp), **RED)
    nb.check(f"{name}({lit(qq)}, 0.5)", fn(qq, 0.5), **RED)
    nb.check(f"{name}({lit(qq)}, 0.5, keepdim=true)", fn(qq, 0.5, keepdim=True), **RED)
    nb.check(f"{noncontig(qq)}.{name}({lit(torch.tensor([0.1, 0.9]))}, dim=0)", fn(qq, torch.tensor([0.1, 0.9]), dim=0), **RED)
    nb.check(f"{name}({lit(qn)}, 0.5)", fn(qn, 0.5), **RED)
    grad_check(f"{name}({{x}}, 0.4, dim=1)", lambda t, fn=fn: fn(t, 0.4, dim=1), qq)
    grad_check(f"{name}({{x}}, {lit(torch.tensor([0.2, 0.7]))})", lambda t, fn=fn: fn(t, torch.tensor([0.2, 0.7])), qq)

# ---------------------------------------------------------------- float64
# float64 computes in float64 (never through float32). Tolerances: elementwise
# functions at rtol=1e-12, atol=1e-14 (vis calls glibc's double libm, PyTorch SLEEF's
# 1-ulp double kernels: they may differ by a few ulp, 2.2e-16 each, and atol covers
# results near a zero of the function); gradients, scans and reductions at rtol=1e-10,
# atol=1e-12 (several rounded double steps in a different order). A float32 detour would
# fail these by eight orders of magnitude.
F64 = dict(rtol=1e-12, atol=1e-14)
F64R = dict(rtol=1e-10, atol=1e-12)
counter64 = [0]


def grad64(vis_call, torch_fn, x):
    """x.grad of sum(f(x) * w) in float64 (x and w float64), contiguous and non-contiguous x."""
    for transposed in ([False, True] if x.dim() >= 2 else [False]):
        counter64[0] += 1
        name = f"d{counter64[0]}"
        xt = x.clone().requires_grad_(True)
        y = torch_fn(xt)
        w = torch.randn(y.shape, dtype=torch.float64)
        (y * w).sum().backward()
        if transposed:
            # The leaf holds x transposed; the op reads its non-contiguous transpose view.
            nb.line(f"{name} = {lit(x.transpose(-1, -2).contiguous(), requires_grad=True)}")
            nb.line(f"({vis_call.format(x=name + '.transpose(-1, -2)')} * {lit(w)}).sum().backward()")
            nb.check(f"{name}.grad", xt.grad.transpose(-1, -2).contiguous(), **F64R)
        else:
            nb.line(f"{name} = {lit(x, requires_grad=True)}")
            nb.line(f"({vis_call.format(x=name)} * {lit(w)}).sum().backward()")
            nb.check(f"{name}.grad", xt.grad, **F64R)


def domain64(lo, hi, shape=(3, 4)):
    return torch.empty(shape, dtype=torch.float64).uniform_(lo, hi)


nb.comment("float64: the unary float functions in float64 (values contiguous and not, special values, gradients).")
for name, fn, (lo, hi), special in unary:
    x = domain64(lo, hi)
    nb.check(f"{name}({lit(x)})", fn(x), **F64)
    nb.check(f"{name}({noncontig(x)})", fn(x), **F64)
    sp = torch.tensor(special, dtype=torch.float64)
    nb.check(f"{name}({lit(sp)})", fn(sp), **F64)
    grad64(f"{name}({{x}})", fn, x)

nb.comment("float64 rounding, sign, frac: values in float64 (2^52 + 0.5 is beyond float32), zero gradients.")
r64 = torch.tensor([[0.5, 1.5, 2.5, -0.5], [-2.5, 4503599627370495.5, 1e300, nan], [inf, -inf, -0.0, 0.49999999999999994]], dtype=torch.float64)
for name in ["floor", "ceil", "round", "trunc", "sign", "sgn", "frac"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(r64)})", fn(r64), **F64)
    nb.check(f"{name}({noncontig(r64)})", fn(r64), **F64)
for k in [1, 3, -2]:
    xr = domain64(-500, 500)
    nb.check(f"round({lit(xr)}, decimals={k})", torch.round(xr, decimals=k), **F64)
grad64("round({x})", torch.round, domain64(-3, 3))
grad64("frac({x})", torch.frac, domain64(-3, 3))

nb.comment("float64 classification and nan_to_num (float64 limits by default).")
c64 = torch.tensor([[1.0, nan, inf], [-inf, 1e308, -0.0]], dtype=torch.float64)
for name in ["isnan", "isinf", "isfinite", "isposinf", "isneginf"]:
    nb.check(f"{name}({noncontig(c64)})", getattr(torch, name)(c64))
nb.check(f"nan_to_num({lit(c64)})", torch.nan_to_num(c64), **F64)
nb.check(f"nan_to_num({lit(c64)}, nan=1.5, posinf=2e300, neginf=-3.0)", torch.nan_to_num(c64, nan=1.5, posinf=2e300, neginf=-3.0), **F64)
grad64("nan_to_num({x})", torch.nan_to_num, c64)

nb.comment("float64 binary math: atan2, hypot, maximum / minimum, clamp_min / clamp_max, lerp; float64 with float32 or int64 promotes to float64.")
a64, b64 = domain64(-3, 3), domain64(-3, 3, (4,))
b32 = torch.empty(4).uniform_(-3, 3)
for name in ["atan2", "hypot", "maximum", "minimum", "clamp_min", "clamp_max"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(a64)}, {lit(b64)})", fn(a64, b64), **F64)
    nb.check(f"{name}({noncontig(a64)}, {lit(b32)})", fn(a64, b32), **F64)
    nb.check(f"{name}({lit(b32)}, {lit(a64)})", fn(b32, a64), **F64)
    grad64(f"{name}({{x}}, {lit(b64)})", lambda t, fn=fn: fn(t, b64), a64)
fa, fb = domain64(-9, 9), domain64(0.5, 3, (4,))
for name in ["fmod", "remainder"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({noncontig(fa)}, {lit(fb)})", fn(fa, fb), **F64)
    grad64(f"{name}({{x}}, {lit(fb)})", lambda t, fn=fn: fn(t, fb), fa)
    grad64(f"{name}({lit(fa)}, {{x}})", lambda t, fn=fn: fn(fa, t), fb)
tie = torch.tensor([1.0, 2.0, nan, 3.0], dtype=torch.float64)
tie2 = torch.tensor([1.0, 5.0, 0.0, nan], dtype=torch.float64)
for name in ["maximum", "minimum"]:
    grad64(f"{name}({{x}}, {lit(tie2)})", lambda t, fn=getattr(torch, name): fn(t, tie2), tie)
for name in ["clamp_min", "clamp_max"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(tie)}, 2.0)", fn(tie, 2.0), **F64)
    grad64(f"{name}({{x}}, 2.0)", lambda t, fn=fn: fn(t, 2.0), tie)
e64 = domain64(-3, 3)
nb.check(f"lerp({lit(a64)}, {lit(e64)}, 0.3)", torch.lerp(a64, e64, 0.3), **F64)
nb.check(f"lerp({noncontig(a64)}, {lit(e64)}, {lit(b64)})", torch.lerp(a64, e64, b64), **F64)
grad64(f"lerp({{x}}, {lit(e64)}, 0.7)", lambda t: torch.lerp(t, e64, 0.7), a64)

nb.comment("float64 reductions: prod (zeros in the gradient), amax / amin / aminmax (NaN, ties), nansum / nanmean, logsumexp.")
p64 = torch.tensor([[1.5, 0.0, 2.0, -1.0], [0.5, 2.0, 3.0, 4.0], [0.0, 0.0, 1.0, 2.0]], dtype=torch.float64)
nb.check(f"prod({lit(p64)})", torch.prod(p64), **F64R)
for dim in [0, 1]:
    nb.check(f"prod({noncontig(p64)}, {dim})", torch.prod(p64, dim), **F64R)
    grad64(f"prod({{x}}, {dim})", lambda t, dim=dim: torch.prod(t, dim), p64)
grad64("prod({x})", torch.prod, domain64(0.5, 2))
m64 = torch.tensor([[1.0, 3.0, 3.0, -1.0], [nan, 2.0, 5.0, 5.0], [0.25, -7.0, 0.25, 1e300]], dtype=torch.float64)
for name in ["amax", "amin"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(m64)})", fn(m64), **F64)
    nb.check(f"{name}({noncontig(m64)}, 1)", fn(m64, 1), **F64)
    grad64(f"{name}({{x}}, 1)", lambda t, fn=fn: fn(t, 1), m64)
    grad64(f"{name}({{x}}, 0)", lambda t, fn=fn: fn(t, 0), m64)
mm = torch.aminmax(m64, dim=0)
nb.check(f"aminmax({lit(m64)}, dim=0).min", mm.min, **F64)
nb.check(f"aminmax({lit(m64)}, dim=0).max", mm.max, **F64)
for name in ["nansum", "nanmean"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(m64)})", fn(m64), **F64R)
    nb.check(f"{name}({noncontig(m64)}, 1)", fn(m64, 1), **F64R)
    grad64(f"{name}({{x}}, 1)", lambda t, fn=fn: fn(t, 1), m64)
l64 = domain64(-5, 5, (3, 4, 2))
for dims in [0, [0, 2], -1]:
    nb.check(f"logsumexp({lit(l64)}, {dims})", torch.logsumexp(l64, dims), **F64R)
grad64("logsumexp({x}, 1)", lambda t: torch.logsumexp(t, 1), domain64(-5, 5))
nb.check(f"logsumexp({lit(torch.tensor([[inf, 1.0], [-inf, -inf]], dtype=torch.float64))}, 1)",
         torch.logsumexp(torch.tensor([[inf, 1.0], [-inf, -inf]], dtype=torch.float64), 1), **F64R)

nb.comment("float64 scans: cumsum, cumprod (zeros), logcumsumexp, cummax / cummin (NaN, ties), gradients.")
s64 = torch.tensor([[1.5, 0.0, 2.0, -1.0], [0.5, nan, 3.0, 3.0], [1e-300, 1e300, -2.0, 2.0]], dtype=torch.float64)
for name in ["cumsum", "cumprod", "logcumsumexp"]:
    fn = getattr(torch, name)
    for dim in [0, 1]:
        nb.check(f"{name}({noncontig(s64)}, {dim})", fn(s64, dim), **F64R)
    grad64(f"{name}({{x}}, 1)", lambda t, fn=fn: fn(t, 1), p64 if name == "cumprod" else domain64(-2, 2))
for name in ["cummax", "cummin"]:
    fn = getattr(torch, name)
    r = fn(s64, 1)
    nb.check(f"{name}({noncontig(s64)}, 1).values", r.values, **F64)
    nb.check(f"{name}({lit(s64)}, 1).indices", r.indices)
    grad64(f"{name}({{x}}, 1).values", lambda t, fn=fn: fn(t, 1).values, m64)

nb.comment("float64 median / nanmedian / mode / quantile / nanquantile: values, indices, gradients.")
q64 = torch.tensor([[0.5, -1.5, 2.5, 2.5, 0.1], [nan, 3.0, 1.0, 1.0, 2.0], [4.0, 4.0, 1e-300, -1e300, 4.0]], dtype=torch.float64)
for name in ["median", "nanmedian"]:
    fn = getattr(torch, name)
    nb.check(f"{name}({lit(q64)})", fn(q64), **F64)
    r = fn(q64, 1)
    nb.check(f"{name}({noncontig(q64)}, 1).values", r.values, **F64)
    grad64(f"{name}({{x}}, 1).values", lambda t, fn=fn: fn(t, 1).values, q64)
    grad64(f"{name}({{x}})", fn, q64[1:])
r = torch.mode(q64, 1)
nb.check(f"mode({noncontig(q64)}, 1).values", r.values, **F64)
nb.check(f"mode({lit(q64)}, 1).indices", r.indices)
grad64("mode({x}, 1).values", lambda t: torch.mode(t, 1).values, q64)
for name in ["quantile", "nanquantile"]:
    fn = getattr(torch, name)
    for interp in ["linear", "lower", "higher", "nearest", "midpoint"]:
        nb.check(f'{name}({noncontig(q64)}, 0.35, dim=1, interpolation="{interp}")', fn(q64, 0.35, dim=1, interpolation=interp), **F64)
    qs = torch.tensor([0.1, 0.9], dtype=torch.float64)
    nb.check(f"{name}({lit(q64)}, {lit(qs)})", fn(q64, qs), **F64)
    # Without ties: which of two equal elements gets the gradient is PyTorch's sort's choice.
    grad64(f"{name}({{x}}, 0.4, dim=1)", lambda t, fn=fn: fn(t, 0.4, dim=1),
           torch.tensor([[0.5, -1.5, 2.5, 2.25], [nan, 3.0, 1.0, 1.5], [4.0, 3.5, 1e-300, -1e300]], dtype=torch.float64))

nb.comment("float16 / bfloat16 elementwise functions compute in float32 and round once, as PyTorch.")
h = torch.empty(3, 4).uniform_(-0.9, 0.9)
for dt in [torch.float16, torch.bfloat16]:
    hx = h.to(dt)
    for name in ["sin", "erf", "erfinv", "expm1", "floor", "round", "sign", "frac", "isnan"]:
        nb.check(f"{name}({noncontig(hx)})", getattr(torch, name)(hx), rtol=0, atol=0)

nb.comment("float16 / bfloat16 reductions and scans compute in float32 and round back once.")
hr = torch.tensor([[0.5, -1.25, nan, 2.0], [1.5, 1.5, 3.0, -2.0], [0.125, 4.0, -0.5, 0.75]])
for dt in [torch.float16, torch.bfloat16]:
    hx = hr.to(dt)
    for call, fn in [("amax({x}, 1)", lambda t: torch.amax(t, 1)), ("amin({x}, 0)", lambda t: torch.amin(t, 0)),
                     ("prod({x}, 1)", lambda t: torch.prod(t, 1)), ("nansum({x}, 1)", lambda t: torch.nansum(t, 1)),
                     ("nanmean({x}, 0)", lambda t: torch.nanmean(t, 0)), ("logsumexp({x}, 1)", lambda t: torch.logsumexp(t, 1)),
                     ("cumsum({x}, 1)", lambda t: torch.cumsum(t, 1)), ("cumprod({x}, 0)", lambda t: torch.cumprod(t, 0)),
                     ("cummax({x}, 1).values", lambda t: torch.cummax(t, 1).values), ("median({x}, 1).values", lambda t: torch.median(t, 1).values),
                     ("nanmedian({x})", torch.nanmedian), ("mode({x}, 1).values", lambda t: torch.mode(t, 1).values),
                     ("nan_to_num({x} / 0)", lambda t: torch.nan_to_num(t / 0))]:
        nb.check(call.format(x=noncontig(hx)), fn(hx), rtol=0, atol=0)

nb.write()
print(f"wrote {nb.path}: {sum(1 for l in nb.lines if l.startswith('torch.testing'))} checks")
