"""Sealed-bid auctions for identical units with unit-demand bidders.

All three rules rank bids from high to low, breaking ties by the lowest index
(a stable sort), and ignore bids below the reserve price.
"""

import numpy as np

from model.mechanisms._checks import as_count, as_scalar, as_vector
from model.mechanisms.clearing import Clearing
from model.mechanisms.ranking import descending_order


def _ranked_winners(bids: np.ndarray, units: int, reserve: float) -> np.ndarray:
    """Indices of the top ``units`` bids at or above ``reserve``, best first."""
    order = descending_order(bids)
    top = order[:units]
    return top[bids[top] >= reserve]


def _outcome(n: int, winners: np.ndarray, unit_payments) -> Clearing:
    payments = np.zeros(n)
    payments[winners] = unit_payments
    allocation = np.zeros(n, dtype=np.int64)
    allocation[winners] = 1
    price = float(np.max(payments[winners])) if winners.size else float("nan")
    return Clearing(np.sort(winners), payments, allocation, price)


def first_price(bids, reserve: float = 0.0) -> Clearing:
    """First-price sealed-bid auction of one item.

    Rule: the highest bid at or above ``reserve`` wins and pays its own bid.

    Guarantees: individually rational for the bid (never pays more than it bid),
    efficient when bidders use the symmetric equilibrium; *not* truthful, since a
    bidder who bids its value earns nothing, so bidders shade. With n bidders whose
    values are i.i.d. uniform on [0, 1] the symmetric Bayes-Nash bid is
    b(v) = (n-1)/n * v, and expected revenue equals the Vickrey auction's,
    (n-1)/(n+1) (revenue equivalence).

    Reference: V. Krishna, *Auction Theory*, 2nd ed. (2010), ch. 2.

    Example:
        >>> first_price([0.3, 0.9, 0.5]).payments.tolist()
        [0.0, 0.9, 0.0]
    """
    bids = as_vector("bids", bids)
    reserve = as_scalar("reserve", reserve)
    winners = _ranked_winners(bids, 1, reserve)
    return _outcome(len(bids), winners, bids[winners])


def second_price(bids, reserve: float = 0.0) -> Clearing:
    """Second-price sealed-bid (Vickrey) auction of one item.

    Rule: the highest bid at or above ``reserve`` wins and pays
    max(second-highest bid, reserve).

    Guarantees: bidding one's true value is a weakly dominant strategy
    (truthful), hence efficient; individually rational; revenue (n-1)/(n+1) with
    n truthful bidders whose values are i.i.d. uniform on [0, 1].

    Reference: W. Vickrey, "Counterspeculation, auctions, and competitive
    sealed tenders", Journal of Finance 16(1), 1961.

    Example:
        >>> second_price([0.3, 0.9, 0.5]).payments.tolist()
        [0.0, 0.5, 0.0]
    """
    return uniform_price(bids, 1, reserve)


def uniform_price(bids, units: int, reserve: float = 0.0) -> Clearing:
    """Uniform-price auction of ``units`` identical items, one per bidder.

    Rule: the top ``units`` bids at or above ``reserve`` win; each winner pays
    max((units+1)-th highest bid, reserve). With ``units=1`` this is Vickrey.

    Guarantees: truthful for unit-demand bidders (each winner's payment is the
    bid it displaced, independent of its own bid), efficient, individually
    rational.

    Reference: Krishna (2010), ch. 12; Vickrey (1961).

    Example:
        >>> uniform_price([0.2, 0.9, 0.5, 0.7], units=2).payments.tolist()
        [0.0, 0.5, 0.0, 0.5]
    """
    bids = as_vector("bids", bids)
    units = as_count("units", units)
    reserve = as_scalar("reserve", reserve)
    winners = _ranked_winners(bids, units, reserve)
    ordered = np.sort(bids)[::-1]
    displaced = ordered[units] if len(bids) > units else -np.inf
    return _outcome(len(bids), winners, max(displaced, reserve))
