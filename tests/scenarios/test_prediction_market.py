"""The prediction-market scenario: the task-auction world reused, the bettors' rules, the books of the
market maker (subsidy, bets, refunds, payouts), no wallet below zero, and what overpromising does."""

import math

import numpy as np
import pytest

from agents.forecasters import Forecasters
from agents.prediction_market import LIVE, SETTLED, VOID
from model.ledger import UNITS_PER_CREDIT, to_credits
from model.mechanisms import SCORING_RULES
from model.params import ParameterError
from scenarios.prediction_market import PredictionMarketModel
from scenarios.task_auction import TaskAuctionModel


def stepped(steps=60, **params):
    model = PredictionMarketModel(rng=params.pop("rng", 5), **params)
    for _ in range(steps):
        model.step()
    return model


def test_without_uncertainty_or_forecast_it_is_task_auction():
    # No hidden difficulty, no other work, no discount, every able worker a candidate: the scoring
    # auction is task-auction's procurement auction, so the same seed gives the same contracts.
    ours = stepped(60, rng=3, forecast="none", surprise=0, load=0, candidates=20)
    theirs = TaskAuctionModel(rng=3)
    for _ in range(60):
        theirs.step()
    for column in ("arrival", "effort", "value", "worker", "price", "start", "finish", "payment"):
        assert np.array_equal(getattr(ours.book, column), getattr(theirs.book, column), equal_nan=True), column


def bettors(betting, beliefs, rule="lmsr"):
    """Forecasters with given beliefs (one market per row, one trader slot)."""
    crowd = Forecasters.__new__(Forecasters)
    crowd.rule, crowd.betting = SCORING_RULES[rule], betting
    crowd._belief = np.array(beliefs, dtype=float)[:, None]
    return crowd


def test_a_myopic_trader_moves_the_price_to_its_belief_within_its_budget():
    crowd = bettors("myopic", [0.8, 0.8, 0.2])
    q = np.zeros((3, 2))
    # b = 1 from even odds: reaching 0.8 takes ln 4 YES shares and costs ln(0.5 / 0.2) = 0.916 credits;
    # with 0.5 credits it buys what 0.5 buys; a belief of 0.2 buys NO shares (outcome 1) to price 0.8.
    outcome, shares = crowd.orders(np.arange(3), np.zeros(3, dtype=int), q, 1.0, np.array([5.0, 0.5, 5.0]))
    assert outcome.tolist() == [0, 0, 1]
    assert shares[0] == pytest.approx(math.log(4)) and shares[2] == pytest.approx(math.log(4))
    assert float(SCORING_RULES["lmsr"].trade_cost(q[1], [shares[1], 0.0], 1.0)) == pytest.approx(0.5)
    # Nothing to gain at one's own price: no order.
    _, none = crowd.orders(np.arange(1), np.zeros(1, dtype=int), q[:1] + [math.log(4), 0.0], 1.0, np.array([5.0]))
    assert none.tolist() == [0.0]


def test_a_kelly_bettor_stops_where_log_utility_peaks():
    # Brute force over a fine grid of share counts: pi ln(W - c + x) + (1 - pi) ln(W - c).
    crowd = bettors("kelly", [0.9, 0.85])   # both above the price (0.5, e / (1 + e) = 0.73)
    q, wealth = np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([1.0, 2.0])
    _, shares = crowd.orders(np.arange(2), np.zeros(2, dtype=int), q, 1.0, wealth)
    for i, belief in enumerate([0.9, 0.85]):
        x = np.linspace(0, 10, 400_001)
        cost = np.log(np.exp(q[i, 0] + x) + 1) - np.log(np.exp(q[i, 0]) + 1)
        ok = cost < wealth[i]
        utility = belief * np.log(wealth[i] - cost[ok] + x[ok]) + (1 - belief) * np.log(wealth[i] - cost[ok])
        assert shares[i] == pytest.approx(x[ok][np.argmax(utility)], abs=1e-3)
        assert float(SCORING_RULES["lmsr"].prices(q[i] + [shares[i], 0], 1.0)[0]) < belief   # part of the way


