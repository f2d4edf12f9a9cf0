"""Learning bidders in the sealed-bid scenario: regret, agency, the information they get, and
what they learn (seed 002, section 9; issue 15)."""

import numpy as np
import pytest

from agents.market_maker import highest_competing
from experiments.runner import run, simulate
from model.params import ParameterError
from model.regret import sealed_bid_counterfactual
from scenarios.sealed_bid import SealedBidModel


@pytest.mark.parametrize("grid", [2, 7, 20])
def test_a_truthful_bidder_in_vickrey_has_regret_exactly_zero(grid):
    # Bidding one's value is dominant round by round under second price, so no fixed fraction of
    # a grid that contains 1 ever does better: the regret is 0, not merely small.
    frame = run("sealed-bid", steps=300, seed=5, bidders=5, rule="second", strategy="truthful", grid=grid)
    assert (frame["regret:max"] == 0.0).all()


def test_regret_equals_brute_force_over_the_grid():
    model = SealedBidModel(rng=2, bidders=3, rule="first", strategy="zic", grid=4)
    recorded = []
    for _ in range(60):
        model.step()
        recorded.append((np.array([b.valuation for b in model.bidders]), model.markets["item"].last_orders["bid"]))
    # For every bidder and fraction, the utility it would have had (others' bids fixed), summed;
    # minus what it had.
    best = np.zeros((3, 4))
    realised = np.zeros(3)
    for values, bids in recorded:
        for i in range(3):
            for a, fraction in enumerate([0.25, 0.5, 0.75, 1.0]):
                others = np.delete(bids, i)
                mine = fraction * values[i]
                # ties go to the lowest index, as in model.mechanisms.sealed_bid
                wins = mine > others.max() or (mine == others.max() and i < np.flatnonzero(bids == others.max())[0])
                best[i, a] += values[i] - mine if wins else 0.0
            winner = int(np.argmax(bids))
            realised[i] += values[i] - bids[i] if winner == i else 0.0
    assert model.regret.regret() == pytest.approx(best.max(axis=1) - realised)


def test_counterfactual_by_hand():
    # Bids 0.6, 0.4 (values 0.9, 0.5), second price. Bidder 0 bidding 0.3 loses to 0.4: 0;
    # bidding 0.9 wins and pays 0.4: 0.5. Bidder 1 bidding 0.9 beats 0.6 and pays it: 0.5 - 0.6.
    u = sealed_bid_counterfactual([0.6, 0.4], [0.9, 0.5], [[0.3, 0.9], [0.3, 0.9]], "second")
    assert u[0].tolist() == [0.0, 0.5] and u[1, 0] == 0.0 and u[1, 1] == pytest.approx(-0.1)
    # First price with a reserve of 0.35: bidding 0.3 cannot win even alone.
    u = sealed_bid_counterfactual([0.2, 0.1], [0.9, 0.5], [[0.3, 0.4], [0.3, 0.4]], "first", reserve=0.35)
    assert u.tolist() == [[0.0, pytest.approx(0.5)], [0.0, pytest.approx(0.1)]]
    assert highest_competing(np.array([0.2, 0.9, 0.5])).tolist() == [0.9, 0.5, 0.9]


def test_agency_against_truthful_bidding_is_zero_for_truthful_bidders():
    frame = run("sealed-bid", steps=200, seed=3, rule="second", strategy="truthful")
    assert (frame["agency:mean"] == 0).all() and (frame["agency:negative_share"] == 0).all()
    shading = simulate("sealed-bid", steps=2000, seed=3, rule="second", deviant_strategy="shade", shading=0.3)
    agency = shading.agent_table().agency
    assert agency.iloc[0] < 0 and (agency.iloc[1:] >= 0).all()   # the shader loses what it gives up


@pytest.mark.parametrize("strategy", ["qlearn", "hedge", "exp3"])
def test_learners_are_reproducible_conserve_money_and_never_outbid_their_wallets(strategy):
    kw = dict(steps=300, seed=9, bidders=6, strategy=strategy, rule="first", disclosure="bids", budget=2.0)
    a, b = run("sealed-bid", **kw), run("sealed-bid", **kw)
    assert a.equals(b)
    assert np.allclose(a.money_supply, 6 * 2.0)
    model = simulate("sealed-bid", **kw)
    assert (model.markets["item"].last_orders["bid"] <= model._wealth + 1e-12).all()


def test_hedge_needs_the_bids_disclosed():
    with pytest.raises(ParameterError, match="hedge learns from the utility of every bid"):
        SealedBidModel(rng=0, strategy="hedge", disclosure="price")


def test_q_learners_learn_to_shade_under_first_price():
    # Truthful bidding earns nothing under first price; a Q-learner that explores finds that
    # lower fractions pay, so its greedy fraction ends below 1 (and revenue below the truthful 2/3).
    model = simulate("sealed-bid", steps=3000, seed=1, bidders=2, strategy="qlearn", rule="first", exploration=0.2,
                     learning_rate=0.05)
    fractions = np.concatenate([s.greedy_fractions() for s in model.learners()])
    assert (fractions < 1.0).all()
