"""The Pareto view of a sweep (seed 003: the welfare metric is a vector, and the operating point
is chosen on its frontier explicitly, not buried in one scalar).

A point is *dominated* when another point is at least as good on every objective and strictly
better on one (better: larger for a maximised column, smaller for a minimised one); the
*Pareto frontier* is the set of points no other point dominates. Points with the same values
on every objective do not dominate each other: all of them are on the frontier or none is.

:func:`pareto_points` scores a sweep's grid points (a sweep's run table is first averaged over
its replicates, one row per grid point) and marks the non-dominated ones; :func:`pareto_front`
returns those rows; :func:`plot_pareto` draws them: a 2-D scatter with the frontier for two
objectives, a pairwise scatter of every pair and a parallel-coordinates panel for three or more.

Reference: Deb, *Multi-Objective Optimization Using Evolutionary Algorithms* (2001), ch. 2
(dominance, the non-dominated set); Ehrgott, *Multicriteria Optimization* (2005), ch. 2.
"""

import difflib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.params import ParameterError

#: The bookkeeping columns of a sweep's run table (neither grid values nor metrics).
SWEEP_COLUMNS = ("run_id", "replicate", "seed", "steps", "status", "error", "traceback", "seconds")
#: Rows compared at once when looking for dominating points (memory: CHUNK x n x objectives).
CHUNK = 512


def non_dominated(values, maximize: Sequence[bool]) -> np.ndarray:
    """A mask of the rows of ``values`` (points x objectives) that no other row dominates.

    Args:
        values: finite numbers, one row per point.
        maximize: per objective, True to maximise it, False to minimise it.

    Example (worked by hand: maximise both):
        >>> non_dominated([[1, 5], [2, 4], [1, 4], [3, 1], [2, 4]], [True, True]).tolist()
        [True, True, False, True, True]
        >>> non_dominated([[1, 5], [2, 4], [3, 1]], [True, False]).tolist()   # minimise the second
        [False, False, True]
    """
    points = np.asarray(values, dtype=float)
    if points.ndim != 2:
        raise ParameterError("values must be a table of points x objectives")
    if len(maximize) != points.shape[1]:
        raise ParameterError(f"maximize names {len(maximize)} objectives for {points.shape[1]} columns")
    if not np.all(np.isfinite(points)):
        raise ParameterError("objective values must be finite numbers (drop missing points first)")
    better = np.where(np.asarray(maximize, dtype=bool), points, -points)   # larger is better everywhere
    keep = np.ones(len(better), dtype=bool)
    for start in range(0, len(better), CHUNK):
        rows = better[start:start + CHUNK]
        at_least = (better[None, :, :] >= rows[:, None, :]).all(axis=2)
        strictly = (better[None, :, :] > rows[:, None, :]).any(axis=2)
        keep[start:start + CHUNK] = ~(at_least & strictly).any(axis=1)
    return keep


def grid_columns(table: pd.DataFrame) -> list[str]:
    """A sweep's grid columns: neither bookkeeping nor ``mean:``/``final:`` metrics."""
    return [c for c in table.columns if c not in SWEEP_COLUMNS and ":" not in c]


