"""Economic agency against a baseline on the same seed (seed 002, section 9)."""

import numpy as np
import pytest

from experiments.agency import agency
from experiments.runner import simulate
from model.params import ParameterError


def test_the_same_mechanism_as_baseline_gives_zero_agency():
    table = agency("task-auction", {"rule": "second"}, steps=60, seed=2, rule="second")
    assert (table.agency == 0).all()


def test_truthful_first_price_leaves_winners_nothing():
    # Under first price a truthful winner pays its value: utility 0 every step (up to the ledger's
    # rounding of each payment to a micro-credit). So the agency of Vickrey over it is each
    # bidder's whole Vickrey utility (the same values: same seed).
    table = agency("sealed-bid", {"rule": "first"}, steps=300, seed=4, rule="second", strategy="truthful")
    vickrey = simulate("sealed-bid", steps=300, seed=4, rule="second", strategy="truthful")
    assert table.baseline_utility.abs().max() <= 300 * 0.5e-6
    assert table.agency.tolist() == pytest.approx([b.utility for b in vickrey.bidders], abs=300 * 0.5e-6)


def test_discount_zero_counts_the_first_step_only():
    table = agency("sealed-bid", {"rule": "first"}, steps=50, seed=4, rule="second", discount=0.0)
    first = simulate("sealed-bid", steps=1, seed=4, rule="second")
    assert table.agency.tolist() == pytest.approx([b.utility for b in first.bidders], abs=0.5e-6)


def test_the_market_against_the_planner_in_the_task_market():
    table = agency("task-auction", {"mechanism": "planner"}, steps=100, seed=1, workers=10)
    assert len(table) == 10 and np.isfinite(table.agency).all()


@pytest.mark.parametrize("baseline, message", [({}, "at least one parameter"), ({"workers": 5}, "same participants"),
                                               ({"mechanism": "nope"}, "mechanism must be one of")])
def test_bad_baselines(baseline, message):
    with pytest.raises(ParameterError, match=message):
        agency("task-auction", baseline, steps=5)
