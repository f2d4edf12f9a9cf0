"""Parameter sweeps: every grid point x every seed, serially or on Dask, streamed to Parquet.

``sweep("sealed-bid", grid={"bidders": [2, 4, 8]}, seeds=20, steps=1000)`` returns one row
per run: run_id, the grid values, the seed, status and error, seconds, and for every numeric
column of the scenario the ``final:<column>`` and ``mean:<column>`` over the run. Give
``out=`` to stream rows to a Parquet file as runs finish (``per_step=True`` adds a companion
``<name>.steps.parquet``), ``resume=True`` to finish an interrupted sweep, ``workers=N`` for
a Dask LocalCluster of N processes, or ``scheduler="tcp://HOST:8786"`` for a running cluster.
"""

import os
import signal
import threading
import time
import traceback
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from model.params import ParameterError
from experiments.grid import check_grid, grid_points, run_seed
from scenarios.registry import get_scenario
from experiments.runner import check_output_path, check_seed, run
from experiments.sweep_store import ResultStore


@dataclass(frozen=True)
class Run:
    """One run of a sweep: what to build and with which seed."""

    run_id: int
    scenario: str
    point: dict
    replicate: int
    seed: int
    steps: int


#: Runs a sweep may have without being confirmed (``--yes``; ``max_runs=`` in Python).
MAX_RUNS = 100_000
#: LocalCluster workers allowed per CPU core: more only queue for the same cores.
WORKERS_PER_CORE = 4
#: Seconds to reach a Dask scheduler before giving up.
CONNECT_SECONDS = 5


def plan(scenario: str, grid: dict, seeds: int, steps: int | None, base_seed: int = 0,
         paired: tuple[str, ...] = (), max_runs: int | None = MAX_RUNS) -> list[Run]:
    """All runs of a sweep, in a fixed order (checked before anything runs).

    Runs that differ only in the ``paired`` parameters share their seeds (common random
    numbers), so a comparison of, say, two allocators sees the same random world.
    """
    model_class = get_scenario(scenario)
    grid = check_grid(model_class.params, grid, scenario)
    unknown = [name for name in paired if name not in grid]
    if unknown:
        raise ParameterError(f"--paired names {', '.join(unknown)}, which the grid does not vary")
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise ParameterError(f"seeds must be a whole number >= 1; got {seeds!r}")
    steps = model_class.default_steps if steps is None else steps
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ParameterError(f"steps must be a whole number >= 1; got {steps!r}")
    check_seed(base_seed)
    points = grid_points(grid)
    total = len(points) * seeds
    if max_runs is not None and total > max_runs:
        raise ParameterError(f"the sweep has {total:,} runs ({len(points):,} grid points x {seeds:,} seeds), more "
                             f"than {max_runs:,}; shrink it, or confirm with --yes (Python: max_runs=)")
    for point in points:   # every combination must make sense, before anything runs
        model_class.validated(point, steps)
    runs = []
    for point in points:
        for replicate in range(seeds):
            seeded = {name: value for name, value in point.items() if name not in paired}
            runs.append(Run(len(runs), scenario, point, replicate, run_seed(base_seed, seeded, replicate), steps))
    return runs


def execute(run_: Run, per_step: bool = False) -> tuple[dict, pd.DataFrame | None]:
    """Run one sweep run; an exception becomes an error row, never a crash."""
    row: dict[str, Any] = {"run_id": run_.run_id, **run_.point, "replicate": run_.replicate,
                           "seed": run_.seed, "steps": run_.steps}
    start = time.perf_counter()
    try:
        frame = run(run_.scenario, steps=run_.steps, seed=run_.seed, **run_.point)
    except Exception as err:  # noqa: BLE001 - fault isolation: record and go on
        row.update(status="error", error=f"{type(err).__name__}: {err}",
                   traceback=traceback.format_exc(limit=5), seconds=time.perf_counter() - start)
        return row, None
    row.update(status="ok", error="", traceback="", seconds=time.perf_counter() - start)
    row.update(run_summary(frame))
    steps_frame = frame.assign(run_id=run_.run_id) if per_step else None
    return row, steps_frame


