"""Writes silent.vis: PyTorch's conventions at the edges, checked against PyTorch.

NaN propagation (relu, leaky_relu, clamp, maximum / minimum, max / min / argmax),
gradients at ties and bounds (whole-tensor max / min split evenly, max(dim) to the
index, maximum / minimum half each, clamp 0 at a bound), std / var with correction and
their gradient on equal values, 0-d exponents that require grad, the dtypes creation
functions infer, and scalar promotion. Run with PyTorch installed:
    /work/torchenv/bin/python Tests/notebooks/reference/make_silent.py

Tolerances: elementwise results and gradients that are exact selections or halves use
PyTorch's float32 defaults (rtol 1.3e-6, atol 1e-5); std / var and their gradients use
rtol 1e-5, atol 1e-6, because vis accumulates the sums in double where PyTorch uses
float32 pairwise sums, so the last bits may differ; pow's gradients (exp / log through
libm) use rtol 1e-5, atol 1e-5. Integer and bool results are exact.
"""
import os
import torch
from torchref import Notebook, lit, noncontig

torch.manual_seed(16)
HERE = os.path.dirname(os.path.abspath(__file__))
nb = Notebook(os.path.join(HERE, "silent.vis"), "PyTorch's conventions at the edges (NaN, ties, bounds, dtypes)", "make_silent.py")
NAN = float("nan")
STAT = dict(rtol=1e-5, atol=1e-6)
POW = dict(rtol=1e-5, atol=1e-5)


def inputs():
    """(name, tensor) pairs: plain values, ties, NaN and inf, size-1 and size-0."""
    yield "plain", torch.randn(3, 4)
    yield "ties", torch.tensor([[1.0, 3.0, 3.0, -2.0], [0.5, 0.5, -1.0, 0.5], [2.0, 2.0, 2.0, 2.0]])
    yield "nan", torch.tensor([[NAN, 1.0, -1.0, 0.0], [2.0, NAN, NAN, -3.0], [0.25, -0.5, 4.0, 1.0]])
    yield "inf", torch.tensor([[float("inf"), 1.0, -float("inf"), 0.0], [-0.0, 0.0, 1.0, -1.0], [0.0, 1.0, 1.0, 0.0]])
    yield "size-1", torch.tensor([[-0.5]])


def both_layouts(name, t, requires_grad=False):
    """Contiguous and non-contiguous vis expressions for `t`."""
    yield f"{name}", lit(t, requires_grad)
    if t.dim() >= 1 and t.numel() > 1:
        yield f"{name}, non-contiguous", noncontig(t, requires_grad)


def grad_check(label, t, fn, vis_op, tol=None, weight=True):
    """Checks d(sum(w * op(x)))/dx against PyTorch, on a leaf built from `t`; the
    non-contiguous case differentiates through the transpose view."""
    tol = tol or {}
    x = t.clone().requires_grad_(True)
    out = fn(x)
    w = torch.linspace(0.5, 1.5, out.numel()).reshape(out.shape) if weight and out.dim() > 0 else torch.ones(out.shape)
    (out * w).sum().backward()
    nb.comment(f"gradient of {label}")
    nb.line(f"x = {lit(t, True)}")
    nb.line(f"({vis_op('x')} * {lit(w)}).sum().backward()")
    nb.check("x.grad", x.grad, **tol)
    if t.dim() == 2 and t.numel() > 1:
        nb.line(f"xt = {lit(t.transpose(0, 1).contiguous(), True)}")
        nb.line(f"({vis_op('xt.transpose(0, 1)')} * {lit(w)}).sum().backward()")
        nb.check("xt.grad.transpose(0, 1)", x.grad, **tol)


# %% Activations and clamp: NaN kept, gradient at 0 / at a bound / at NaN
for name, t in inputs():
    nb.comment(f"relu, leaky_relu, clamp on {name}")
    for label, expr in both_layouts(name, t):
        nb.check(f"relu({expr})", torch.relu(t))
        nb.check(f"leaky_relu({expr}, 0.1)", torch.nn.functional.leaky_relu(t, 0.1))
        nb.check(f"clamp({expr}, -0.5, 1.0)", torch.clamp(t, -0.5, 1.0))
        nb.check(f"{expr}.clamp(min=0.0)", t.clamp(min=0.0))
        nb.check(f"{expr}.clamp(max=1.0)", t.clamp(max=1.0))
    finite = torch.nan_to_num(t, nan=0.5, posinf=3.0, neginf=-3.0)
    grad_check(f"relu on {name}", t, torch.relu, lambda v: f"relu({v})")
    grad_check(f"leaky_relu on {name}", t, lambda v: torch.nn.functional.leaky_relu(v, 0.1), lambda v: f"leaky_relu({v}, 0.1)")
    grad_check(f"clamp(-0.5, 1) on {name}", t, lambda v: v.clamp(-0.5, 1.0), lambda v: f"{v}.clamp(-0.5, 1.0)")
    grad_check(f"clamp(min=0) on {name}", t, lambda v: v.clamp(min=0.0), lambda v: f"{v}.clamp(min=0.0)")
    grad_check(f"clamp(max=1) on {name} (NaN replaced)", finite, lambda v: v.clamp(max=1.0), lambda v: f"{v}.clamp(max=1.0)")
