"""PyTorch's side of the sorting and selection lines of `vis bench tensor`
(Sources/vis/BenchSelect.swift): the same ops on the same sizes, printed under the
same names, each the median of 9 timed runs after one warm-up, on the CPU with
PyTorch's default threads. Run: python scripts/reference/bench_select_pytorch.py
"""
import time

import torch


def ms(name, body, repeats=9):
    body()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        body()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    print(name.ljust(44) + "%8.2f ms" % (samples[len(samples) // 2] * 1e3), flush=True)


torch.manual_seed(0)
n = 1 << 20
x = torch.randn(n)
ints = torch.randint(-1_000_000, 1_000_000, (n,))
rows = torch.randn(1024, 1024)
ms("sort 1M float32", lambda: torch.sort(x))
ms("sort 1M float32 descending", lambda: torch.sort(x, descending=True))
ms("sort 1M int64", lambda: torch.sort(ints))
ms("sort [1024, 1024] float32 dim=-1", lambda: torch.sort(rows, dim=-1))
ms("topk 1M float32 k=100", lambda: torch.topk(x, 100))
ms("topk 1M float32 k=100000", lambda: torch.topk(x, 100_000))
ms("topk [1024, 1024] float32 k=10 dim=-1", lambda: torch.topk(rows, 10, dim=-1))
ms("kthvalue 1M float32 k=500000", lambda: torch.kthvalue(x, 500_000))
