"""The beta reputation: posterior means by hand, forgetting, intervals, and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.reputation import BetaReputation, beta_mean


def test_posterior_means_by_hand():
    # Prior Beta(1, 1) (mean 1/2, strength 2). Ratings 1, 1, 0 give Beta(3, 2): mean 3/5.
    rep = BetaReputation(0.5, 2)
    rep.register(3)
    rep.rate([0, 0, 0], [1, 1, 0])
    assert rep.mean().tolist() == pytest.approx([0.6, 0.5, 0.5])      # the unrated keep the prior
    # Prior mean 0.3 with strength 10 (Beta(3, 7)) after 5 good of 5: (3 + 5) / (10 + 5) = 8/15.
    assert beta_mean(5, 0, 0.3, 10) == pytest.approx(8 / 15)
    rep.rate([1], [0.5])                   # a half rating counts half good, half bad
    assert rep.mean([1])[0] == pytest.approx(0.5) and rep.ratings([1])[0] == 1.0
    # A newcomer registered later starts at the prior.
    assert rep.mean(rep.register(1))[0] == 0.5


def test_forgetting_discounts_old_ratings():
    # lambda = 0.5: four good ratings weigh 2 after one step, so the mean is (1 + 2) / (2 + 2) = 3/4.
    rep = BetaReputation(0.5, 2, forgetting=0.5)
    rep.register(1)
    rep.rate([0] * 4, [1] * 4)
    assert rep.mean()[0] == pytest.approx(5 / 6)
    rep.age()
    assert rep.ratings()[0] == 2.0 and rep.mean()[0] == pytest.approx(0.75)


def test_interval_brackets_the_mean_and_narrows():
    rep = BetaReputation(0.5, 2)
    rep.register(2)
    rep.rate([1] * 100, [1] * 70 + [0] * 30)
    low, high = rep.interval()
    means = rep.mean()
    assert (low < means).all() and (means < high).all()
    assert high[1] - low[1] < (high[0] - low[0]) / 4       # 100 ratings vs none


@settings(max_examples=200, deadline=None)
@given(good=st.integers(0, 500), bad=st.integers(0, 500), mean=st.floats(0.01, 0.99), strength=st.floats(0.1, 100))
def test_the_posterior_mean_lies_between_the_prior_and_the_ratings(good, bad, mean, strength):
    """(a0 + r) / (s0 + n) = w m0 + (1 - w) r / n with w = s0 / (s0 + n): a convex combination."""
    posterior = float(beta_mean(good, bad, mean, strength))
    n = good + bad
    if n == 0:
        assert posterior == pytest.approx(mean)
        return
    rate = good / n
    assert min(mean, rate) - 1e-12 <= posterior <= max(mean, rate) + 1e-12
    w = strength / (strength + n)
    assert posterior == pytest.approx(w * mean + (1 - w) * rate)


@pytest.mark.parametrize("call, message", [
    (lambda: BetaReputation(0.0, 2), "prior_mean must lie strictly between 0 and 1"),
    (lambda: BetaReputation(0.5, 0), "prior_strength must be a finite number > 0"),
    (lambda: BetaReputation(0.5, 2, forgetting=0), "forgetting must lie in"),
    (lambda: _one().rate([3], [1]), "helpers must be registered ids 0 to 0"),
    (lambda: _one().rate([0], [2]), "ratings must lie between 0"),
    (lambda: _one().rate([0, 0], [1]), "one entry each"),
])
def test_bad_input_is_one_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def _one():
    rep = BetaReputation(0.5, 2)
    rep.register(1)
    return rep


def test_rate_accepts_numpy_arrays_and_repeats():
    rep = _one()
    rep.rate(np.zeros(10, dtype=int), np.ones(10))
    assert rep.mean()[0] == pytest.approx(11 / 12)