bound = torch.tensor([-1.0, -0.5, 0.0, 0.5, 1.0, 1.5])
grad_check("clamp exactly at its bounds", bound, lambda v: v.clamp(-0.5, 1.0), lambda v: f"{v}.clamp(-0.5, 1.0)")
grad_check("relu exactly at 0", bound, torch.relu, lambda v: f"relu({v})")
nb.check("clamp(tensor([1, 5, -3]), 0, 2)", torch.clamp(torch.tensor([1, 5, -3]), 0, 2))

# %% maximum / minimum: NaN, ties (half each), broadcasting, int and bool
pairs = [
    ("ties", torch.tensor([1.0, 2.0, 3.0, -1.0]), torch.tensor([1.0, 3.0, 3.0, -2.0])),
    ("nan", torch.tensor([NAN, 1.0, NAN, 2.0]), torch.tensor([1.0, NAN, NAN, 2.0])),
    ("broadcast", torch.randn(3, 1), torch.tensor([[-0.5, 0.0, 0.5, 1.0]])),
    ("broadcast ties", torch.tensor([[0.0], [1.0]]), torch.tensor([0.0, 1.0, 2.0])),
    ("size-0", torch.zeros(0, 3), torch.zeros(1, 3)),
]
for name, a, b in pairs:
    nb.comment(f"maximum / minimum, {name}")
    nb.check(f"maximum({lit(a)}, {lit(b)})", torch.maximum(a, b))
    nb.check(f"minimum({lit(a)}, {lit(b)})", torch.minimum(a, b))
    nb.check(f"{noncontig(a)}.maximum({noncontig(b)})", torch.maximum(a, b))
    nb.check(f"max({lit(a)}, {lit(b)})", torch.max(a, b))
    nb.check(f"torch.min({lit(a)}, {lit(b)})", torch.min(a, b))
    for fname, f in [("maximum", torch.maximum), ("minimum", torch.minimum)]:
        x = a.clone().requires_grad_(True)
        y = b.clone().requires_grad_(True)
        out = f(x, y)
        w = torch.linspace(0.5, 1.5, out.numel()).reshape(out.shape)
        (out * w).sum().backward()
        nb.line(f"x = {lit(a, True)}; y = {lit(b, True)}")
        nb.line(f"({fname}(x, y) * {lit(w)}).sum().backward()")
        nb.check("x.grad", x.grad)
        nb.check("y.grad", y.grad)
ia, ib = torch.tensor([1, 5, -3]), torch.tensor([2, 5, -4])
nb.check(f"maximum({lit(ia)}, {lit(ib)})", torch.maximum(ia, ib))
nb.check(f"minimum({lit(ia)}, {lit(ib)})", torch.minimum(ia, ib))
nb.check(f"maximum({lit(ia)}, {lit(torch.tensor([1.5, 2.0, 0.0]))})", torch.maximum(ia, torch.tensor([1.5, 2.0, 0.0])))
ba, bb = torch.tensor([True, False, False]), torch.tensor([True, True, False])
nb.check(f"maximum({lit(ba)}, {lit(bb)})", torch.maximum(ba, bb))
nb.check(f"minimum({lit(ba)}, {lit(bb)})", torch.minimum(ba, bb))

# %% Reductions max / min / argmax / argmin: NaN wins, ties, keepdim
for name, t in inputs():
    nb.comment(f"max / min / argmax on {name}")
    for label, expr in both_layouts(name, t):
        nb.check(f"{expr}.max()", t.max())
        nb.check(f"min({expr})", t.min())
        nb.check(f"{expr}.argmax()", t.argmax())
        nb.check(f"argmin({expr}, keepdim=true)", t.argmin(keepdim=True))
        for dim in [0, 1, -1]:
            v, i = t.max(dim)
            nb.check(f"max({expr}, {dim})[0]", v)
            nb.check(f"max({expr}, {dim})[1]", i)
            v, i = t.min(dim, keepdim=True)
            nb.check(f"{expr}.min({dim}, keepdim=true)[0]", v)
            nb.check(f"min({expr}, dim={dim}, keepdim=true)[1]", i)
            nb.check(f"{expr}.argmax(dim={dim}, keepdim=true)", t.argmax(dim=dim, keepdim=True))
    grad_check(f"max() on {name}", t, lambda v: v.max(), lambda v: f"{v}.max()", weight=False)
    grad_check(f"min() on {name}", t, lambda v: v.min(), lambda v: f"{v}.min()", weight=False)
    grad_check(f"max(1) on {name}", t, lambda v: v.max(1).values, lambda v: f"{v}.max(1)[0]")
    grad_check(f"min(0, keepdim) on {name}", t, lambda v: v.min(0, keepdim=True).values, lambda v: f"min({v}, 0, keepdim=true)[0]")
