"""The efficiency scenario (seed 000's experiment)."""

import numpy as np
import pytest

from experiments.runner import run


def test_optimum_bounds_both_allocators_every_step():
    frame = run("efficiency", steps=100, seed=3, units=15, agents=45)
    assert (frame.welfare <= frame.optimum + 1e-9).all()
    assert (frame.naive_welfare <= frame.optimum + 1e-9).all()
    assert (frame.efficiency <= 1 + 1e-12).all()


def test_market_beats_arrival_order_under_contention():
    # Seed 000's claim (Figure 2): at n/m = 3 the market stays near the optimum
    # while serving in arrival order does not.
    frame = run("efficiency", steps=200, seed=1, units=20, agents=60)
    assert frame.efficiency.mean() > 0.97
    assert frame.naive_efficiency.mean() < 0.7


def test_heterogeneous_shading_costs_welfare():
    honest = run("efficiency", steps=200, seed=1, strategy="shade", shading=0.0)
    shaded = run("efficiency", steps=200, seed=1, strategy="shade", shading=0.9)
    assert shaded.efficiency.mean() < honest.efficiency.mean() - 0.03


def test_money_is_conserved():
    frame = run("efficiency", steps=100, seed=2, agents=30, budget=3)
    assert np.allclose(frame.money_supply, 30 * 3)


@pytest.mark.parametrize("params", [dict(units=0), dict(agents=-1), dict(strategy="bne"), dict(shading=1.5)])
def test_bad_parameters(params):
    with pytest.raises(ValueError):
        run("efficiency", steps=1, **params)
