"""PyTorch's figures for the lines of Sources/vis/BenchShape.swift (`vis bench tensor`):
einsum "bij,bjk->bik" against bmm, same shapes, same method (the two alternated call
by call, 21 rounds, each one's fastest run kept).
Run: /work/torchenv/bin/python scripts/reference/bench_shape_pytorch.py"""

import torch

from benchline import line, median_time


torch.manual_seed(0)
for batch, n in [(32, 128), (256, 32)]:
    x, y = torch.randn(batch, n, n), torch.randn(batch, n, n)
    bmm = einsum = float("inf")
    torch.bmm(x, y)
    for _ in range(21):
        bmm = min(bmm, median_time(lambda: torch.bmm(x, y), repeats=1))
        einsum = min(einsum, median_time(lambda: torch.einsum("bij,bjk->bik", x, y), repeats=1))
    line(f"bmm {batch}x{n}x{n}", f"{bmm * 1e3:8.3f} ms")
    line(f"einsum bij,bjk->bik {batch}x{n}x{n}", f"{einsum * 1e3:8.3f} ms  ({einsum / bmm:.2f}x bmm)")
