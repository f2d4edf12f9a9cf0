"""Scenarios: one module per concrete market, the registry, the runner, sweeps and the CLI."""


def sweep(*args, **kwargs):
    """Run a parameter sweep; see :func:`scenarios.sweeps.sweep` (imported on first use)."""
    from scenarios.sweeps import sweep as run_sweep

    return run_sweep(*args, **kwargs)
