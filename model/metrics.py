"""Metrics the observer reports each step."""

import numpy as np


def gini(values) -> float:
    """Gini coefficient of non-negative amounts (0 = equal, -> 1 = one holds all).

    G = 2 * sum_i i * x_(i) / (n * sum_i x_i) - (n + 1) / n, with x sorted
    ascending and i = 1..n (the mean-difference formula; Sen, *On Economic
    Inequality*, 1973). Returns 0 when everything is zero.

    Example:
        >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 4])
        (0.0, 0.75)
    """
    x = np.sort(np.asarray(values, dtype=float))
    n, total = len(x), x.sum()
    if n == 0 or total == 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(2 * (ranks * x).sum() / (n * total) - (n + 1) / n)


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when the denominator is not positive."""
    return numerator / denominator if denominator > 0 else float("nan")
