"""Textbook cases for first_price, second_price and uniform_price."""

import math

import numpy as np
import pytest

from model.mechanisms import MechanismInputError, first_price, second_price, uniform_price


def test_second_price_seed_001_example():
    # Seed 001, "Principle 3": A bids 50, B 45, C 30; A wins and pays 45.
    c = second_price([50, 45, 30])
    assert c.winners.tolist() == [0]
    assert c.payments.tolist() == [45, 0, 0]
    assert c.price == 45


def test_first_price_winner_pays_own_bid():
    c = first_price([50, 45, 30])
    assert c.winners.tolist() == [0]
    assert c.payments.tolist() == [50, 0, 0]


def test_reserve_binds_second_price_and_blocks_sale_below_it():
    # Highest bid 50 clears reserve 48; the second bid 45 does not, so 48 is paid.
    assert second_price([50, 45, 30], reserve=48).payments[0] == 48
    # Nobody reaches the reserve: no sale, price NaN, nobody pays.
    c = second_price([0.3, 0.2], reserve=0.5)
    assert c.winners.size == 0 and math.isnan(c.price) and not c.payments.any()


def test_single_bidder_pays_reserve_under_vickrey():
    assert second_price([0.7], reserve=0.25).payments.tolist() == [0.25]
    assert second_price([0.7]).payments.tolist() == [0.0]


def test_ties_go_to_the_lowest_index():
    assert first_price([0.4, 0.9, 0.9]).winners.tolist() == [1]
    c = second_price([0.9, 0.9, 0.1])
    assert c.winners.tolist() == [0] and c.payments[0] == 0.9


def test_uniform_price_top_k_pay_the_k_plus_first_bid():
    # Krishna (2010) ch. 12: 2 units, bids 0.2 0.9 0.5 0.7 -> 0.9 and 0.7 win at 0.5.
    c = uniform_price([0.2, 0.9, 0.5, 0.7], units=2)
    assert c.winners.tolist() == [1, 3]
    assert c.payments.tolist() == [0, 0.5, 0, 0.5]
    assert c.allocation.tolist() == [0, 1, 0, 1]


def test_uniform_price_with_more_units_than_bidders_charges_the_reserve():
    c = uniform_price([0.2, 0.9], units=5, reserve=0.1)
    assert c.winners.tolist() == [0, 1]
    assert c.payments.tolist() == [0.1, 0.1]


def test_uniform_price_with_one_unit_is_vickrey():
    rng = np.random.default_rng(3)
    for _ in range(50):
        bids = rng.random(6)
        a, b = uniform_price(bids, 1, reserve=0.3), second_price(bids, reserve=0.3)
        assert a.winners.tolist() == b.winners.tolist()
        assert np.array_equal(a.payments, b.payments)


@pytest.mark.parametrize(
    "call, word",
    [
        (lambda: first_price([0.1, float("nan")]), "bids"),
        (lambda: second_price([0.1, -0.2]), "bids"),
        (lambda: second_price([[0.1, 0.2]]), "bids"),
        (lambda: second_price([0.1], reserve=float("nan")), "reserve"),
        (lambda: uniform_price([0.1, 0.2], units=1.5), "units"),
        (lambda: uniform_price([0.1, 0.2], units=-1), "units"),
    ],
)
def test_bad_input_names_the_argument(call, word):
    with pytest.raises(MechanismInputError, match=word):
        call()
