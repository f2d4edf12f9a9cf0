"""Sequential first-fit of all-or-nothing requests, vectorised.

Both seed 000's market (requests ranked by value density) and its naive planner
(requests in arrival order) walk a list and grant each request that still fits
in the remaining supply. The walk is sequential in principle, but a request that
does not fit now can never fit later (supply only shrinks), so it can be done in
a few vectorised rounds: keep only the requests that fit the current remainder,
grant the longest prefix whose running total fits, skip the first that overflows,
repeat. Each round grants at least one request; with integer quantities the
number of rounds after the first is at most the largest quantity.
"""

import numpy as np


def first_fit(quantities: np.ndarray, supply: float) -> np.ndarray:
    """Grant requests in the given order while they fit.

    Args:
        quantities: non-negative quantities, in the order they are served.
        supply: units available.

    Returns:
        Boolean mask, True where the request is granted.

    Example:
        >>> first_fit(np.array([3, 4, 2, 1]), 6).tolist()
        [True, False, True, True]
    """
    granted = np.zeros(len(quantities), dtype=bool)
    remaining = supply
    candidates = np.arange(len(quantities))
    while candidates.size:
        fits = candidates[quantities[candidates] <= remaining]
        if fits.size == 0:
            break
        running = np.cumsum(quantities[fits])
        k = int(np.searchsorted(running, remaining, side="right"))
        granted[fits[:k]] = True
        remaining -= running[k - 1]
        candidates = fits[k + 1 :]
    return granted
