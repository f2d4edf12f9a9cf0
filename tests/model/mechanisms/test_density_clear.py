"""density_clear: hand-worked cases, the unit-demand special case, and agreement
with the independent per-bid implementation in benchmarks/reference.py."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from testkit.reference import density_clear_reference
from model.mechanisms import MechanismInputError, density_clear, uniform_price


def test_winner_pays_for_the_bid_it_displaced():
    # supply 10. Densities: A 0.9 (q 6), B 0.8 (q 6), C 0.7 (q 1).
    # A takes 6 (4 left); B needs 6 > 4, skipped; C takes 1 (3 left).
    # Without A, B would fit (6 <= 4 + 6): A pays B's 0.8/unit x 6 = 4.8.
    # B's loss is not C's doing (6 > 4 + 1): C displaced nobody and pays 0.
    c = density_clear([5.4, 4.8, 0.7], [6, 6, 1], supply=10)
    assert c.winners.tolist() == [0, 2]
    assert c.payments == pytest.approx([4.8, 0.0, 0.0])
    assert c.allocation.tolist() == [6, 0, 1]
    assert c.price == 0.0  # the last winner's unit price


def test_small_winner_does_not_pay_for_a_big_loser_it_could_not_have_made_room_for():
    # supply 10. A (q 1, 0.9/unit), B (q 9, 0.8/unit) win and fill it; C (q 5, 0.7)
    # and D (q 1, 0.1) lose with 0 left. Freeing A's 1 unit would let D fit, not C:
    # A pays D's 0.1. Freeing B's 9 would let C fit: B pays 0.7 x 9 = 6.3.
    c = density_clear([0.9, 7.2, 3.5, 0.1], [1, 9, 5, 1], supply=10)
    assert c.winners.tolist() == [0, 1]
    assert c.payments == pytest.approx([0.1, 6.3, 0, 0])
    assert c.price == pytest.approx(0.7)


def test_bids_over_budget_are_dropped():
    c = density_clear([6.0, 4.0, 3.0], [2, 2, 2], supply=4, budgets=[5.0, 10.0, 10.0])
    assert c.winners.tolist() == [1, 2]
    assert c.payments.tolist() == [0.0, 0.0, 0.0]  # with bid 0 gone, nobody is displaced


def test_no_supply_no_winners():
    c = density_clear([1.0, 2.0], [1, 1], supply=0)
    assert c.winners.size == 0 and math.isnan(c.price)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(0, 10, allow_nan=False), min_size=1, max_size=30), st.integers(0, 35))
def test_unit_quantities_give_the_uniform_price_auction(bids, supply):
    # With q = 1 everywhere, rule 3 charges every winner the best loser's bid,
    # i.e. the (k+1)-th bid of the uniform-price auction.
    bids = np.array(bids)
    a = density_clear(bids, np.ones(len(bids)), supply)
    b = uniform_price(bids, supply)
    assert a.winners.tolist() == b.winners.tolist()
    assert a.payments == pytest.approx(b.payments)


instances = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 50), min_size=n, max_size=n),   # values (whole credits: ties happen)
        st.lists(st.integers(1, 8), min_size=n, max_size=n),    # quantities
        st.integers(0, 60),                                     # supply
        st.lists(st.integers(0, 60), min_size=n, max_size=n),   # budgets
    )
)


@settings(max_examples=300, deadline=None)
@given(instances, st.booleans())
def test_matches_the_per_bid_reference(instance, with_budgets):
    values, quantities, supply, budgets = instance
    budgets = budgets if with_budgets else None
    c = density_clear(values, quantities, supply, budgets=budgets)
    winners, payments, price = density_clear_reference(values, quantities, supply, budgets)
    assert c.winners.tolist() == winners
    assert c.payments == pytest.approx(payments)
    assert (math.isnan(c.price) and math.isnan(price)) or c.price == pytest.approx(price)


def test_matches_reference_on_a_large_random_instance():
    rng = np.random.default_rng(11)
    q = rng.integers(1, 10, 3000).astype(float)
    v = rng.random(3000) * q
    c = density_clear(v, q, q.sum() / 3)
    winners, payments, _ = density_clear_reference(list(v), list(q), q.sum() / 3)
    assert c.winners.tolist() == winners
    assert c.payments == pytest.approx(payments)


@pytest.mark.parametrize(
    "kwargs, word",
    [
        (dict(values=[1.0, float("nan")], quantities=[1, 1], supply=1), "values"),
        (dict(values=[1.0, 2.0], quantities=[1, -1], supply=1), "quantities"),
        (dict(values=[1.0, 2.0], quantities=[1, 0], supply=1), "quantities"),
        (dict(values=[1.0, 2.0], quantities=[1], supply=1), "mismatched"),
        (dict(values=[1.0], quantities=[1], supply=-1), "supply"),
        (dict(values=[1.0], quantities=[1], supply=1, budgets=[1, 2]), "mismatched"),
    ],
)
def test_bad_input_names_the_argument(kwargs, word):
    with pytest.raises(MechanismInputError, match=word):
        density_clear(**kwargs)
