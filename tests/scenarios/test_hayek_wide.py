"""The wide market: a production chain cleared by fisher_equilibrium; prices learn values."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model.params import ParameterError
from scenarios.hayek_wide import HayekWideModel
from experiments.runner import run

CATALLAXY = Path(sys.executable).parent / "catallaxy"


def test_prices_propagate_the_value_of_output_back_to_raw_goods():
    # Only makers know output pays 1 a unit. After 200 steps the price of an intermediate good
    # is the value of what the best maker turns it into, and the price of a raw good the value
    # of what the best smith turns it into, each within 1 %; efficiency nears 1.
    frame = run("hayek-wide", steps=200, seed=1)
    last = frame.iloc[-1]
    for good in ("raw", "intermediate"):
        assert last[f"price:{good}"] == pytest.approx(last[f"value:{good}"], rel=0.01)
    assert frame.efficiency.iloc[-20:].mean() > 0.98 and frame.efficiency.iloc[2] < 0.8


def test_goods_and_money_are_conserved():
    model = HayekWideModel(rng=3, spend_share=0.7)
    dug = 0.0
    for _ in range(40):
        model.step()
        dug += model.scenario.miners * model.scenario.raw_per_miner
    entries = model.ledger.to_frame()
    assert model.ledger.money_supply == model.ledger.minted - model.ledger.burned
    assert set(entries[entries.payer == "mint"].kind) <= {"endowment", "reward"}
    sold = entries[(entries.kind == "sale") & (entries.market == "raw")].quantity.sum()
    held = sum(a.holdings[0] for a in model.producers if a.role == "miner")
    assert sold + held == pytest.approx(dug)                                # every raw good dug was sold or is held
    assert model.ledger.balances.min() >= 0


def test_bad_parameters_and_cli(tmp_path):
    with pytest.raises(ParameterError, match="miners must be an integer between 1"):
        HayekWideModel(rng=0, miners=0)
    out = subprocess.run([str(CATALLAXY), "run", "hayek-wide", "--steps", "30", "--out", str(tmp_path / "w.csv")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "price:intermediate" in (tmp_path / "w.csv").read_text().splitlines()[0]
