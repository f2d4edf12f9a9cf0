"""Summaries of sweep tables: mean and 95% confidence interval per grid point."""

from pathlib import Path

import pandas as pd

from experiments.stats import t_half_width
from model.params import ParameterError


def summarize_sweep(table: pd.DataFrame, by: list[str], metrics: list[str] | None = None) -> pd.DataFrame:
    """One row per (grid point, metric): runs, mean, and the Student-t 95% interval.

    Only successful runs count. ``metrics`` defaults to every ``mean:`` and ``final:`` column.

    Example:
        >>> t = pd.DataFrame({"run_id": range(4), "k": [1, 1, 2, 2], "status": "ok", "mean:x": [1.0, 3.0, 5.0, 5.0]})
        >>> summarize_sweep(t, ["k"])[["k", "metric", "runs", "mean"]].values.tolist()
        [[1, 'mean:x', 2, 2.0], [2, 'mean:x', 2, 5.0]]
    """
    if "status" not in table.columns or "run_id" not in table.columns:
        raise ParameterError("this is not a sweep's run table (it has no run_id and status columns); summarize "
                             "reads what catallaxy sweep writes")
    grid_columns = [c for c in table.columns if ":" not in c]
    if not by:
        raise ParameterError(f"--by needs at least one grid column; the sweep has: {', '.join(grid_columns)}")
    metric_like = [c for c in by if ":" in c]
    if metric_like:
        raise ParameterError(f"--by takes grid columns, not metrics: {', '.join(metric_like)}")
    missing = [c for c in by if c not in table.columns]
    if missing:
        raise ParameterError(f"--by names {', '.join(missing)}, not columns of the sweep; "
                             f"it has: {', '.join(grid_columns)}")
    metrics = metrics or [c for c in table.columns if c.startswith(("mean:", "final:"))]
    unknown = [m for m in metrics if m not in table.columns]
    if unknown:
        raise ParameterError(f"--metrics names {', '.join(unknown)}, not columns of the sweep; metrics are the "
                             "mean:<column> and final:<column> columns")
    text = [m for m in metrics if not (":" in m or m == "seconds") or not pd.api.types.is_numeric_dtype(table[m])]
    if text:
        raise ParameterError(f"--metrics must be numeric mean:<column> or final:<column> columns (or seconds); "
                             f"{', '.join(text)} is not")
    ok = table[table.status == "ok"]
    long = ok.melt(id_vars=by, value_vars=metrics, var_name="metric", value_name="value")
    grouped = long.groupby([*by, "metric"], sort=True).value
    result = grouped.agg(runs="count", mean="mean", sd="std").reset_index()
    half = t_half_width(result.sd, result.runs)
    result["ci_low"] = result["mean"] - half
    result["ci_high"] = result["mean"] + half
    return result.drop(columns="sd")


def read_sweep(path: str | Path) -> pd.DataFrame:
    """A sweep's table from a .csv or .parquet file; a missing or unreadable file is a ParameterError naming it.
    """
    path = Path(path)
    if not path.exists():
        raise ParameterError(f"no sweep file at {str(path)!r}")
    try:
        return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except Exception as err:  # noqa: BLE001 - any unreadable file is the user's input
        raise ParameterError(f"cannot read {str(path)!r}: {err}") from None
