"""Workers who learn their markups in the task market (issue 15): the observer's exact
regret, reproducibility, and the information they learn from."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.runner import run, simulate
from model.mechanisms import sequential_reverse_auctions
from model.params import ParameterError
from model.regret import procurement_counterfactual
from scenarios.task_auction import TaskAuctionModel

asks_tables = st.integers(1, 5).flatmap(lambda jobs: st.integers(2, 5).flatmap(lambda sellers: st.tuples(
    st.lists(st.lists(st.one_of(st.none(), st.floats(0, 10)), min_size=sellers, max_size=sellers),
             min_size=jobs, max_size=jobs),
    st.lists(st.floats(0, 10), min_size=jobs, max_size=jobs),
    st.lists(st.lists(st.floats(0, 10), min_size=jobs, max_size=jobs), min_size=1, max_size=4),
    st.sampled_from(["first", "second"]), st.integers(0, sellers - 1))))


@settings(max_examples=150, deadline=None)
@given(asks_tables)
def test_counterfactual_rounds_equal_rerunning_the_auctions(case):
    rows, reserves, candidates, rule, seller = case
    asks = np.array([[np.nan if a is None else a for a in row] for row in rows])
    jobs, prices = procurement_counterfactual(asks, reserves, rule, None, seller, candidates)
    for k, column in enumerate(candidates):   # the independent method: one full re-run per candidate
        trial = asks.copy()
        trial[:, seller] = column
        winner, price = sequential_reverse_auctions(trial, reserves, rule)
        won = np.flatnonzero(winner == seller)
        assert jobs[k] == (won[0] if won.size else -1)
        assert (np.isnan(prices[k]) and not won.size) or prices[k] == price[won[0]]


def test_the_markup_played_reproduces_the_profit_made():
    # Each round the observer re-runs the auctions with every markup of the grid; for the markup a
    # worker actually played the re-run is the round itself, so regret = best - realised >= 0,
    # and a worker that never won anything with any markup has regret 0.
    model = simulate("task-auction", steps=120, seed=3, workers=12, strategy="qlearn", exploration=0.3)
    regret = model.regret.regret()
    assert (regret >= -1e-9).all() and regret.max() > 0
    assert np.all(model.regret.per_action.max(axis=1) >= model.regret.realised - 1e-9)


def test_learning_workers_are_reproducible_and_money_is_conserved():
    a = run("task-auction", steps=80, seed=4, strategy="exp3")
    b = run("task-auction", steps=80, seed=4, strategy="exp3")
    assert a.equals(b)
    assert (a["markup:mean"] >= 0).all() and "regret:max" in a.columns


def test_learners_need_the_market():
    with pytest.raises(ParameterError, match="needs mechanism=market"):
        TaskAuctionModel(rng=0, strategy="qlearn", mechanism="planner")


def test_learning_workers_mark_up_under_first_price():
    # Asking one's break-even price earns nothing under first price: learners that explore find
    # that a markup pays, and the price per effort-hour rises above the truthful one (same seed).
    truthful = run("task-auction", steps=600, seed=2, rule="first")
    learned = run("task-auction", steps=600, seed=2, rule="first", strategy="qlearn", exploration=0.1)
    assert learned["markup:mean"].iloc[-1] > 0
    assert learned["price:tasks"].iloc[-300:].mean() > truthful["price:tasks"].iloc[-300:].mean()
