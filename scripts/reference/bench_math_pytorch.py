"""PyTorch's side of MathBench (Sources/vis/BenchMath.swift): the same ops on the same
sizes, printed with the same line names, so `vis bench tensor` and this script can be
run alternately on one machine and compared line by line.

Run: /path/to/torchenv/bin/python scripts/reference/bench_math_pytorch.py
"""
import torch

from benchline import line, median_time


torch.manual_seed(0)
n = 16 << 20
x = torch.randn(n)
for name, op in [("sin", lambda: torch.sin(x)), ("erf", lambda: torch.erf(x)), ("exp2", lambda: torch.exp2(x)),
                 ("cumsum", lambda: torch.cumsum(x, 0))]:
    t = median_time(op)
    line(f"{name} 16M floats", f"{8 * n / t / 1e9:7.1f} GB/s  {t * 1e3:7.2f} ms")
m = torch.randn(4096, 4096)
t = median_time(lambda: torch.cumsum(m, 1))
line("cumsum [4096, 4096] dim 1", f"{8 * 4096 * 4096 / t / 1e9:7.1f} GB/s  {t * 1e3:7.2f} ms")
print(f"(PyTorch {torch.__version__}, {torch.get_num_threads()} threads)")
