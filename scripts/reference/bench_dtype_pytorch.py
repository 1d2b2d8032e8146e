"""PyTorch's figures for the lines DTypeBench (Sources/vis/BenchDType.swift) adds to
`vis bench tensor`, with the same names: float64 matmul and float16 conversions.
Run it on the same machine, alternating with vis, never during a build:
    /path/to/torchenv/bin/python scripts/reference/bench_dtype_pytorch.py
"""
import time
import torch

from benchline import line


def best(f, repeats):
    f()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


for n in [1024, 2048]:
    a = torch.randn(n, n, dtype=torch.float64)
    b = torch.randn(n, n, dtype=torch.float64)
    t = best(lambda: a @ b, 5 if n == 1024 else 3)
    line(f"matmul float64 {n}x{n}", f"{2.0 * n ** 3 / t / 1e9:7.1f} GFLOP/s")
x = torch.randn(16 << 20)
h = x.half()
line("float32 -> float16 16M elements", f"{(6 << 24) / best(lambda: x.half(), 5) / 1e9:7.1f} GB/s")
line("float16 -> float32 16M elements", f"{(6 << 24) / best(lambda: h.float(), 5) / 1e9:7.1f} GB/s")
