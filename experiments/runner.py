"""Run a scenario to a table, and write tables to CSV or Parquet."""

import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from model.params import ParameterError
from scenarios.registry import get_scenario

TABLE_FORMATS = (".csv", ".parquet")
_UMASK = os.umask(0)
os.umask(_UMASK)


def simulate(scenario: str, *, steps: int | None = None, seed: int = 0, progress: bool = False, **params):
    """Build ``scenario`` from ``seed`` and ``params`` and step it ``steps`` times; return the
    model (its DataCollector holds one row per step). Everything is checked before the first
    step: the parameters one by one and together, the seed, and the money a run this long can
    mint (:meth:`~model.market.MarketModel.validated`). ``progress`` shows a tqdm bar on stderr.
    """
    model_class = get_scenario(scenario)
    steps = model_class.default_steps if steps is None else steps
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ParameterError(f"steps must be a whole number >= 1; got {steps!r}")
    check_seed(seed)
    model_class.validated(params, steps)
    model = model_class(rng=seed, **params)
    for _ in tqdm(range(steps), desc=scenario, unit="step", disable=not progress, leave=False, file=sys.stderr):
        model.step()
    return model


def run(scenario: str, *, steps: int | None = None, seed: int = 0, progress: bool = False,
        **params) -> pd.DataFrame:
    """Run ``scenario`` for ``steps`` steps from ``seed``; one row per step.

    Example:
        >>> df = run("sealed-bid", steps=3, seed=1, bidders=3)
        >>> list(df.columns[:9]), len(df)
        (['step', 'welfare', 'optimum', 'efficiency', 'revenue', 'gini', 'money_supply', 'minted', 'burned'], 3)
    """
    model = simulate(scenario, steps=steps, seed=seed, progress=progress, **params)
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)


def check_seed(seed) -> int:
    """A seed is a whole number >= 0 (numpy's SeedSequence takes any such number)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed must be a whole number >= 0; got {seed!r}")
    return int(seed)


def check_output_path(path: str | Path) -> Path:
    """Fail early, before a long run, if ``path`` cannot be written."""
    path = Path(path)
    if path.suffix not in TABLE_FORMATS:
        raise ParameterError(f"--out must end in .csv or .parquet; got {str(path)!r}")
    for folder in (path.parent, *path.parent.parents):
        if folder.exists() and not folder.is_dir():
            raise ParameterError(f"cannot write {str(path)!r}: {str(folder)!r} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise ParameterError(f"cannot write {str(path)!r}: {err.strerror}") from None
    if path.is_dir():
        raise ParameterError(f"cannot write {str(path)!r}: it is a folder")
    return path


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` to CSV or Parquet (by extension) atomically: a temporary
    file in the same folder, then a rename, so a kill never leaves half a file."""
    path = check_output_path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        if path.suffix == ".csv":
            frame.to_csv(tmp, index=False)
        else:
            frame.to_parquet(tmp, index=False)
        os.chmod(tmp, 0o666 & ~_UMASK)   # mkstemp makes the file private; the output is not
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def summarize(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean and final value of every numeric column except ``step``."""
    numeric = frame.drop(columns="step").select_dtypes("number")
    return pd.DataFrame({"mean": numeric.mean(), "final": numeric.iloc[-1]})