def run_summary(frame: pd.DataFrame) -> dict[str, float]:
    """``final:<c>`` (the last step's value) and ``mean:<c>`` (over the steps, NaN skipped)
    for every numeric column ``c`` but ``step``: the values of
    ``numeric = frame.drop(columns="step").select_dtypes("number")``, ``numeric.iloc[-1]`` and
    ``numeric.mean()``, bit for bit (the same sums in the same order: NaN put to 0, then
    numpy's pairwise sum over the column, divided by the count), in a tenth of their time,
    which for a run of a few milliseconds was a tenth of the run (benchmarks.sweeps)."""
    finals, means = {}, {}
    for name, dtype in frame.dtypes.items():
        if name == "step":
            continue
        if not (isinstance(dtype, np.dtype) and dtype.kind in "iuf"):
            if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
                column = frame[name]                     # nullable and other extension types
                finals[f"final:{name}"], means[f"mean:{name}"] = float(column.iloc[-1]), float(column.mean())
            continue
        values = frame[name].to_numpy()
        finals[f"final:{name}"] = float(values[-1])
        if dtype.kind == "f":
            present = ~np.isnan(values)
            count = int(present.sum())
            means[f"mean:{name}"] = float(np.where(present, values, 0.0).sum() / count) if count else float("nan")
        else:
            means[f"mean:{name}"] = float(values.sum(dtype=np.float64) / values.size)
    return {**finals, **means}


class StorageError(OSError):
    """The sweep's results could not be written (a full disk, a folder made unwritable, a
    parts folder without its manifest). Finished runs stay in the part files: fix the cause
    and ``--resume``."""


def sweep(scenario: str, grid: dict, seeds: int = 1, steps: int | None = None, *, base_seed: int = 0,
          out: str | Path | None = None, per_step: bool = False, resume: bool = False,
          workers: int = 1, scheduler: str | None = None, progress: bool = False,
          paired: tuple[str, ...] = (), max_runs: int | None = MAX_RUNS) -> pd.DataFrame:
    """Run a sweep and return its run table (see the module docstring).

    Everything is checked before anything is written: the grid and every point's parameters,
    the size, the output path, the worker count, and (with ``scheduler``) that the scheduler
    answers within CONNECT_SECONDS.
    """
    paired = tuple(paired)
    runs = plan(scenario, grid, seeds, steps, base_seed, paired, max_runs)
    if out is not None:
        out = check_output_path(out)
        if out.suffix != ".parquet":
            raise ParameterError(f"sweep output must be a .parquet file; got {str(out)!r}")
    check_workers(workers, scheduler)
    with _executor(workers, scheduler) as executor:   # connected (or local) before a byte is written
        stores: list[ResultStore] = []
        done: set[int] = set()
        if out is not None:
            manifest = {"scenario": scenario, "grid": grid, "seeds": seeds, "steps": runs[0].steps,
                        "base_seed": base_seed, "per_step": per_step,
                        **({"paired": list(paired)} if paired else {})}
            stores.append(ResultStore(out))
            if per_step:
                stores.append(ResultStore(out.with_name(out.stem + ".steps.parquet")))
            with _storage(out):
                done = stores[0].open(manifest, resume)
                for store in stores[1:]:
                    store.open(manifest, resume)
        todo = [r for r in runs if r.run_id not in done]
        rows = _collect(todo, len(runs), per_step, executor, stores, scenario, progress)
    if not stores:
        return pd.DataFrame(rows).sort_values("run_id", ignore_index=True)
    with _storage(out):
        for store in stores[1:]:
            store.close(sort=False)
        return pd.read_parquet(stores[0].close())