@pytest.mark.parametrize("params", [{}, {"market_maker": "constant-product"}, {"betting": "kelly", "liquidity": 2.0}])
def test_the_market_makers_books(params):
    model = stepped(80, **params)
    pm, t = model.predictions, model.predictions.table
    journal = model.ledger.to_frame()
    units = lambda kind: int(journal.amount_units[journal.kind == kind].sum())  # noqa: E731
    settled, void, live = (np.flatnonzero(t.state == s) for s in (SETTLED, VOID, LIVE))
    assert settled.size > 20 and void.size > 0
    # Every market's loss is within its bound; prices are probabilities.
    assert (pm.loss(settled) <= model.bound + 1e-6).all()
    assert ((t.close_price[settled] > 0) & (t.close_price[settled] < 1)).all()
    # A called-off market returns every bet and its subsidy.
    assert units("bet refund") == t.collected[void].sum()
    assert units("subsidy refund") == t.subsidy[void].sum() == void.size * pm.subsidy
    # The escrow holds exactly the live markets' subsidies and bets.
    assert model.ledger.balance(pm.account) == (t.subsidy[live] + t.collected[live]).sum()
    # The sponsor's net cost is the market maker's loss: minted - what it holds - what it escrows.
    spent = units("information budget") - model.ledger.balance(model.sponsor) - t.subsidy[live].sum()
    assert spent == t.paid_out[settled].sum() - t.collected[settled].sum()
    assert to_credits(spent) == pytest.approx(model.forecast_cost)
    # A winning share pays one credit (to the micro-credit, rounded down).
    winners = np.where(t.outcome[settled, None] == 1, pm.positions.yes[settled], pm.positions.no[settled])
    assert units("payout") == np.floor(winners * UNITS_PER_CREDIT + 1e-6).sum()
    assert model.ledger.money_supply == model.ledger.minted - model.ledger.burned


def test_no_bet_takes_a_wallet_below_zero():
    # Tiny stakes and large budgets: traders are held to their wallets. The ledger would refuse an
    # overdraft (InsufficientFunds); the run finishes and no worker's balance is ever negative.
    model = PredictionMarketModel(rng=2, stake=0.05, bet_budget=50.0, traders=8, rounds=4)
    lowest = np.inf
    for _ in range(60):
        model.step()
        lowest = min(lowest, model.trader_balances().min())
    assert lowest >= 0
    bets = model.ledger.to_frame().query("kind == 'bet'")
    assert len(bets) > 0 and (bets.amount > 0).all()
    broke = stepped(10, stake=0.0)      # no money, no bets until work is paid
    first = broke.ledger.to_frame().query("kind == 'bet'")
    paid = broke.ledger.to_frame().query("kind == 'task payment'")
    assert first.empty or first.step.min() >= paid.step.min()


def test_overpromisers_win_more_on_their_word_and_lose_money_betting():
    # Overpromisers claim they need a sixth of their hours: an owner who takes claims at face value
    # gives them more work than one who knows the truth (the same seeds; penalty 1: late work is
    # worth nothing, so the owner's discount weighs the most).
    common = dict(overpromisers=0.5, optimism=5.0, penalty=1.0)
    share = lambda m: m.to_overpromisers / m.assigned_total  # noqa: E731
    for seed in (1, 2):
        assert share(stepped(120, rng=seed, forecast="claims", **common)) > \
            share(stepped(120, rng=seed, forecast="truth", **common))
    # In the market each worker bets on itself. Valued at the true chance (no outcome noise), an
    # honest worker only ever buys below its true chance, so each of its own positions has an expected
    # profit >= 0 (less a micro-credit of rounding per fill); an overpromiser buys past it and loses.
    model = stepped(120, rng=1, overpromisers=0.5, optimism=5.0)
    pm, t = model.predictions, model.predictions.table
    ids = np.flatnonzero(t.state == SETTLED)
    truth = model.truth_of[t.task[ids]]
    expected = pm.positions.yes[ids, 0] * truth + pm.positions.no[ids, 0] * (1 - truth) \
        - to_credits(pm.positions.paid[ids, 0])
    liar = model.overpromiser[t.worker[ids]]
    assert liar.any() and (~liar).any()
    assert (expected[~liar] >= -1e-5).all()
    assert expected[liar].sum() < 0


def test_columns_and_calibration_counts():
    model = stepped(80)
    frame = model.datacollector.get_model_vars_dataframe()
    last = frame.iloc[-1]
    counts = np.array([last[f"calib_n:{b}"] for b in range(10)])
    yes = np.array([last[f"calib_yes:{b}"] for b in range(10)])
    assert counts.sum() == model._forecasted > 0 and (yes <= counts).all()
    assert 0 <= last.brier <= 1 and 0 <= last.brier_truth <= 1 and 0 < last.on_time_rate <= 1
    assert 0 < last.mm_loss_ratio_max <= 1 + 1e-6
    assert (frame.welfare <= frame.optimum + 1e-6).all()
    assert frame["price:predictions"].dropna().between(0, 1).all()


@pytest.mark.parametrize("params, message", [
    ({"workers": 1}, "workers must be an integer between 2 and 10000; got 1"),
    ({"alpha": 0.5, "beta": 0.3, "gamma": 0.3}, "alpha + beta + gamma must equal 1"),
    ({"min_effort": 5, "max_effort": 3}, "min_effort (5) cannot exceed max_effort (3)"),
    ({"forecast": "oracle"}, "forecast must be one of none, claims, market, truth"),
    ({"market_maker": "cda"}, "market_maker must be one of lmsr, constant-product"),
    ({"liquidity": 0}, "liquidity must be a number between 0.01 and 1000"),
])
def test_bad_parameters_get_a_clear_error(params, message):
    with pytest.raises(ParameterError) as err:
        PredictionMarketModel(rng=0, **params)
    assert message in str(err.value)
