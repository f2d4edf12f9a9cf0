"""Sweep throughput: serial vs a 2-process Dask LocalCluster (python -m benchmarks.sweeps).

For a short run (sealed-bid, 50 steps) and a long one (sealed-bid, 15,000 steps, ~1 s) it
prints runs per second serially and on 2 workers, the speed-up and parallel efficiency
(speed-up / 2), and the per-run overhead of the sweep machinery: a sweep's time per run
minus the time of the same runs done with ``scenarios.runner.run`` directly. The cluster is
started before timing; its start-up is printed separately. Every figure is the best of 3.
"""

import time

from dask.distributed import Client, LocalCluster

from scenarios.runner import run
from scenarios.sweeps import plan, sweep

CASES = (("short", 50, 200), ("long", 15_000, 20))  # name, steps per run, runs


REPEATS = 3


def timed(work) -> float:
    """Best of REPEATS wall times (this shared machine's speed drifts by ~20%)."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    # Serial timings first: an open Dask Client runs an event-loop thread in this process
    # that competes for the GIL and would slow in-process runs down.
    serial = {}
    for name, steps, runs in CASES:
        grid, seeds = {"bidders": [4], "rule": ["first", "second"]}, runs // 2
        bare = timed(lambda: [run("sealed-bid", steps=r.steps, seed=r.seed, **r.point)
                              for r in plan("sealed-bid", grid, seeds, steps)])
        serial[name] = (bare, timed(lambda: sweep("sealed-bid", grid, seeds=seeds, steps=steps)))

    start = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    print(f"LocalCluster with 2 worker processes started in {time.perf_counter() - start:.2f} s")
    print(f"{'run':>6} {'s/run':>7} {'serial runs/s':>14} {'2 workers runs/s':>17} {'speed-up':>9} "
          f"{'efficiency':>10} {'overhead/run':>13}")
    with Client(cluster) as client:
        for name, steps, runs in CASES:
            grid, seeds = {"bidders": [4], "rule": ["first", "second"]}, runs // 2
            bare, in_process = serial[name]
            parallel = timed(lambda: sweep("sealed-bid", grid, seeds=seeds, steps=steps,
                                           scheduler=client.scheduler.address))
            speedup = in_process / parallel
            print(f"{name:>6} {bare / runs:>7.3f} {runs / in_process:>14.1f} {runs / parallel:>17.1f} "
                  f"{speedup:>8.2f}x {speedup / 2:>10.0%} {(2 * parallel - bare) / runs * 1e3:>10.1f} ms"
                  f"   (serial sweep overhead {(in_process - bare) / runs * 1e3:.2f} ms/run)")
    cluster.close()


if __name__ == "__main__":
    main()
