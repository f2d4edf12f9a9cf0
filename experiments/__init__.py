"""Running scenarios: one run to a table (:mod:`experiments.runner`), parameter sweeps on Dask
streamed to Parquet (:mod:`experiments.sweeps`), their summaries and statistics."""


def sweep(*args, **kwargs):
    """Run a parameter sweep; see :func:`experiments.sweeps.sweep` (imported on first use:
    Dask and pyarrow load only when a sweep runs)."""
    from experiments.sweeps import sweep as run_sweep

    return run_sweep(*args, **kwargs)


def run(*args, **kwargs):
    """Run one scenario to a table; see :func:`experiments.runner.run`."""
    from experiments.runner import run as run_one

    return run_one(*args, **kwargs)
