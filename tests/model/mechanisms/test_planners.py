"""optimal_allocation against a textbook case and an exact MILP (scipy/HiGHS);
arrival_order by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from model.mechanisms import MechanismInputError, arrival_order, density_clear, optimal_allocation


def milp_optimum(values, quantities, supply) -> float:
    """The 0/1 knapsack solved as an integer program by HiGHS (independent of the DP)."""
    n = len(values)
    res = milp(
        c=-np.asarray(values, float),
        constraints=LinearConstraint(np.asarray(quantities, float)[None, :], 0, supply),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        # HiGHS stops at a relative gap of 1e-4 by default, which lets it return 157.0 where
        # 157.015625 is optimal (a case hypothesis found): demand a proven optimum.
        options={"mip_rel_gap": 0},
    )
    assert res.success
    return -res.fun


def test_textbook_knapsack():
    # CLRS (3rd ed.) ex. 16.2: values 60, 100, 120, weights 10, 20, 30, capacity 50:
    # the optimum takes items 2 and 3 for 220 (greedy by density would take 1 and 2: 160).
    w, chosen = optimal_allocation([60, 100, 120], [10, 20, 30], 50)
    assert w == 220 and chosen.tolist() == [1, 2]
    assert density_clear([60, 100, 120], [10, 20, 30], 50).winners.tolist() == [0, 1]


# Values are 0 or at least 1e-3: HiGHS's own tolerances (1e-6 absolute; it dropped a bid worth
# 1e-6 from 17.000001, a case hypothesis found) would otherwise decide the comparison, not the DP.
values = st.one_of(st.just(0.0), st.floats(1e-3, 100, allow_nan=False))
instances = st.integers(1, 25).flatmap(
    lambda n: st.tuples(
        st.lists(values, min_size=n, max_size=n),
        st.lists(st.integers(0, 15), min_size=n, max_size=n),
        st.integers(0, 80),
    )
)


@settings(max_examples=150, deadline=None)
@given(instances)
def test_dp_equals_milp(instance):
    values, quantities, supply = instance
    w, chosen = optimal_allocation(values, quantities, supply)
    assert w == pytest.approx(milp_optimum(values, quantities, supply), rel=1e-9, abs=1e-9)
    assert np.asarray(quantities)[chosen].sum() <= supply
    assert w == pytest.approx(np.asarray(values)[chosen].sum())


@settings(max_examples=100, deadline=None)
@given(instances)
def test_optimum_bounds_market_and_naive(instance):
    values, quantities, supply = instance
    quantities = [max(q, 1) for q in quantities]
    w, _ = optimal_allocation(values, quantities, supply)
    market = density_clear(values, quantities, supply)
    naive, _ = arrival_order(values, quantities, supply)
    assert np.asarray(values)[market.winners].sum() <= w + 1e-9
    assert naive <= w + 1e-9


def test_arrival_order_skips_what_does_not_fit():
    # supply 4: request 0 (3 units) fits, request 1 (4) does not, request 2 (1) does.
    w, chosen = arrival_order([1.0, 9.0, 2.0], [3, 4, 1], 4)
    assert chosen.tolist() == [0, 2] and w == 3.0


@pytest.mark.parametrize(
    "args, word",
    [
        (([1.0], [1.5], 3), "whole units"),
        (([1.0], [1], 2.5), "supply"),
        (([1.0, 2.0], [1], 3), "mismatched"),
        (([-1.0], [1], 3), "values"),
        (([1.0] * 3000, [1] * 3000, 10**6), "too large"),
    ],
)
def test_bad_input(args, word):
    with pytest.raises(MechanismInputError, match=word):
        optimal_allocation(*args)


@pytest.mark.parametrize("supply", [-1, -1.5, float("nan")])
def test_arrival_order_rejects_a_bad_supply(supply):
    with pytest.raises(MechanismInputError, match="supply"):
        arrival_order([1.0], [1], supply)
