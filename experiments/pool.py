"""Independent jobs on this machine's processes, results in the order given.

For reproductions whose runs need more than a sweep's final and mean columns (a window at
the end of a run, a learner's state): each job is a picklable function call, run serially
or on ``workers`` spawned processes; the results do not depend on the count.
"""

import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from tqdm import tqdm


def run_jobs(function, jobs: list[tuple], workers: int = 1, name: str = "jobs", progress: bool = False) -> list:
    """``[function(*job) for job in jobs]``, on ``workers`` processes when more than one."""
    bar = dict(desc=name, unit="run", total=len(jobs), disable=not progress, leave=False, file=sys.stderr)
    if workers <= 1:
        return [function(*job) for job in tqdm(jobs, **bar)]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        return list(tqdm(pool.map(function, *zip(*jobs)), **bar))
