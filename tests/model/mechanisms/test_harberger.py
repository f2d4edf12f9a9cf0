"""Harberger-tax mechanisms: the owner's best assessment against its closed form (p = v exactly when
tau = theta (1 - F(v))), the forced-sale rule, maintenance, and the exact best ownership."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.mechanisms import (
    MechanismInputError,
    best_ownership,
    best_response,
    expected_owner_payoff,
    first_best_value_per_health,
    forced_sales,
    harberger_tax,
    maintenance_hours,
    payoff_per_health,
    truthful_tax_rate,
    uniform_best_response,
    uniform_survival,
)


def exponential_survival(rate):
    return lambda p: np.exp(-rate * np.maximum(np.asarray(p, dtype=float), 0.0))


def test_tax_and_forced_sale_by_hand():
    # Assessed at 12.5 with tau = 0.1: the tax is 1.25. A buyer who takes it pays exactly 12.5.
    assert harberger_tax([12.5], 0.1).tolist() == [1.25]
    sold, price = forced_sales([12.5, 8.0], [True, False])
    assert sold.tolist() == [True, False] and price.tolist() == [12.5, 0.0]


def test_best_response_by_hand():
    # v = 4, buyers U[0, 10], theta = 0.5. p* = (v + H (1 - tau/theta)) / 2:
    # tau = 0 -> (4 + 10)/2 = 7 (the monopoly price); tau = 0.3 = theta (1 - F(4)) = 0.5 x 0.6 -> 4;
    # tau = 0.5 -> (4 + 0)/2 = 2 (under-assessed).
    assert uniform_best_response(4.0, [0.0, 0.3, 0.5], 0.5, 10.0).tolist() == [7.0, 4.0, 2.0]
    # The payoff at the optimum, tau = 0.3: 4 + 0.5 x 0.6 x 0 - 0.3 x 4 = 2.8, and any other price earns less.
    best = expected_owner_payoff(4.0, 4.0, 0.3, 0.5, uniform_survival(10.0))
    assert best == pytest.approx(2.8)
    others = expected_owner_payoff(np.linspace(0, 10, 101), 4.0, 0.3, 0.5, uniform_survival(10.0))
    assert others.max() <= best + 1e-12


@settings(max_examples=200, deadline=None)
@given(st.floats(0.0, 9.99), st.floats(0.01, 1.0), st.floats(0.5, 50))
def test_assessment_is_the_value_exactly_when_tau_is_the_sale_probability(fraction, theta, high):
    # The closed form: p* = v iff tau = theta (1 - F(v)), for uniform F on [0, H].
    v = fraction / 10 * high
    tau = float(truthful_tax_rate(v, theta, uniform_survival(high)))
    assert tau == pytest.approx(theta * (1 - v / high))
    assert float(uniform_best_response(v, tau, theta, high)) == pytest.approx(v, rel=1e-12, abs=1e-12)
    # ... and the search over prices (no closed form used) finds the same price.
    assert best_response(v, tau, theta, uniform_survival(high), upper=high) == pytest.approx(v, abs=1e-6 * high)


@pytest.mark.parametrize("rate, v, theta", [(0.2, 1.0, 0.5), (0.2, 4.0, 0.9), (1.0, 0.5, 0.3), (0.05, 10.0, 1.0)])
def test_exponential_buyers_truthful_at_the_sale_probability(rate, v, theta):
    # Exponential F: the first-order condition theta e^(-lambda p) (1 - lambda (p - v)) = tau holds at
    # p = v when tau = theta e^(-lambda v) = theta (1 - F(v)): the search must land on v.
    survival = exponential_survival(rate)
    tau = float(truthful_tax_rate(v, theta, survival))
    assert tau == pytest.approx(theta * np.exp(-rate * v))
    assert best_response(v, tau, theta, survival, upper=60 / rate) == pytest.approx(v, abs=1e-6 / rate)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.1, 9.9), st.floats(0.02, 1.0), st.floats(0.0, 1.0))
def test_owners_mark_up_below_the_sale_probability_and_under_assess_above(v, theta, tau):
    high = 10.0
    p = float(uniform_best_response(v, tau, theta, high))
    critical = theta * (1 - v / high)
    if tau < critical - 1e-9:
        assert p > v
    elif tau > critical + 1e-9:
        assert p < v
    # The closed form is the maximiser: no price on a fine grid does better.
    grid = expected_owner_payoff(np.linspace(0, high, 2001), v, tau, theta, uniform_survival(high))
    assert expected_owner_payoff(p, v, tau, theta, uniform_survival(high)) >= grid.max() - 1e-9


def test_no_buyers_means_a_taxed_owner_assesses_nothing():
    assert uniform_best_response([3.0, 3.0], [0.1, 0.0], 0.0, 10.0).tolist() == [0.0, 3.0]


@settings(max_examples=100, deadline=None)
@given(st.floats(0, 10), st.floats(0, 10), st.floats(0, 1), st.floats(0.01, 1), st.floats(0.05, 5))
def test_payoff_is_linear_in_health(b, a, tau, theta, health):
    # A module of health h: worth b h, buyers U[0, H h], assessment a h; payoff = h x payoff_per_health.
    direct = expected_owner_payoff(a * health, b * health, tau, theta, uniform_survival(10.0 * health))
    assert direct == pytest.approx(health * payoff_per_health(b, a, tau, theta, 10.0), abs=1e-9)


def test_truthful_owner_keeps_one_minus_tau_of_its_value_and_the_first_best_by_integration():
    assert payoff_per_health(8.0, 8.0, 0.25, 0.5, 10.0) == pytest.approx(6.0)
    # b + theta E[(w - b)+], w ~ U[0, 10]: integrate on a fine grid (midpoint rule).
    w = (np.arange(200_000) + 0.5) / 200_000 * 10.0
    for b in (0.0, 3.0, 8.0, 10.0):
        integral = np.maximum(w - b, 0).mean()
        assert first_best_value_per_health(b, 0.4, 10.0) == pytest.approx(b + 0.4 * integral, rel=1e-6, abs=1e-9)


def test_maintenance_hours_maximise_value_minus_cost():
    # kappa sqrt(e) m - c e is maximised at e = (kappa m / 2c)^2: m = 6, kappa = 0.1, c = 1.5 -> 0.04.
    e = float(maintenance_hours(6.0, 1.5, 0.1))
    assert e == pytest.approx(0.04)
    grid = np.linspace(0, 1, 100_001)
    assert grid[np.argmax(0.1 * np.sqrt(grid) * 6.0 - 1.5 * grid)] == pytest.approx(e, abs=1e-4)


def brute_ownership(values, capacity):
    """Every assignment of modules to agents within capacity (the independent check)."""
    agents, modules = values.shape
    best = 0.0
    for owner in itertools.product(range(agents), repeat=modules):
        if np.bincount(owner, minlength=agents).max() <= capacity:
            best = max(best, float(values[list(owner), range(modules)].sum()))
    return best


@pytest.mark.parametrize("seed", range(8))
def test_best_ownership_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    agents, modules = int(rng.integers(2, 5)), int(rng.integers(1, 5))
    capacity = int(rng.integers(1, 3))
    if modules > agents * capacity:
        capacity = -(-modules // agents)
    values = rng.uniform(0, 10, (agents, modules))
    value, owner = best_ownership(values, capacity)
    assert value == pytest.approx(brute_ownership(values, capacity))
    assert np.bincount(owner[owner >= 0], minlength=agents).max() <= capacity
    assert value == pytest.approx(values[owner, np.arange(modules)].sum())


@pytest.mark.parametrize("call, message", [
    (lambda: harberger_tax([1.0], 1.5), "tax_rate must be at most 1"),
    (lambda: harberger_tax([-1.0], 0.1), "assessments must be >= 0"),
    (lambda: forced_sales([1.0, 2.0], [True]), "one true/false per assessment"),
    (lambda: uniform_survival(0.0), "high must be > 0"),
    (lambda: maintenance_hours(1.0, 0.0, 0.1), "hour_cost must be > 0"),
    (lambda: best_ownership([1.0, 2.0], 1), "two-dimensional"),
    (lambda: best_ownership([[1.0]], 0), "capacity must be at least 1"),
])
def test_bad_input_is_one_clear_error(call, message):
    with pytest.raises(MechanismInputError, match=message):
        call()
