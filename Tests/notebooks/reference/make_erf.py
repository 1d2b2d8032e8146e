"""Writes erf.vis: the vectorised erf / erfc / gelu kernels (Sources/VisTensor/ErfKernels.swift)
checked against PyTorch across every branch of the kernels: the polynomial |x| < 1, the
exponential tail 1 <= |x| <= 10.5 and the clamp beyond it, tiny and subnormal inputs, erfc's
subnormal results, NaN / inf, non-contiguous inputs and gradients.

Run with PyTorch installed: python make_erf.py (writes erf.vis next to this file).

Tolerances: values at rtol=2.4e-7 (2 to 4 float32 ulp, by where the value lies in its
binade: vis's erf is within 1.25 ulp of the correctly rounded result and its erfc within
0.5 ulp, PyTorch's SLEEF kernels within about 1 ulp) and atol=3e-45 (two subnormal
steps: erfc's tail is compared relatively down to float32's smallest normal, 1.2e-38 at
x = 9.2; below it the vis process flushes subnormals to zero, docs/DESIGN.md, and so
reads PyTorch's subnormal literals as 0 too);
gelu at rtol=1e-6, atol=4e-7 (PyTorch's formula x / 2 (1 + erf(x / sqrt 2)) in float32, as vis
computes it: where erf is near -1, one ulp of erf (6e-8) moves the result by |x| * 6e-8, up to
3.6e-7 for |x| <= 6, and vis's erf and PyTorch's may round to neighbouring floats); gradients at
rtol=1e-5, atol=1e-6 (libm's exp against PyTorch's).
"""
import os
import torch
import torchref
from torchref import lit, noncontig

torch.manual_seed(16)
HERE = os.path.dirname(os.path.abspath(__file__))
nb = torchref.Notebook(os.path.join(HERE, "erf.vis"), "erf, erfc and gelu kernels against PyTorch", "make_erf.py")
VAL = dict(rtol=2.4e-7, atol=3e-45)
GELU = dict(rtol=1e-6, atol=4e-7)
GRAD = dict(rtol=1e-5, atol=1e-6)
nan, inf = float("nan"), float("inf")

sets = {
    "small (|x| < 1)": torch.empty(200).uniform_(-1, 1),
    "around the split at |x| = 1": torch.tensor([0.99999994, 1.0, 1.0000001, -0.99999994, -1.0, -1.0000001, 0.9990, 1.001]),
    "tail (1 <= |x| <= 4)": torch.empty(200).uniform_(-4, 4),
    "erfc's far tail, subnormal results near 10": torch.linspace(4, 10.1, 120),
    "beyond the clamp": torch.tensor([10.5, 10.6, 11.0, 26.0, 1e4, 3.4e38, -10.5, -11.0, -1e4, -3.4e38]),
    "tiny and subnormal": torch.tensor([1e-45, -1e-45, 1e-40, -1e-40, 1.1754944e-38, 1e-30, -1e-20, 1e-10, 3e-8, -5e-5, 0.0, -0.0]),
    "NaN and inf": torch.tensor([nan, inf, -inf, 0.5, -nan]),
}
for title, x in sets.items():
    nb.comment(title)
    for name in ["erf", "erfc"]:
        fn = getattr(torch, name)
        nb.check(f"{name}({lit(x)})", fn(x), **VAL)
    nb.check(f"{lit(x)}.erfc()", torch.erfc(x), **VAL)

nb.comment("Non-contiguous inputs (strided views take the same kernel elementwise), 2-d and a 0-d tensor")
m = torch.empty(6, 7).uniform_(-5, 5)
for name in ["erf", "erfc"]:
    fn = getattr(torch, name)
    nb.check(f"{noncontig(m)}.{name}()", fn(m), **VAL)
    nb.check(f"{noncontig(m[0])}.{name}()", fn(m[0]), **VAL)
    nb.check(f"torch.{name}({lit(m)})", fn(m), **VAL)
    nb.check(f"{name}({lit(m[1, 2])})", fn(m[1, 2]), **VAL)
    nb.check(f"{name}(zeros(0, 3))", fn(torch.zeros(0, 3)), **VAL)
    nb.check(f"{name}({lit(torch.tensor([[-3, 0], [1, 2]]))})", fn(torch.tensor([[-3, 0], [1, 2]])), **VAL)
    nb.check(f"{name}({lit(torch.tensor([True, False]))})", fn(torch.tensor([True, False])), **VAL)

nb.comment("gelu (exact erf form, PyTorch's default) on every branch of erf(x / sqrt 2)")
g = torch.cat([torch.empty(100).uniform_(-6, 6), torch.tensor([0.0, -0.0, 1.4142135, -1.4142135, -15.0, 15.0, 1e-30, inf, -inf, nan])])
nb.check(f"gelu({lit(g)})", torch.nn.functional.gelu(g), **GELU)
nb.check(f"F.gelu({noncontig(m)})", torch.nn.functional.gelu(m), **GELU)
nb.check(f"nn.GELU()({lit(m)})", torch.nn.GELU()(m), **GELU)

nb.comment("Gradients: erf' = 2/sqrt(pi) e^(-x^2), erfc' = -erf', gelu' = Phi(x) + x phi(x)")
k = 0
for name, fn in [("erf", torch.erf), ("erfc", torch.erfc), ("gelu", torch.nn.functional.gelu)]:
    for x in [torch.empty(3, 4).uniform_(-4, 4), torch.tensor([0.0, 0.5, -1.0, 1.0, 3.0, -12.0])]:
        k += 1
        xt = x.clone().requires_grad_(True)
        w = torch.randn(x.shape)
        (fn(xt) * w).sum().backward()
        nb.line(f"x{k} = {lit(x, requires_grad=True)}")
        nb.line(f"({name}(x{k}) * {lit(w)}).sum().backward()")
        nb.check(f"x{k}.grad", xt.grad, **GRAD)
nb.write()
