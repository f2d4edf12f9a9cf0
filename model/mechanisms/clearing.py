"""The result every mechanism returns."""

from dataclasses import dataclass

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
