"""The order book, tâtonnement, the congestion AMM's formulas and the resource LP, on cases
worked by hand and against independent methods."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.mechanisms import (MechanismInputError, OrderBook, congestion_price, logit_shares,
                              optimal_assignment, optimal_resource_allocation, smoothed_price, tatonnement)
from model.mechanisms.congestion import interior_equilibrium, stability_index


# the order book -------------------------------------------------------------------------------

def trades(fills):
    return [(f.buyer, f.seller, f.price, f.quantity) for f in fills]


def test_price_priority_and_the_standing_price():
    book = OrderBook()
    book.submit("sell", 1, 5.0, 2)
    book.submit("sell", 2, 4.0, 1)
    _, fills = book.submit("buy", 3, 6.0, 2)
    assert trades(fills) == [(3, 2, 4.0, 1.0), (3, 1, 5.0, 1.0)]   # cheapest first, each at its ask
    assert book.best_ask() == (5.0, 1.0) and book.best_bid() is None


def test_time_priority_at_one_price():
    book = OrderBook()
    book.submit("sell", 1, 5.0, 1)
    book.submit("sell", 2, 5.0, 1)
    _, fills = book.submit("buy", 3, 5.0, 1)
    assert trades(fills) == [(3, 1, 5.0, 1.0)]                    # the earlier ask


def test_partial_fill_rests_the_remainder():
    book = OrderBook()
    book.submit("sell", 1, 4.0, 3)
    order, fills = book.submit("buy", 2, 5.0, 10)
    assert trades(fills) == [(2, 1, 4.0, 3.0)] and order is not None
    assert book.best_bid() == (5.0, 7.0) and book.best_ask() is None


def test_a_sell_order_hits_the_highest_bids_at_their_prices():
    book = OrderBook()
    book.submit("buy", 1, 6.0, 1)
    book.submit("buy", 2, 7.0, 2)
    _, fills = book.submit("sell", 3, 5.0, 3)
    assert trades(fills) == [(2, 3, 7.0, 2.0), (1, 3, 6.0, 1.0)]


def test_no_cross_no_trade_and_cancel():
    book = OrderBook()
    bid, _ = book.submit("buy", 1, 3.0, 1)
    _, fills = book.submit("sell", 2, 4.0, 1)
    assert fills == [] and book.best_bid() == (3.0, 1.0) and book.best_ask() == (4.0, 1.0)
    book.cancel(bid)
    _, fills = book.submit("sell", 3, 2.0, 1)
    assert fills == [] and book.best_bid() is None                 # the cancelled bid is gone
    assert book.depth("sell") == [(2.0, 1.0), (4.0, 1.0)]


@pytest.mark.parametrize("args, word", [
    (("hold", 1, 1.0, 1), "side"), (("buy", 1, -1.0, 1), "price"), (("buy", 1, float("nan"), 1), "price"),
    (("sell", 1, 1.0, 0), "quantity"),
])
def test_bad_orders(args, word):
    with pytest.raises(MechanismInputError, match=word):
        OrderBook().submit(*args)


orders = st.lists(st.tuples(st.sampled_from(["buy", "sell"]), st.integers(0, 5), st.integers(1, 20),
                            st.integers(1, 5)), max_size=60)


@settings(max_examples=200, deadline=None)
@given(orders)
def test_book_properties(sequence):
    """Every fill is within both limits; buys equal sells; the book is never left crossed."""
    book = OrderBook()
    limits = {}
    submitted = {"buy": 0.0, "sell": 0.0}
    traded = 0.0
    for n, (side, trader, price, quantity) in enumerate(sequence):
        agent = (trader, n)  # a distinct id per order, to look its limit up
        limits[agent] = price
        submitted[side] += quantity
        _, fills = book.submit(side, agent, price, quantity)
        for f in fills:
            assert limits[f.buyer] >= f.price >= limits[f.seller]
            traded += f.quantity
        bid, ask = book.best_bid(), book.best_ask()
        assert bid is None or ask is None or bid[0] < ask[0]
    resting = {side: sum(q for _, q in book.depth(side)) for side in ("buy", "sell")}
    for side in ("buy", "sell"):
        assert resting[side] + traded == pytest.approx(submitted[side])


# tâtonnement ------------------------------------------------------------------------------------

def test_tatonnement_finds_a_hand_solvable_clearing_price():
    # D(p) = 10 - 2p, S = 4: 10 - 2p = 4 at p = 3.
    r = tatonnement(lambda p: np.maximum(0, 10 - 2 * p), supply=[4.0], tol=1e-4, max_iter=2000)
    assert r.converged and r.prices[0] == pytest.approx(3.0, abs=1e-3)


def test_tatonnement_two_goods():
    # D1 = 12 - 3 p1 meets S1 = 6 at p1 = 2; D2 = 8 - p2 + 0.5 p1 meets S2 = 3 at p2 = 6 (given p1 = 2).
    demand = lambda p: np.array([12 - 3 * p[0], 8 - p[1] + 0.5 * p[0]])
    r = tatonnement(demand, supply=[6.0, 3.0], tol=1e-4, max_iter=5000)
    assert r.converged and r.prices == pytest.approx([2.0, 6.0], abs=1e-3)


def test_excess_supply_at_a_zero_price_is_cleared_and_a_cap_is_reported():
    r = tatonnement(lambda p: np.array([2.0]), supply=[4.0], start=[1.0])
    assert r.converged and r.prices[0] == 0.0
    capped = tatonnement(lambda p: np.maximum(0, 10 - 2 * p), supply=[4.0], tol=0.0, max_iter=3)
    assert not capped.converged and capped.iterations == 3


def test_tatonnement_bad_input():
    with pytest.raises(MechanismInputError, match="supply"):
        tatonnement(lambda p: p, supply=[0.0])


# the congestion AMM --------------------------------------------------------------------------------

def test_amm_formulas():
    # Seed 002 eq. (2): P = 1.5 (1 + 2 x 30 / 60) = 3; eq. (6): 0.75 x 2 + 0.25 x 3 = 2.25.
    assert congestion_price(1.5, 2.0, 30, 60) == pytest.approx(3.0)
    assert smoothed_price(2.0, 3.0, 0.25) == pytest.approx(2.25)
    assert logit_shares([1.0, 0.0], 2.0)[0] == pytest.approx(np.exp(2) / (np.exp(2) + 1))
    with pytest.raises(MechanismInputError, match="omega"):
        smoothed_price(1.0, 2.0, 0.0)
    with pytest.raises(MechanismInputError, match="capacity"):
        congestion_price(1.0, 1.0, 1.0, 0.0)


def test_interior_equilibrium_satisfies_indifference():
    ra, rb, a, b, la, lb, k, n = 3.0, 2.5, 1.0, 0.8, 100.0, 80.0, 1.5, 120
    u = interior_equilibrium(ra, rb, a, b, la, lb, k, n)
    assert 0 < u < n
    assert ra - congestion_price(a, k, u, la) == pytest.approx(rb - congestion_price(b, k, n - u, lb))
    assert np.isnan(interior_equilibrium(100.0, 0.0, 1, 1, 10, 10, 1.0, 10))   # everyone on A: not interior
    assert stability_index(0.5, 2.0, 1.0, 1.0, 100, 1.0, 100, 100) == pytest.approx(0.5)


# the resource LP -----------------------------------------------------------------------------------

def by_unit_slots(values, need, capacity, idle=None, holdings=None) -> float:
    """The same optimum by an independent method: an assignment problem over unit slots
    (one row per unit an agent could use or keep idle, one column per unit of capacity)."""
    rows = []
    for i, q in enumerate(need):
        rows += [np.repeat(values[i], capacity.astype(int))] * int(q)
    if idle is not None:
        for i in range(len(need)):
            for r in range(len(capacity)):
                row = np.full(int(capacity.sum()), np.nan)
                start = int(capacity[:r].sum())
                row[start:start + int(capacity[r])] = idle[i, r]
                rows += [row] * int(holdings[i, r])
    return optimal_assignment(np.array(rows))[0] if rows else 0.0


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 3), st.integers(0, 2**32 - 1), st.booleans())
def test_lp_matches_the_unit_assignment(agents, resources, seed, with_idle):
    rng = np.random.default_rng(seed)
    values = rng.uniform(0, 3, (agents, resources))
    need = rng.integers(0, 4, agents).astype(float)
    capacity = rng.integers(1, 5, resources).astype(float)
    idle = rng.uniform(0, 1, (agents, resources)) if with_idle else None
    holdings = rng.integers(0, 3, (agents, resources)).astype(float) if with_idle else None
    welfare, x = optimal_resource_allocation(values, need, capacity, idle, holdings)
    assert welfare == pytest.approx(by_unit_slots(values, need, capacity, idle, holdings), abs=1e-6)
    assert (x.sum(axis=1) <= need + 1e-9).all() and (x.sum(axis=0) <= capacity + 1e-9).all()