def _collect(todo, total, per_step, executor, stores, scenario, progress) -> list[dict]:
    """Run ``todo``, streaming rows into ``stores`` (or returning them when there are none)."""
    rows: list[dict] = []
    failures = 0
    bar = tqdm(total=total, initial=total - len(todo), disable=not progress, unit="run", desc=scenario,
               dynamic_ncols=True)
    try:
        with _storage(stores[0].path if stores else None):
            for row, steps_frame in _results(todo, per_step, executor):
                failures += row["status"] != "ok"
                if stores:
                    stores[0].add(pd.DataFrame([row]))
                    if per_step and steps_frame is not None:
                        stores[1].add(steps_frame)
                else:
                    rows.append(row)
                bar.update()
                bar.set_postfix(failed=failures)
    finally:
        bar.close()
        with _storage(stores[0].path if stores else None):
            for store in stores:
                store.flush()  # an interrupted sweep keeps every finished run for --resume
    return rows


@contextmanager
def _storage(out: Path | None):
    """Turn a failure to read or write the results into one StorageError naming the file."""
    try:
        yield
    except StorageError:
        raise
    except OSError as err:
        where = err.filename or out
        raise StorageError(f"cannot write the sweep's results at {where}: {err.strerror or err}; the runs "
                           "finished so far are kept: fix this and run again with --resume") from None


