"""The benchmarks' one way of timing: the best of a few wall-clock timings (as ``timeit``
advises: the fastest is the least disturbed by the rest of the machine)."""

import time

#: Timings per figure.
REPEATS = 3


def best_time(work, repeats: int = REPEATS) -> float:
    """Shortest wall time, in seconds, of ``repeats`` calls of ``work()``."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best
