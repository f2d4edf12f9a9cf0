"""Deterministic ranking shared by the mechanisms."""

import numpy as np


def descending_order(keys: np.ndarray) -> np.ndarray:
    """Indices that sort ``keys`` from high to low, ties broken by the lowest index.

    Same result as ``np.argsort(-keys, kind="stable")`` but several times faster
    on large inputs: an unstable sort, then only the runs of equal keys are
    re-sorted by index.

    Example:
        >>> descending_order(np.array([0.5, 0.9, 0.5, 0.1])).tolist()
        [1, 0, 2, 3]
    """
    order = np.argsort(-keys)
    ranked = keys[order]
    tie = ranked[1:] == ranked[:-1]
    if not tie.any():
        return order
    in_run = np.zeros(len(keys), dtype=bool)
    in_run[1:] |= tie
    in_run[:-1] |= tie
    positions = np.flatnonzero(in_run)
    run = np.cumsum(np.concatenate(([True], ~tie)))[positions]
    order[positions] = order[positions[np.lexsort((order[positions], run))]]
    return order
