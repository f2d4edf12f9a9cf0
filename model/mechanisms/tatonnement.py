"""Walrasian tâtonnement: prices walk toward the vector at which demand fits supply."""

from collections.abc import Callable

import numpy as np

from model.mechanisms._checks import MechanismInputError, as_vector
from model.mechanisms.clearing import Equilibrium


def tatonnement(demand: Callable[[np.ndarray], np.ndarray], supply, start=None, *, rate: float = 0.5,
                tol: float = 0.02, max_iter: int = 500) -> Equilibrium:
    """Raise the price of every resource in excess demand, lower it in excess supply.

    Rule (Walras; seed 000, "tâtonnement"): with excess demand z_r = D_r(p) - S_r,
    p_r <- max(0, p_r + rate_t z_r / S_r), rate_t = rate / sqrt(1 + t / 10) (a step that
    shrinks, so the walk settles even when demand jumps in whole units). It stops when
    every market clears within the tolerance, z_r <= tol S_r, and any market still in
    excess supply beyond it has a zero price; or after ``max_iter`` rounds.

    The auctioneer sees only ``demand(prices)``, the quantities agents ask for at the
    posted prices. Returns an :class:`Equilibrium` with the ``excess`` demand at the last prices. Under gross substitutes the continuous process converges to the
    clearing prices (Arrow, Block and Hurwicz, Econometrica 27, 1959).

    Example:
        >>> r = tatonnement(lambda p: np.maximum(0, 10 - 2 * p), supply=[4.0], start=[0.0])
        >>> r.converged, round(float(r.prices[0]), 1)      # D(p) = 10 - 2p meets S = 4 at p = 3
        (True, 3.0)
    """
    supply = as_vector("supply", supply)
    if np.any(supply <= 0):
        raise MechanismInputError("supply must be > 0 for every resource")
    prices = np.zeros_like(supply) if start is None else as_vector("start", start).copy()
    if len(prices) != len(supply):
        raise MechanismInputError(f"mismatched lengths: start has {len(prices)}, supply has {len(supply)}")
    if not (np.isfinite(rate) and rate > 0 and np.isfinite(tol) and tol >= 0 and max_iter >= 1):
        raise MechanismInputError("rate must be > 0, tol >= 0 and max_iter >= 1 (all finite)")
    if not callable(demand):
        raise MechanismInputError("demand must be a function of the prices")
    for iteration in range(max_iter + 1):
        asked = np.asarray(demand(prices), dtype=float)
        if asked.shape != supply.shape or not np.all(np.isfinite(asked)):
            raise MechanismInputError(f"demand must return {len(supply)} finite quantities; got {asked!r:.60}")
        excess = asked - supply
        cleared = (excess <= tol * supply) & ((excess >= -tol * supply) | (prices <= 0))
        if cleared.all() or iteration == max_iter:
            return Equilibrium(prices, iteration, bool(cleared.all()), excess=excess)
        step = rate / np.sqrt(1.0 + iteration / 10.0)
        prices = np.maximum(0.0, prices + step * excess / supply)
    raise AssertionError("unreachable")
