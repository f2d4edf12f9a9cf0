"""Reverse (procurement) auctions: a buyer needs a job done and sellers ask prices for it."""

import numpy as np

from model.mechanisms._checks import MechanismInputError, as_vector
from model.mechanisms.clearing import Assignment, Clearing

PROCUREMENT_RULES = ("first", "second")


def reverse_auction(asks, reserve: float = np.inf, rule: str = "second") -> Clearing:
    """One job, sold to the lowest ask at or below the buyer's ``reserve``.

    Rule: the lowest ask a <= reserve wins (ties: lowest index).

    * ``rule="second"`` (procurement Vickrey): the winner is paid
      min(second-lowest ask, reserve). Asking one's true cost is a weakly dominant
      strategy, so the job goes to the seller with the lowest cost (efficient).
    * ``rule="first"``: the winner is paid its own ask; sellers pad their asks.

    Both are individually rational for the seller: the payment is never below its ask.
    An ask of NaN means "not bidding".

    Reference: Krishna, *Auction Theory* (2010), ch. 2 (the mirror image of the
    selling auctions); seed 001, "Market 1: Task Auction".

    Returns:
        A :class:`Clearing`: ``winners`` holds the winner (or nothing), ``payments``
        what the buyer owes each seller, ``allocation`` 1 for the winner, ``price`` the
        payment (NaN when the job is not sold).

    Example:
        >>> c = reverse_auction([20.0, 18.0, 25.0], reserve=30)
        >>> c.winners.tolist(), c.payments.tolist()
        ([1], [0.0, 20.0, 0.0])
        >>> reverse_auction([20.0, 18.0], reserve=19).payments.tolist()   # capped by the reserve
        [0.0, 19.0]
    """
    asks = _asks("asks", asks, ndim=1)
    offered = asks[~np.isnan(asks)]
    as_vector("asks", offered)  # finite and >= 0 where given
    reserve = _check_reserve(reserve)
    rule = _check_rule(rule)
    n = len(asks)
    payments, allocation = np.zeros(n), np.zeros(n, dtype=np.int64)
    live = np.where(np.isnan(asks), np.inf, asks)
    if n == 0 or not np.isfinite(live.min()) or live.min() > reserve:
        return Clearing(np.array([], dtype=np.int64), payments, allocation, float("nan"))
    winner = int(np.argmin(live))
    if rule == "first":
        price = float(asks[winner])
    else:
        others = np.delete(live, winner)
        price = float(min(others.min() if others.size else np.inf, reserve))
    payments[winner], allocation[winner] = price, 1
    return Clearing(np.array([winner]), payments, allocation, price)


def sequential_reverse_auctions(asks, reserves, rule: str = "second", available=None):
    """Jobs auctioned one after another; a seller who wins one job leaves the later auctions.

    Row j of ``asks`` holds every seller's sealed ask for job j (NaN: not bidding). Jobs
    are auctioned in row order with :func:`reverse_auction`; each seller can win at most
    one job (unit capacity), so a winner's asks for later jobs are withdrawn and the
    second-lowest ask of a later auction is taken among those still in it.

    Args:
        asks: (jobs x sellers) asks.
        reserves: one reserve price per job.
        rule: "second" or "first", as in :func:`reverse_auction`.
        available: optional mask of sellers still in the market (default: all).

    Returns:
        An :class:`Assignment`: per job the winning seller's index (-1 if unsold) and the price.

    Example:
        >>> asks = [[5.0, 3.0, 9.0], [4.0, 2.0, 8.0]]
        >>> winner, price = sequential_reverse_auctions(asks, [10.0, 10.0])
        >>> winner.tolist(), price.tolist()      # seller 1 takes job 0, so job 1 goes to seller 0
        ([1, 0], [5.0, 8.0])
    """
    asks = _asks("asks", asks, ndim=2)
    reserves = as_vector("reserves", reserves)
    if asks.shape[0] != len(reserves):
        raise MechanismInputError(f"mismatched lengths: asks has {asks.shape[0]} jobs, reserves has {len(reserves)}")
    rule = _check_rule(rule)
    winner = np.full(len(reserves), -1, dtype=np.int64)
    price = np.full(len(reserves), np.nan)
    available = np.ones(asks.shape[1], dtype=bool) if available is None else np.array(available, dtype=bool)
    for job in range(len(reserves)):
        outcome = reverse_auction(np.where(available, asks[job], np.nan), reserves[job], rule)
        if outcome.winners.size:
            winner[job], price[job] = outcome.winners[0], outcome.price
            available[outcome.winners[0]] = False
    return Assignment(winner, price)


def _asks(name: str, asks, ndim: int) -> np.ndarray:
    """Asks as floats (NaN: not bidding), or a sentence naming the argument."""
    if isinstance(asks, (str, bytes, dict, set)) or asks is None:
        raise MechanismInputError(f"{name} must be numbers (NaN for a seller not bidding)")
    try:
        arr = np.array(asks, dtype=float, ndmin=ndim)
    except (TypeError, ValueError):
        raise MechanismInputError(f"{name} must be a {'rectangular table' if ndim == 2 else 'sequence'} of "
                                  "numbers (NaN for a seller not bidding)") from None
    if arr.ndim != ndim:
        raise MechanismInputError(f"{name} must be {'two' if ndim == 2 else 'one'}-dimensional")
    return arr


def _check_reserve(reserve) -> float:
    try:
        value = float(reserve)
    except (TypeError, ValueError):
        raise MechanismInputError(f"reserve must be a number; got {reserve!r}") from None
    if np.isnan(value) or value < 0:
        raise MechanismInputError(f"reserve must be >= 0 (infinity: no reserve); got {reserve!r}")
    return value


def _check_rule(rule: str) -> str:
    if rule not in PROCUREMENT_RULES:
        raise MechanismInputError(f"rule must be one of {', '.join(PROCUREMENT_RULES)}; got {rule!r}")
    return rule
