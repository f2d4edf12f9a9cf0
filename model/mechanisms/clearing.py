"""The outcome types of the mechanism families (model.mechanisms.registry): one per family.

* :class:`Clearing` — auctions and procurement (who wins, who pays what, how much each gets);
* :class:`Plan` — the exact planners, the observer's yardsticks (the best welfare and what
  achieves it); a tuple, so ``welfare, chosen = plan`` works;
* :class:`Assignment` — a sequence of procurement auctions (per job: the winner and the price);
* :class:`Equilibrium` — price-finding rules (tâtonnement, the Fisher market);
* :class:`~model.mechanisms.combinatorial.CombinatorialOutcome` — package auctions.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np


@dataclass(frozen=True)
class Clearing:
    """Outcome of one clearing round.

    Attributes:
        winners: indices of the winning bids, ascending.
        payments: one payment per bid (0 for losers), in the bids' currency.
        allocation: units awarded to each bid (0 for losers).
        price: the price the round publishes (per unit); NaN when nothing sold.
    """

    winners: np.ndarray
    payments: np.ndarray
    allocation: np.ndarray
    price: float

    @property
    def revenue(self) -> float:
        """Sum of all payments."""
        return float(self.payments.sum())


class Plan(NamedTuple):
    """An exact planner's answer: the optimal ``welfare`` and the ``chosen`` indices (requests,
    bids) or, for assignments and allocations, the per-row choice or allocation table."""

    welfare: float
    chosen: np.ndarray


class Assignment(NamedTuple):
    """Jobs auctioned in sequence: per job the winning seller (-1: unsold) and the price."""

    winner: np.ndarray
    price: np.ndarray


@dataclass(frozen=True)
class Equilibrium:
    """Where a price-finding rule stopped.

    Attributes:
        prices: one per good.
        iterations: rounds it took.
        converged: whether the equilibrium conditions hold within the tolerance.
        allocation: (buyers x goods) units, where the rule allocates (Fisher); empty otherwise.
        excess: excess demand at ``prices``, where the rule measures it (tâtonnement).
        tolerance: the largest violation of the equilibrium conditions left, in money (Fisher).
    """

    prices: np.ndarray
    iterations: int
    converged: bool
    allocation: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    excess: np.ndarray = field(default_factory=lambda: np.empty(0))
    tolerance: float = float("nan")

    def __iter__(self):
        """``prices, allocation = equilibrium``."""
        return iter((self.prices, self.allocation))
