"""Smith's double auction: the competitive equilibrium exactly, zero-intelligence efficiency,
wallets that move by exactly each trader's profit, and live (class session) trading."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.runner import run
from model.ledger import UNITS_PER_CREDIT, to_units
from model.params import ParameterError
from scenarios.double_auction import DoubleAuctionModel, competitive_equilibrium

prices = st.lists(st.integers(0, 40).map(float), min_size=1, max_size=6)


def test_the_equilibrium_of_a_textbook_schedule():
    # Values 150, 130, 110, 90, 70, 50 and costs 50, 70, ..., 150 (the defaults): three pairs gain
    # (150-50, 130-70, 110-90), the fourth does not (90 < 110); the band is
    # [max(c3, v4), min(v3, c4)] = [max(90, 90), min(110, 110)]; the maximum surplus 100 + 60 + 20.
    values, costs = [150, 130, 110, 90, 70, 50], [50, 70, 90, 110, 130, 150]
    assert competitive_equilibrium(values, costs) == (3, 90.0, 110.0, 180.0)
    # One more buyer at 100 moves the band's bottom to 100 (that buyer must not want to buy).
    assert competitive_equilibrium(values + [100], costs) == (3, 100.0, 110.0, 180.0)


@settings(max_examples=200, deadline=None)
@given(prices, prices)
def test_the_equilibrium_against_brute_force(values, costs):
    q, low, high, best = competitive_equilibrium(values, costs)
    # Maximum surplus: every way of pairing k buyers with k sellers.
    brute = max(sum(values[b] - costs[s] for b, s in zip(bs, ss))
                for k in range(min(len(values), len(costs)) + 1)
                for bs in itertools.combinations(range(len(values)), k)
                for ss in itertools.permutations(range(len(costs)), k))
    assert best == pytest.approx(brute)
    assert low <= high
    # Every price in the band clears: those who strictly want to trade fit in q, those who
    # weakly want to are at least q, on both sides.
    for p in {low, high, (low + high) / 2} - {np.inf, -np.inf}:
        v, c = np.array(values), np.array(costs)
        assert (v > p).sum() <= q <= (v >= p).sum()
        assert (c < p).sum() <= q <= (c <= p).sum()


def test_zero_intelligence_is_efficient_when_constrained_and_not_when_unconstrained():
    # Gode and Sunder (1993): budget-constrained random traders extract most of the surplus;
    # unconstrained ones (ZI-U) trade extramarginal units too. 40 periods, same values.
    zic = run("double-auction", steps=40, seed=3, strategy="zic", ticks=50)
    ziu = run("double-auction", steps=40, seed=3, strategy="ziu", ticks=50)
    mean, sd = zic.efficiency.mean(), zic.efficiency.std() / np.sqrt(40)
    assert mean > 0.85 and mean - 2 * sd > ziu.efficiency.mean() + 0.3
    assert (ziu.extramarginal > 0).mean() > 0.5
    assert zic.mean_price.mean() == pytest.approx(100, abs=10)          # the band is [90, 110]


def test_wallets_move_by_exactly_each_traders_profit_and_money_is_accounted_for():
    model = DoubleAuctionModel(rng=5, buyers=4, sellers=5)
    for _ in range(10):
        before = model.ledger.balances.copy()
        model.step()
        truth = model.induced.true_values()
        profit = np.zeros(9, dtype=np.int64)   # in micro-credits, as the ledger moves them
        for b, s, price in model.market.last_trades:
            paid = int(np.rint(price * UNITS_PER_CREDIT))
            profit[b] += to_units(truth[b]) - paid   # redeemed at its value, paid the price
            profit[s] += paid - to_units(truth[s])   # paid the price, charged its cost
        accounts = [t.account for t in model.members]
        assert np.array_equal(model.ledger.balances[accounts] - before[accounts], profit)
        if model.steps > 1:   # (the first step's row also counts the endowments minted at set-up)
            assert model.minted - model.burned == pytest.approx(model.welfare, abs=1e-5)   # redemptions = surplus


def test_live_trading_a_person_posts_between_bot_ticks():
    model = DoubleAuctionModel(rng=1, strategy="truthful")
    model.market.live = True
    model.open_round()
    values = model.induced.true_values()
    seller = 6 + int(np.argmin(values[6:]))
    model.market.post(seller, False, 60.0)
    assert model.market.quotes()["best_ask"] == 60.0
    buyer = int(np.argmax(values[:6]))
    assert model.market.post(buyer, True, 60.0) == 1
    with pytest.raises(ValueError, match="traded your unit"):
        model.market.post(buyer, True, 70.0)
    with pytest.raises(ValueError, match="buyers post bids"):
        model.market.post(seller + 1 if seller < 11 else 6, True, 70.0)
    model.step()
    assert model.market.last_trades[0][2] == 60.0 and model.trades == 1   # no simulated ticks in live mode
    with pytest.raises(ValueError, match="round is closed"):
        model.market.post(buyer, True, 70.0)


def test_bad_parameters_are_refused():
    with pytest.raises(ParameterError, match="price_cap"):
        DoubleAuctionModel(rng=0, price_cap=100)
    with pytest.raises(ParameterError, match="learns to bid, not to ask"):
        DoubleAuctionModel(rng=0, strategy="qlearn")
    with pytest.raises(ParameterError, match="demand_low"):
        DoubleAuctionModel(rng=0, demand_low=160)


def test_learning_buyers_trade_against_zic_sellers():
    frame = run("double-auction", steps=60, seed=2, strategy="qlearn", seller_strategy="zic")
    assert frame.trades.sum() > 0 and frame.efficiency.notna().all()
