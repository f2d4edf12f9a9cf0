"""The statistics every report uses: a mean with its Student-t interval, and Welch's test.

Both come from scipy.stats (imported on use: it adds ~0.5 s to every CLI start).
"""

import warnings

import numpy as np
import pandas as pd


def mean_ci(sample, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval (``level``) of ``sample``, NaNs dropped.

    The interval is mean ± t_{(1+level)/2, n-1} · s / √n (a single value has no interval:
    its bounds are the value itself; an empty sample gives NaNs).

    Example:
        >>> [round(x, 3) for x in mean_ci([1.0, 2.0, 3.0])]
        [2.0, -0.484, 4.484]
    """
    from scipy import stats

    values = pd.Series(sample, dtype=float).dropna()
    if values.empty:
        return (float("nan"),) * 3
    mean = float(values.mean())
    if len(values) < 2:
        return mean, mean, mean
    half = float(stats.t.ppf((1 + level) / 2, len(values) - 1) * stats.sem(values))
    return mean, mean - half, mean + half


def t_half_width(sd, runs, level: float = 0.95):
    """Half-width of the Student-t interval from standard deviations and counts (vectorised;
    NaN where there are fewer than two runs)."""
    from scipy import stats

    runs = np.asarray(runs, dtype=float)
    half = stats.t.ppf((1 + level) / 2, np.clip(runs - 1, 1, None)) * np.asarray(sd, dtype=float) / np.sqrt(runs)
    return np.where(runs > 1, half, np.nan)


def welch_p(a, b) -> float:
    """Two-sided p-value of Welch's t-test (unequal variances) between two samples, NaNs
    dropped; NaN when either has fewer than two values (identical samples give NaN or 0, as
    scipy says, without its warning)."""
    from scipy import stats

    a, b = pd.Series(a, dtype=float).dropna(), pd.Series(b, dtype=float).dropna()
    if min(len(a), len(b)) < 2:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def group_intervals(runs: pd.DataFrame, by: list[str], metrics) -> pd.DataFrame:
    """One row per group of ``runs`` (by the ``by`` columns, in order of appearance) and metric:
    the group's values of ``by``, ``metric``, the mean and 95 % interval (:func:`mean_ci`) and
    the number of runs with a value."""
    rows = []
    for key, group in runs.groupby(by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        for metric in metrics:
            mean, low, high = mean_ci(group[metric])
            rows.append({**dict(zip(by, key)), "metric": metric, "mean": mean, "ci_low": low, "ci_high": high,
                         "runs": int(group[metric].notna().sum())})
    return pd.DataFrame(rows)
