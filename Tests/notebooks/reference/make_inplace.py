"""Writes inplace.vis: PyTorch's in-place ops and writes into the autograd graph,
checked against PyTorch (run with a Python that has torch: python make_inplace.py).

Each case is a few statements written once and run twice: here by PyTorch, and in the
notebook by vis (True/False/None become true/false/none), so both run the same program.
Tensors named in a case's environment are made from the same values: `lit` (contiguous),
`nc` (a non-contiguous view of the same values, see torchref.noncontig) or `grad` (a
leaf with requires_grad=true). Every check compares a vis expression with PyTorch's
value, shape and dtype.

Tolerance: rtol=1e-5, atol=1e-6 for float32 results. Both sides compute in float32, but
exp, log, tanh, sigmoid and pow may round differently in the last bit or two (vis calls
the platform's libm, PyTorch its own vectorised kernels), and gradients chain a few such
values; 1e-5 relative is ~80 float32 ulps, far below any real error. Integer and bool
results are compared exactly.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torchref  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6
HERE = os.path.dirname(os.path.abspath(__file__))
nb = torchref.Notebook(os.path.join(HERE, "inplace.vis"), "In-place ops and writes into the autograd graph, against PyTorch",
                       "make_inplace.py")


def noncontig_torch(t):
    """The same non-contiguous layout torchref.noncontig gives in vis."""
    if t.dim() >= 2:
        return t.transpose(-1, -2).contiguous().transpose(-1, -2)
    if t.dim() == 1:
        return torch.stack([t, torch.zeros_like(t)], 1).flatten()[::2]
    return t.clone()


def vis_code(line):
    line = line.replace("True", "true").replace("False", "false").replace("None", "none")
    if line.startswith("with ") and ": " in line:  # a one-line Python with -> vis's braces
        head, body = line.split(": ", 1)
        line = f"{head} {{ {body} }}"
    return line


def case(title, env, code, checks):
    """Runs `code` (a list of statements) in PyTorch and writes it for vis, then checks
    each expression of `checks` (evaluated after the code) in both."""
    nb.comment(title)
    ns = {"torch": torch}
    for name, (kind, t) in env.items():
        if kind == "grad":
            ns[name] = t.clone().requires_grad_(True)
            nb.line(f"{name} = {torchref.lit(t, requires_grad=True)}")
        elif kind == "nc":
            ns[name] = noncontig_torch(t.clone())
            nb.line(f"{name} = {torchref.noncontig(t)}")
        else:
            ns[name] = t.clone()
            nb.line(f"{name} = {torchref.lit(t)}")
    for line in code:
        exec(line, ns)
        nb.line(vis_code(line))
    for expr in checks:
        value = eval(expr, ns)
        if isinstance(value, torch.Tensor):
            value = value.detach()
        else:
            raise TypeError(f"{expr} is not a tensor")
        if value.dtype.is_floating_point:
            nb.check(vis_code(expr), value, rtol=RTOL, atol=ATOL)
        else:
            nb.check(vis_code(expr), value)


torch.manual_seed(16)
A = torch.randn(3, 4)
B = torch.randn(3, 4)
P = torch.rand(3, 4) + 0.5          # positive, for log, sqrt, pow and division
W = torch.randn(3, 4)               # weights of the weighted sums whose gradients are checked
R = torch.randn(4)
I = torch.tensor([[1, -2, 3, 4], [5, 6, -7, 8], [9, 10, 11, -12]])
SPECIAL = torch.tensor([float("nan"), float("inf"), -float("inf"), 0.0, -1.5, 2.5])

# ---------------------------------------------------------------- values
for kind in ("lit", "nc"):
    layout = "contiguous" if kind == "lit" else "non-contiguous (transposed view)"
    case(f"add_ sub_ mul_ div_ on a {layout} tensor, with alpha and broadcasting",
         {"x": (kind, A), "y": ("lit", B), "r": ("lit", R)},
         ["x.add_(y)", "x.sub_(r, alpha=2)", "x.mul_(r)", "x.div_(y.abs() + 1)", "x.add_(1.5, alpha=2)", "x.mul_(-0.5)"],
         ["x"])
    case(f"unary in-place ops on a {layout} tensor",
         {"p": (kind, P), "a": (kind, A)},
         ["p.log_()", "p.exp_()", "p.sqrt_()", "a.abs_()", "a.neg_()", "a.sigmoid_()", "a.mul_(3).tanh_()"],
         ["p", "a"])
    case(f"clamp_, clip_, relu_, pow_ and masked_fill_ on a {layout} tensor",
         {"a": (kind, A), "b": (kind, B), "p": (kind, P)},
         ["a.clamp_(-0.5, 0.5)", "b.clip_(min=0)", "p.pow_(2.5)", "c = b.clone()", "c.relu_()",
          "d = p.clone()", "d.masked_fill_(d > 2, -1.0)"],
         ["a", "b", "p", "c", "d"])

case("values at the edges: NaN and infinity through add_, mul_, clamp_ and fill_",
     {"s": ("lit", SPECIAL), "t": ("lit", SPECIAL)},
     ["s.add_(1)", "s.mul_(2)", "t.clamp_(-1, 1)", "u = s.clone()", "u.fill_(float('nan'))"],
     ["s", "t", "u"])
case("size-0 and size-1 dimensions",
     {"e": ("lit", torch.zeros(0, 3)), "o": ("lit", torch.ones(1, 4)), "r": ("lit", R)},
     ["e.add_(1)", "e.mul_(torch.ones(3))", "o.add_(r)", "o.mul_(o)"],
     ["e", "o"])
case("integer and bool tensors keep their dtype",
     {"i": ("lit", I), "j": ("lit", I), "k": ("lit", I), "f": ("lit", A)},
     ["i.add_(2)", "i.mul_(j)", "i.sub_(j, alpha=3)", "k.abs_()", "k.neg_()", "f.add_(j)", "f.mul_(2)"],
     ["i", "k", "f"])
case("zero_, fill_ and copy_ (broadcast, converted to the destination's dtype)",
     {"a": ("lit", A), "b": ("nc", B), "f": ("lit", B), "i": ("lit", I), "r": ("lit", R)},
     ["a.zero_()", "b.fill_(2.5)", "c = torch.zeros(3, 4)", "c.copy_(r)", "i.copy_(f * 3)", "n = torch.zeros(2, 4)",
      "n.copy_(r.t())"],
     ["a", "b", "c", "i", "n"])
case("writing through views and subscripts: every view of the memory sees it",
     {"a": ("lit", A), "r": ("lit", R), "rows": ("lit", torch.tensor([0, 2])), "cols": ("lit", torch.tensor([1, 1])),
      "vals": ("lit", torch.tensor([7.0, 8.0]))},
     ["v = a[1]", "v.mul_(10)", "a[:, 0] = -1.0", "a[2] = r", "t = a.t()", "t[3].zero_()", "a[a > 5] = 5.0",
      "a[rows, cols] = vals"],
     ["a", "v", "t"])
case("x += y and x *= y update the tensor in place: other names see it",
     {"a": ("lit", A), "b": ("lit", B), "i": ("lit", I)},
     ["alias = a", "a += b", "a *= 2", "a -= 1", "a /= 4", "i += 1", "i *= 3"],
     ["alias", "a", "i"])

# ---------------------------------------------------------------- gradients
case("gradient through an in-place op on a non-leaf: y = x * 2; y.add_(1)",
     {"x": ("grad", A), "w": ("lit", W)},
     ["y = x * 2", "y.add_(1)", "(y * w).sum().backward()"],
     ["x.grad", "y"])
case("gradient of mul_, div_ and pow_ by tensors that require grad (self's old values are kept)",
     {"x": ("grad", P), "z": ("grad", B), "q": ("grad", P.flip(0)), "w": ("lit", W)},
     ["y = x * 1", "y.mul_(z)", "y.div_(q)", "y.pow_(2)", "(y * w).sum().backward()"],
     ["x.grad", "z.grad", "q.grad"])
case("gradient of unary in-place ops: exp_, sigmoid_, tanh_, sqrt_, log_, clamp_, relu_, abs_, neg_",
     {"x": ("grad", A), "p": ("grad", P), "w": ("lit", W)},
     ["a = x * 1", "a.sigmoid_()", "b = x * 1", "b.tanh_()", "c = x * 0.5", "c.exp_()", "d = p * 1", "d.sqrt_()",
      "e = p * 1", "e.log_()", "f = x * 2", "f.clamp_(-1, 1)", "g = x * 1", "g.relu_()", "h = x * 1", "h.abs_().neg_()",
      "((a + b + c + f + g + h) * w).sum().backward()", "((d + e) * w).sum().backward()"],
     ["x.grad", "p.grad"])
case("an op recorded before the write still uses the old history: a = y * 3; y.mul_(2)",
     {"x": ("grad", A), "w": ("lit", W)},
     ["y = x * 2", "a = y * 3", "y.mul_(2)", "(a * w).sum().backward()"],
     ["x.grad"])
case("x += y on tensors in the graph is recorded",
     {"x": ("grad", A), "z": ("grad", B), "w": ("lit", W)},
     ["y = x * 2", "y += z", "y *= x", "y -= 1", "(y * w).sum().backward()"],
     ["x.grad", "z.grad"])
case("writing into a graph tensor with setitem (CopySlices): the overwritten elements get no gradient",
     {"x": ("grad", A), "w": ("lit", W)},
     ["y = x * 2", "y[0] = 5.0", "y[:, 1] = 0.0", "y[y > 1] = -1.0", "(y * w).sum().backward()"],
     ["x.grad", "y"])
case("in-place ops on views of a graph tensor: y[:, 1].mul_(2), y[1:].exp_()",
     {"x": ("grad", A), "w": ("lit", W)},
     ["y = x * 1", "y.t()[0].add_(1)", "y[:, 1].mul_(2)", "y[1:].exp_()", "(y * w).sum().backward()"],
     ["x.grad", "y"])
case("a view taken before its base was written follows the new base",
     {"x": ("grad", A), "w": ("lit", W)},
     ["y = x * 2", "v = y[1]", "y.mul_(3)", "(v * w[0]).sum().backward()"],
     ["x.grad", "v"])
case("writing a value that requires grad into a plain tensor makes it part of the graph",
     {"p": ("grad", R), "q": ("grad", R.flip(0)), "w": ("lit", W)},
     ["buf = torch.zeros(3, 4)", "buf[0] = p * 2", "buf[1, 1:] = q[:3]", "buf[2].copy_(p.exp())",
      "(buf * w).sum().backward()"],
     ["p.grad", "q.grad", "buf"])
case("advanced-index writes in the graph: duplicates (last write wins) and accumulate",
     {"x": ("grad", A), "p": ("grad", R), "w": ("lit", W), "i02": ("lit", torch.tensor([0, 2])),
      "i11": ("lit", torch.tensor([1, 1])), "i03": ("lit", torch.tensor([0, 3])), "i00": ("lit", torch.tensor([0, 0]))},
     ["y = x * 1", "y[i02] = p * 3", "y[i11, i03] = p[:2]",
      "z = x * 1", "z.index_put_((i00,), p, accumulate=True)",
      "(y * w).sum().backward()", "(z * w).sum().backward()"],
     ["x.grad", "p.grad", "y", "z"])
case("copy_ and fill_ from values that require grad; masked_fill_ on a graph tensor",
     {"x": ("grad", A), "s": ("grad", torch.tensor(1.5)), "r": ("grad", R), "w": ("lit", W)},
     ["a = torch.zeros(3, 4)", "a.copy_(r * 2)", "b = torch.ones(3, 4)", "b.fill_(s * s)", "c = x * 1",
      "c.masked_fill_(c > 0, 0.25)", "((a + b + c) * w).sum().backward()"],
     ["x.grad", "s.grad", "r.grad"])
case("in-place updates inside no_grad leave the history alone (an optimizer step)",
     {"x": ("grad", A), "w": ("lit", W)},
     ["y = x + 1", "with torch.no_grad(): x.mul_(0.5)", "(y * w).sum().backward()"],
     ["x.grad", "x"])

nb.write()
print(f"wrote {nb.path}")
