"""Walrasian tâtonnement: prices walk toward the vector at which demand fits supply."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model.mechanisms._checks import MechanismInputError, as_vector


@dataclass(frozen=True)
class TatonnementResult:
    """Where the price walk stopped: ``prices``, the ``excess`` demand there, the number of
    ``iterations`` and whether it ``converged`` within the tolerance."""

    prices: np.ndarray
    excess: np.ndarray
    iterations: int
    converged: bool


def tatonnement(demand: Callable[[np.ndarray], np.ndarray], supply, start=None, *, rate: float = 0.5,
                tol: float = 0.02, max_iter: int = 500) -> TatonnementResult:
    """Raise the price of every resource in excess demand, lower it in excess supply.

    Rule (Walras; seed 000, "tâtonnement"): with excess demand z_r = D_r(p) - S_r,
    p_r <- max(0, p_r + rate_t z_r / S_r), rate_t = rate / sqrt(1 + t / 10) (a step that
    shrinks, so the walk settles even when demand jumps in whole units). It stops when
    every market clears within the tolerance, z_r <= tol S_r, and any market still in
    excess supply beyond it has a zero price; or after ``max_iter`` rounds.

    The auctioneer sees only ``demand(prices)``, the quantities agents ask for at the
    posted prices. Under gross substitutes the continuous process converges to the
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
    if rate <= 0 or tol < 0 or max_iter < 1:
        raise MechanismInputError("rate must be > 0, tol >= 0 and max_iter >= 1")
    for iteration in range(max_iter + 1):
        excess = np.asarray(demand(prices), dtype=float) - supply
        cleared = (excess <= tol * supply) & ((excess >= -tol * supply) | (prices <= 0))
        if cleared.all() or iteration == max_iter:
            return TatonnementResult(prices, excess, iteration, bool(cleared.all()))
        step = rate / np.sqrt(1.0 + iteration / 10.0)
        prices = np.maximum(0.0, prices + step * excess / supply)
    raise AssertionError("unreachable")
