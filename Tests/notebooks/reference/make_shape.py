"""Writes shape.vis: vis's products, einsum, norms and shape ops against PyTorch.

Run with the PyTorch virtualenv: /work/torchenv/bin/python make_shape.py (from this folder).

Tolerances: values and gradients that go through a sum or a matrix product are checked
with rtol=1e-5, atol=1e-5, since vis (OpenBLAS, left-to-right contraction, a Double
accumulator in the norms) and PyTorch (MKL/its own kernels) add float32 terms in different
orders, which moves the last bits of a sum of a dozen terms of size ~1; ops that only
move, copy or select elements are checked exactly (rtol=0, atol=0).

float64 (the last section): inputs are full-precision random doubles (not rounded to 1/8,
so a float32 round trip anywhere would show), checked with rtol=1e-12, atol=1e-12: vis
computes float64 in float64 (dgemm, Double accumulators, LU / Gauss-Jordan in Double),
so results differ from PyTorch's LAPACK/MKL only by summation order, ~1e-15 relative for
these small sizes; 1e-12 leaves room for the conditioning of det / inv / the Jacobi
singular values, and is still ~1e4 times tighter than float32's precision.
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torchref import Notebook, lit, noncontig  # noqa: E402

torch.manual_seed(16)
HERE = os.path.dirname(os.path.abspath(__file__))
nb = Notebook(os.path.join(HERE, "shape.vis"), "Products, einsum, norms and shape ops against PyTorch", "make_shape.py")

SUM_TOL = dict(rtol=1e-5, atol=1e-5)
EXACT = dict(rtol=0, atol=0)


def rnd(*shape):
    """Random values rounded to 1/8, so that inputs print short and ties are possible."""
    return (torch.randn(shape) * 8).round() / 8


counter = [0]


def case(template, fn, inputs, tol=SUM_TOL, grad=True, contiguous_too=True, nc=True):
    """Checks `template` (a vis expression with {0}, {1}, ... for the inputs) against
    `fn(*inputs)` on contiguous inputs, on non-contiguous views of them, and the gradient
    of a weighted sum of the result with respect to every floating-point input."""
    counter[0] += 1
    names = [f"v{counter[0]}_{i}" for i in range(len(inputs))]
    expected = fn(*inputs)
    if contiguous_too:
        for n, t in zip(names, inputs):
            nb.line(f"{n} = {lit(t)}")
        nb.check(template.format(*names), expected, **tol)
        if counter[0] % 5 == 0:
            # A visible `#>` expectation now and then (the notebook tests require some in
            # every notebook): the result's shape, as vis prints it.
            nb.line(f"{template.format(*names)}.shape")
            nb.line(f"#> {list(expected.shape)}")
    if nc and any(t.dim() >= 1 and t.numel() > 1 for t in inputs):
        for n, t in zip(names, inputs):
            nb.line(f"{n} = {noncontig(t)}")
        nb.check(template.format(*names), expected, **tol)
    floats = (torch.float32, torch.float64)
    if grad and expected.dtype in floats and all(t.dtype == expected.dtype for t in inputs):
        leaves = [t.clone().requires_grad_(True) for t in inputs]
        out = fn(*leaves)
        w = rnd(*out.shape)
        (out * w).sum().backward()
        for n, t in zip(names, inputs):
            nb.line(f"{n} = {lit(t, requires_grad=True)}")
        nb.line(f"w = {lit(w)}")
        nb.line(f"(({template.format(*names)}) * w).sum().backward()")
        for n, leaf in zip(names, leaves):
            if leaf.grad is None:
                nb.line(f"assert {n}.grad is none")  # only its shape was used
            else:
                nb.check(f"{n}.grad", leaf.grad, **tol)


nan, inf = float("nan"), float("inf")
I64 = torch.int64

# ---------------------------------------------------------------- products
nb.comment("mm, bmm, mv, dot, vdot, inner, outer, ger (int64 multiplies exactly)")
case("mm({0}, {1})", torch.mm, [rnd(3, 4), rnd(4, 2)])
case("{0}.mm({1})", torch.mm, [rnd(1, 1), rnd(1, 5)])
case("mm({0}, {1})", torch.mm, [rnd(0, 3), rnd(3, 2)], grad=False)
case("mm({0}, {1})", torch.mm, [rnd(2, 0), rnd(0, 3)], grad=False)
case("mm({0}, {1})", torch.mm, [torch.randint(-5, 5, (2, 3)), torch.randint(-5, 5, (3, 2))], tol=EXACT)
case("mm({0}, {1})", torch.mm, [torch.tensor([[nan, 1.0], [inf, 2.0]]), torch.tensor([[1.0, 0.0], [2.0, 1.0]])], grad=False)
case("bmm({0}, {1})", torch.bmm, [rnd(2, 3, 4), rnd(2, 4, 5)])
case("{0}.bmm({1})", torch.bmm, [torch.randint(-5, 5, (2, 2, 3)), torch.randint(-5, 5, (2, 3, 1))], tol=EXACT)
case("mv({0}, {1})", torch.mv, [rnd(3, 4), rnd(4)])
case("dot({0}, {1})", torch.dot, [rnd(5), rnd(5)])
case("dot({0}, {1})", torch.dot, [torch.randint(-5, 5, (4,)), torch.randint(-5, 5, (4,))], tol=EXACT)
case("dot({0}, {1})", torch.dot, [rnd(0), rnd(0)], grad=False)
case("vdot({0}, {1})", torch.vdot, [rnd(5), rnd(5)])
case("inner({0}, {1})", torch.inner, [rnd(2, 3), rnd(4, 3)])
case("inner({0}, {1})", torch.inner, [rnd(3), rnd(2, 2, 3)])
case("outer({0}, {1})", torch.outer, [rnd(3), rnd(4)])
case("ger({0}, {1})", torch.ger, [rnd(2), rnd(3)])
case("outer({0}, {1})", torch.outer, [torch.randint(-5, 5, (3,)), torch.randint(-5, 5, (2,))], tol=EXACT)
case("matmul({0}, {1})", torch.matmul, [rnd(2, 1, 3, 4), rnd(5, 4, 2)])

nb.comment("addmm, addmv, baddbmm, addbmm with beta and alpha; beta=0 ignores nan in input")
case("addmm({0}, {1}, {2})", torch.addmm, [rnd(3, 2), rnd(3, 4), rnd(4, 2)])
case("addmm({0}, {1}, {2}, beta=0.5, alpha=2)", lambda a, b, c: torch.addmm(a, b, c, beta=0.5, alpha=2), [rnd(2), rnd(3, 4), rnd(4, 2)])
case("addmm({0}, {1}, {2}, beta=0)", lambda a, b, c: torch.addmm(a, b, c, beta=0), [torch.tensor([nan, inf]), rnd(3, 4), rnd(4, 2)], grad=False)
case("addmm({0}, {1}, {2}, beta=0, alpha=3)", lambda a, b, c: torch.addmm(a, b, c, beta=0, alpha=3), [rnd(3, 2), rnd(3, 4), rnd(4, 2)])
case("addmv({0}, {1}, {2}, beta=2, alpha=-1)", lambda a, b, c: torch.addmv(a, b, c, beta=2, alpha=-1), [rnd(3), rnd(3, 4), rnd(4)])
case("baddbmm({0}, {1}, {2}, alpha=0.5)", lambda a, b, c: torch.baddbmm(a, b, c, alpha=0.5), [rnd(2, 3, 2), rnd(2, 3, 4), rnd(2, 4, 2)])
case("addbmm({0}, {1}, {2}, beta=-1)", lambda a, b, c: torch.addbmm(a, b, c, beta=-1), [rnd(3, 2), rnd(2, 3, 4), rnd(2, 4, 2)])
case("addmm({0}, {1}, {2}, beta=2, alpha=3)", lambda a, b, c: torch.addmm(a, b, c, beta=2, alpha=3),
     [torch.randint(-5, 5, (2, 2)), torch.randint(-5, 5, (2, 3)), torch.randint(-5, 5, (3, 2))], tol=EXACT)

nb.comment("tensordot and kron")
case("tensordot({0}, {1})", lambda a, b: torch.tensordot(a, b), [rnd(2, 3, 4), rnd(3, 4, 2)])
case("tensordot({0}, {1}, dims=1)", lambda a, b: torch.tensordot(a, b, dims=1), [rnd(2, 3), rnd(3, 4)])
case("tensordot({0}, {1}, dims=0)", lambda a, b: torch.tensordot(a, b, dims=0), [rnd(2), rnd(3)])
case("tensordot({0}, {1}, dims=[[1, 0], [0, 2]])", lambda a, b: torch.tensordot(a, b, dims=([1, 0], [0, 2])), [rnd(2, 3, 2), rnd(3, 4, 2)])
case("kron({0}, {1})", torch.kron, [rnd(2, 3), rnd(2, 2)])
case("kron({0}, {1})", torch.kron, [rnd(2, 2), rnd(3)])
case("kron({0}, {1})", torch.kron, [torch.randint(-3, 3, (2,)), torch.randint(-3, 3, (2, 2))], tol=EXACT)

# ---------------------------------------------------------------- einsum
nb.comment("einsum: explicit and implicit outputs, ..., diagonals, sums, broadcasting, lists of operands")
case('einsum("bij,bjk->bik", {0}, {1})', lambda a, b: torch.einsum("bij,bjk->bik", a, b), [rnd(2, 3, 4), rnd(2, 4, 5)])
case('einsum("ij,jk", {0}, {1})', lambda a, b: torch.einsum("ij,jk", a, b), [rnd(3, 4), rnd(4, 2)])
case('einsum("ij,kj", {0}, {1})', lambda a, b: torch.einsum("ij,kj", a, b), [rnd(3, 4), rnd(2, 4)])
case('einsum("ba", {0})', lambda a: torch.einsum("ba", a), [rnd(2, 3)])
case('einsum("ii", {0})', lambda a: torch.einsum("ii", a), [rnd(3, 3)])
case('einsum("ii->i", {0})', lambda a: torch.einsum("ii->i", a), [rnd(3, 3)])
case('einsum("iji->j", {0})', lambda a: torch.einsum("iji->j", a), [rnd(3, 2, 3)])
case('einsum("ij->", {0})', lambda a: torch.einsum("ij->", a), [rnd(3, 4)])
case('einsum("ij->j", {0})', lambda a: torch.einsum("ij->j", a), [rnd(3, 4)])
case('einsum("i,i->", {0}, {1})', lambda a, b: torch.einsum("i,i->", a, b), [rnd(5), rnd(5)])
case('einsum("i,j->ij", {0}, {1})', lambda a, b: torch.einsum("i,j->ij", a, b), [rnd(3), rnd(4)])
case('einsum("bhqd,bhkd->bhqk", {0}, {1})', lambda a, b: torch.einsum("bhqd,bhkd->bhqk", a, b), [rnd(2, 2, 3, 4), rnd(2, 2, 5, 4)])
case('einsum("...ij,...jk->...ik", {0}, {1})', lambda a, b: torch.einsum("...ij,...jk->...ik", a, b), [rnd(2, 3, 4), rnd(4, 2)])
case('einsum("...ij->...ji", {0})', lambda a: torch.einsum("...ij->...ji", a), [rnd(2, 3, 4)])
case('einsum("...ij->ij", {0})', lambda a: torch.einsum("...ij->ij", a), [rnd(2, 3, 4)])
case('einsum("i...->...", {0})', lambda a: torch.einsum("i...->...", a), [rnd(2, 3, 4)])
case('einsum("ij,j->i", {0}, {1})', lambda a, b: torch.einsum("ij,j->i", a, b), [rnd(2, 3), rnd(1)])
case('einsum("bi,bi->b", {0}, {1})', lambda a, b: torch.einsum("bi,bi->b", a, b), [rnd(1, 3), rnd(4, 3)])
case('einsum("ij,jk,kl->il", {0}, {1}, {2})', lambda a, b, c: torch.einsum("ij,jk,kl->il", a, b, c), [rnd(2, 3), rnd(3, 4), rnd(4, 2)])
case('einsum("ij,jk,kl->il", [{0}, {1}, {2}])', lambda a, b, c: torch.einsum("ij,jk,kl->il", [a, b, c]), [rnd(2, 3), rnd(3, 4), rnd(4, 2)], nc=False, grad=False)
case('einsum("abc,cd,ae->bde", {0}, {1}, {2})', lambda a, b, c: torch.einsum("abc,cd,ae->bde", a, b, c), [rnd(2, 3, 4), rnd(4, 2), rnd(2, 3)])
case('einsum("i j , j k -> i k", {0}, {1})', lambda a, b: torch.einsum("i j , j k -> i k", a, b), [rnd(2, 3), rnd(3, 2)], grad=False)
case('einsum("Ab,bC->AC", {0}, {1})', lambda a, b: torch.einsum("Ab,bC->AC", a, b), [rnd(2, 3), rnd(3, 2)], grad=False)
case('einsum("ij,jk->ik", {0}, {1})', lambda a, b: torch.einsum("ij,jk->ik", a, b), [rnd(2, 0), rnd(0, 3)], grad=False)
case('einsum("ij,jk->ik", {0}, {1})', lambda a, b: torch.einsum("ij,jk->ik", a, b),
     [torch.randint(-5, 5, (2, 3)), torch.randint(-5, 5, (3, 2))], tol=EXACT)
case('einsum("ij,jk->ik", {0}, {1})', lambda a, b: torch.einsum("ij,jk->ik", a, b),
     [torch.tensor([[nan, 1.0], [2.0, inf]]), torch.tensor([[1.0, 2.0], [3.0, 4.0]])], grad=False)

# ---------------------------------------------------------------- norms
nb.comment("linalg.vector_norm: any ord, dims, keepdim; the gradient is 0 at a zero norm; inf splits between ties")
for ord_ in [2, 1, 3, 0.5, 0, inf, -inf, -1]:
    ordlit = "inf" if ord_ == inf else ("-inf" if ord_ == -inf else repr(ord_))
    case(f"torch.linalg.vector_norm({{0}}, ord={ordlit})", lambda a, o=ord_: torch.linalg.vector_norm(a, ord=o), [rnd(3, 4)], grad=ord_ != 0)
    case(f"torch.linalg.vector_norm({{0}}, ord={ordlit}, dim=1, keepdim=true)", lambda a, o=ord_: torch.linalg.vector_norm(a, ord=o, dim=1, keepdim=True),
         [rnd(3, 4)], grad=ord_ != 0)
case("torch.linalg.vector_norm({0}, dim=[0, 2])", lambda a: torch.linalg.vector_norm(a, dim=(0, 2)), [rnd(2, 3, 4)])
case("torch.linalg.vector_norm({0})", lambda a: torch.linalg.vector_norm(a), [torch.zeros(3)])
case("torch.linalg.vector_norm({0}, ord=3)", lambda a: torch.linalg.vector_norm(a, ord=3), [torch.zeros(3)])
case("torch.linalg.vector_norm({0}, ord=inf)", lambda a: torch.linalg.vector_norm(a, ord=inf), [torch.tensor([1.0, -3.0, 3.0, 0.0])])
case("torch.linalg.vector_norm({0}, ord=-inf)", lambda a: torch.linalg.vector_norm(a, ord=-inf), [torch.tensor([1.0, -2.0, 1.0, 5.0])])
case("torch.linalg.vector_norm({0})", lambda a: torch.linalg.vector_norm(a), [torch.tensor([nan, 1.0])], grad=False)
case("torch.linalg.vector_norm({0}, ord=inf)", lambda a: torch.linalg.vector_norm(a, ord=inf), [torch.tensor([1.0, nan, 2.0])], grad=False)
case("torch.linalg.vector_norm({0})", lambda a: torch.linalg.vector_norm(a), [torch.tensor([inf, 1.0])], grad=False)
case("torch.linalg.vector_norm({0})", lambda a: torch.linalg.vector_norm(a), [rnd(0, 3)], grad=False)
case("torch.linalg.vector_norm({0}, dim=1)", lambda a: torch.linalg.vector_norm(a, dim=1), [rnd(0, 3)], grad=False)

nb.comment("linalg.matrix_norm, linalg.norm, torch.norm / x.norm, dist, cdist")
for ord_ in ["fro", 1, -1, inf, -inf]:
    ordlit = {"fro": '"fro"', inf: "inf", -inf: "-inf"}.get(ord_, repr(ord_))
    case(f"torch.linalg.matrix_norm({{0}}, ord={ordlit})", lambda a, o=ord_: torch.linalg.matrix_norm(a, ord=o), [rnd(2, 3, 4)])
# ord 2 / -2 (singular values from the eigenvalues of the Gram matrix in double), on
# matrices with distinct singular values (the gradient u v^T is defined there).
for shape in [(3, 3), (4, 2), (2, 5), (2, 3, 3)]:
    case("torch.linalg.matrix_norm({0}, ord=2)", lambda a: torch.linalg.matrix_norm(a, ord=2), [rnd(*shape)], tol=dict(rtol=1e-4, atol=1e-4))
    case("torch.linalg.matrix_norm({0}, ord=-2)", lambda a: torch.linalg.matrix_norm(a, ord=-2), [rnd(*shape)], tol=dict(rtol=1e-4, atol=1e-4))
case("torch.linalg.matrix_norm({0}, ord=2, dim=[2, 0], keepdim=true)", lambda a: torch.linalg.matrix_norm(a, ord=2, dim=(2, 0), keepdim=True), [rnd(3, 2, 4)], tol=dict(rtol=1e-4, atol=1e-4))
case("torch.linalg.norm({0}, ord=2)", lambda a: torch.linalg.norm(a, ord=2), [rnd(3, 4)], tol=dict(rtol=1e-4, atol=1e-4))

nb.comment("linalg.det, linalg.inv, det, inverse (batched; gradients of invertible matrices)")
case("torch.linalg.det({0})", torch.linalg.det, [rnd(3, 3)], tol=dict(rtol=1e-4, atol=1e-4))
case("det({0})", torch.det, [rnd(2, 4, 4)], tol=dict(rtol=1e-4, atol=1e-4))
case("{0}.det()", torch.det, [rnd(1, 1)], tol=dict(rtol=1e-4, atol=1e-4))
case("det({0})", torch.det, [torch.tensor([[1.0, 2.0], [2.0, 4.0]])], grad=False)
case("det({0})", torch.det, [rnd(2, 0, 0)], grad=False)
case("torch.linalg.inv({0})", torch.linalg.inv, [rnd(3, 3) + 3 * torch.eye(3)], tol=dict(rtol=1e-4, atol=1e-4))
case("inverse({0})", torch.inverse, [rnd(2, 2, 2) + 2 * torch.eye(2)], tol=dict(rtol=1e-4, atol=1e-4))
case("{0}.inverse()", torch.inverse, [torch.tensor([[0.0, 1.0], [1.0, 0.0]])], tol=dict(rtol=1e-4, atol=1e-4))
case("torch.linalg.matrix_norm({0}, dim=[0, 2], keepdim=true)", lambda a: torch.linalg.matrix_norm(a, dim=(0, 2), keepdim=True), [rnd(2, 3, 4)])
case("torch.linalg.matrix_norm({0}, ord=1, dim=[2, 0])", lambda a: torch.linalg.matrix_norm(a, ord=1, dim=(2, 0)), [rnd(2, 3, 4)])
case("torch.linalg.norm({0})", lambda a: torch.linalg.norm(a), [rnd(2, 3, 4)])
case("torch.linalg.norm({0}, ord=inf)", lambda a: torch.linalg.norm(a, ord=inf), [rnd(3, 4)])
case("torch.linalg.norm({0}, ord=1)", lambda a: torch.linalg.norm(a, ord=1), [rnd(5)])
case("torch.linalg.norm({0}, dim=-1)", lambda a: torch.linalg.norm(a, dim=-1), [rnd(2, 3, 4)])
case("torch.linalg.norm({0}, dim=[0, 1])", lambda a: torch.linalg.norm(a, dim=(0, 1)), [rnd(2, 3, 4)])
case("torch.linalg.norm({0}, ord=-1, dim=[0, 1])", lambda a: torch.linalg.norm(a, ord=-1, dim=(0, 1)), [rnd(2, 3, 4)])
case("torch.norm({0})", lambda a: torch.norm(a), [rnd(2, 3, 4)])
case("{0}.norm(dim=1)", lambda a: a.norm(dim=1), [rnd(3, 4)])
case("{0}.norm(1, dim=[0, 1], keepdim=true)", lambda a: a.norm(1, dim=[0, 1], keepdim=True), [rnd(2, 3, 4)])
case("torch.norm({0}, p=3)", lambda a: torch.norm(a, p=3), [rnd(5)])
case("torch.norm({0}, p=inf, dim=0)", lambda a: torch.norm(a, p=inf, dim=0), [rnd(3, 2)])
case("dist({0}, {1})", torch.dist, [rnd(3, 4), rnd(4)])
case("dist({0}, {1}, p=1)", lambda a, b: torch.dist(a, b, p=1), [rnd(3), rnd(3)])
case("dist({0}, {1}, p=inf)", lambda a, b: torch.dist(a, b, p=inf), [rnd(3), rnd(3)])
case("cdist({0}, {1})", torch.cdist, [rnd(3, 4), rnd(5, 4)])
case("cdist({0}, {1}, p=1)", lambda a, b: torch.cdist(a, b, p=1), [rnd(2, 3, 4), rnd(2, 2, 4)])
case("cdist({0}, {1}, p=inf)", lambda a, b: torch.cdist(a, b, p=inf), [rnd(3, 2), rnd(2, 2)])
case("cdist({0}, {1}, p=0)", lambda a, b: torch.cdist(a, b, p=0), [rnd(3, 2), rnd(2, 2)], grad=False)

# ---------------------------------------------------------------- triangles and diagonals
nb.comment("tril, triu (nan and inf outside the triangle become 0), diagonal, diag, diag_embed, trace")
for k in [0, 1, -1, 5, -5]:
    case(f"tril({{0}}, {k})", lambda a, k=k: torch.tril(a, k), [rnd(3, 4)], tol=EXACT)
    case(f"{{0}}.triu(diagonal={k})", lambda a, k=k: torch.triu(a, k), [rnd(2, 4, 3)], tol=EXACT)
case("tril({0})", torch.tril, [torch.tensor([[1.0, nan], [inf, 2.0]])], tol=EXACT, grad=False)
case("triu({0})", torch.triu, [torch.randint(-5, 5, (3, 3))], tol=EXACT)
case("tril({0})", torch.tril, [torch.tensor([[True, True], [False, True]])], tol=EXACT)
case("tril({0})", torch.tril, [rnd(0, 3)], tol=EXACT, grad=False)
for off, d1, d2 in [(0, 0, 1), (1, 0, 1), (-1, 0, 1), (0, -1, -2), (2, 0, 2), (-4, 1, 2), (7, 0, 1)]:
    case(f"diagonal({{0}}, {off}, {d1}, {d2})", lambda a, o=off, x=d1, y=d2: torch.diagonal(a, o, x, y), [rnd(3, 4, 5)], tol=EXACT)
case("{0}.diagonal(offset=1)", lambda a: a.diagonal(offset=1), [torch.randint(-5, 5, (3, 3))], tol=EXACT)
for k in [0, 1, -2]:
    case(f"diag({{0}}, {k})", lambda a, k=k: torch.diag(a, k), [rnd(3)], tol=EXACT)
    case(f"diag({{0}}, {k})", lambda a, k=k: torch.diag(a, k), [rnd(3, 4)], tol=EXACT)
case("diag({0})", torch.diag, [torch.randint(-5, 5, (3,))], tol=EXACT)
case("diag({0})", torch.diag, [rnd(0)], tol=EXACT, grad=False)
case("diag_embed({0})", torch.diag_embed, [rnd(2, 3)], tol=EXACT)
case("diag_embed({0}, offset=1, dim1=0, dim2=2)", lambda a: torch.diag_embed(a, offset=1, dim1=0, dim2=2), [rnd(2, 3)], tol=EXACT)
case("diag_embed({0}, -1, 1, 0)", lambda a: torch.diag_embed(a, -1, 1, 0), [rnd(3)], tol=EXACT)
case("trace({0})", torch.trace, [rnd(3, 4)])
case("trace({0})", torch.trace, [torch.randint(-5, 5, (3, 3))], tol=EXACT)
case("{0}.trace()", torch.trace, [rnd(0, 0)], grad=False)

# ---------------------------------------------------------------- flips and rolls
nb.comment("flip, fliplr, flipud, roll, rot90 (copies; int64, bool and nan kept)")
case("flip({0}, [0])", lambda a: torch.flip(a, [0]), [rnd(3, 4)], tol=EXACT)
case("flip({0}, [-1, 0])", lambda a: torch.flip(a, [-1, 0]), [rnd(2, 3, 4)], tol=EXACT)
case("{0}.flip(1, 2)", lambda a: a.flip(1, 2), [rnd(2, 3, 4)], tol=EXACT)
case("flip({0}, [0])", lambda a: torch.flip(a, [0]), [torch.tensor([1.0, nan, inf])], tol=EXACT, grad=False)
case("flip({0}, [0, 1])", lambda a: torch.flip(a, [0, 1]), [torch.randint(-5, 5, (2, 3))], tol=EXACT)
case("flip({0}, [0])", lambda a: torch.flip(a, [0]), [torch.tensor([True, False, False])], tol=EXACT)
case("flip({0}, [1])", lambda a: torch.flip(a, [1]), [rnd(2, 0)], tol=EXACT, grad=False)
case("flip({0}, [])", lambda a: torch.flip(a, []), [rnd(2, 3)], tol=EXACT)
case("fliplr({0})", torch.fliplr, [rnd(3, 4)], tol=EXACT)
case("flipud({0})", torch.flipud, [rnd(3, 4)], tol=EXACT)
case("{0}.flipud()", torch.flipud, [rnd(5)], tol=EXACT)
for shifts, dims in [(1, None), (-7, None), (2, 0), (-1, 1), ([1, 2], [0, 1]), ([3, -1], [1, 1]), (0, 0)]:
    d = "" if dims is None else f", {dims}"
    case(f"roll({{0}}, {shifts}{d})", lambda a, s=shifts, dd=dims: torch.roll(a, s, dd) if dd is not None else torch.roll(a, s), [rnd(3, 4)], tol=EXACT)
case("{0}.roll(1, 0)", lambda a: a.roll(1, 0), [torch.randint(-5, 5, (4,))], tol=EXACT)
case("roll({0}, 2)", lambda a: torch.roll(a, 2), [rnd(0, 3)], tol=EXACT, grad=False)
for k, dims in [(1, [0, 1]), (2, [0, 1]), (3, [0, 1]), (-1, [0, 1]), (5, [1, 0]), (0, [0, 1]), (1, [1, 2])]:
    case(f"rot90({{0}}, {k}, {dims})", lambda a, k=k, dd=dims: torch.rot90(a, k, dd), [rnd(2, 3, 4)], tol=EXACT)
case("{0}.rot90()", lambda a: a.rot90(), [torch.randint(-5, 5, (2, 3))], tol=EXACT)

# ---------------------------------------------------------------- rearranging
nb.comment("movedim, moveaxis, swapaxes, swapdims, unflatten, narrow, unbind, tile, repeat_interleave")
case("movedim({0}, 0, -1)", lambda a: torch.movedim(a, 0, -1), [rnd(2, 3, 4)], tol=EXACT)
case("movedim({0}, [0, 1], [2, 0])", lambda a: torch.movedim(a, [0, 1], [2, 0]), [rnd(2, 3, 4)], tol=EXACT)
case("{0}.moveaxis(-1, 1)", lambda a: a.moveaxis(-1, 1), [rnd(2, 3, 4)], tol=EXACT)
case("swapaxes({0}, 0, 2)", lambda a: torch.swapaxes(a, 0, 2), [rnd(2, 3, 4)], tol=EXACT)
case("{0}.swapdims(0, 1)", lambda a: a.swapdims(0, 1), [rnd(2, 3)], tol=EXACT)
case("unflatten({0}, 1, [2, -1])", lambda a: torch.unflatten(a, 1, (2, -1)), [rnd(3, 4)], tol=EXACT)
case("{0}.unflatten(0, [1, 3])", lambda a: a.unflatten(0, (1, 3)), [rnd(3, 4)], tol=EXACT)
case("narrow({0}, 1, 1, 2)", lambda a: torch.narrow(a, 1, 1, 2), [rnd(3, 4)], tol=EXACT)
case("{0}.narrow(0, -2, 2)", lambda a: a.narrow(0, -2, 2), [rnd(3, 4)], tol=EXACT)
case("unbind({0}, 1)[2]", lambda a: torch.unbind(a, 1)[2], [rnd(2, 3)], tol=EXACT)
case("stack({0}.unbind())", lambda a: torch.stack(a.unbind()), [rnd(3, 2)], tol=EXACT)
case("tile({0}, [2])", lambda a: torch.tile(a, (2,)), [rnd(2, 3)], tol=EXACT)
case("{0}.tile(2, 1, 2)", lambda a: a.tile(2, 1, 2), [rnd(2, 3)], tol=EXACT)
case("tile({0}, [3])", lambda a: torch.tile(a, (3,)), [torch.randint(-5, 5, (2,))], tol=EXACT)
case("repeat_interleave({0}, 2)", lambda a: torch.repeat_interleave(a, 2), [rnd(2, 3)], tol=EXACT)
case("repeat_interleave({0}, 3, dim=1)", lambda a: torch.repeat_interleave(a, 3, dim=1), [rnd(2, 3)], tol=EXACT)
case("{0}.repeat_interleave(0, dim=0)", lambda a: a.repeat_interleave(0, dim=0), [rnd(2, 3)], tol=EXACT)
nb.line("counts = tensor([1, 0, 2], dtype=\"int64\")")
case("repeat_interleave({0}, counts, dim=1)", lambda a: torch.repeat_interleave(a, torch.tensor([1, 0, 2]), dim=1), [rnd(2, 3)], tol=EXACT)
case("repeat_interleave({0}, counts, dim=0)", lambda a: torch.repeat_interleave(a, torch.tensor([1, 0, 2]), dim=0), [torch.randint(-5, 5, (3, 2))], tol=EXACT)
case("repeat_interleave({0})", lambda a: torch.repeat_interleave(a), [torch.tensor([2, 0, 3])], tol=EXACT)

nb.comment("meshgrid, broadcast_to, broadcast_tensors, view_as, expand_as, reshape_as, atleast_nd")
case('meshgrid({0}, {1}, indexing="ij")[0]', lambda a, b: torch.meshgrid(a, b, indexing="ij")[0], [rnd(3), rnd(4)], tol=EXACT)
case('meshgrid({0}, {1}, indexing="ij")[1]', lambda a, b: torch.meshgrid(a, b, indexing="ij")[1], [rnd(3), rnd(4)], tol=EXACT)
case('meshgrid({0}, {1}, indexing="xy")[0]', lambda a, b: torch.meshgrid(a, b, indexing="xy")[0], [rnd(3), rnd(4)], tol=EXACT)
case('meshgrid([{0}, {1}, {2}], indexing="xy")[2]', lambda a, b, c: torch.meshgrid([a, b, c], indexing="xy")[2], [rnd(2), rnd(3), rnd(4)], tol=EXACT)
case('meshgrid({0}, {1})[1]', lambda a, b: torch.meshgrid(a, b, indexing="ij")[1], [torch.randint(0, 5, (2,)), torch.randint(0, 5, (0,))], tol=EXACT)
case("broadcast_to({0}, [2, 3, 4])", lambda a: torch.broadcast_to(a, (2, 3, 4)), [rnd(3, 1)], tol=EXACT)
case("{0}.broadcast_to([-1, 3])", lambda a: a.broadcast_to((-1, 3)), [rnd(2, 1)], tol=EXACT)
case("broadcast_tensors({0}, {1})[0] + broadcast_tensors({0}, {1})[1]", lambda a, b: sum(torch.broadcast_tensors(a, b)), [rnd(3, 1), rnd(4)])
case("{0}.view_as({1})", lambda a, b: a.view_as(b), [rnd(6), rnd(2, 3)], tol=EXACT, nc=False)
case("{0}.reshape_as({1})", lambda a, b: a.reshape_as(b), [rnd(2, 3), rnd(3, 2)], tol=EXACT)
case("{0}.expand_as({1})", lambda a, b: a.expand_as(b), [rnd(3, 1), rnd(3, 4)], tol=EXACT)
for rank, f in [(1, torch.atleast_1d), (2, torch.atleast_2d), (3, torch.atleast_3d)]:
    for shape in [(), (3,), (2, 3), (2, 1, 2)]:
        case(f"atleast_{rank}d({{0}})", f, [rnd(*shape)], tol=EXACT)
case("atleast_3d({0}, {1})[1]", lambda a, b: torch.atleast_3d(a, b)[1], [rnd(2), rnd(3, 2)], tol=EXACT)

nb.comment("hstack, vstack, row_stack, dstack, column_stack, tensor_split, hsplit, vsplit, dsplit, split, chunk")
case("hstack([{0}, {1}])", lambda a, b: torch.hstack([a, b]), [rnd(3), rnd(2)], tol=EXACT)
case("hstack([{0}, {1}])", lambda a, b: torch.hstack([a, b]), [rnd(2, 3), rnd(2, 1)], tol=EXACT)
case("vstack([{0}, {1}])", lambda a, b: torch.vstack([a, b]), [rnd(3), rnd(2, 3)], tol=EXACT)
case("row_stack([{0}, {1}])", lambda a, b: torch.vstack([a, b]), [rnd(3), rnd(3)], tol=EXACT)
case("dstack([{0}, {1}])", lambda a, b: torch.dstack([a, b]), [rnd(3), rnd(3)], tol=EXACT)
case("dstack([{0}, {1}])", lambda a, b: torch.dstack([a, b]), [rnd(2, 3), rnd(2, 3, 2)], tol=EXACT)
case("column_stack([{0}, {1}, {2}])", lambda a, b, c: torch.column_stack([a, b, c]), [rnd(3), rnd(3, 2), rnd(3)], tol=EXACT)
case("column_stack([{0}, {1}])", lambda a, b: torch.column_stack([a, b]), [torch.randint(-5, 5, (2,)), torch.randint(-5, 5, (2,))], tol=EXACT)
for n in [3, [1, 4], [2, -1], [5, 1]]:
    for i in range(3):
        case(f"tensor_split({{0}}, {n})[{i}]", lambda a, n=n, i=i: torch.tensor_split(a, n)[i], [rnd(7)], tol=EXACT)
case("tensor_split({0}, 2, dim=1)[1]", lambda a: torch.tensor_split(a, 2, dim=1)[1], [rnd(2, 5)], tol=EXACT)
case("hsplit({0}, 2)[1]", lambda a: torch.hsplit(a, 2)[1], [rnd(3, 4)], tol=EXACT)
case("hsplit({0}, [1, 2])[2]", lambda a: torch.hsplit(a, [1, 2])[2], [rnd(3, 4)], tol=EXACT)
case("hsplit({0}, 3)[0]", lambda a: torch.hsplit(a, 3)[0], [rnd(6)], tol=EXACT)
case("vsplit({0}, 2)[1]", lambda a: torch.vsplit(a, 2)[1], [rnd(4, 3)], tol=EXACT)
case("dsplit({0}, [1])[1]", lambda a: torch.dsplit(a, [1])[1], [rnd(2, 2, 3)], tol=EXACT)
case("split({0}, [1, 3], dim=1)[1]", lambda a: torch.split(a, [1, 3], dim=1)[1], [rnd(2, 4)], tol=EXACT)
case("split({0}, 3)[1]", lambda a: torch.split(a, 3)[1], [rnd(5, 2)], tol=EXACT)
case("{0}.chunk(3, dim=1)[2]", lambda a: a.chunk(3, dim=1)[2], [rnd(2, 7)], tol=EXACT)

# ---------------------------------------------------------------- float64
nb.comment("float64: products, einsum, norms, det / inv, shapes compute in float64 (values and gradients)")
F64_TOL = dict(rtol=1e-12, atol=1e-12)


def d64(*shape):
    """Full-precision float64 random values (a float32 round trip would show at 1e-8)."""
    return torch.randn(shape, dtype=torch.float64)


case("mm({0}, {1})", torch.mm, [d64(3, 4), d64(4, 2)], tol=F64_TOL)
case("bmm({0}, {1})", torch.bmm, [d64(2, 3, 4), d64(2, 4, 5)], tol=F64_TOL)
case("mv({0}, {1})", torch.mv, [d64(3, 4), d64(4)], tol=F64_TOL)
case("dot({0}, {1})", torch.dot, [d64(5), d64(5)], tol=F64_TOL)
case("outer({0}, {1})", torch.outer, [d64(3), d64(2)], tol=F64_TOL)
case("matmul({0}, {1})", torch.matmul, [d64(2, 1, 3, 4), d64(5, 4, 2)], tol=F64_TOL)
case("addmm({0}, {1}, {2}, beta=0.5, alpha=2)", lambda a, b, c: torch.addmm(a, b, c, beta=0.5, alpha=2), [d64(2), d64(3, 4), d64(4, 2)], tol=F64_TOL)
case("baddbmm({0}, {1}, {2}, alpha=0.5)", lambda a, b, c: torch.baddbmm(a, b, c, alpha=0.5), [d64(2, 3, 2), d64(2, 3, 4), d64(2, 4, 2)], tol=F64_TOL)
case("tensordot({0}, {1})", lambda a, b: torch.tensordot(a, b), [d64(2, 3, 4), d64(3, 4, 2)], tol=F64_TOL)
case("kron({0}, {1})", torch.kron, [d64(2, 3), d64(2, 2)], tol=F64_TOL)
case('einsum("bij,bjk->bik", {0}, {1})', lambda a, b: torch.einsum("bij,bjk->bik", a, b), [d64(2, 3, 4), d64(2, 4, 5)], tol=F64_TOL)
case('einsum("iji->j", {0})', lambda a: torch.einsum("iji->j", a), [d64(3, 2, 3)], tol=F64_TOL)
case('einsum("abc,cd,ae->bde", {0}, {1}, {2})', lambda a, b, c: torch.einsum("abc,cd,ae->bde", a, b, c), [d64(2, 3, 4), d64(4, 2), d64(2, 3)], tol=F64_TOL)
for ord_ in [2, 1, 3, 0.5, 0, inf, -inf]:
    ordlit = "inf" if ord_ == inf else ("-inf" if ord_ == -inf else repr(ord_))
    case(f"torch.linalg.vector_norm({{0}}, ord={ordlit}, dim=1)", lambda a, o=ord_: torch.linalg.vector_norm(a, ord=o, dim=1), [d64(3, 4)], tol=F64_TOL, grad=ord_ != 0)
case("torch.linalg.vector_norm({0}, ord=inf)", lambda a: torch.linalg.vector_norm(a, ord=inf), [torch.tensor([1.5, -3.25, 3.25, 0.0], dtype=torch.float64)], tol=F64_TOL)
case("torch.linalg.vector_norm({0})", lambda a: torch.linalg.vector_norm(a), [torch.zeros(3, dtype=torch.float64)], tol=F64_TOL)
case("torch.linalg.vector_norm({0})", lambda a: torch.linalg.vector_norm(a), [torch.tensor([nan, 1.0], dtype=torch.float64)], tol=F64_TOL, grad=False)
for ord_ in ["fro", 1, -1, inf, -inf, 2, -2]:
    ordlit = {"fro": '"fro"', inf: "inf", -inf: "-inf"}.get(ord_, repr(ord_))
    case(f"torch.linalg.matrix_norm({{0}}, ord={ordlit})", lambda a, o=ord_: torch.linalg.matrix_norm(a, ord=o), [d64(2, 3, 4)], tol=F64_TOL)
case("torch.linalg.norm({0})", lambda a: torch.linalg.norm(a), [d64(2, 3, 4)], tol=F64_TOL)
case("torch.norm({0}, p=3)", lambda a: torch.norm(a, p=3), [d64(5)], tol=F64_TOL)
case("{0}.norm(dim=1)", lambda a: a.norm(dim=1), [d64(3, 4)], tol=F64_TOL)
case("dist({0}, {1})", torch.dist, [d64(3, 4), d64(4)], tol=F64_TOL)
case("cdist({0}, {1})", torch.cdist, [d64(3, 4), d64(5, 4)], tol=F64_TOL)
case("cdist({0}, {1}, p=1)", lambda a, b: torch.cdist(a, b, p=1), [d64(2, 3, 4), d64(2, 2, 4)], tol=F64_TOL)
case("torch.linalg.det({0})", torch.linalg.det, [d64(3, 3)], tol=F64_TOL)
case("det({0})", torch.det, [d64(2, 4, 4)], tol=F64_TOL)
case("torch.linalg.inv({0})", torch.linalg.inv, [d64(3, 3) + 3 * torch.eye(3, dtype=torch.float64)], tol=F64_TOL)
case("inverse({0})", torch.inverse, [d64(2, 2, 2) + 2 * torch.eye(2, dtype=torch.float64)], tol=F64_TOL)
case("torch.t({0})", torch.t, [d64(3, 4)], tol=EXACT)
case("torch.t({0})", torch.t, [d64(3)], tol=EXACT)
case("tril({0}, -1)", lambda a: torch.tril(a, -1), [d64(3, 4)], tol=EXACT)
case("diagonal({0}, 1, 0, 2)", lambda a: torch.diagonal(a, 1, 0, 2), [d64(3, 4, 5)], tol=EXACT)
case("trace({0})", torch.trace, [d64(3, 4)], tol=F64_TOL)
case("flip({0}, [-1, 0])", lambda a: torch.flip(a, [-1, 0]), [d64(2, 3, 4)], tol=EXACT)
case("roll({0}, [1, 2], [0, 1])", lambda a: torch.roll(a, [1, 2], [0, 1]), [d64(3, 4)], tol=EXACT)
case("rot90({0}, 1, [1, 2])", lambda a: torch.rot90(a, 1, [1, 2]), [d64(2, 3, 4)], tol=EXACT)
case("movedim({0}, [0, 1], [2, 0])", lambda a: torch.movedim(a, [0, 1], [2, 0]), [d64(2, 3, 4)], tol=EXACT)
case("narrow({0}, 1, 1, 2)", lambda a: torch.narrow(a, 1, 1, 2), [d64(3, 4)], tol=EXACT)
case("{0}[1]", lambda a: a[1], [d64(3, 4)], tol=EXACT)
case("{0}[:, 1:3]", lambda a: a[:, 1:3], [d64(3, 4)], tol=EXACT)
case("{0}[tensor([2, 0, 2])]", lambda a: a[torch.tensor([2, 0, 2])], [d64(3, 4)], tol=EXACT)
case("tile({0}, [2])", lambda a: torch.tile(a, (2,)), [d64(2, 3)], tol=EXACT)
case("repeat_interleave({0}, 3, dim=1)", lambda a: torch.repeat_interleave(a, 3, dim=1), [d64(2, 3)], tol=EXACT)
case("hstack([{0}, {1}])", lambda a, b: torch.hstack([a, b]), [d64(2, 3), d64(2, 1)], tol=EXACT)
case("split({0}, [1, 3], dim=1)[1]", lambda a: torch.split(a, [1, 3], dim=1)[1], [d64(2, 4)], tol=EXACT)
case("unbind({0}, 1)[2]", lambda a: torch.unbind(a, 1)[2], [d64(2, 3)], tol=EXACT)
case("broadcast_to({0}, [2, 3, 4])", lambda a: torch.broadcast_to(a, (2, 3, 4)), [d64(3, 1)], tol=EXACT)
case("atleast_3d({0})", torch.atleast_3d, [d64(2, 3)], tol=EXACT)
case('meshgrid({0}, {1}, indexing="xy")[0]', lambda a, b: torch.meshgrid(a, b, indexing="xy")[0], [d64(3), d64(4)], tol=EXACT)
nb.comment("mixed float32 and float64 promote to float64 where PyTorch promotes (dist, kron, outer)")
case("dist({0}, {1})", torch.dist, [d64(3, 4), rnd(4)], tol=F64_TOL, grad=False)
case("kron({0}, {1})", torch.kron, [d64(2, 2), rnd(2)], tol=F64_TOL, grad=False)
case("outer({0}, {1})", torch.outer, [d64(3), rnd(2)], tol=F64_TOL, grad=False)

nb.write()
print(f"wrote {nb.path}: {sum(1 for l in nb.lines if l.startswith('torch.testing'))} checks")
