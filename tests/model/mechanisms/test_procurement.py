"""Reverse auctions (textbook cases and properties) and the exact assignment planner
(against exhaustive search)."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.mechanisms import MechanismInputError, optimal_assignment, reverse_auction, sequential_reverse_auctions


def test_seed_001_example():
    # Seed 001, "Market 1: Task Auction": A asks 20 (5 h at 4/h), B asks 18 (3 h at 6/h).
    # Vickrey: B wins and is paid the second-lowest ask, 20; first price: B is paid 18.
    vickrey = reverse_auction([20.0, 18.0], rule="second")
    assert vickrey.winners.tolist() == [1] and vickrey.payments.tolist() == [0.0, 20.0]
    first = reverse_auction([20.0, 18.0], rule="first")
    assert first.winners.tolist() == [1] and first.price == 18.0


def test_reserve_caps_the_payment_and_excludes_asks_above_it():
    assert reverse_auction([20.0, 18.0], reserve=19.0).price == 19.0      # min(20, 19)
    assert reverse_auction([20.0, 25.0], reserve=19.0).winners.size == 0  # nobody at or below 19
    assert np.isnan(reverse_auction([20.0, 25.0], reserve=19.0).price)
    assert reverse_auction([18.0], reserve=30.0).price == 30.0           # alone: paid the reserve


def test_nan_means_not_bidding_and_ties_go_to_the_lowest_index():
    c = reverse_auction([np.nan, 7.0, 7.0, np.nan])
    assert c.winners.tolist() == [1] and c.price == 7.0
    assert reverse_auction([np.nan, np.nan]).winners.size == 0
    assert reverse_auction([]).winners.size == 0


@pytest.mark.parametrize("asks, kwargs, word", [
    ([1.0, -2.0], {}, "asks"),
    ([1.0, np.inf], {}, "asks"),
    ([[1.0]], {}, "one-dimensional"),
    ([1.0], {"reserve": -1}, "reserve"),
    ([1.0], {"reserve": float("nan")}, "reserve"),
    ([1.0], {"rule": "third"}, "rule"),
])
def test_bad_input(asks, kwargs, word):
    with pytest.raises(MechanismInputError, match=word):
        reverse_auction(asks, **kwargs)


asks_lists = st.lists(st.one_of(st.floats(0, 100, allow_nan=False), st.just(float("nan"))), max_size=12)


@settings(max_examples=300, deadline=None)
@given(asks_lists, st.floats(0, 120, allow_nan=False), st.sampled_from(["first", "second"]))
def test_properties(asks, reserve, rule):
    c = reverse_auction(asks, reserve, rule)
    a = np.array(asks, dtype=float)
    live = a[~np.isnan(a)]
    if c.winners.size == 0:
        assert live.size == 0 or live.min() > reserve
        return
    w = c.winners[0]
    assert a[w] == live.min() and a[w] <= reserve              # the lowest ask within the reserve wins
    assert a[w] <= c.payments[w] <= max(reserve, a[w])         # individually rational, within budget
    assert np.count_nonzero(c.payments) <= 1
    if rule == "second":
        others = np.delete(np.where(np.isnan(a), np.inf, a), w)
        assert c.price == min(others.min() if others.size else np.inf, reserve)


def brute_force(surplus: np.ndarray) -> float:
    """Best matching by trying every injective map of jobs to workers-or-nobody."""
    jobs, workers = surplus.shape
    options = list(range(workers)) + [None] * jobs
    best = 0.0
    for choice in itertools.permutations(options, jobs):
        total = sum(surplus[j, w] for j, w in enumerate(choice) if w is not None and not np.isnan(surplus[j, w]))
        best = max(best, total)
    return best


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_assignment_matches_exhaustive_search(jobs, workers, seed):
    rng = np.random.default_rng(seed)
    surplus = rng.normal(1.0, 2.0, (jobs, workers))
    surplus[rng.random((jobs, workers)) < 0.2] = np.nan          # some pairs are impossible
    welfare, worker = optimal_assignment(surplus)
    assert welfare == pytest.approx(brute_force(surplus), abs=1e-9)
    chosen = worker[worker >= 0]
    assert len(set(chosen.tolist())) == len(chosen)              # one job per worker
    assert welfare == pytest.approx(sum(surplus[j, w] for j, w in enumerate(worker) if w >= 0))


def test_assignment_refuses_bad_input():
    with pytest.raises(MechanismInputError, match="finite"):
        optimal_assignment([[np.inf]])
    with pytest.raises(MechanismInputError, match="too large"):
        optimal_assignment(np.zeros((3000, 3000)))


def test_sequential_auctions_withdraw_winners():
    # Hand-worked: seller 1 asks least for job 0 (3) and wins it at the second-lowest ask, 5;
    # in job 1 it is gone, so seller 0 (4) wins at seller 2's 8; job 2 has only seller 2 left,
    # whose 20 is above the reserve of 15: unsold.
    asks = [[5.0, 3.0, 9.0], [4.0, 2.0, 8.0], [1.0, 1.0, 20.0]]
    winner, price = sequential_reverse_auctions(asks, [10.0, 10.0, 15.0])
    assert winner.tolist() == [1, 0, -1] and price[:2].tolist() == [5.0, 8.0] and np.isnan(price[2])
    winner, _ = sequential_reverse_auctions(asks, [10.0, 10.0, 15.0], available=[False, True, True])
    assert winner.tolist() == [1, 2, -1]


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**32 - 1), st.sampled_from(["first", "second"]))
def test_sequential_auctions_never_give_a_seller_two_jobs(jobs, sellers, seed, rule):
    rng = np.random.default_rng(seed)
    asks = rng.uniform(0, 10, (jobs, sellers))
    asks[rng.random((jobs, sellers)) < 0.3] = np.nan
    winner, price = sequential_reverse_auctions(asks, rng.uniform(0, 12, jobs), rule)
    sold = winner[winner >= 0]
    assert len(set(sold.tolist())) == len(sold)
    for job in np.flatnonzero(winner >= 0):
        assert asks[job, winner[job]] <= price[job]                   # paid at least its ask