def pareto_points(table: pd.DataFrame, maximize: Sequence[str] = (), minimize: Sequence[str] = (),
                  by: Sequence[str] | None = None) -> pd.DataFrame:
    """Every point of ``table`` with its objectives and a ``pareto`` column (non-dominated).

    Args:
        table: any table with the objective columns; a sweep's run table (``run_id`` and
            ``status`` columns) keeps its successful runs and is averaged over replicates by
            its grid columns (or ``by``), with ``runs`` the number averaged.
        maximize, minimize: the objective columns (numeric; at least two objectives in all).
        by: the columns that identify a point; ``[]`` takes the rows as they are.

    Points missing an objective are left out (``attrs["dropped"]`` counts them).
    """
    maximize, minimize = list(maximize), list(minimize)
    objectives = maximize + minimize
    if len(objectives) < 2:
        raise ParameterError("give at least two objectives (--maximize COLUMN / --minimize COLUMN)")
    twice = sorted({c for c in objectives if objectives.count(c) > 1})
    if twice:
        raise ParameterError(f"{', '.join(twice)} is named more than once among the objectives")
    missing = [c for c in objectives if c not in table.columns]
    if missing:
        close = difflib.get_close_matches(missing[0], [str(c) for c in table.columns], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        metrics = [c for c in table.columns if ":" in str(c)] or list(table.columns)
        raise ParameterError(f"no column {missing[0]!r} in the table{hint}; it has: "
                             f"{', '.join(map(str, metrics[:8]))}{' ...' if len(metrics) > 8 else ''}")
    text = [c for c in objectives if not pd.api.types.is_numeric_dtype(table[c])]
    if text:
        raise ParameterError(f"objective columns must be numeric; {', '.join(text)} is not")
    sweep = {"run_id", "status"} <= set(table.columns)
    rows = table[table.status == "ok"] if sweep else table
    if by is None:
        by = grid_columns(rows) if sweep else []
    unknown = [c for c in by if c not in rows.columns]
    if unknown:
        raise ParameterError(f"--by names {', '.join(unknown)}, not columns of the table")
    if by:
        points = rows.groupby(list(by), sort=True, dropna=False)[objectives].mean()
        points["runs"] = rows.groupby(list(by), sort=True, dropna=False).size()
        points = points.reset_index()
    else:
        points = rows.reset_index(drop=True)
    complete = points[objectives].notna().all(axis=1)
    dropped = int((~complete).sum())
    points = points[complete].reset_index(drop=True)
    senses = [True] * len(maximize) + [False] * len(minimize)
    points["pareto"] = non_dominated(points[objectives].to_numpy(), senses)
    points.attrs.update(maximize=maximize, minimize=minimize, by=list(by), dropped=dropped)
    return points


def pareto_front(table: pd.DataFrame, maximize: Sequence[str] = (), minimize: Sequence[str] = (),
                 by: Sequence[str] | None = None) -> pd.DataFrame:
    """The non-dominated rows of :func:`pareto_points`, best first on the first objective.

    Example:
        >>> t = pd.DataFrame({"k": [1, 2, 3, 4], "gain": [1.0, 2.0, 2.0, 3.0], "risk": [1.0, 1.0, 3.0, 2.0]})
        >>> pareto_front(t, maximize=["gain"], minimize=["risk"]).k.tolist()   # k=3 loses to k=4
        [4, 2]
    """
    return front_of(pareto_points(table, maximize, minimize, by))


def front_of(points: pd.DataFrame) -> pd.DataFrame:
    """The non-dominated rows of :func:`pareto_points`' output, best first on the first objective."""
    maximize = points.attrs["maximize"]
    first = (maximize + points.attrs["minimize"])[0]
    front = points[points.pareto].drop(columns="pareto")
    front = front.sort_values(first, ascending=first not in maximize, kind="stable").reset_index(drop=True)
    front.attrs.update(points.attrs, points=len(points))
    return front


def plot_pareto(points: pd.DataFrame, label_columns: Sequence[str] | None = None, title: str = ""):
    """A matplotlib Figure of :func:`pareto_points`' output: the frontier's points in colour and
    numbered (frontier points with identical objectives once, with their count; the key gives
    their grid values), the others grey."""
    from matplotlib.figure import Figure

    maximize, minimize = points.attrs["maximize"], points.attrs["minimize"]
    objectives = maximize + minimize
    labels = _labels(points, points.attrs.get("by") if label_columns is None else label_columns)
    front = points[points.pareto]
    # points with the same objectives (e.g. a parameter the mechanism ignores) are drawn once
    same = front.groupby(objectives, sort=False)[objectives[0]].transform("size")
    distinct = front.drop_duplicates(objectives)
    key = {i: f"{n}: {labels[i]}" + (f" (+{same[i] - 1} the same)" if same[i] > 1 else "")
           for n, i in enumerate(distinct.index, start=1)}
    arrows = {c: f"{c} ({'max' if c in maximize else 'min'})" for c in objectives}
    if len(objectives) == 2:
        figure = Figure(figsize=(11, 5.5), dpi=110, layout="constrained")
        axes = figure.subplots()
        _scatter(axes, points, distinct, key, *objectives, arrows, staircase=True)
        for text in list(key.values())[:KEY]:
            axes.plot([], [], " ", label=text)
        axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    else:
        pairs = [(a, b) for i, a in enumerate(objectives) for b in objectives[i + 1:]]
        figure = Figure(figsize=(max(4.2 * len(pairs), 11), 8.4), dpi=100, layout="constrained")
        grid = figure.add_gridspec(2, len(pairs))
        for j, (x, y) in enumerate(pairs):
            ax = figure.add_subplot(grid[0, j])
            _scatter(ax, points, distinct, key, x, y, arrows)
            ax.legend(fontsize=7)
        _parallel(figure.add_subplot(grid[1, :]), points, distinct, key, objectives, maximize, arrows)
    figure.suptitle(title or f"Pareto frontier: {len(front)} of {len(points)} points non-dominated "
                             f"({len(distinct)} distinct)", fontsize=10)
    return figure


#: Frontier points named in a figure's key.
KEY = 16


def _labels(points: pd.DataFrame, columns) -> pd.Series:
    columns = [c for c in (columns or []) if c in points.columns]
    if not columns:
        return pd.Series([f"row {i}" for i in points.index], index=points.index)
    return points[columns].astype(str).apply(lambda row: ", ".join(f"{c}={v}" for c, v in row.items()), axis=1)


def _scatter(axes, points, front, key, x, y, arrows, staircase=False):
    axes.scatter(points[x], points[y], s=14, color="0.7", label="dominated")
    axes.scatter(front[x], front[y], s=28, color="C3", zorder=3, label="non-dominated")
    if staircase and len(front) > 1:
        ordered = front.sort_values(x)
        axes.step(ordered[x], ordered[y], where="post", color="C3", alpha=0.5, lw=1)
    for i in list(front.index)[:KEY]:
        axes.annotate(key[i].split(":")[0], (front[x][i], front[y][i]), fontsize=7, xytext=(3, 3),
                      textcoords="offset points")
    axes.set_xlabel(arrows[x], fontsize=8)
    axes.set_ylabel(arrows[y], fontsize=8)
    axes.grid(alpha=0.3)


def _parallel(axes, points, front, key, objectives, maximize, arrows):
    """Each objective scaled to [0, 1] over all points, 1 = best, one line per point."""
    values = points[objectives].to_numpy(dtype=float)
    low, high = values.min(axis=0), values.max(axis=0)
    scaled = (values - low) / np.where(high > low, high - low, 1.0)
    scaled = pd.DataFrame(np.where([c in maximize for c in objectives], scaled, 1.0 - scaled), index=points.index)
    xs = np.arange(len(objectives))
    for row in scaled[~points.pareto].to_numpy():
        axes.plot(xs, row, color="0.8", lw=0.6)
    for k, i in enumerate(front.index):
        axes.plot(xs, scaled.loc[i].to_numpy(), color=f"C{k % 10}", lw=1.6, marker="o", ms=3,
                  label=key[i] if k < KEY else None)
    axes.set_xticks(xs, [arrows[c] for c in objectives], fontsize=8)
    axes.set_ylabel("scaled, 1 = best", fontsize=8)
    axes.grid(alpha=0.3)
    if len(front):
        axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
