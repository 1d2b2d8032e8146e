"""PyTorch's figures for the lines of Sources/vis/BenchShape.swift (`vis bench tensor`):
einsum "bij,bjk->bik" against bmm, same shapes, same method (best of 3 medians of 7).
Run: /work/torchenv/bin/python scripts/reference/bench_shape_pytorch.py"""
import time

import torch


def median_time(fn, repeats=7):
    fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return samples[len(samples) // 2]


def line(name, value):
    print(name.ljust(44) + value, flush=True)


torch.manual_seed(0)
for batch, n in [(32, 128), (256, 32)]:
    x, y = torch.randn(batch, n, n), torch.randn(batch, n, n)
    bmm = einsum = float("inf")
    for _ in range(3):
        bmm = min(bmm, median_time(lambda: torch.bmm(x, y)))
        einsum = min(einsum, median_time(lambda: torch.einsum("bij,bjk->bik", x, y)))
    line(f"bmm {batch}x{n}x{n}", f"{bmm * 1e3:8.3f} ms")
    line(f"einsum bij,bjk->bik {batch}x{n}x{n}", f"{einsum * 1e3:8.3f} ms  ({einsum / bmm:.2f}x bmm)")
