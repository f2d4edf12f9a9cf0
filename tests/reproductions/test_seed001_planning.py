"""Seed 001's experiment "Central Planning vs Market", on the task-auction scenario."""

import subprocess

import pandas as pd

from tests.experiments.test_cli import CATALLAXY


def test_planning_vs_market_small(tmp_path):
    from reproductions.seed001_planning import planning_vs_market

    paths = planning_vs_market(tmp_path, seed=1, trials=4, fleet_sizes=(5, 50), steps=40)
    assert [p.name for p in paths] == ["seed001.png", "seed001-runs.csv", "seed001.csv"]
    assert (tmp_path / "seed001.png").read_bytes()[:4] == b"\x89PNG"
    runs = pd.read_csv(tmp_path / "seed001-runs.csv")
    assert len(runs) == 2 * 3 * 4 and set(runs.mechanism) == {"market", "planner", "omniscient"}
    assert (runs[runs.mechanism == "omniscient"].efficiency == 1).all()
    summary = pd.read_csv(tmp_path / "seed001.csv").set_index(["workers", "metric"])
    assert len(summary) == 2 * 4
    # At N = 50 arrivals (0.2 x 50 = 10 a step) are twice the planner's 5 assignments a step:
    # work expires in its queue, so the market's efficiency is higher, and significantly so.
    row = summary.loc[(50, "efficiency")]
    assert row.market_mean > row.planner_mean and row.welch_p < 0.05 and row.better == "market"


def test_reproduce_command(tmp_path):
    out = subprocess.run([str(CATALLAXY), "reproduce", "seed001-planning-vs-market", "--out", str(tmp_path),
                          "--trials", "2"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert {p.name for p in tmp_path.iterdir()} == {"seed001.png", "seed001-runs.csv", "seed001.csv"}
    assert len(pd.read_csv(tmp_path / "seed001-runs.csv")) == 6 * 3 * 2
