"""agents/learning_bidders.py on its own: a population of bidders on a grid of fractions of their
value, its round (actions drawn at the first bid, learned once every member has reported), the
utility of every grid bid against the highest competing one, the price state, and the misuses
it refuses."""

import math

import numpy as np
import pytest

from agents.learning_bidders import LEARNING_PARAMS, LearningBidder, learning_bidder
from model.params import validate


def population(kind="qlearn", members=2, **kw):
    settings = dict(grid=2, rule="first", reserve=0.0, rng=np.random.default_rng(0), exploration=0.0)
    settings.update(kw)
    bidders = LearningBidder(kind, **settings)
    rows = [bidders.join() for _ in range(members)]
    return bidders, rows


def test_members_bid_a_grid_fraction_of_their_value_and_learn_from_their_own_utility():
    # grid 2: fractions 0.5 and 1. No exploration and Q = 0: both play the lowest index, 0.5.
    bidders, rows = population(learning_rate=0.1)
    assert rows == [0, 1] and bidders.fractions.tolist() == [0.5, 1.0]
    assert bidders.bid(0.8, 2, None, member=0) == 0.4 and bidders.bid(0.6, 2, None, member=1) == 0.3
    # Member 0 lost 0.2 with it: Q[0, 0.5] = 0.9 x 0 + 0.1 x (-0.2) = -0.02 < Q[0, 1] = 0, so its greedy
    # fraction becomes 1; member 1 earned 0.3: Q[1, 0.5] = 0.03, it keeps 0.5.
    bidders.feedback(0, -0.2)
    assert bidders._actions is not None                   # the round is open until everyone reports
    bidders.feedback(1, 0.3)
    assert bidders.greedy_fractions().tolist() == [1.0, 0.5]
    np.testing.assert_allclose(bidders.learner.q[:, 0], [[-0.02, 0.0], [0.03, 0.0]])
    assert bidders.bids(np.array([0.8, 0.6]), 2, None).tolist() == [0.8, 0.3]


def test_hedge_learns_every_grid_bids_utility_against_the_highest_competing_bid():
    # grid 4: bids 0.2, 0.4, 0.6, 0.8 of a value 0.8, reserve 0.1, the highest competing bid 0.5.
    # First price: 0.6 wins (0.8 - 0.6 = 0.2), 0.8 wins for nothing, 0.2 and 0.4 lose: (0, 0, 0.2, 0).
    # Second price: each winner pays max(0.5, reserve) = 0.5: (0, 0, 0.3, 0.3).
    for rule, expected in (("first", [0.0, 0.0, 0.2, 0.0]), ("second", [0.0, 0.0, 0.3, 0.3])):
        bidders, _ = population("hedge", members=1, grid=4, rule=rule, reserve=0.1, learning_rate=1.0,
                                counterfactual=True)
        bidders.bid(0.8, 2, None)
        bidders.feedback(0, 0.0, price=0.5, highest_other=0.5)
        bidders.bid(0.8, 2, None)                         # the next round applies the last one's feedback
        logs = bidders.learner.log_weights[0, 0]
        np.testing.assert_allclose(logs, np.array(expected) - max(expected))   # eta 1, shifted to max 0


def test_a_tie_with_the_highest_competing_bid_counts_as_a_loss():
    # Value 1, grid 2: bidding 0.5 against a competing 0.5 ties: utility 0, not 1 - 0.5.
    bidders, _ = population("hedge", members=1, learning_rate=1.0, counterfactual=True)
    bidders.bid(1.0, 2, None)
    bidders.feedback(0, 0.0, highest_other=0.5)
    bidders.bid(1.0, 2, None)
    np.testing.assert_allclose(bidders.learner.log_weights[0, 0], [0.0, 0.0])   # both grid bids earn 0


def test_the_price_state_is_the_last_disclosed_price_on_the_grid():
    # grid 4, state="price": 5 states, the last "no price yet". Round 1 is played in state 4 and
    # learned there; price 0.55 is level int(0.55 x 4) = 2, so round 2 is played in state 2.
    bidders, _ = population(members=1, grid=4, state="price", learning_rate=0.5)
    bidders.bid(0.8, 2, None)
    bidders.feedback(0, -0.4, price=0.55)
    bidders.bid(0.8, 2, None)
    assert bidders.learner.q.shape == (1, 5, 4)
    assert bidders.learner.q[0, 4].tolist() == [-0.2, 0.0, 0.0, 0.0] and not bidders.learner.q[0, 2].any()
    bidders.feedback(0, 0.1, price=float("nan"))          # no price disclosed: back to state 4
    bidders.bid(0.8, 2, None)
    # played in state 2, whose Q-values were all 0: action 0; Q[2, 0] = 0.5 x 0 + 0.5 x 0.1 = 0.05
    assert bidders.learner.q[0, 2].tolist() == [0.05, 0.0, 0.0, 0.0]


def test_misuses_are_refused():
    with pytest.raises(ValueError, match="unknown learner 'sarsa'"):
        LearningBidder("sarsa", grid=2, rule="first", reserve=0.0, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="hedge .* needs the highest competing bid disclosed"):
        LearningBidder("hedge", grid=2, rule="first", reserve=0.0, rng=np.random.default_rng(0))
    bidders, _ = population()
    with pytest.raises(RuntimeError, match="feedback must follow a round"):
        bidders.feedback(0, 0.1)
    bidders.bid(0.5, 2, None)
    with pytest.raises(RuntimeError, match="members join before the first round"):
        bidders.join()
    with pytest.raises(TypeError, match="does not ask"):
        bidders.ask(np.array([1.0]), np.array([2.0]), None)
    needs, _ = population("hedge", members=1, counterfactual=True)
    needs.bid(0.5, 2, None)
    with pytest.raises(RuntimeError, match="did not disclose it"):
        needs.feedback(0, 0.0, highest_other=math.nan)


def test_a_scenarios_declared_values_build_the_population():
    values = validate(LEARNING_PARAMS, {"grid": 5, "learning_rate": 0.3}, owner="test")
    bidders = learning_bidder("qlearn", values, rule="second", reserve=0.2, rng=np.random.default_rng(0),
                              counterfactual=False)
    assert bidders.fractions.tolist() == [0.2, 0.4, 0.6, 0.8, 1.0] and bidders.rule == "second"
    assert bidders.reserve == 0.2 and bidders.state == "none" and bidders.learns and not bidders.misreads
    assert np.isnan(bidders.greedy_fractions()).all()     # no member, no round yet
