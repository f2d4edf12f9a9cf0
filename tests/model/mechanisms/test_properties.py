"""Properties every mechanism must have, on random inputs (hypothesis):
feasibility, individual rationality, non-negative payments, payments only by winners."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from model.mechanisms import density_clear, first_price, second_price, uniform_price

bid_lists = st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=40)


def assert_sound(clearing, bids, supply, quantities=None):
    quantities = np.ones(len(bids)) if quantities is None else np.asarray(quantities, float)
    bids = np.asarray(bids, float)
    assert clearing.allocation.sum() <= supply + 1e-9                      # feasible
    assert np.all(clearing.payments >= 0)                                  # nobody is paid to win
    assert np.all(clearing.payments <= bids + 1e-9 * np.maximum(1, bids))  # individually rational
    losers = np.setdiff1d(np.arange(len(bids)), clearing.winners)
    assert not clearing.payments[losers].any() and not clearing.allocation[losers].any()
    assert np.allclose(clearing.allocation[clearing.winners], quantities[clearing.winners])


@settings(max_examples=200, deadline=None)
@given(bid_lists, st.floats(0, 1e6, allow_nan=False))
def test_single_item_auctions(bids, reserve):
    for rule in (first_price, second_price):
        c = rule(bids, reserve=reserve)
        assert_sound(c, bids, 1)
        assert np.all(np.asarray(bids)[c.winners] >= reserve)


@settings(max_examples=200, deadline=None)
@given(bid_lists, st.integers(0, 50), st.floats(0, 1e6, allow_nan=False))
def test_uniform_price(bids, units, reserve):
    assert_sound(uniform_price(bids, units, reserve=reserve), bids, units)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 60).flatmap(lambda n: st.tuples(
    st.lists(st.floats(0, 1e3, allow_nan=False), min_size=n, max_size=n),
    st.lists(st.floats(0.01, 20, allow_nan=False), min_size=n, max_size=n),
    st.floats(0, 200, allow_nan=False),
)))
def test_density_clear(instance):
    values, quantities, supply = instance
    assert_sound(density_clear(values, quantities, supply), values, supply, quantities)
