"""Bidding strategies."""

import random
import statistics

import pytest

from agents.strategies import BayesNash, Noisy, Shade, Truthful, ZeroIntelligence, make_strategy


def test_deterministic_strategies():
    rng = random.Random(0)
    assert Truthful().bid(0.8, 4, rng) == 0.8
    assert Shade(0.25).bid(0.8, 4, rng) == pytest.approx(0.6)
    # Krishna (2010) sec. 2.3: b(v) = (n-1)/n v for n bidders with U[0,1] values.
    assert BayesNash().bid(0.8, 4, rng) == pytest.approx(0.6)
    assert BayesNash().bid(0.8, 2, rng) == pytest.approx(0.4)


def test_zic_bids_uniformly_below_value():
    rng = random.Random(1)
    bids = [ZeroIntelligence().bid(0.8, 4, rng) for _ in range(20_000)]
    assert 0 <= min(bids) and max(bids) <= 0.8
    # mean of U[0, 0.8] is 0.4; its standard error over 20,000 draws is 0.8/sqrt(12 x 20,000) = 0.0016
    assert statistics.fmean(bids) == pytest.approx(0.4, abs=0.0065)


def test_noisy_misreads_around_the_value():
    rng = random.Random(2)
    bids = [Noisy(0.3).bid(1.0, 4, rng) for _ in range(20_000)]
    # exp(sigma Z - sigma^2/2) has mean 1 and sd sqrt(exp(sigma^2) - 1) = 0.307: SE 0.0022
    assert statistics.fmean(bids) == pytest.approx(1.0, abs=0.009)
    assert max(bids) > 1.0  # it can overbid: a hallucinated valuation


def test_make_strategy():
    assert make_strategy("shade", shading=0.1) == Shade(0.1)
    assert make_strategy("noisy", noise=0.5) == Noisy(0.5)
    assert make_strategy("bne") == BayesNash()
    with pytest.raises(ValueError, match="unknown strategy 'greedy'"):
        make_strategy("greedy")
