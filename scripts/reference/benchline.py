"""What the PyTorch twins of `vis bench tensor` (bench_*_pytorch.py) share: the timing
method of Sources/vis/TensorBench.swift (median of timed runs after one warm-up) and its
line format (name padded to 44 columns), so scripts/bench-pytorch can pair the lines."""
import time


def median_time(fn, repeats=5):
    """Seconds per call of fn: the median of `repeats` timed runs after one warm-up."""
    fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return samples[len(samples) // 2]


def line(name, value):
    """One benchmark line, named as the vis line it mirrors."""
    print(name.ljust(44) + value, flush=True)
