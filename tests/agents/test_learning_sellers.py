"""agents/learning_sellers.py on its own: sellers asking break-even x (1 + a markup on the grid),
learning only when they were in the market, EXP3's rewards kept within its range, the declared
parameters, and the misuses it refuses."""

import numpy as np
import pytest

from agents.learning_bidders import LEARNING_PARAMS
from agents.learning_sellers import LearningSeller, seller_params


def sellers(kind="qlearn", members=2, **kw):
    settings = dict(grid=3, max_markup=1.0, rng=np.random.default_rng(0), exploration=0.0)
    settings.update(kw)
    population = LearningSeller(kind, **settings)
    for _ in range(members):
        population.join()
    return population


def test_asks_are_break_even_times_one_plus_the_markup():
    # Grid 3 up to 1: markups 0, 0.5, 1. No exploration, Q = 0: everyone plays markup 0 (truthful).
    s = sellers()
    assert s.markups.tolist() == [0.0, 0.5, 1.0]
    assert s.ask(np.array([10.0, 4.0]), np.array([20.0, 20.0]), None, members=np.array([0, 1])).tolist() == [10.0, 4.0]


def test_only_the_members_in_the_market_learn():
    # Member 0 sold at a loss of 1: Q[0, markup 0] = 0.9 x 0 + 0.1 x (-1) = -0.1, so it now prefers 0.5.
    # Member 1 was not in the market: its row does not move although a reward slot exists for it.
    s = sellers(learning_rate=0.1)
    s.ask(np.array([10.0]), np.array([20.0]), None, members=np.array([0]))
    s.feedback(np.array([0]), np.array([-1.0]))
    assert s.current_markups().tolist() == [0.5, 0.0]
    np.testing.assert_allclose(s.learner.q[:, 0], [[-0.1, 0.0, 0.0], [0.0, 0.0, 0.0]])
    assert s.ask(np.array([10.0, 10.0]), np.array([20.0, 20.0]), None, members=np.array([0, 1])).tolist() == [15.0, 10.0]


def test_feedback_without_a_round_is_ignored():
    s = sellers()
    s.feedback(np.array([0]), np.array([5.0]))
    assert s.learner is None and np.isnan(s.current_markups()).all()


def test_exp3_profits_are_clipped_to_its_reward_range():
    # A profit of 500 with reward_scale 100 is learned as 100 (EXP3 refuses rewards outside its range).
    s = sellers("exp3", members=1, reward_scale=100.0, exploration=0.5)
    s.ask(np.array([1.0]), np.array([2.0]), None, members=np.array([0]))
    s.feedback(np.array([0]), np.array([500.0]))
    s.current_markups()
    clipped = sellers("exp3", members=1, reward_scale=100.0, exploration=0.5)
    clipped.ask(np.array([1.0]), np.array([2.0]), None, members=np.array([0]))
    clipped.feedback(np.array([0]), np.array([100.0]))
    clipped.current_markups()
    np.testing.assert_allclose(s.learner.log_weights, clipped.learner.log_weights)
    assert s.learner.log_weights.any()


def test_misuses_are_refused():
    with pytest.raises(ValueError, match="unknown seller learner 'hedge'"):
        LearningSeller("hedge", grid=3, max_markup=1.0, rng=np.random.default_rng(0))
    s = sellers()
    with pytest.raises(ValueError, match="members="):
        s.ask(np.array([1.0]), np.array([2.0]), None)
    with pytest.raises(TypeError, match="does not bid"):
        s.bid(1.0, 2, None)
    with pytest.raises(TypeError, match="does not bid"):
        s.bids(np.array([1.0]), 2, None)
    s.ask(np.array([1.0]), np.array([2.0]), None, members=np.array([0]))
    with pytest.raises(RuntimeError, match="members join before the first round"):
        s.join()


def test_the_sellers_declared_parameters():
    params = {p.name: p for p in seller_params(LEARNING_PARAMS)}
    assert "learner_state" not in params and params["max_markup"].default == 1.0
    assert params["grid"].low == 2 and "markups" in params["grid"].help
    assert set(params) == {p.name for p in LEARNING_PARAMS} - {"learner_state"} | {"max_markup"}