ints = torch.tensor([[3, -1, 3], [7, 7, 0]])
nb.comment("max / min / argmax of int64 and bool keep their dtype")
nb.check(f"{lit(ints)}.max()", ints.max())
nb.check(f"max({lit(ints)}, 1)[0]", ints.max(1).values)
nb.check(f"max({lit(ints)}, 1)[1]", ints.max(1).indices)
nb.check(f"{noncontig(ints)}.argmin(0)", ints.argmin(0))
nb.check(f"{lit(torch.tensor([True, False]))}.max()", torch.tensor([True, False]).max())
nb.check(f"{lit(torch.tensor([True, False]))}.min()", torch.tensor([True, False]).min())
bools = torch.tensor([[True, False], [False, False]])
nb.check(f"max({lit(bools)}, 1)[0]", bools.max(1).values)
nb.check(f"{noncontig(bools)}.min(0)[1]", bools.min(0).indices)
nb.check("clamp(tensor([1.0, 2.0]), min=nan)", torch.clamp(torch.tensor([1.0, 2.0]), min=float("nan")))
nb.check("tensor([0.0, 2.0, 5.0]).clamp(3.0, 1.0)", torch.tensor([0.0, 2.0, 5.0]).clamp(3.0, 1.0))
nb.check("tensor(3.0).argmax(keepdim=true)", torch.tensor(3.0).argmax(keepdim=True))
expanded = torch.tensor([[1.0, 4.0, 4.0]]).expand(2, 3)
x = torch.tensor([[1.0, 4.0, 4.0]], requires_grad=True)
x.expand(2, 3).max().backward()
nb.comment("max() of an expanded view: every repeated tie shares the gradient")
nb.line("x = tensor([[1.0, 4.0, 4.0]], requires_grad=true)")
nb.line("x.expand(2, 3).max().backward()")
nb.check("x.grad", x.grad)

# %% std / var: correction, unbiased, dims, keepdim, equal values
stat_inputs = [("plain", torch.randn(3, 4)), ("equal", torch.full((3, 4), 2.5)), ("size-1 rows", torch.randn(4, 1))]
for name, t in stat_inputs:
    nb.comment(f"std / var on {name}")
    for label, expr in both_layouts(name, t):
        nb.check(f"{expr}.std()", t.std(), **STAT)
        nb.check(f"var({expr}, correction=0)", t.var(correction=0), **STAT)
        nb.check(f"{expr}.var(1, unbiased=false)", t.var(1, unbiased=False), **STAT)
        nb.check(f"std({expr}, dim=0, keepdim=true, correction=2)", t.std(dim=0, keepdim=True, correction=2), **STAT)
        nb.check(f"{expr}.std([0, 1])", t.std([0, 1]), **STAT)
        s, m = torch.std_mean(t, dim=1)
        nb.check(f"std_mean({expr}, dim=1)[0]", s, **STAT)
        nb.check(f"std_mean({expr}, dim=1)[1]", m, **STAT)
        v, m = torch.var_mean(t, 0, keepdim=True, correction=0)
        nb.check(f"var_mean({expr}, 0, keepdim=true, correction=0)[0]", v, **STAT)
        nb.check(f"var_mean({expr}, 0, keepdim=true, correction=0)[1]", m, **STAT)
    grad_check(f"std() on {name}", t, lambda v: v.std(), lambda v: f"{v}.std()", tol=STAT, weight=False)
    grad_check(f"std(1) on {name}", t, lambda v: v.std(1), lambda v: f"{v}.std(1)", tol=STAT)
    grad_check(f"var(0, correction=0) on {name}", t, lambda v: v.var(0, correction=0), lambda v: f"{v}.var(0, correction=0)", tol=STAT)

# %% 0-d exponents that require grad
for base in [torch.tensor([2.0, 3.0, 0.5]), torch.tensor([[1.5, 2.0], [0.25, 4.0]])]:
    for e in [2.0, 0.5, -1.0]:
        a = base.clone().requires_grad_(True)
        b = torch.tensor(e, requires_grad=True)
        out = a ** b
        w = torch.linspace(0.5, 1.5, out.numel()).reshape(out.shape)
        (out * w).sum().backward()
        for form in ["a ** b", "pow(a, b)", "a.pow(b)"]:
            nb.comment(f"{form} with b = {e} requiring grad")
            nb.line(f"a = {lit(base, True)}; b = tensor({e!r}, requires_grad=true)")
            nb.line(f"(({form}) * {lit(w)}).sum().backward()")
            nb.check("a.grad", a.grad, **POW)
            nb.check("b.grad", b.grad, **POW)
