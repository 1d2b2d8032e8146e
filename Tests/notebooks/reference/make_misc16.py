"""Writes misc16.vis: the numerics at the edges that issue 16's leftovers fixed
(float32 norms that overflow / underflow as PyTorch's float32 sums, the determinant and
its gradient at singular matrices, histc over a range whose width overflows, scatter's
gradients), checked against PyTorch.

Run with PyTorch installed: python make_misc16.py (from any directory).

Tolerances:
- Edge values (inf, 0, exact zero gradients, counts) are compared exactly (rtol=0,
  atol=0): the point is which side of the edge the result falls on.
- Norms of ordinary inputs and determinants use float32's default tolerances
  (rtol=1.3e-6, atol=1e-5): vis sums the rounded float32 terms in Double, PyTorch in
  float32 lanes, so the last bit may differ.
- The long-row norms (2^20 elements) compare with PyTorch's float64 result rounded to
  float32, at rtol=1e-6: vis keeps the float64 accuracy there, while PyTorch's own
  float32 sum drifts by ~1e-6 relative (577351.125 against the exact 577350.70); a
  vis that summed in float32 lanes would miss by that much and fail.
- float64 checks use rtol=1e-12, atol=1e-12: a float32 detour would miss by 1e-8.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torchref import Notebook, lit  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
nb = Notebook(os.path.join(HERE, "misc16.vis"), "Issue 16 leftovers: numerics at the edges against PyTorch", "make_misc16.py")
EXACT = dict(rtol=0, atol=0)
F64 = dict(rtol=1e-12, atol=1e-12)
torch.manual_seed(16)
nb.line("import torch")

nb.comment("float32 norms: a term or a sum past float32's range is inf, a term below it 0 (PyTorch sums in float32)")
for values in [[1e20, 1e20], [3e38, 3e38], [1e-30, 1e-30], [2e19, -3e19, 1.0], [1e-23, 3e-23], [1.0, 1e-30]]:
    x = torch.tensor(values)
    for ord in [2, 1, 3, 0.5, float("inf")]:
        ordlit = "inf" if ord == float("inf") else repr(ord)
        nb.check(f"torch.linalg.vector_norm({lit(x)}, ord={ordlit})", torch.linalg.vector_norm(x, ord=ord), **EXACT if abs(torch.linalg.vector_norm(x, ord=ord).item()) in (0.0, float("inf")) else {})
    nb.check(f"norm({lit(x)})", torch.norm(x), **EXACT if torch.norm(x).item() in (0.0, float("inf")) else {})
    nb.check(f"torch.linalg.norm({lit(x)})", torch.linalg.norm(x))
x = torch.tensor([[1e20, 1.0], [1e20, 2.0]])
nb.check(f"torch.linalg.vector_norm({lit(x)}, dim=0)", torch.linalg.vector_norm(x, dim=0))
nb.check(f"torch.linalg.matrix_norm({lit(x)})", torch.linalg.matrix_norm(x), **EXACT)
x64 = torch.tensor([1e200, 1e200], dtype=torch.float64)
nb.check(f"norm({lit(x64)})", torch.norm(x64), **EXACT)
x64 = torch.tensor([1e20, 1e20], dtype=torch.float64)
nb.check(f"norm({lit(x64)})", torch.norm(x64), **F64)
x64 = torch.tensor([1e-30, 1e-30], dtype=torch.float64)
nb.check(f"norm({lit(x64)})", torch.norm(x64), **F64)

nb.comment("ordinary float32 norms keep their accuracy (random rows, and a long row against float64)")
R = torch.randn(6, 50)
for ord in [2, 1, 3]:
    nb.check(f"torch.linalg.vector_norm({lit(R)}, ord={ord}, dim=1)", torch.linalg.vector_norm(R, ord=ord, dim=1))
long = torch.arange(1, 2 ** 20 + 1).float() / 1000
for ord in [2, 1, 3]:
    expected = torch.linalg.vector_norm(long.double(), ord=ord).float()
    nb.check(f"torch.linalg.vector_norm(arange(1, {2 ** 20 + 1}).float() / 1000, ord={ord})", expected, rtol=1e-6, atol=0)

nb.comment("norm gradients at the edges: ord 0 sends none (x.grad stays none), a zero vector 0")
x = torch.tensor([0.0, 0.0, 0.0], requires_grad=True)
torch.linalg.vector_norm(x).backward()
nb.line(f"x = {lit(x, requires_grad=True)}")
nb.line("torch.linalg.vector_norm(x).backward()")
nb.check("x.grad", x.grad, **EXACT)
x = torch.tensor([1.0, 0.0, -2.0], requires_grad=True)
(torch.linalg.vector_norm(x, ord=0) * 3 + (x * x).sum()).backward()
nb.line(f"x = {lit(x, requires_grad=True)}")
nb.line("(torch.linalg.vector_norm(x, ord=0) * 3 + (x * x).sum()).backward()")
nb.check("x.grad", x.grad, **EXACT)

nb.comment("det at singular matrices: the value 0 and a zero gradient, batched with invertible ones")
cases = [
    [[1.0, 2.0], [2.0, 4.0]],
    [[0.0, 0.0], [0.0, 0.0]],
    [[1.0, 1.0], [1.0, 1.0]],
    [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
    [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 2.0]],
    [[2.0, 1.0, 0.0], [4.0, 2.0, 0.0], [1.0, 1.0, 1.0]],
]
for dtype, tol in [(torch.float32, EXACT), (torch.float64, EXACT)]:
    for m in cases:
        a = torch.tensor(m, dtype=dtype, requires_grad=True)
        d = torch.linalg.det(a)
        d.backward()
        nb.line(f"a = {lit(a, requires_grad=True)}")
        nb.check("torch.linalg.det(a)", d.detach(), **tol)
        nb.line("torch.linalg.det(a).backward()")
        nb.check("a.grad", a.grad, **tol)
for dtype, tol in [(torch.float32, {}), (torch.float64, F64)]:
    batch = torch.tensor([[[1.0, 2.0], [2.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]], [[0.5, -1.0], [2.0, 3.0]]], dtype=dtype, requires_grad=True)
    w = torch.tensor([1.0, -2.0, 0.5], dtype=dtype)
    (torch.linalg.det(batch) * w).sum().backward()
    nb.line(f"a = {lit(batch, requires_grad=True)}")
    nb.check("torch.linalg.det(a)", torch.linalg.det(batch).detach(), **tol)
    nb.line(f"(torch.linalg.det(a) * {lit(w)}).sum().backward()")
    nb.check("a.grad", batch.grad, **tol)
    b3 = torch.randn(2, 3, 3, dtype=dtype)
    b3[0, 2] = b3[0, 0] + b3[0, 1]  # singular: a row is the sum of two others
    a3 = b3.clone().requires_grad_(True)
    torch.linalg.det(a3).sum().backward()
    nb.line(f"a = {lit(a3, requires_grad=True)}")
    nb.check("torch.linalg.det(a)", torch.linalg.det(a3).detach(), **(dict(rtol=1e-5, atol=1e-5) if dtype == torch.float32 else F64))
    nb.line("torch.linalg.det(a).sum().backward()")
    # The singular matrix's computed determinant is a rounding residue (not exactly 0)
    # in both, so its gradient is det * inv^T of a nearly singular matrix: only the
    # invertible one's gradient is compared.
    nb.check("a.grad[1]", a3.grad[1], **(dict(rtol=1e-5, atol=1e-5) if dtype == torch.float32 else F64))

nb.comment("histc over a range whose width overflows the dtype counts nothing")
for x, lo, hi in [(torch.tensor([1.0, 2.0, 3.0]), -3e38, 3e38), (torch.tensor([-3e38, 3e38, 0.0]), 0, 0),
                  (torch.tensor([1e308, 2.0, -1e308], dtype=torch.float64), -1e308, 1e308),
                  (torch.tensor([1e308, 2.0, -1e308], dtype=torch.float64), 0, 0)]:
    # Not compared: a range whose width fits but whose (x - min) * bins overflows
    # (min=-1e38, max=1e38): PyTorch converts inf to an int there and counts all in bin
    # 0; vis computes the position in Double and counts each value in its own bin.
    nb.check(f"histc({lit(x)}, bins=4, min={lo!r}, max={hi!r})", torch.histc(x, bins=4, min=lo, max=hi), **EXACT)

nb.comment("scatter's gradients: self's zero where written, src's (index of src's shape) the gathered gradient")
for dtype, tol in [(torch.float32, EXACT), (torch.float64, EXACT)]:
    base = torch.randn(3, 4, dtype=dtype, requires_grad=True)
    src = torch.randn(2, 3, dtype=dtype)
    src = src.requires_grad_(True)
    idx = torch.tensor([[0, 1, 2], [2, 0, 1]])
    W = torch.randn(3, 4, dtype=dtype)
    (base.scatter(0, idx, src) * W).sum().backward()
    nb.line(f"base = {lit(base, requires_grad=True)}")
    nb.line(f"src = {lit(src, requires_grad=True)}")
    nb.line(f"(base.scatter(0, {lit(idx)}, src) * {lit(W)}).sum().backward()")
    nb.check("base.grad", base.grad, **tol)
    nb.check("src.grad", src.grad, **tol)

nb.write()
