"""The LMSR and the constant-product market maker: hand-computed prices and costs, prices that
sum to one, closed-form trades that do what they say, and the bounded loss on adversarial trades."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.mechanisms import MechanismInputError, SCORING_RULES
from model.mechanisms.scoring_rules import (cpmm_cost, cpmm_max_loss, cpmm_prices, cpmm_shares_for_cost,
                                            cpmm_shares_to_price, cpmm_trade_cost, lmsr_cost, lmsr_max_loss,
                                            lmsr_prices, lmsr_shares_for_cost, lmsr_shares_to_price,
                                            lmsr_trade_cost)


def test_lmsr_by_hand():
    # b = 1, q = (ln 3, 0): sum exp(q / b) = 3 + 1 = 4, so C = ln 4, prices (3/4, 1/4) (Hanson 2003).
    q = [math.log(3), 0.0]
    assert lmsr_cost(q, 1) == pytest.approx(math.log(4))
    assert lmsr_prices(q, 1).tolist() == pytest.approx([0.75, 0.25])
    # From q = 0 (C = ln 2) that position cost ln 4 - ln 2 = ln 2.
    assert lmsr_trade_cost([0.0, 0.0], q, 1) == pytest.approx(math.log(2))
    # Three outcomes, b = 2, q = 0: C = 2 ln 3, every price 1/3; worst-case loss 2 ln 3.
    assert lmsr_cost([0.0, 0.0, 0.0], 2) == pytest.approx(2 * math.log(3))
    assert lmsr_prices([0.0, 0.0, 0.0], 2).tolist() == pytest.approx([1 / 3] * 3)
    assert lmsr_max_loss(2, 3) == pytest.approx(2 * math.log(3))
    # b = 10, buy 10 YES from 0: C(10, 0) - C(0, 0) = 10 ln(e + 1) - 10 ln 2 = 13.1326 - 6.9315.
    assert lmsr_trade_cost([0.0, 0.0], [10.0, 0.0], 10) == pytest.approx(10 * math.log(math.e + 1) - 10 * math.log(2))
    # Selling back what was bought returns exactly what it cost (path independence).
    bought = lmsr_trade_cost([0.0, 0.0], [10.0, 0.0], 10)
    assert lmsr_trade_cost([10.0, 0.0], [-10.0, 0.0], 10) == pytest.approx(-bought)


def test_lmsr_closed_form_trades():
    # Price 0.5 -> 0.8 at b = 10: x = 10 (logit 0.8 - logit 0.5) = 10 ln 4, costing 10 ln(0.5 / 0.2).
    x = lmsr_shares_to_price([0.0, 0.0], 10, 0, 0.8)
    assert x == pytest.approx(10 * math.log(4))
    assert lmsr_trade_cost([0.0, 0.0], [x, 0.0], 10) == pytest.approx(10 * math.log(2.5))
    assert lmsr_prices([x, 0.0], 10)[0] == pytest.approx(0.8)
    # Three outcomes: buying outcome 2 to price 0.5 from (1/3 each) leaves the others at 1/4 each.
    y = lmsr_shares_to_price([0.0, 0.0, 0.0], 1, 2, 0.5)
    assert lmsr_prices([0.0, 0.0, y], 1).tolist() == pytest.approx([0.25, 0.25, 0.5])
    # A budget buys the shares that cost exactly the budget.
    for budget in (0.0, 0.3, 2.0, 25.0):
        z = lmsr_shares_for_cost([1.0, -0.5], 2, 1, budget)
        assert lmsr_trade_cost([1.0, -0.5], [0.0, z], 2) == pytest.approx(budget, abs=1e-9)


def test_constant_product_by_hand():
    # L = 5: C(0) = (0 + sqrt(0 + 100)) / 2 = 5; prices 1/2.
    assert cpmm_cost([0.0, 0.0], 5) == pytest.approx(5.0)
    assert cpmm_prices([0.0, 0.0], 5).tolist() == [0.5, 0.5]
    # Buy 12 YES: C = (12 + sqrt(144 + 100)) / 2; the pool then holds C - 12 YES and C NO, product 25.
    c = (12 + math.sqrt(244)) / 2
    assert cpmm_cost([12.0, 0.0], 5) == pytest.approx(c)
    assert (c - 12) * c == pytest.approx(25.0)
    assert cpmm_trade_cost([0.0, 0.0], [12.0, 0.0], 5) == pytest.approx(c - 5)
    # Its price of YES is the pool's NO over the pool's holdings: c / (c + c - 12).
    assert cpmm_prices([12.0, 0.0], 5)[0] == pytest.approx(c / (2 * c - 12))
    # Price 0.8 from even odds: gap L (2p - 1) / sqrt(p (1 - p)) = 5 x 0.6 / 0.4 = 7.5.
    assert cpmm_shares_to_price([0.0, 0.0], 5, 0, 0.8) == pytest.approx(7.5)
    assert cpmm_prices([7.5, 0.0], 5)[0] == pytest.approx(0.8)
    assert cpmm_shares_for_cost([0.0, 0.0], 5, 0, c - 5) == pytest.approx(12.0)
    assert cpmm_max_loss(5) == 5.0


@pytest.mark.parametrize("name", list(SCORING_RULES))
def test_rules_are_vectorised_over_markets(name):
    rule = SCORING_RULES[name]
    q = np.array([[0.0, 0.0], [3.0, 1.0], [-2.0, 4.0]])
    prices = rule.prices(q, 2.0)
    assert prices.shape == (3, 2) and np.allclose(prices.sum(axis=1), 1.0)
    one_by_one = [rule.prices(row, 2.0)[0] for row in q]
    assert prices[:, 0].tolist() == pytest.approx(one_by_one)
    target = np.array([0.9, 0.2, 0.5])
    shares = rule.shares_to_price(q, 2.0, np.array([0, 1, 0]), target)
    moved = q.copy()
    moved[[0, 1, 2], [0, 1, 0]] += shares
    assert rule.prices(moved, 2.0)[[0, 1, 2], [0, 1, 0]] == pytest.approx(target)


trades = st.lists(st.tuples(st.integers(0, 2), st.floats(-30, 30, allow_nan=False)), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(trades=trades, b=st.floats(0.1, 20), outcomes=st.integers(2, 3))
def test_lmsr_loss_is_bounded_whatever_the_trades(trades, b, outcomes):
    """Any sequence of buys and sells: the market maker's loss in every outcome, payouts q_k
    minus what it took in, C(q) - C(0), never exceeds b ln n; prices stay in (0, 1), summing to 1."""
    q = np.zeros(outcomes)
    taken = 0.0
    for k, shares in trades:
        delta = np.zeros(outcomes)
        delta[k % outcomes] = shares
        taken += float(lmsr_trade_cost(q, delta, b))
        q += delta
        prices = lmsr_prices(q, b)
        assert prices.sum() == pytest.approx(1.0) and (prices >= 0).all() and (prices <= 1).all()
    for k in range(outcomes):
        assert q[k] - taken <= float(lmsr_max_loss(b, outcomes)) + 1e-9 * (1 + abs(taken))


@settings(max_examples=200, deadline=None)
@given(trades=trades, liquidity=st.floats(0.1, 20))
def test_constant_product_loss_is_bounded_whatever_the_trades(trades, liquidity):
    q = np.zeros(2)
    taken = 0.0
    for k, shares in trades:
        delta = np.zeros(2)
        delta[k % 2] = shares
        taken += float(cpmm_trade_cost(q, delta, liquidity))
        q += delta
        assert cpmm_prices(q, liquidity).sum() == pytest.approx(1.0)
    assert max(q) - taken <= liquidity + 1e-9 * (1 + abs(taken))


@pytest.mark.parametrize("name", list(SCORING_RULES))
def test_an_informed_trader_takes_almost_the_whole_bound(name):
    # Someone who knows YES happens buys until the price is 1 - 1e-9: the market maker's loss
    # approaches, and never passes, its worst case (b ln 2 for the LMSR, L for the pool).
    rule = SCORING_RULES[name]
    x = float(rule.shares_to_price([0.0, 0.0], 3.0, 0, 1 - 1e-9))
    loss = x - float(rule.trade_cost([0.0, 0.0], [x, 0.0], 3.0))
    bound = float(rule.max_loss(3.0))
    assert bound * 0.99 < loss <= bound
    assert bound == pytest.approx(3 * math.log(2) if name == "lmsr" else 3.0)


@pytest.mark.parametrize("call, message", [
    (lambda: lmsr_cost([0.0, 0.0], 0), "b must be a finite number > 0"),
    (lambda: lmsr_cost([np.nan, 0.0], 1), "q must be finite"),
    (lambda: lmsr_cost([1.0], 1), "at least two outcomes"),
    (lambda: lmsr_shares_to_price([0.0, 0.0], 1, 0, 1.0), "price must be a probability strictly between 0 and 1"),
    (lambda: lmsr_shares_to_price([0.0, 0.0], 1, 2, 0.5), "outcome must be whole numbers from 0 to 1"),
    (lambda: lmsr_shares_for_cost([0.0, 0.0], 1, 0, -1), "budget must be finite numbers of credits >= 0"),
    (lambda: lmsr_trade_cost([0.0, 0.0], [1.0, 0.0, 0.0], 1), "q must have 2 outcomes"),
    (lambda: cpmm_cost([0.0, 0.0, 0.0], 1), "q must have 2 outcomes"),
    (lambda: cpmm_prices([0.0, 0.0], -1), "liquidity must be a finite number > 0"),
    (lambda: lmsr_max_loss(1, 1), "outcomes must be a whole number >= 2"),
])
def test_bad_input_is_one_clear_error(call, message):
    with pytest.raises(MechanismInputError, match=message):
        call()