b = torch.tensor(1.5, requires_grad=True)
(2 ** b).backward()
nb.line("b = tensor(1.5, requires_grad=true); (2 ** b).backward()")
nb.check("b.grad", b.grad, **POW)

# %% The dtype creation infers, and scalar promotion
nb.comment("creation infers PyTorch's dtype (the literal here is the expression under test)")
for expr, value in [
    ("tensor([[1, 2], [3, 4]])", torch.tensor([[1, 2], [3, 4]])),
    ("tensor([1, 2.5])", torch.tensor([1, 2.5])),
    ("tensor([true, 1])", torch.tensor([True, 1])),
    ("tensor([true, false])", torch.tensor([True, False])),
    ("tensor(3)", torch.tensor(3)),
    ("tensor(3.0)", torch.tensor(3.0)),
    ("tensor(false)", torch.tensor(False)),
    ("tensor([])", torch.tensor([])),
    ("tensor([[1], [2]], dtype=float32)", torch.tensor([[1], [2]], dtype=torch.float32)),
    ("full([2], 3)", torch.full([2], 3)),
    ("full([2], 3.0)", torch.full([2], 3.0)),
    ("full([2], true)", torch.full([2], True)),
    ("full([2, 1], -7, dtype=float32)", torch.full([2, 1], -7, dtype=torch.float32)),
    ("full([2], 2.7, dtype=long)", torch.full([2], 2.7, dtype=torch.int64)),
    ("full_like(ones(2, dtype=long), 2.7)", torch.full_like(torch.ones(2, dtype=torch.long), 2.7)),
    ("arange(4)", torch.arange(4)),
    ("arange(0, 1, 0.25)", torch.arange(0, 1, 0.25)),
    ("arange(0, 1, 0.25, dtype=long)", torch.arange(0, 1, 0.25, dtype=torch.long)),
    ("linspace(0, 10, 5)", torch.linspace(0, 10, 5)),
    ("linspace(0, 10, 5, dtype=long)", torch.linspace(0, 10, 5, dtype=torch.long)),
    ("linspace(-1, 1, 1)", torch.linspace(-1, 1, 1)),
    ("logspace(-2, 2, 5)", torch.logspace(-2, 2, 5)),
    ("logspace(0, 3, 4, base=2.0)", torch.logspace(0, 3, 4, base=2.0)),
    ("logspace(0, 2, 3, dtype=long)", torch.logspace(0, 2, 3, dtype=torch.long)),
    ("eye(2, 3, dtype=long)", torch.eye(2, 3, dtype=torch.long)),
    ("zeros_like(tensor([1, 2]))", torch.zeros_like(torch.tensor([1, 2]))),
    ("ones_like(tensor([1, 2]), dtype=bool_)", torch.ones_like(torch.tensor([1, 2]), dtype=torch.bool)),
    ("as_tensor([1, 2])", torch.as_tensor([1, 2])),
    ("as_tensor([[0.5], [1]])", torch.as_tensor([[0.5], [1]])),
]:
    nb.check(expr, value)
nb.comment("number operands promote as PyTorch's wrapped scalars")
i, f, bl = torch.tensor([1, -2, 3]), torch.tensor([1.5, -2.0, 0.25]), torch.tensor([True, False, True])
for expr, value in [
    ("tensor([1, -2, 3]) * 2.5", i * 2.5), ("tensor([1, -2, 3]) + 2", i + 2), ("tensor([1, -2, 3]) / 2", i / 2),
    ("tensor([1, -2, 3]) // 2", i // 2), ("tensor([1, -2, 3]) % 2", i % 2), ("tensor([1, -2, 3]) ** 2", i ** 2),
    ("2 - tensor([1, -2, 3])", 2 - i), ("tensor([true, false, true]) + 1", bl + 1), ("tensor([true, false, true]) * 1.5", bl * 1.5),
    ("tensor([1.5, -2.0, 0.25]) * 2", f * 2), ("tensor([1.5, -2.0, 0.25]) // 1", f // 1),
    ("tensor([1, -2, 3]) + tensor([1.5, -2.0, 0.25])", i + f), ("tensor([1, -2, 3]) + tensor([true, false, true])", i + bl),
    ("tensor([1, -2, 3]) > 1.5", i > 1.5), ("tensor([1, -2, 3]) * true", i * True),
]:
    nb.check(expr, value)

nb.write()
print(f"wrote {nb.path}: {sum(1 for l in nb.lines if l.startswith('torch.testing'))} checks")
