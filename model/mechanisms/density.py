"""Seed 000's single-resource market: all-or-nothing bids cleared by value density."""

import numpy as np

from model.mechanisms._checks import MechanismInputError, as_scalar, as_vector, same_length
from model.mechanisms.clearing import Clearing
from model.mechanisms.greedy import first_fit
from model.mechanisms.ranking import descending_order


def density_clear(values, quantities, supply, budgets=None) -> Clearing:
    """Clear all-or-nothing bids for a divisible resource by value density.

    Rule (seed 000, "A single-resource clearing round"):

    1. A bid i offers ``values[i]`` credits for exactly ``quantities[i]`` units.
       Bids whose value exceeds the bidder's budget are dropped.
    2. Bids are ranked by value density v_i / q_i (ties: lowest index first) and
       granted in that order whenever they fit in the remaining supply; a bid
       that does not fit is skipped, not split.
    3. A winner b pays q_b times the per-unit value of the best bid it
       displaced: the highest-ranked losing bid x below b that would have fit had
       b's units been left free, i.e. q_x <= R_x + q_b, where R_x is the supply
       left when x was reached. A winner that displaced no one pays 0.

    The seed's code sketch searches the whole list for the displaced bid, which
    can pick a bid ranked above the winner and charge more than it bid; keeping
    to bids ranked below it, as here, makes every payment at most the bid.

    Guarantees: feasible (never more than ``supply``); individually rational
    (payment <= bid, since the displaced bid has no higher density); with unit
    quantities it is the uniform-price auction, each winner paying the
    (k+1)-th bid. Not truthful for multi-unit bids in general; the allocation is
    greedy, so it can fall short of the knapsack optimum.

    Args:
        values: credits offered for each whole bundle (>= 0).
        quantities: units each bid wants (> 0).
        supply: units available (>= 0).
        budgets: optional per-bid spending limits (>= 0).

    Returns:
        A :class:`Clearing` whose ``price`` is the unit price charged to the
        last (lowest-density) winner, NaN when nothing is allocated.

    Example:
        >>> c = density_clear([6.0, 4.0, 3.0], [2, 2, 2], supply=4)
        >>> c.winners.tolist(), c.payments.tolist(), c.price
        ([0, 1], [3.0, 3.0, 0.0], 1.5)
    """
    values = as_vector("values", values)
    quantities = as_vector("quantities", quantities)
    supply = as_scalar("supply", supply)
    same_length(values=values, quantities=quantities)
    if np.any(quantities == 0):
        raise MechanismInputError("quantities must be > 0 (a bid for nothing has no value density)")
    live = np.arange(len(values))
    if budgets is not None:
        budgets = as_vector("budgets", budgets)
        same_length(values=values, budgets=budgets)
        live = live[values <= budgets]

    density = values[live] / quantities[live]
    order = live[descending_order(density)]
    q = quantities[order]
    granted = first_fit(q, supply)
    unit_price = _displaced_unit_price(q, values[order] / q, granted, supply)

    n = len(values)
    payments = np.zeros(n)
    payments[order[granted]] = unit_price * q[granted]
    allocation = np.zeros(n)
    allocation[order[granted]] = q[granted]
    price = float(unit_price[-1]) if unit_price.size else float("nan")
    return Clearing(np.sort(order[granted]), payments, allocation, price)


def _displaced_unit_price(q, density, granted, supply) -> np.ndarray:
    """Per-unit price for each granted bid (in rank order), by rule 3 above.

    For a winner at rank p with quantity q_b we need the first losing rank
    x > p with shortfall s_x = q_x - R_x <= q_b. A sparse table of range minima
    over the losers' shortfalls answers all winners at once by binary lifting:
    O(n log n) numpy work and no per-bid Python loop.
    """
    remaining_before = supply - (np.cumsum(q * granted) - q * granted)
    losers = np.flatnonzero(~granted)
    shortfall = np.append(q[losers] - remaining_before[losers], -np.inf)  # sentinel: "none"
    levels = [shortfall]
    while 2 ** len(levels) <= len(shortfall):
        half = 2 ** (len(levels) - 1)
        levels.append(np.minimum(levels[-1][:-half], levels[-1][half:]))

    winners = np.flatnonzero(granted)
    threshold = q[winners]
    cursor = np.searchsorted(losers, winners, side="right")
    # Most winners displace the very next loser; only the rest need the search.
    todo = np.flatnonzero(shortfall[cursor] > threshold)
    at, limit = cursor[todo], threshold[todo]
    for k in range(len(levels) - 1, -1, -1):
        level = levels[k]
        inside = at < len(level)
        block_min = level[np.where(inside, at, 0)]
        at = at + np.where(inside & (block_min > limit), 2**k, 0)
    cursor[todo] = at

    found = cursor < len(losers)
    price = np.zeros(len(winners))
    price[found] = density[losers[cursor[found]]]
    return price
