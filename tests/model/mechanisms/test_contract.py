"""The contract of each mechanism family, run over every member registered in
model/mechanisms/registry.py (a new member is covered the day it is registered): feasibility,
individual rationality, payments >= 0, determinism, and bad input refused with a
MechanismInputError naming the argument (issues 21 and 22)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.mechanisms import MechanismInputError
from model.mechanisms.registry import AUCTIONS, EQUILIBRIA, PACKAGE, PLANNERS, PROCUREMENT, mechanism

UNIT_DEMAND = {"first", "second", "uniform"}
bid_lists = st.lists(st.floats(0, 10, allow_nan=False), min_size=1, max_size=12)


def auction_instance(name):
    def build(bids, supply, seed):
        rng = np.random.default_rng(seed)
        quantities = np.ones(len(bids)) if name in UNIT_DEMAND else rng.integers(1, 5, len(bids)).astype(float)
        supply = 1 if name in ("first", "second") else supply
        return np.array(bids), quantities, supply
    return build


@pytest.mark.parametrize("name", list(AUCTIONS))
@settings(max_examples=60, deadline=None)
@given(bids=bid_lists, supply=st.integers(1, 6), seed=st.integers(0, 1000))
def test_auctions_are_feasible_individually_rational_and_deterministic(name, bids, supply, seed):
    bids, quantities, supply = auction_instance(name)(bids, supply, seed)
    clear = AUCTIONS[name]
    outcome = clear(bids, quantities, supply)
    again = clear(bids, quantities, supply)
    assert np.array_equal(outcome.payments, again.payments) and np.array_equal(outcome.allocation, again.allocation)
    won = outcome.allocation > 0
    assert outcome.winners.tolist() == np.flatnonzero(won).tolist()
    assert np.all((outcome.allocation == 0) | (outcome.allocation == quantities))     # all or nothing
    assert outcome.allocation.sum() <= supply                                         # feasible
    assert np.all(outcome.payments >= 0) and np.all(outcome.payments[~won] == 0)
    assert np.all(outcome.payments[won] <= bids[won] + 1e-9)                          # never above the bid


BAD_BIDS = [([1.0, float("nan")], "bids"), ([1.0, -2.0], "bids"), ("1,2", "bids"), ({"a": 1.0}, "bids"),
            (None, "bids"), ([[1.0, 2.0], [3.0]], "bids"), (["x", "y"], "bids")]


@pytest.mark.parametrize("name", list(AUCTIONS))
@pytest.mark.parametrize("bids, word", BAD_BIDS)
def test_auctions_refuse_bad_bids(name, bids, word):
    with pytest.raises(MechanismInputError, match=word):
        AUCTIONS[name](bids, None, 1)


@pytest.mark.parametrize("name", list(AUCTIONS))
def test_auctions_refuse_bad_quantities_and_supply(name):
    with pytest.raises(MechanismInputError, match="quantit|supply|length"):
        AUCTIONS[name]([1.0, 2.0], [1.0], 1)
    with pytest.raises(MechanismInputError, match="supply"):
        AUCTIONS[name]([1.0, 2.0], None, -1)


@pytest.mark.parametrize("name", list(PROCUREMENT))
@settings(max_examples=60, deadline=None)
@given(asks=st.lists(st.one_of(st.just(math.nan), st.floats(0, 10)), min_size=1, max_size=10),
       reserve=st.floats(0, 12))
def test_procurement_pays_at_least_the_ask_and_at_most_the_reserve(name, asks, reserve):
    outcome = PROCUREMENT[name](asks, reserve)
    assert len(outcome.winners) <= 1 and np.all(outcome.payments >= 0)
    if outcome.winners.size:
        w = int(outcome.winners[0])
        live = np.array([a if a == a else np.inf for a in asks])
        assert live[w] == live.min() and asks[w] <= outcome.payments[w] <= reserve + 1e-12
    assert np.array_equal(outcome.payments, PROCUREMENT[name](asks, reserve).payments)


@pytest.mark.parametrize("name", list(PROCUREMENT))
@pytest.mark.parametrize("asks, reserve, word", [(["a"], 5, "asks"), ([1.0, -1.0], 5, "asks"),
                                                 ([1.0], float("nan"), "reserve"), ({"x": 1}, 5, "asks")])
def test_procurement_refuses_bad_input(name, asks, reserve, word):
    with pytest.raises(MechanismInputError, match=word):
        PROCUREMENT[name](asks, reserve)


package_bids = st.lists(st.tuples(st.integers(0, 4), st.sets(st.integers(0, 3), min_size=1, max_size=3),
                                  st.floats(0, 10, allow_nan=False)), min_size=0, max_size=8)


@pytest.mark.parametrize("name", list(PACKAGE))
@settings(max_examples=30, deadline=None)
@given(bids=package_bids)
def test_package_auctions_are_feasible_and_individually_rational(name, bids):
    outcome = PACKAGE[name](bids, 4)
    goods = [g for bundle in outcome.allocation.values() for g in bundle]
    assert len(goods) == len(set(goods))                                # no good sold twice
    assert all(p >= -1e-9 for p in outcome.payments.values())
    for who, bundle in outcome.allocation.items():                      # XOR: one bundle, its own bid
        offers = [v for b, g, v in bids if b == who and set(g) == set(bundle)]
        assert offers and outcome.payments[who] <= max(offers) + 1e-6
    again = PACKAGE[name](bids, 4)
    assert again.allocation == outcome.allocation and again.payments == outcome.payments


@pytest.mark.parametrize("name", list(PACKAGE))
@pytest.mark.parametrize("bids, word", [([("a", {7}, 1.0)], "does not exist"), ([("a", {0}, -1.0)], "value"),
                                        ([("a", set(), 1.0)], "empty"), ([("a", {0}, "x")], "value"),
                                        ([("a", {0.5}, 1.0)], "whole numbers")])
def test_package_auctions_refuse_bad_bids(name, bids, word):
    with pytest.raises(MechanismInputError, match=word):
        PACKAGE[name](bids, 2)


def test_planners_give_feasible_plans_whose_welfare_adds_up():
    values, quantities = np.array([6.0, 4.0, 3.0, 5.0]), np.array([2, 2, 3, 1])
    for name in ("knapsack", "arrival-order"):
        welfare, chosen = PLANNERS[name](values, quantities, 4)
        assert quantities[chosen].sum() <= 4 and welfare == values[chosen].sum()
    welfare, worker = PLANNERS["assignment"]([[5.0, 4.0], [3.0, -1.0], [2.0, 2.0]])
    taken = worker[worker >= 0]
    assert len(set(taken)) == len(taken) and welfare == 7.0
    welfare, x = PLANNERS["transport"]([[3.0, 1.0], [2.0, 2.0]], need=[1, 1], capacity=[1, 1])
    assert np.all(x.sum(axis=0) <= 1 + 1e-9) and np.all(x.sum(axis=1) <= 1 + 1e-9) and welfare == pytest.approx(5.0)


@pytest.mark.parametrize("call, word", [
    (lambda: PLANNERS["knapsack"]([1.0], [1.5], 3), "whole units"),
    (lambda: PLANNERS["arrival-order"]([1.0], [1.5], 3), "whole units"),      # was accepted (issue 22)
    (lambda: PLANNERS["arrival-order"]([1.0], [1], 2.5), "supply"),
    (lambda: PLANNERS["assignment"]("table"), "surplus"),
    (lambda: PLANNERS["assignment"]([[1.0, 2.0], [3.0]]), "rectangular"),
    (lambda: PLANNERS["transport"]([[1.0, float("nan")]], need=[1], capacity=[1, 1]), "values"),
])
def test_planners_refuse_bad_input(call, word):
    with pytest.raises(MechanismInputError, match=word):
        call()


def test_planners_accept_empty_problems():
    assert PLANNERS["knapsack"]([], [], 5).welfare == 0.0
    assert PLANNERS["transport"](np.zeros((0, 2)), need=[], capacity=[1, 1]).welfare == 0.0   # raw linprog error before


@pytest.mark.parametrize("call, word", [
    (lambda: EQUILIBRIA["tatonnement"](lambda p: np.array([np.nan]), [1.0]), "finite"),     # NaN passed through
    (lambda: EQUILIBRIA["tatonnement"](lambda p: p, [float("nan")]), "supply"),
    (lambda: EQUILIBRIA["tatonnement"]("demand", [1.0]), "function"),
    (lambda: EQUILIBRIA["fisher"]([], []), "at least one buyer"),                            # raw reduction error
    (lambda: EQUILIBRIA["fisher"]([1.0], [[float("nan")]]), "utilities"),
    (lambda: EQUILIBRIA["fisher"](["a"], [[1.0]]), "budgets"),
])
def test_equilibria_refuse_bad_input(call, word):
    with pytest.raises(MechanismInputError, match=word):
        call()


def test_equilibria_find_prices():
    outcome = EQUILIBRIA["tatonnement"](lambda p: np.maximum(0, 10 - 2 * p), [4.0], start=[0.0])
    assert outcome.converged and outcome.prices[0] == pytest.approx(3.0, abs=0.1)
    prices, allocation = EQUILIBRIA["fisher"]([1.0, 3.0], [[2.0, 1.0], [2.0, 1.0]])
    assert prices.tolist() == pytest.approx([8 / 3, 4 / 3]) and allocation.sum(axis=0) == pytest.approx([1, 1])


def test_the_registry_names_its_members_and_refuses_unknown_ones():
    assert mechanism("auction", "uniform") is AUCTIONS["uniform"]
    with pytest.raises(MechanismInputError, match="choose one of first, second"):
        mechanism("procurement", "third")
    with pytest.raises(MechanismInputError, match="unknown family"):
        mechanism("lottery", "x")


@pytest.mark.parametrize("call, word", [
    (lambda: __import__("model.mechanisms", fromlist=["logit_shares"]).logit_shares([1.0, float("nan")], 1.0), "net"),
    (lambda: __import__("model.mechanisms", fromlist=["logit_shares"]).logit_shares([1.0, 2.0], float("inf")), "tau"),
    (lambda: __import__("model.mechanisms", fromlist=["logit_shares"]).logit_shares([1.0, 2.0], -1.0), "tau"),
    (lambda: __import__("model.mechanisms", fromlist=["logit_shares"]).logit_shares([], 1.0), "net"),
    (lambda: __import__("model.mechanisms", fromlist=["congestion_price"]).congestion_price(1.0, 1.0, float("nan"),
                                                                                           10.0), "usage"),
    (lambda: __import__("model.mechanisms", fromlist=["smoothed_price"]).smoothed_price(-1.0, 2.0, 0.5), "previous"),
])
def test_price_rules_refuse_what_used_to_pass_silently(call, word):
    with pytest.raises(MechanismInputError, match=word):
        call()