def check_workers(workers: int, scheduler: str | None) -> None:
    """``workers`` is at least 1 and, for a LocalCluster, at most WORKERS_PER_CORE per core."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ParameterError(f"--workers must be a whole number >= 1; got {workers!r}")
    cores = os.cpu_count() or 1
    if scheduler is None and workers > WORKERS_PER_CORE * cores:
        raise ParameterError(f"--workers {workers} on a machine with {cores} cores: a LocalCluster takes at most "
                             f"{WORKERS_PER_CORE * cores} ({WORKERS_PER_CORE} per core); more only wait for "
                             "the same cores")


def execute_batch(runs: list[Run], per_step: bool) -> list[tuple[dict, pd.DataFrame | None]]:
    """Several runs in one Dask task (short runs would otherwise pay the task overhead each)."""
    return [execute(r, per_step) for r in runs]


#: Dask tasks aim to take about this long: long enough to hide the ~10 ms task overhead,
#: short enough for a live progress bar and little rework when a worker is lost.
TASK_SECONDS = 0.5
#: Tasks in flight per worker thread: keeps workers busy and the client's memory flat.
TASKS_PER_THREAD = 4


#: Dask settings for the workers a sweep starts (and for a cluster started to run sweeps;
#: README, "Sweeps on a cluster"). A worker runs each task on a thread of its own while its
#: event loop wakes for housekeeping: the statistical profiler samples the running thread every
#: 10 ms (~20 % slower runs here); the loop-latency tick every 20 ms, the system monitor every
#: 0.5 s and the memory monitor every 0.1 s each take the GIL from the run. Measured on this
#: machine (benchmarks.sweeps): with the three at Dask's defaults a run of 50 sealed-bid steps
#: took 8-15 % longer on a worker's task thread than the same run on its event-loop thread;
#: at these intervals the two are equal. Slower housekeeping only delays Dask's own warnings
#: and its dashboard's plots; a worker short of memory is still paused and restarted (the
#: nanny's own check is untouched).
WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def worker_environment() -> dict[str, str]:
    """:data:`WORKER_CONFIG` as the DASK_* environment variables ``dask worker`` reads."""
    return {"DASK_" + key.upper().replace(".", "__").replace("-", "_"): str(value)
            for key, value in WORKER_CONFIG.items()}


@contextmanager
def _executor(workers: int, scheduler: str | None):
    """None for a serial sweep; otherwise a Dask client on ``scheduler``, or on a LocalCluster
    of ``workers`` processes with :data:`WORKER_CONFIG`, closed afterwards whatever happens."""
    if scheduler is None and workers <= 1:
        yield None
        return
    import dask
    from dask.distributed import Client, LocalCluster

    try:
        if scheduler is not None:
            client = connect(scheduler)
            with client:
                yield client
            return
        with dask.config.set(WORKER_CONFIG), _children_ignore_ctrl_c():
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        with cluster, Client(cluster) as client:
            yield client
    except KeyboardInterrupt:
        _quiet_dask()   # one line from the CLI, not Dask's tracebacks of the connections it cuts
        raise


@contextmanager
def _children_ignore_ctrl_c():
    """Start processes with SIGINT ignored. Ctrl-C in a terminal signals the whole foreground
    process group, so the LocalCluster's nannies and workers got it too and each printed its
    own KeyboardInterrupt traceback; a Python process started with SIGINT ignored keeps
    ignoring it (Python's signal module documentation), and the cluster is closed from here
    when this process stops. Only in the main thread, where signal handlers can be set."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def connect(address: str):
    """A Dask client on the scheduler at ``address``, or ParameterError within CONNECT_SECONDS.

    The connection is made on a helper thread and waited for with a deadline: a host that
    drops packets, a closed port, or a server that is not a Dask scheduler (which can leave
    Dask waiting for a handshake) all end in one sentence.
    """
    import socket
    import threading
    from urllib.parse import urlparse

    from dask.distributed import Client

    parsed = urlparse(address if "://" in address else f"tcp://{address}")
    try:
        host, port = parsed.hostname, parsed.port
    except ValueError:
        host = port = None
    if parsed.scheme not in ("tcp", "tls") or not host or not port:
        raise ParameterError(f"--scheduler must look like tcp://HOST:PORT; got {address!r}")
    try:
        socket.getaddrinfo(host, port)
    except OSError:
        raise ParameterError(f"--scheduler {address}: cannot resolve the host {host!r}") from None
    result: dict = {}

    def attempt():
        try:
            result["client"] = Client(address, timeout=f"{CONNECT_SECONDS}s")
        except BaseException as err:  # noqa: BLE001 - any failure to connect is reported below
            result["error"] = err

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(CONNECT_SECONDS + 2)
    if "client" in result:
        return result["client"]
    _quiet_dask()
    reason = f"{type(result['error']).__name__}: {result['error']}" if "error" in result else "no answer"
    raise ParameterError(f"--scheduler {address}: no Dask scheduler answered within {CONNECT_SECONDS} s "
                         f"({reason[:200]}); nothing was run or written")


def _quiet_dask() -> None:
    import logging

    for name in ("distributed", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _results(todo: list[Run], per_step: bool, client):
    """Yield (row, steps) as runs finish: in-process (``client`` None) or on Dask."""
    if client is None:
        for run_ in todo:
            yield execute(run_, per_step)
        return
    from dask.distributed import as_completed

    pending = deque(todo)
    batch = 1  # until the first runs tell how long a run takes
    finished = as_completed()

    def submit_next():
        chunk = [pending.popleft() for _ in range(min(batch, len(pending)))]
        key = f"catallaxy-runs-{chunk[0].run_id}-{chunk[-1].run_id}-{chunk[0].seed}"
        finished.add(client.submit(execute_batch, chunk, per_step, key=key, pure=False))

    threads = max(1, sum(client.nthreads().values()))
    for _ in range(TASKS_PER_THREAD * threads):
        if pending:
            submit_next()
    for future in finished:
        results = future.result()
        future.release()
        yield from results
        per_run = sum(row["seconds"] for row, _ in results) / len(results)
        # Guided self-scheduling (Polychronopoulos and Kuck, 1987): tasks of about
        # TASK_SECONDS, but never more than a share of what is left, so the workers
        # finish together instead of one waiting on the other's last big batch.
        share = len(pending) // (TASKS_PER_THREAD * threads)
        batch = int(max(1, min(TASK_SECONDS / max(per_run, 1e-4), share)))
        if pending:
            submit_next()
