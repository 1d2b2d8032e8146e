"""Writes select.vis: sorting and selection ops (LIBRARY.md "Sorting and selection")
checked against PyTorch.

Run with PyTorch installed: python make_select.py (from any directory).

Tolerances: these ops move or count elements and do no arithmetic, so values and
indices are compared exactly (rtol=0, atol=0). The float arithmetic ones (gradients of
mean / prod reductions, index_add with alpha, scatter_reduce mean) use float32's
default tolerances (rtol=1.3e-6, atol=1e-5): vis may sum in another order.

float64: the section "float64" repeats the ops on float64 inputs (results and
gradients float64, compared with dtype). Moving / counting ops are exact; the ones
with arithmetic use rtol=1e-12, atol=1e-12: float64 computed in float64 agrees with
PyTorch to a few ulps (1e-16 relative), while a float32 detour would miss by 1e-8,
so these tolerances catch a silent float32 computation.

Ties: vis sorts stably. PyTorch's stable=False leaves the order of ties unspecified,
so tie cases compare against PyTorch's stable=True order (also for topk / kthvalue,
whose documented vis result is a prefix / the k-th of that order); inputs without
ties compare against PyTorch's topk / kthvalue directly.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torchref import Notebook, lit, noncontig  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
nb = Notebook(os.path.join(HERE, "select.vis"), "Sorting and selection against PyTorch", "make_select.py")
EXACT = dict(rtol=0, atol=0)
torch.manual_seed(0)
nan, inf = float("nan"), float("inf")


def distinct(*shape):
    """Floats with no ties (a permutation of 0..n-1, scaled and shifted)."""
    n = 1
    for s in shape:
        n *= s
    return (torch.randperm(n).float() * 0.5 - 3).reshape(shape)


def leaf(t, make):
    """Lines that make `x` from `t` as a leaf requiring grad: contiguous (`make` lit) or
    a transposed view of a leaf (`make` noncontig). Returns the expression of x's
    gradient (a view's own .grad is none, as in PyTorch, so the leaf's is read)."""
    if make is noncontig and t.dim() >= 2:
        nb.line(f"x_leaf = {lit(t.transpose(-1, -2).contiguous(), requires_grad=True)}")
        nb.line("x = x_leaf.transpose(-1, -2)")
        return "x_leaf.grad.transpose(-1, -2)"
    nb.line(f"x = {lit(t, requires_grad=True)}")
    return "x.grad"


def ints(*shape, lo=-4, hi=5):
    return torch.randint(lo, hi, shape)


# Inputs: a matrix without ties, one with ties / NaN / inf / -0.0, int64 and bool.
A = distinct(4, 5)
T = torch.tensor([[1.0, nan, -0.0, 2.0, 0.0, 1.0], [inf, -inf, 1.0, 1.0, nan, -2.0], [3.0, 3.0, 3.0, -1.0, 0.0, 0.0]])
I = ints(3, 7)
B = torch.tensor([[True, False, True, False], [False, False, True, True]])

nb.comment("sort / argsort / msort: values and indices, every dim, both directions, NaN and ties")
for name, x, f in [("A", A, lit), ("A", A, noncontig), ("T", T, lit), ("T", T, noncontig), ("I", I, lit), ("I", I, noncontig), ("B", B, lit)]:
    for dim in [0, 1, -1]:
        for desc in [False, True]:
            r = torch.sort(x, dim=dim, descending=desc, stable=True)
            expr = f(x)
            nb.check(f"sort({expr}, dim={dim}, descending={'true' if desc else 'false'})[0]", r.values, **EXACT)
            nb.check(f"sort({expr}, dim={dim}, descending={'true' if desc else 'false'}, stable=true)[1]", r.indices, **EXACT)
            nb.check(f"{expr}.argsort(dim={dim}, descending={'true' if desc else 'false'})", r.indices, **EXACT)
    nb.check(f"msort({f(x)})", torch.sort(x, dim=0, stable=True).values, **EXACT)
for x in [torch.tensor(2.5), torch.zeros(0), torch.zeros(3, 0), torch.zeros(0, 4), torch.tensor([7.0])]:
    r = torch.sort(x)
    nb.check(f"sort({lit(x)})[0]", r.values, **EXACT)
    nb.check(f"sort({lit(x)})[1]", r.indices, **EXACT)
# A long row (radix passes, not insertion sort) with many ties.
L = torch.randint(-50, 50, (3, 300)).float()
L[0, ::7] = nan
r = torch.sort(L, dim=1, stable=True)
nb.line(f"L = {lit(L)}")
nb.check("L.sort(dim=1)[0]", r.values, **EXACT)
nb.check("L.sort(dim=1)[1]", r.indices, **EXACT)
r = torch.sort(L, dim=1, descending=True, stable=True)
nb.check("L.sort(dim=1, descending=true)[1]", r.indices, **EXACT)
LI = torch.randint(-10**12, 10**12, (2, 200))
nb.check(f"sort({lit(LI)}, dim=1)[1]", torch.sort(LI, dim=1, stable=True).indices, **EXACT)

nb.comment("sort gradient: to the source positions")
for f in [lit, noncontig]:
    W = torch.randn(4, 5)
    x = A.clone().requires_grad_(True)
    (torch.sort(x, dim=0, descending=True).values * W).sum().backward()
    gx = leaf(A, f)
    nb.line(f"(sort(x, dim=0, descending=true)[0] * {lit(W)}).sum().backward()")
    nb.check(gx, x.grad, **EXACT)

nb.comment("topk: no ties (PyTorch's indices), ties and NaN (the stable order), both directions")
for f in [lit, noncontig]:
    for k in [0, 1, 3, 4]:
        for dim in [0, 1]:
            for largest in [True, False]:
                if k > A.shape[dim]:
                    continue
                r = torch.topk(A, k, dim=dim, largest=largest)
                lg = "true" if largest else "false"
                nb.check(f"topk({f(A)}, {k}, dim={dim}, largest={lg})[0]", r.values, **EXACT)
                nb.check(f"topk({f(A)}, {k}, dim={dim}, largest={lg})[1]", r.indices, **EXACT)
for x in [T, I]:
    for k in [1, 2, 5]:
        for largest in [True, False]:
            s = torch.sort(x, dim=1, descending=largest, stable=True)
            lg = "true" if largest else "false"
            nb.check(f"{lit(x)}.topk({k}, largest={lg})[0]", torch.topk(x, k, largest=largest).values, **EXACT)
            nb.check(f"{lit(x)}.topk({k}, largest={lg})[1]", s.indices[:, :k], **EXACT)
nb.check("L.topk(20, dim=1)[0]", torch.topk(L, 20, dim=1).values, **EXACT)
nb.check("L.topk(20, dim=1)[1]", torch.sort(L, dim=1, descending=True, stable=True).indices[:, :20], **EXACT)
nb.check("L.topk(20, dim=1, largest=false)[1]", torch.sort(L, dim=1, stable=True).indices[:, :20], **EXACT)
nb.check(f"topk({lit(torch.tensor(4.0))}, 1)[0]", torch.topk(torch.tensor(4.0), 1).values, **EXACT)
nb.check(f"topk({lit(torch.zeros(2, 0))}, 0)[0]", torch.topk(torch.zeros(2, 0), 0).values, **EXACT)
x = A.clone().requires_grad_(True)
W = torch.randn(4, 2)
(torch.topk(x, 2, dim=1).values * W).sum().backward()
gx = leaf(A, noncontig)
nb.line(f"(topk(x, 2, dim=1)[0] * {lit(W)}).sum().backward()")
nb.check(gx, x.grad, **EXACT)

nb.comment("kthvalue: no ties (PyTorch's index), ties and NaN (the stable order), keepdim")
for f in [lit, noncontig]:
    for k in [1, 2, 4]:
        for dim in [0, 1]:
            for keep in [False, True]:
                r = torch.kthvalue(A, k, dim=dim, keepdim=keep)
                kd = "true" if keep else "false"
                nb.check(f"kthvalue({f(A)}, {k}, dim={dim}, keepdim={kd})[0]", r.values, **EXACT)
                nb.check(f"kthvalue({f(A)}, {k}, dim={dim}, keepdim={kd})[1]", r.indices, **EXACT)
for x in [T, I]:
    s = torch.sort(x, dim=1, stable=True)
    for k in [1, 3, 6]:
        nb.check(f"{lit(x)}.kthvalue({k})[0]", torch.kthvalue(x, k).values, **EXACT)
        nb.check(f"{lit(x)}.kthvalue({k})[1]", s.indices[:, k - 1], **EXACT)
nb.check(f"kthvalue({lit(torch.tensor(4.0))}, 1)[0]", torch.kthvalue(torch.tensor(4.0), 1).values, **EXACT)
x = A.clone().requires_grad_(True)
W = torch.randn(5)
(torch.kthvalue(x, 2, dim=0).values * W).sum().backward()
gx = leaf(A, lit)
nb.line(f"(kthvalue(x, 2, dim=0)[0] * {lit(W)}).sum().backward()")
nb.check(gx, x.grad, **EXACT)

nb.comment("unique / unique_consecutive: values, inverse, counts, dim; NaN distinct")
for x in [torch.tensor([3, 1, 2, 3, 1, 1]), torch.tensor([2.0, nan, -1.0, nan, 2.0, 0.0]), I, torch.tensor(5.0),
          torch.zeros(0, dtype=torch.int64), B]:
    out, inv, cnt = torch.unique(x, return_inverse=True, return_counts=True)
    nb.check(f"unique({lit(x)})", out, **EXACT)
    nb.check(f"unique({lit(x)}, return_inverse=true)[1]", inv, **EXACT)
    nb.check(f"unique({lit(x)}, return_counts=true)[1]", cnt, **EXACT)
    out, inv, cnt = torch.unique_consecutive(x, return_inverse=True, return_counts=True)
    nb.check(f"unique_consecutive({lit(x)})", out, **EXACT)
    nb.check(f"unique_consecutive({lit(x)}, return_inverse=true, return_counts=true)[1]", inv, **EXACT)
    nb.check(f"unique_consecutive({lit(x)}, return_inverse=true, return_counts=true)[2]", cnt, **EXACT)
D = torch.tensor([[1, 2, 1, 1], [0, 5, 0, 3], [1, 2, 1, 1], [0, 5, 0, 3], [0, 4, 0, 9]])
for f in [lit, noncontig]:
    for dim in [0, 1]:
        out, inv, cnt = torch.unique(D, dim=dim, return_inverse=True, return_counts=True)
        nb.check(f"unique({f(D)}, dim={dim})", out, **EXACT)
        nb.check(f"unique({f(D)}, dim={dim}, return_inverse=true, return_counts=true)[1]", inv, **EXACT)
        nb.check(f"unique({f(D)}, dim={dim}, return_inverse=true, return_counts=true)[2]", cnt, **EXACT)
        out, cnt = torch.unique_consecutive(D, dim=dim, return_counts=True)
        nb.check(f"unique_consecutive({f(D)}, dim={dim})", out, **EXACT)
        nb.check(f"unique_consecutive({f(D)}, dim={dim}, return_counts=true)[1]", cnt, **EXACT)

nb.comment("nonzero / argwhere / masked_select")
Z = torch.tensor([[0.0, 1.5, nan], [0.0, 0.0, -2.0]])
for x in [Z, I, B, torch.tensor(3.0), torch.tensor(0.0), torch.zeros(0, 3)]:
    for f in ([lit, noncontig] if x.dim() else [lit]):
        nb.check(f"nonzero({f(x)})", torch.nonzero(x), **EXACT)
        nb.check(f"argwhere({f(x)})", torch.argwhere(x), **EXACT)
        for k, c in enumerate(torch.nonzero(x, as_tuple=True)):
            nb.check(f"nonzero({f(x)}, as_tuple=true)[{k}]", c, **EXACT)
M = torch.tensor([[True, False, True, True, False]] * 4)
M[2, 0] = False
for f in [lit, noncontig]:
    nb.check(f"masked_select({f(A)}, {lit(M)})", torch.masked_select(A, M), **EXACT)
    nb.check(f"masked_select({f(A)}, {lit(M[0])})", torch.masked_select(A, M[0]), **EXACT)
nb.check(f"masked_select({lit(I)}, {lit(I > 0)})", torch.masked_select(I, I > 0), **EXACT)
nb.check(f"masked_select({lit(torch.tensor(2.0))}, {lit(torch.tensor([True, False, True]))})",
         torch.masked_select(torch.tensor(2.0), torch.tensor([True, False, True])), **EXACT)
x = A.clone().requires_grad_(True)
W = torch.randn(int(M.sum()))
(torch.masked_select(x, M) * W).sum().backward()
gx = leaf(A, noncontig)
nb.line(f"(masked_select(x, {lit(M)}) * {lit(W)}).sum().backward()")
nb.check(gx, x.grad, **EXACT)

nb.comment("index_select / index_add / index_copy / index_fill, and their gradients")
idx = torch.tensor([3, 0, 3])
for f in [lit, noncontig]:
    for dim in [0, 1]:
        nb.check(f"index_select({f(A)}, {dim}, {lit(idx)})", torch.index_select(A, dim, idx), **EXACT)
        src = torch.randn(*(A.shape[:dim] + (3,) + A.shape[dim + 1:]))
        nb.check(f"{f(A)}.index_add({dim}, {lit(idx)}, {f(src)}, alpha=2)", A.index_add(dim, idx, src, alpha=2))
        nb.check(f"{f(A)}.index_fill({dim}, {lit(torch.tensor([0, -1]))}, -7.5)", A.index_fill(dim, torch.tensor([0, -1]), -7.5), **EXACT)
        uniq = torch.tensor([3, 0, 1])
        nb.check(f"{f(A)}.index_copy({dim}, {lit(uniq)}, {f(src)})", A.index_copy(dim, uniq, src), **EXACT)
nb.check(f"index_select({lit(I)}, 1, {lit(torch.tensor([6, 0]))})", torch.index_select(I, 1, torch.tensor([6, 0])), **EXACT)
nb.check(f"index_select({lit(torch.tensor(5.0))}, 0, {lit(torch.tensor([0]))})", torch.index_select(torch.tensor(5.0), 0, torch.tensor([0])), **EXACT)
nb.check(f"index_select({lit(A)}, 0, {lit(torch.zeros(0, dtype=torch.int64))})", torch.index_select(A, 0, torch.zeros(0, dtype=torch.int64)), **EXACT)
SI = ints(2, 7)
nb.check(f"{lit(I)}.index_add(0, {lit(torch.tensor([1, 1]))}, {lit(SI)}, alpha=3)", I.index_add(0, torch.tensor([1, 1]), SI, alpha=3), **EXACT)
nb.check(f"{lit(B)}.index_fill(1, {lit(torch.tensor([1]))}, 1)", B.index_fill(1, torch.tensor([1]), True), **EXACT)
BS = torch.tensor([[True, False], [False, False]])
nb.check(f"{lit(B)}.index_add(1, {lit(torch.tensor([1, 1]))}, {lit(BS)})", B.index_add(1, torch.tensor([1, 1]), BS), **EXACT)
# Gradients (index with a repeat: index_copy's source gets the gradient at its target twice).
rep = torch.tensor([2, 0, 2])
x = A.clone().requires_grad_(True)
s = torch.randn(4, 3, requires_grad=True)
W = torch.randn(4, 5)
for op, extra in [("index_select", ""), ("index_add", ", s, alpha=-2"), ("index_copy", ", s"), ("index_fill", ", 3.0")]:
    x.grad = None
    s.grad = None
    if op == "index_select":
        y = torch.index_select(x, 1, rep)
        Wy = torch.randn(4, 3)
        (y * Wy).sum().backward()
        gx = leaf(A, noncontig)
        nb.line(f"(index_select(x, 1, {lit(rep)}) * {lit(Wy)}).sum().backward()")
        nb.check(gx, x.grad)
        continue
    y = {"index_add": lambda: x.index_add(1, rep, s, alpha=-2), "index_copy": lambda: x.index_copy(1, rep, s),
         "index_fill": lambda: x.index_fill(1, rep, 3.0)}[op]()
    (y * W).sum().backward()
    gx = leaf(A, noncontig)
    nb.line(f"s = {lit(s, requires_grad=True)}")
    nb.line(f"({op}(x, 1, {lit(rep)}{extra}) * {lit(W)}).sum().backward()")
    nb.check(gx, x.grad)
    if op != "index_fill":
        nb.check("s.grad", s.grad)

nb.comment("scatter / scatter_add / scatter_reduce, and their gradients")
X = torch.randn(3, 5)
IDX = torch.tensor([[0, 1, 2, 0], [2, 0, 0, 1]])
SRC = torch.randn(2, 5)
for f in [lit, noncontig]:
    nb.check(f"scatter({f(X)}, 0, {lit(IDX)}, {f(SRC)})", torch.scatter(X, 0, IDX, SRC), **EXACT)
    nb.check(f"scatter({f(X)}, 1, {lit(IDX)}, {f(SRC)})", torch.scatter(X, 1, IDX, SRC), **EXACT)
    nb.check(f"{f(X)}.scatter(0, {lit(IDX)}, -1.5)", X.scatter(0, IDX, -1.5), **EXACT)
    nb.check(f"{f(X)}.scatter(0, {lit(IDX)}, {f(SRC)}, reduce=\"add\")", X.scatter(0, IDX, SRC, reduce="add"))
    nb.check(f"{f(X)}.scatter(0, {lit(IDX)}, {f(SRC)}, reduce=\"multiply\")", X.scatter(0, IDX, SRC, reduce="multiply"))
    nb.check(f"scatter_add({f(X)}, 0, {lit(IDX)}, {f(SRC)})", torch.scatter_add(X, 0, IDX, SRC))
nb.check(f"{lit(I)}.scatter(1, {lit(IDX)}, {lit(SI)})", I.scatter(1, IDX, SI), **EXACT)
nb.check(f"{lit(B)}.scatter(1, {lit(IDX)}, {lit(B)})", B.scatter(1, IDX, B), **EXACT)
RI = torch.tensor([0, 0, 2, 3, 3, 3, 0])
RX = torch.tensor([1.0, -2.0, 3.0, 4.0, 0.5])
RS = torch.tensor([5.0, 0.0, 7.0, 3.0, 3.0, nan, -1.0])
RS2 = torch.tensor([5.0, 0.0, 7.0, 3.0, 3.0, 2.0, -1.0])
for red in ["sum", "prod", "mean", "amax", "amin", "max", "min"]:
    for inc in [True, False]:
        it = "true" if inc else "false"
        for src in [RS, RS2]:
            nb.check(f"scatter_reduce({lit(RX)}, 0, {lit(RI)}, {lit(src)}, \"{red}\", include_self={it})",
                     torch.scatter_reduce(RX, 0, RI, src, red, include_self=inc))
        XI, SII = torch.tensor([1, -2, 3, 4, 7]), torch.tensor([5, 0, 7, 3, 3, 2, -4])
        nb.check(f"{lit(XI)}.scatter_reduce(0, {lit(RI)}, {lit(SII)}, \"{red}\", include_self={it})",
                 XI.scatter_reduce(0, RI, SII, red, include_self=inc), **EXACT)
        nb.check(f"{noncontig(X)}.scatter_reduce(1, {lit(IDX)}, {noncontig(SRC)}, \"{red}\", include_self={it})",
                 X.scatter_reduce(1, IDX, SRC, red, include_self=inc))
# Gradients: scatter (self and src), scatter_add, and every reduction (ties for amax / amin).
GX = torch.tensor([1.0, 3.0, 3.0, 4.0, 0.5])
GS = torch.tensor([3.0, 0.0, 7.0, 3.0, 4.0, 2.0, -1.0])
GW = torch.randn(5)
for red in ["sum", "prod", "mean", "amax", "amin"]:
    for inc in [True, False]:
        x = GX.clone().requires_grad_(True)
        s = GS.clone().requires_grad_(True)
        (torch.scatter_reduce(x, 0, RI, s, red, include_self=inc) * GW).sum().backward()
        gx = leaf(GX, lit)
        nb.line(f"s = {lit(GS, requires_grad=True)}")
        nb.line(f"(scatter_reduce(x, 0, {lit(RI)}, s, \"{red}\", include_self={'true' if inc else 'false'}) * {lit(GW)}).sum().backward()")
        nb.check(gx, x.grad)
        nb.check("s.grad", s.grad)
x = X.clone().requires_grad_(True)
s = SRC.clone().requires_grad_(True)
W = torch.randn(3, 5)
# (PyTorch's src gradient has the index's shape, so the index covers src here.)
IDX5 = torch.tensor([[0, 1, 2, 0, 1], [2, 0, 0, 1, 1]])
(torch.scatter(x, 0, IDX5, s) * W).sum().backward()
gx = leaf(X, noncontig)
nb.line(f"s = {lit(SRC, requires_grad=True)}")
nb.line(f"(scatter(x, 0, {lit(IDX5)}, s) * {lit(W)}).sum().backward()")
nb.check(gx, x.grad, **EXACT)
nb.check("s.grad", s.grad, **EXACT)
x.grad = None
(x.scatter(1, IDX, 2.0) * W).sum().backward()
gx = leaf(X, lit)
nb.line(f"(x.scatter(1, {lit(IDX)}, 2.0) * {lit(W)}).sum().backward()")
nb.check(gx, x.grad, **EXACT)

nb.comment("gather / take_along_dim / take")
G = torch.tensor([[0, 4, 4], [1, 0, 3], [2, 2, 2]])
for f in [lit, noncontig]:
    nb.check(f"gather({f(X)}, 1, {lit(G)})", torch.gather(X, 1, G), **EXACT)
    nb.check(f"take_along_dim({f(X)}, {lit(G)}, 1)", torch.take_along_dim(X, G, 1), **EXACT)
    nb.check(f"take_along_dim({f(X)}, {lit(G[:1])}, 1)", torch.take_along_dim(X, G[:1], 1), **EXACT)
    nb.check(f"take_along_dim({f(X)}, {lit(torch.tensor([[-1], [0], [-5]]))}, 1)",
             torch.take_along_dim(X, torch.tensor([[-1], [0], [-5]]), 1), **EXACT)
    nb.check(f"take_along_dim({f(X)}, {lit(torch.tensor([14, 0, 3]))})", torch.take_along_dim(X, torch.tensor([14, 0, 3])), **EXACT)
    nb.check(f"take({f(X)}, {lit(torch.tensor([[0, -1], [7, 14]]))})", torch.take(X, torch.tensor([[0, -1], [7, 14]])), **EXACT)
    nb.check(f"take_along_dim({f(X)}, {f(X.argsort(dim=0))}, 0)", torch.take_along_dim(X, X.argsort(dim=0), 0), **EXACT)
x = X.clone().requires_grad_(True)
W = torch.randn(3, 3)
(torch.take_along_dim(x, G, 1) * W).sum().backward()
gx = leaf(X, noncontig)
nb.line(f"(take_along_dim(x, {lit(G)}, 1) * {lit(W)}).sum().backward()")
nb.check(gx, x.grad)
x.grad = None
TI = torch.tensor([0, 0, -1, 6])
W = torch.randn(4)
(torch.take(x, TI) * W).sum().backward()
gx = leaf(X, lit)
nb.line(f"(take(x, {lit(TI)}) * {lit(W)}).sum().backward()")
nb.check(gx, x.grad)

nb.comment("searchsorted / bucketize: left and right, N-D sequences, sorter, promotion, NaN")
SEQ = torch.tensor([-2.0, 0.0, 0.0, 1.5, 3.0, 3.0, inf])
VAL = torch.tensor([[-3.0, 0.0, 1.0, 3.0], [3.5, inf, nan, -inf]])
for f in [lit, noncontig]:
    for right in [False, True]:
        r = "true" if right else "false"
        nb.check(f"searchsorted({lit(SEQ)}, {f(VAL)}, right={r})", torch.searchsorted(SEQ, VAL, right=right), **EXACT)
        nb.check(f"bucketize({f(VAL)}, {lit(SEQ)}, right={r})", torch.bucketize(VAL, SEQ, right=right), **EXACT)
    nb.check(f"searchsorted({lit(SEQ)}, {f(VAL)}, side=\"right\")", torch.searchsorted(SEQ, VAL, side="right"), **EXACT)
S2 = torch.sort(torch.randn(3, 6), dim=1).values
V2 = torch.randn(3, 4)
for right in [False, True]:
    nb.check(f"searchsorted({noncontig(S2)}, {lit(V2)}, right={'true' if right else 'false'})", torch.searchsorted(S2, V2, right=right), **EXACT)
U = torch.tensor([5.0, 1.0, 3.0])
nb.check(f"searchsorted({lit(U)}, {lit(torch.tensor([2.0, 5.0]))}, sorter={lit(U.argsort())})",
         torch.searchsorted(U, torch.tensor([2.0, 5.0]), sorter=U.argsort()), **EXACT)
nb.check(f"searchsorted({lit(SEQ)}, 1)", torch.searchsorted(SEQ, 1), **EXACT)
nb.check(f"searchsorted({lit(SEQ)}, {lit(torch.tensor([0, 3]))})", torch.searchsorted(SEQ, torch.tensor([0, 3])), **EXACT)
SI2 = torch.tensor([1, 3, 3, 8])
nb.check(f"searchsorted({lit(SI2)}, {lit(torch.tensor([3.5, 3.0]))}, right=true)", torch.searchsorted(SI2, torch.tensor([3.5, 3.0]), right=True), **EXACT)
nb.check(f"bucketize(2, {lit(SI2)})", torch.bucketize(2, SI2), **EXACT)
nb.check(f"searchsorted({lit(SEQ)}, {lit(torch.zeros(0))})", torch.searchsorted(SEQ, torch.zeros(0)), **EXACT)

nb.comment("bincount / histc")
C = torch.tensor([0, 3, 3, 1, 7, 3])
CW = torch.tensor([0.5, 1.0, 2.0, -1.0, 0.25, 1.0])
nb.check(f"bincount({lit(C)})", torch.bincount(C), **EXACT)
nb.check(f"bincount({lit(C)}, minlength=10)", torch.bincount(C, minlength=10), **EXACT)
nb.check(f"bincount({lit(C)}, weights={lit(CW)})", torch.bincount(C, weights=CW))
nb.check(f"bincount({noncontig(C)}, weights={noncontig(CW)}, minlength=3)", torch.bincount(C, weights=CW, minlength=3))
nb.check(f"bincount({lit(torch.zeros(0, dtype=torch.int64))})", torch.bincount(torch.zeros(0, dtype=torch.int64)), **EXACT)
nb.check(f"bincount({lit(torch.zeros(0, dtype=torch.int64))}, minlength=2)", torch.bincount(torch.zeros(0, dtype=torch.int64), minlength=2), **EXACT)
H = torch.tensor([0.0, 0.1, 0.3, 0.3, 1.0, -0.5, 2.0, nan, 0.7, 0.99999, inf])
for bins, lo, hi in [(4, 0, 1), (3, 0, 1), (10, -1, 2), (1, 0, 0.5), (7, 0.1, 0.3)]:
    nb.check(f"histc({lit(H)}, bins={bins}, min={lo}, max={hi})", torch.histc(H, bins=bins, min=lo, max=hi), **EXACT)
R = torch.randn(200)
for f in [lit, noncontig]:
    nb.check(f"histc({f(R)}, bins=13)", torch.histc(R, bins=13), **EXACT)
    nb.check(f"histc({f(R)}, bins=5, min=-1, max=1)", torch.histc(R, bins=5, min=-1, max=1), **EXACT)
nb.check(f"histc({lit(torch.tensor([2.0, 2.0]))}, bins=4)", torch.histc(torch.tensor([2.0, 2.0]), bins=4), **EXACT)
nb.check(f"histc({lit(torch.zeros(0))}, bins=3)", torch.histc(torch.zeros(0), bins=3), **EXACT)
nb.check(f"histc({lit(torch.arange(10.0).reshape(2, 5))}, bins=3)", torch.histc(torch.arange(10.0).reshape(2, 5), bins=3), **EXACT)

nb.comment("float64: every op computes in float64 (values and gradients float64)")
F64 = dict(rtol=1e-12, atol=1e-12)
# Values that float32 cannot hold, so a float32 detour shows.
AD = (distinct(4, 5).double() + 1e-9 * torch.arange(20, dtype=torch.float64).reshape(4, 5))
TD = T.double() + torch.tensor([[1e-10, 0, 0, 0, 0, 1e-10], [0, 0, 2e-11, 2e-11, 0, 0], [0, 0, 0, 0, 0, 0]], dtype=torch.float64)
for f in [lit, noncontig]:
    for dim in [0, 1]:
        for desc in [False, True]:
            r = torch.sort(TD, dim=dim, descending=desc, stable=True)
            dd = "true" if desc else "false"
            nb.check(f"sort({f(TD)}, dim={dim}, descending={dd})[0]", r.values, **EXACT)
            nb.check(f"sort({f(TD)}, dim={dim}, descending={dd})[1]", r.indices, **EXACT)
            nb.check(f"argsort({f(AD)}, dim={dim}, descending={dd})", torch.argsort(AD, dim=dim, descending=desc), **EXACT)
    nb.check(f"msort({f(AD)})", torch.msort(AD), **EXACT)
    for k in [1, 3]:
        for largest in [True, False]:
            lg = "true" if largest else "false"
            r = torch.topk(AD, k, dim=1, largest=largest)
            nb.check(f"topk({f(AD)}, {k}, dim=1, largest={lg})[0]", r.values, **EXACT)
            nb.check(f"topk({f(AD)}, {k}, dim=1, largest={lg})[1]", r.indices, **EXACT)
    for k in [1, 3]:
        r = torch.kthvalue(AD, k, dim=0)
        nb.check(f"kthvalue({f(AD)}, {k}, dim=0)[0]", r.values, **EXACT)
        nb.check(f"kthvalue({f(AD)}, {k}, dim=0)[1]", r.indices, **EXACT)
for k in [1, 2, 5]:
    s = torch.sort(TD, dim=1, descending=True, stable=True)
    nb.check(f"{lit(TD)}.topk({k})[0]", torch.topk(TD, k).values, **EXACT)
    nb.check(f"{lit(TD)}.topk({k})[1]", s.indices[:, :k], **EXACT)
    nb.check(f"{lit(TD)}.kthvalue({k})[0]", torch.kthvalue(TD, k).values, **EXACT)
    nb.check(f"{lit(TD)}.kthvalue({k})[1]", torch.sort(TD, dim=1, stable=True).indices[:, k - 1], **EXACT)
LD = L.double() + 1e-12
LD[1, ::3] += 1e-9
nb.line(f"LD = {lit(LD)}")
nb.check("LD.sort(dim=1)[0]", torch.sort(LD, dim=1, stable=True).values, **EXACT)
nb.check("LD.sort(dim=1)[1]", torch.sort(LD, dim=1, stable=True).indices, **EXACT)
nb.check("LD.sort(dim=1, descending=true)[1]", torch.sort(LD, dim=1, descending=True, stable=True).indices, **EXACT)
nb.check("LD.topk(20, dim=1)[0]", torch.topk(LD, 20, dim=1).values, **EXACT)
nb.check("LD.topk(20, dim=1, largest=false)[1]", torch.sort(LD, dim=1, stable=True).indices[:, :20], **EXACT)
# Gradients of sort / topk / kthvalue (float64 gradients).
for opname, fwd, vexpr, wshape in [("sort", lambda x: torch.sort(x, dim=0, descending=True).values, "sort(x, dim=0, descending=true)[0]", (4, 5)),
                                   ("topk", lambda x: torch.topk(x, 2, dim=1).values, "topk(x, 2, dim=1)[0]", (4, 2)),
                                   ("kthvalue", lambda x: torch.kthvalue(x, 2, dim=0).values, "kthvalue(x, 2, dim=0)[0]", (5,))]:
    for f in [lit, noncontig]:
        x = AD.clone().requires_grad_(True)
        W = torch.randn(*wshape, dtype=torch.float64)
        (fwd(x) * W).sum().backward()
        gx = leaf(AD, f)
        nb.line(f"({vexpr} * {lit(W)}).sum().backward()")
        nb.check(gx, x.grad, **EXACT)
# unique / unique_consecutive
UD = torch.tensor([2.0, nan, -1.0, nan, 2.0, 1e-12, 0.0, -0.0, 2.0 + 1e-15], dtype=torch.float64)
out, inv, cnt = torch.unique(UD, return_inverse=True, return_counts=True)
nb.check(f"unique({lit(UD)})", out, **EXACT)
nb.check(f"unique({lit(UD)}, return_inverse=true)[1]", inv, **EXACT)
nb.check(f"unique({lit(UD)}, return_counts=true)[1]", cnt, **EXACT)
out, inv, cnt = torch.unique_consecutive(UD, return_inverse=True, return_counts=True)
nb.check(f"unique_consecutive({lit(UD)})", out, **EXACT)
nb.check(f"unique_consecutive({lit(UD)}, return_inverse=true, return_counts=true)[2]", cnt, **EXACT)
# int64 beyond 2^53 compares as int64 (a Double detour would merge these)
BIG = torch.tensor([[2**53 + 1, 1], [2**53, 1], [2**53 + 1, 1]])
nb.check(f"unique({lit(BIG)}, dim=0)", torch.unique(BIG, dim=0), **EXACT)
nb.check(f"unique({lit(BIG)}, dim=0, return_counts=true)[1]", torch.unique(BIG, dim=0, return_counts=True)[1], **EXACT)
nb.check(f"unique_consecutive({lit(BIG[:, 0])})", torch.unique_consecutive(BIG[:, 0]), **EXACT)
nb.check(f"unique({lit(BIG[:, 0])})", torch.unique(BIG[:, 0]), **EXACT)
DD = D.double() + 1e-13
for f in [lit, noncontig]:
    nb.check(f"unique({f(DD)}, dim=1)", torch.unique(DD, dim=1), **EXACT)
    nb.check(f"unique({f(DD)}, dim=0, return_counts=true)[1]", torch.unique(DD, dim=0, return_counts=True)[1], **EXACT)
# masked_select, index ops, take, take_along_dim
GD = torch.tensor([[0, 4, 4], [1, 0, 3], [2, 2, 2], [3, 1, 0]])
for f in [lit, noncontig]:
    nb.check(f"masked_select({f(AD)}, {lit(M)})", torch.masked_select(AD, M), **EXACT)
    for dim in [0, 1]:
        nb.check(f"index_select({f(AD)}, {dim}, {lit(idx)})", torch.index_select(AD, dim, idx), **EXACT)
        src = torch.randn(*(AD.shape[:dim] + (3,) + AD.shape[dim + 1:]), dtype=torch.float64)
        nb.check(f"{f(AD)}.index_add({dim}, {lit(idx)}, {f(src)}, alpha=0.1)", AD.index_add(dim, idx, src, alpha=0.1), **F64)
        nb.check(f"{f(AD)}.index_fill({dim}, {lit(torch.tensor([0, -1]))}, 0.1)", AD.index_fill(dim, torch.tensor([0, -1]), 0.1), **EXACT)
        nb.check(f"{f(AD)}.index_copy({dim}, {lit(torch.tensor([3, 0, 1]))}, {f(src)})", AD.index_copy(dim, torch.tensor([3, 0, 1]), src), **EXACT)
    nb.check(f"take({f(AD)}, {lit(torch.tensor([[0, -1], [7, 14]]))})", torch.take(AD, torch.tensor([[0, -1], [7, 14]])), **EXACT)
    nb.check(f"take_along_dim({f(AD)}, {lit(GD)}, 1)", torch.take_along_dim(AD, GD, 1), **EXACT)
    nb.check(f"take_along_dim({f(AD)}, {f(AD.argsort(dim=0))}, 0)", torch.take_along_dim(AD, AD.argsort(dim=0), 0), **EXACT)
for op in ["masked_select", "index_add", "index_copy", "index_fill", "take", "take_along_dim"]:
    x = AD.clone().requires_grad_(True)
    s = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    calls = {"masked_select": (lambda: torch.masked_select(x, M), f"masked_select(x, {lit(M)})"),
             "index_add": (lambda: x.index_add(1, rep, s, alpha=-0.1), f"index_add(x, 1, {lit(rep)}, s, alpha=-0.1)"),
             "index_copy": (lambda: x.index_copy(1, rep, s), f"index_copy(x, 1, {lit(rep)}, s)"),
             "index_fill": (lambda: x.index_fill(1, rep, 3.0), f"index_fill(x, 1, {lit(rep)}, 3.0)"),
             "take": (lambda: torch.take(x, TI), f"take(x, {lit(TI)})"),
             "take_along_dim": (lambda: torch.take_along_dim(x, GD, 1), f"take_along_dim(x, {lit(GD)}, 1)")}
    fwd, code = calls[op]
    y = fwd()
    W = torch.randn(*y.shape, dtype=torch.float64)
    (y * W).sum().backward()
    gx = leaf(AD, noncontig)
    nb.line(f"s = {lit(s, requires_grad=True)}")
    nb.line(f"({code} * {lit(W)}).sum().backward()")
    nb.check(gx, x.grad, **F64)
    if s.grad is not None:
        nb.check("s.grad", s.grad, **F64)
# scatter / scatter_add / scatter_reduce, values and gradients
XD = torch.randn(3, 5, dtype=torch.float64)
SD = torch.randn(2, 5, dtype=torch.float64)
for f in [lit, noncontig]:
    nb.check(f"scatter({f(XD)}, 1, {lit(IDX)}, {f(SD)})", torch.scatter(XD, 1, IDX, SD), **EXACT)
    nb.check(f"{f(XD)}.scatter(0, {lit(IDX)}, 0.1)", XD.scatter(0, IDX, 0.1), **EXACT)
    nb.check(f"{f(XD)}.scatter(0, {lit(IDX)}, {f(SD)}, reduce=\"multiply\")", XD.scatter(0, IDX, SD, reduce="multiply"), **F64)
    nb.check(f"scatter_add({f(XD)}, 0, {lit(IDX)}, {f(SD)})", torch.scatter_add(XD, 0, IDX, SD), **F64)
RXD = RX.double() + 1e-10
RSD = RS.double() * (1 + 1e-12)
GXD, GSD = GX.double(), GS.double()
for red in ["sum", "prod", "mean", "amax", "amin"]:
    for inc in [True, False]:
        it = "true" if inc else "false"
        nb.check(f"scatter_reduce({lit(RXD)}, 0, {lit(RI)}, {lit(RSD)}, \"{red}\", include_self={it})",
                 torch.scatter_reduce(RXD, 0, RI, RSD, red, include_self=inc), **F64)
        x = GXD.clone().requires_grad_(True)
        s = GSD.clone().requires_grad_(True)
        W = GW.double() + 1e-11
        (torch.scatter_reduce(x, 0, RI, s, red, include_self=inc) * W).sum().backward()
        gx = leaf(GXD, lit)
        nb.line(f"s = {lit(GSD, requires_grad=True)}")
        nb.line(f"(scatter_reduce(x, 0, {lit(RI)}, s, \"{red}\", include_self={it}) * {lit(W)}).sum().backward()")
        nb.check(gx, x.grad, **F64)
        nb.check("s.grad", s.grad, **F64)
for f in [lit, noncontig]:
    x = XD.clone().requires_grad_(True)
    s = SD.clone().requires_grad_(True)
    W = torch.randn(3, 5, dtype=torch.float64)
    (torch.scatter(x, 0, IDX5, s) * W).sum().backward()
    gx = leaf(XD, f)
    nb.line(f"s = {lit(SD, requires_grad=True)}")
    nb.line(f"(scatter(x, 0, {lit(IDX5)}, s) * {lit(W)}).sum().backward()")
    nb.check(gx, x.grad, **EXACT)
    nb.check("s.grad", s.grad, **EXACT)
    x.grad = None
    (x.scatter(1, IDX, 2.0) * W).sum().backward()
    gx = leaf(XD, f)
    nb.line(f"(x.scatter(1, {lit(IDX)}, 2.0) * {lit(W)}).sum().backward()")
    nb.check(gx, x.grad, **EXACT)
    x.grad = None
    s.grad = None
    (torch.scatter_add(x, 0, IDX5, s) * W).sum().backward()
    gx = leaf(XD, f)
    nb.line(f"s = {lit(SD, requires_grad=True)}")
    nb.line(f"(scatter_add(x, 0, {lit(IDX5)}, s) * {lit(W)}).sum().backward()")
    nb.check(gx, x.grad, **EXACT)
    nb.check("s.grad", s.grad, **EXACT)
# searchsorted / bucketize: float64 sequences and values (promotion to float64), out_int32
SEQD = SEQ.double() + torch.tensor([0, 1e-12, 2e-12, 0, 0, 1e-12, 0], dtype=torch.float64)
VALD = torch.tensor([[1e-12, 0.0, 1.5, 3.0 + 1e-12], [3.0, inf, nan, -inf]], dtype=torch.float64)
for f in [lit, noncontig]:
    for right in [False, True]:
        r = "true" if right else "false"
        nb.check(f"searchsorted({lit(SEQD)}, {f(VALD)}, right={r})", torch.searchsorted(SEQD, VALD, right=right), **EXACT)
        nb.check(f"bucketize({f(VALD)}, {lit(SEQD)}, right={r})", torch.bucketize(VALD, SEQD, right=right), **EXACT)
nb.check(f"searchsorted({lit(SEQ)}, {lit(VALD)})", torch.searchsorted(SEQ, VALD), **EXACT)
nb.check(f"searchsorted({lit(SEQD)}, {lit(VAL)})", torch.searchsorted(SEQD, VAL), **EXACT)
nb.check(f"searchsorted({lit(SI2)}, {lit(torch.tensor([3.5, 3.0], dtype=torch.float64))})",
         torch.searchsorted(SI2, torch.tensor([3.5, 3.0], dtype=torch.float64)), **EXACT)
nb.check(f"searchsorted({lit(SEQD)}, {lit(VALD)}, out_int32=true)", torch.searchsorted(SEQD, VALD, out_int32=True), **EXACT)
nb.check(f"bucketize({lit(VALD)}, {lit(SEQD)}, out_int32=true, right=true)", torch.bucketize(VALD, SEQD, out_int32=True, right=True), **EXACT)
nb.check(f"searchsorted({lit(SI2)}, {lit(torch.tensor([3, 9]))}, out_int32=true)", torch.searchsorted(SI2, torch.tensor([3, 9]), out_int32=True), **EXACT)
# bincount: float64 weights sum in float64; integer and bool weights too (PyTorch's rule)
for w in [CW.double() + 1e-12, torch.tensor([1, 2, 3, -4, 5, 6]), torch.tensor([True, False, True, True, False, True])]:
    nb.check(f"bincount({lit(C)}, weights={lit(w)})", torch.bincount(C, weights=w), **F64)
    nb.check(f"bincount({noncontig(C)}, weights={noncontig(w)}, minlength=10)", torch.bincount(C, weights=w, minlength=10), **F64)
for dt in [torch.int32, torch.uint8]:
    nb.check(f"bincount({lit(C.to(dt))})", torch.bincount(C.to(dt)), **EXACT)
# histc in float64: edges of float64 linspace
HD = H.double()
HD[1] = 0.1 + 1e-12
for bins, lo, hi in [(4, 0, 1), (10, -1, 2), (7, 0.1, 0.3)]:
    nb.check(f"histc({lit(HD)}, bins={bins}, min={lo}, max={hi})", torch.histc(HD, bins=bins, min=lo, max=hi), **EXACT)
RD = torch.randn(200, dtype=torch.float64)
for f in [lit, noncontig]:
    nb.check(f"histc({f(RD)}, bins=13)", torch.histc(RD, bins=13), **EXACT)
nb.check(f"histc({lit(torch.tensor([2.0, 2.0], dtype=torch.float64))}, bins=4)", torch.histc(torch.tensor([2.0, 2.0], dtype=torch.float64), bins=4), **EXACT)

nb.comment("float16 / bfloat16: computed in float32, results in the input's dtype (as PyTorch on the CPU)")
for dt in [torch.float16, torch.bfloat16]:
    TH = torch.tensor([[1.5, nan, -0.0, 2.0, 0.0, 1.5], [inf, -inf, 0.25, 0.25, nan, -2.0]]).to(dt)
    for desc in [False, True]:
        r = torch.sort(TH, dim=1, descending=desc, stable=True)
        nb.check(f"sort({lit(TH)}, descending={'true' if desc else 'false'})[0]", r.values, **EXACT)
        nb.check(f"sort({lit(TH)}, descending={'true' if desc else 'false'})[1]", r.indices, **EXACT)
    nb.check(f"topk({lit(TH)}, 2)[0]", torch.topk(TH, 2).values, **EXACT)
    nb.check(f"kthvalue({lit(TH)}, 3)[0]", torch.kthvalue(TH, 3).values, **EXACT)
    nb.check(f"unique({lit(TH)})", torch.unique(TH), **EXACT)
    nb.check(f"histc({lit(TH)}, bins=4, min=-2, max=2)", torch.histc(TH, bins=4, min=-2, max=2), **EXACT)
    XH, SH = X.to(dt), SRC.to(dt)
    # Values and sums here are exact in half, so one rounding (vis) and PyTorch's agree.
    XH4, SH4 = (X * 4).round().to(dt), (SRC * 4).round().to(dt)
    nb.check(f"scatter({noncontig(XH)}, 1, {lit(IDX)}, {lit(SH)})", torch.scatter(XH, 1, IDX, SH), **EXACT)
    nb.check(f"{lit(XH)}.scatter(0, {lit(IDX)}, 0.5)", XH.scatter(0, IDX, 0.5), **EXACT)
    nb.check(f"scatter_add({lit(XH4)}, 0, {lit(IDX)}, {lit(SH4)})", torch.scatter_add(XH4, 0, IDX, SH4), **EXACT)
    for red in ["sum", "amax", "amin"]:
        nb.check(f"scatter_reduce({lit(XH4)}, 1, {lit(IDX)}, {lit(SH4)}, \"{red}\")", torch.scatter_reduce(XH4, 1, IDX, SH4, red), **EXACT)
    SRC3 = (torch.randn(3, 2) * 4).round().to(dt)
    nb.check(f"{lit(XH4)}.index_add(1, {lit(torch.tensor([4, 0]))}, {lit(SRC3)})", XH4.index_add(1, torch.tensor([4, 0]), SRC3), **EXACT)
    nb.check(f"{lit(XH)}.index_copy(1, {lit(torch.tensor([4, 0]))}, {lit(SRC3)})", XH.index_copy(1, torch.tensor([4, 0]), SRC3), **EXACT)
    nb.check(f"{lit(XH)}.index_fill(1, {lit(torch.tensor([4, 0]))}, 0.25)", XH.index_fill(1, torch.tensor([4, 0]), 0.25), **EXACT)
    nb.check(f"searchsorted({lit(torch.tensor([0.5, 1.0, 2.0]).to(dt))}, {lit(XH4)})", torch.searchsorted(torch.tensor([0.5, 1.0, 2.0]).to(dt), XH4), **EXACT)
    nb.check(f"bincount({lit(C)}, weights={lit(CW.to(dt))})", torch.bincount(C, weights=CW.to(dt)), **F64)

nb.comment("errors: calls PyTorch refuses, which vis refuses too (vis's own words)")


def both_refuse(code, torch_call, message):
    """`code` must fail in vis with `message`; `torch_call` checks PyTorch fails too."""
    try:
        torch_call()
    except (RuntimeError, IndexError, ValueError, TypeError, NotImplementedError):
        nb.error(code, message + " ...")
        return
    raise AssertionError(f"PyTorch accepts what vis refuses: {code}")


V5 = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
both_refuse(f"topk({lit(V5)}, 6)", lambda: torch.topk(V5, 6), "topk: k (6) is out of range for dimension -1 of size 5")
both_refuse(f"kthvalue({lit(V5)}, 0)", lambda: torch.kthvalue(V5, 0), "kthvalue: k (0) is out of range for dimension -1 of size 5 (expected 1...5)")
both_refuse(f"sort({lit(V5)}, dim=1)", lambda: torch.sort(V5, dim=1), "sort: dimension 1 is out of range for a tensor with 1 dimension (expected -1...0)")
both_refuse(f"masked_select({lit(V5)}, {lit(torch.tensor([1, 0, 1, 0, 1]))})",
            lambda: torch.masked_select(V5, torch.tensor([1, 0, 1, 0, 1])), "masked_select: expected a bool mask, got int64")
both_refuse(f"index_select({lit(V5)}, 0, {lit(torch.tensor([5]))})", lambda: torch.index_select(V5, 0, torch.tensor([5])),
            "index_select: index 5 is out of range for dimension of size 5")
both_refuse(f"index_select({lit(V5)}, 0, {lit(torch.tensor([-1]))})", lambda: torch.index_select(V5, 0, torch.tensor([-1])),
            "index_select: index -1 is out of range for dimension of size 5")
both_refuse(f"{lit(V5)}.index_add(0, {lit(torch.tensor([0, 1]))}, {lit(torch.ones(3))})",
            lambda: V5.index_add(0, torch.tensor([0, 1]), torch.ones(3)),
            "index_add: source has shape [3] but must be [2]: the tensor's shape with dimension 0 the index's length (2)")
both_refuse(f"{lit(V5)}.index_copy(0, {lit(torch.tensor([-1]))}, {lit(torch.ones(1))})",
            lambda: V5.index_copy(0, torch.tensor([-1]), torch.ones(1)), "index_copy: index -1 is out of range for dimension of size 5")
both_refuse(f"scatter({lit(X)}, 0, {lit(torch.tensor([[0, 3]]))}, {lit(SRC)})", lambda: torch.scatter(X, 0, torch.tensor([[0, 3]]), SRC),
            "scatter: index 3 is out of bounds for dimension 0 with size 3")
both_refuse(f"scatter({lit(X)}, 0, {lit(torch.tensor([[0, 1, 0, 1, 0, 1]]))}, {lit(SRC)})",
            lambda: torch.scatter(X, 0, torch.tensor([[0, 1, 0, 1, 0, 1]]), SRC),
            "scatter: index shape [1, 6] must be no larger than the tensor's [3, 5] apart from dimension 0 and no larger than src's [2, 5]")
both_refuse(f"scatter_reduce({lit(V5)}, 0, {lit(torch.tensor([0]))}, {lit(torch.ones(1))}, \"add\")",
            lambda: torch.scatter_reduce(V5, 0, torch.tensor([0]), torch.ones(1), "add"),
            "scatter_reduce: reduce must be one of \"sum\", \"prod\", \"mean\", \"amax\", \"amin\", got \"add\"")
both_refuse(f"take({lit(V5)}, {lit(torch.tensor([5]))})", lambda: torch.take(V5, torch.tensor([5])),
            "take: index 5 is out of range for a tensor of 5 elements")
both_refuse(f"take_along_dim({lit(V5)}, {lit(torch.tensor([-1]))})", lambda: torch.take_along_dim(V5, torch.tensor([-1])),
            "gather: index -1 is out of bounds for dimension 0 with size 5")
both_refuse(f"bincount({lit(torch.tensor([0, -1]))})", lambda: torch.bincount(torch.tensor([0, -1])),
            "bincount: only supports non-negative inputs, got -1")
both_refuse(f"bincount({lit(V5)})", lambda: torch.bincount(V5), "bincount: only supports 1-d non-negative integer inputs, got float32 of shape [5]")
both_refuse(f"histc({lit(V5)}, bins=0)", lambda: torch.histc(V5, bins=0), "histc: bins must be > 0, got 0")
both_refuse(f"histc({lit(V5)}, bins=3, min=3, max=1)", lambda: torch.histc(V5, bins=3, min=3, max=1),
            "histc: max must be larger than min, got min 3.0 and max 1.0")
both_refuse(f"searchsorted({lit(V5)}, {lit(V5)}, side=\"left\", right=true)", lambda: torch.searchsorted(V5, V5, side="left", right=True),
            "searchsorted: side=\"left\" and right=true contradict each other")
both_refuse(f"unique({lit(torch.tensor(1.0))}, dim=0)", lambda: torch.unique(torch.tensor(1.0), dim=0),
            "unique: dim 0 needs a tensor with at least 1 dimension, got a 0-d tensor")

nb.write()
print(f"wrote {nb.path}: {sum(1 for l in nb.lines if l.startswith('torch.testing'))} checks")
