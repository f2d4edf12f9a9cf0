"""Seed 002's stability region of the AMM, on the resource-trading scenario."""

import pandas as pd
import pytest


def test_stability_reproduction_small(tmp_path):
    from reproductions.seed002_stability import stability

    paths = stability(tmp_path, grid_k=(1.0, 16.0), grid_omega=(0.5, 1.0), grid_tau=(2.0,), steps=120)
    assert [p.name for p in paths] == ["seed002-stability.png", "seed002-equilibrium.png", "seed002-stability.csv"]
    table = pd.read_csv(tmp_path / "seed002-stability.csv").set_index(["k", "omega"])
    # k = 1, omega = 0.5, tau = 2: condition (7) gives 0.5 x 2 x 1 x (1/100 + 1/100) x 100 / 4 = 0.5 < 1: stable,
    # and the usage settles at the logit rest point. k = 16, omega = 1: 16 >> 2 - omega: it oscillates.
    calm, wild = table.loc[(1.0, 0.5)], table.loc[(16.0, 1.0)]
    assert calm.condition_7 == pytest.approx(0.5) and calm.stable_by_7 and not calm.oscillating
    assert calm.mean_usage_A == pytest.approx(calm.logit_U_A, abs=3)
    assert wild.oscillating and not wild.stable_linear
    assert (tmp_path / "seed002-stability.png").read_bytes()[:4] == b"\x89PNG"
