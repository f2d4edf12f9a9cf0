"""Sweep throughput: serial vs a 2-worker Dask cluster (python -m benchmarks.sweeps).

For a short run (sealed-bid, 50 steps) and a long one (sealed-bid, 12,000 steps, about 1 s)
it times, interleaved in each of ``REPEATS`` rounds so that the machine's drift hits them
alike:

* ``bare``     the same runs done one after another with ``experiments.runner.run``;
* ``serial``   ``sweep(...)`` in this process (workers=1);
* ``ceiling``  the bare runs in a plain 2-process ``multiprocessing`` pool: what two cores
               of this machine give with no sweep machinery at all;
* ``dask``     ``sweep(..., scheduler=...)`` on a running cluster of one scheduler and two
               single-threaded worker processes (``dask scheduler`` / ``dask worker``) started
               with ``experiments.sweeps.WORKER_CONFIG``, as a LocalCluster of a sweep is;
* ``defaults`` the same on a cluster with Dask's default worker settings (the statistical
               profiler alone off, as before WORKER_CONFIG), for the comparison.

Each cluster is started for its timing and stopped after it (start-up and a warm-up sweep not
timed), so no idle cluster's housekeeping runs beside another timing. It prints the best round
of each (this shared machine's speed drifts by 20 % and more), the speed-ups over ``bare``,
the parallel efficiency (speed-up / 2) and the per-run overhead of the sweep machinery (a
worker's time per run minus a bare run's); a cluster's start-up and a LocalCluster's
(``--workers 2``) are printed apart.
"""

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

from testkit.browser import free_port
from experiments.runner import run
from experiments.sweeps import plan, sweep, worker_environment

CASES = (("short", 50, 600), ("long", 12_000, 10))  # name, steps per run, runs
GRID = {"bidders": [4], "rule": ["first", "second"]}
REPEATS = 5
BIN = Path(sys.executable).parent


def bare_run(r) -> None:
    run(r.scenario, steps=r.steps, seed=r.seed, **r.point)


def seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def start_cluster(workers: int = 2, tuned: bool = True) -> tuple[str, list[subprocess.Popen]]:
    """A scheduler and ``workers`` single-threaded workers on loopback, as on a real cluster:
    with the worker settings of a sweep's LocalCluster (``tuned``), or Dask's defaults but
    for the statistical profiler."""
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {**os.environ, **(worker_environment() if tuned else {"DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"})}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    procs = [subprocess.Popen([BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port",
                               address.rsplit(":", 1)[1], "--no-dashboard"], **quiet)]
    procs += [subprocess.Popen([BIN / "dask", "worker", address, "--nthreads", "1", "--no-dashboard"], **quiet)
              for _ in range(workers)]
    from dask.distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(workers, timeout=60)
    return address, procs


def on_cluster(tuned: bool, steps: int, runs: int) -> float:
    """Seconds of one sweep on a cluster started for it (start-up and a warm-up sweep, which
    loads the scenario on the workers, not timed) and stopped afterwards, so that no idle
    cluster's housekeeping runs beside another's timing."""
    address, procs = start_cluster(tuned=tuned)
    try:
        sweep("sealed-bid", GRID, seeds=2, steps=5, scheduler=address)
        return seconds(lambda: sweep("sealed-bid", GRID, seeds=runs // 2, steps=steps, scheduler=address))
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()


def measure(name: str, steps: int, runs: int, pool) -> None:
    todo = plan("sealed-bid", GRID, runs // 2, steps)
    work = {
        "bare": lambda: seconds(lambda: [bare_run(r) for r in todo]),
        "serial": lambda: seconds(lambda: sweep("sealed-bid", GRID, seeds=runs // 2, steps=steps)),
        "ceiling": lambda: seconds(lambda: pool.map(bare_run, todo, chunksize=max(1, runs // 20))),
        "dask": lambda: on_cluster(True, steps, runs),
        "defaults": lambda: on_cluster(False, steps, runs),
    }
    times: dict[str, list[float]] = {k: [] for k in work}
    for _ in range(REPEATS):
        for key, job in work.items():
            times[key].append(job())
    t = {k: min(v) for k, v in times.items()}  # the least disturbed round (as timeit advises)
    speedup, ceiling = t["bare"] / t["dask"], t["bare"] / t["ceiling"]
    overhead = (2 * t["dask"] - t["bare"]) / runs
    print(f"{name:>6} {t['bare'] / runs:>7.3f} {runs / t['bare']:>9.1f} {runs / t['serial']:>9.1f} "
          f"{runs / t['dask']:>9.1f} {speedup:>8.2f}x {speedup / 2:>7.0%} {ceiling:>8.2f}x "
          f"{overhead * 1e3:>9.1f} ms {(t['serial'] - t['bare']) / runs * 1e3:>9.2f} ms "
          f"{t['bare'] / t['defaults']:>9.2f}x", flush=True)


def main() -> None:
    start = time.perf_counter()
    address, procs = start_cluster()
    print(f"scheduler + 2 worker processes (dask scheduler / dask worker) ready in "
          f"{time.perf_counter() - start:.1f} s")
    for proc in procs:
        proc.terminate()
        proc.wait()
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(bare_run, plan("sealed-bid", GRID, 2, 5))  # imports done before timing
        print(f"best of {REPEATS} interleaved rounds; speed-ups over 'bare' (runs one after another); "
              "'defaults': the speed-up on a cluster with Dask's default worker settings")
        print(f"{'run':>6} {'s/run':>7} {'bare/s':>9} {'serial/s':>9} {'dask/s':>9} {'speed-up':>9} "
              f"{'effic.':>7} {'ceiling':>9} {'overhead/run':>12} {'serial ovh':>12} {'defaults':>9}")
        for case in CASES:
            measure(*case, pool)
    from dask.distributed import LocalCluster

    start = time.perf_counter()
    LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None).close()
    print(f"a LocalCluster of 2 processes (what --workers 2 starts) takes {time.perf_counter() - start:.1f} s "
          f"to start and stop")


if __name__ == "__main__":
    main()
