"""The resource-trading scenario: money, capacity, the AMM's posted price, budgets that stop a
runaway agent, ZI-C efficiency in the double auction, and the CLI."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.mechanisms import congestion_price, smoothed_price
from model.params import ParameterError
from scenarios.resource_trading import ResourceTradingModel
from experiments.runner import run

CATALLAXY = Path(sys.executable).parent / "catallaxy"
MECHANISMS = ("amm", "cda", "tatonnement", "density")


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_money_capacity_and_wallets(mechanism):
    model = ResourceTradingModel(rng=3, mechanism=mechanism, agents=30, runaway=1, day_length=10, strategy="zic")
    for _ in range(35):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    # M_{t+1} = M_t + E_t - B_t, every step, to the micro-credit (seed 002, section 4.3).
    supply = np.concatenate([[0.0], frame.money_supply.to_numpy()])
    assert np.allclose(np.diff(supply), frame.minted - frame.burned, atol=1e-9)
    assert frame.minted.sum() == pytest.approx(4 * 10 * 100)          # days 1, 11, 21, 31 x kappa x B
    assert frame.burned.sum() <= frame.minted.sum()                    # Lemma 1
    assert model.ledger.balances.min() >= 0                            # no wallet below zero
    for name in model.resource_names:
        assert (frame[f"util:{name}"] <= 1 + 1e-12).all()              # never more than capacity
    assert (frame.welfare <= frame.optimum + 1e-6).all()
    if mechanism != "cda":
        assert frame.revenue.to_numpy() == pytest.approx(frame.burned.to_numpy())


def test_the_amm_posts_the_formula_price():
    model = ResourceTradingModel(rng=1, mechanism="amm", base_price=0.8, k=1.5, omega=0.3)
    for _ in range(4):
        before = model.market.prices.copy()
        model.step()
        requested = model.market.requested
        expected = smoothed_price(before, congestion_price(0.8, 1.5, requested, model.capacity), 0.3)
        assert model.market.prices == pytest.approx(expected)
        assert requested.sum() > 0


def test_a_runaway_spends_no_more_than_its_budget_pushes_prices_up_and_stops_when_broke():
    # Proposition 3 of seed 000. The same seed with and without the runaway: the same world.
    common = dict(mechanism="amm", agents=40, day_length=20, fiat_budget=2500.0, kappa=10.0)
    wild = ResourceTradingModel(rng=5, runaway=1, **common)
    calm = ResourceTradingModel(rng=5, runaway=0, **common)
    runaway = wild.holders[-1].account
    for _ in range(60):
        wild.step()
        calm.step()
    frame = wild.datacollector.get_model_vars_dataframe()
    spend = frame.runaway_spend.to_numpy()
    assert spend.sum() <= wild.funded_runaway + 1e-9                   # never beyond what it was given
    assert spend.sum() == pytest.approx(wild.funded_runaway - wild.ledger.balance(runaway) / 1e6)
    first_day = spend[:20]
    spell = np.flatnonzero(first_day > 0)
    assert spell.tolist() == list(range(len(spell))) and 3 <= len(spell) < 20   # spends from the start ...
    assert first_day[len(spell):].sum() == 0 and spend[20] > 0         # ... stops broke, resumes next day
    prices = frame.filter(like="price:").to_numpy()
    calm_prices = calm.datacollector.get_model_vars_dataframe().filter(like="price:").to_numpy()
    assert (prices[spell[-1]] > prices[0]).all()                       # prices rose while it spent
    assert prices[spell].mean() > calm_prices[spell].mean() * 1.2       # well above the calm market's


def test_zero_intelligence_traders_allocate_efficiently_in_the_double_auction():
    # Gode and Sunder (1993): ZI-C traders in a double auction reach high allocative efficiency.
    # No trade at all would realise 48 % of the optimum here (each agent keeps its quota).
    frame = run("resource-trading", steps=60, seed=1, mechanism="cda", strategy="zic", resources="gpu:30")
    efficiency = frame.welfare.sum() / frame.optimum.sum()
    assert efficiency > 0.9


@pytest.mark.parametrize("seed, params", [
    (3, dict(strategy="zic", runaway=1)),
    (4, dict(strategy="noisy", noise=0.8, runaway=2)),            # self-trades: a bid meets its own ask
    (6, dict(strategy="zic", fiat_budget=3.0, day_length=5)),     # wallets run dry: payments capped
    (8, dict(strategy="shade", need_max=6, cda_rounds=4, resources="gpu:30,api:7")),
])
def test_the_compiled_double_auction_is_the_python_reference_exactly(seed, params):
    # The same run twice, through the compiled rounds and through the Python OrderBook, one order
    # and one ledger transfer at a time: the same rows, ledger, allocations and payments.
    runs = []
    for reference in (False, True):
        model = ResourceTradingModel(rng=seed, mechanism="cda", agents=40, **params)
        model.market.reference = reference
        for _ in range(25):
            model.step()
        runs.append(model)
    compiled, python = runs
    rows = compiled.datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(rows, python.datacollector.get_model_vars_dataframe(), check_exact=True)
    journal = compiled.ledger.to_frame()
    pd.testing.assert_frame_equal(journal, python.ledger.to_frame(), check_exact=True)
    for name in ("used", "kept", "spent"):
        assert np.array_equal(getattr(compiled.market, name), getattr(python.market, name))
    trades = journal[journal.kind == "trade"]
    assert len(trades) > 100 and trades.amount_units.sum() > 0


def test_tatonnement_reports_its_iterations():
    frame = run("resource-trading", steps=20, seed=2, mechanism="tatonnement")
    assert frame.tat_iterations.between(0, 200).all() and frame.tat_converged.mean() > 0.5


@pytest.mark.parametrize("params, message", [
    ({"resources": "tool_slots:0"}, "whole capacities > 0"),
    ({"resources": "tool_slots:-3,gpu:2"}, "whole capacities > 0"),
    ({"resources": " , "}, "resources is empty"),
    ({"resources": "gpu:2,gpu:3"}, "names 'gpu' twice"),
    ({"omega": 0}, "omega must be a number between 0.001 and 1"),
    ({"omega": 1.5}, "omega must be a number between 0.001 and 1"),
    ({"k": -1}, "k must be a number between 0 and 1e+06"),
    ({"value_mean": 0.5, "value_spread": 1.0}, "values must stay >= 0"),
])
def test_bad_parameters(params, message):
    with pytest.raises(ParameterError) as err:
        ResourceTradingModel(rng=0, **params)
    assert message in str(err.value)


def test_cli_runs_every_mechanism_and_refuses_bad_input(tmp_path):
    for mechanism in MECHANISMS:
        out = subprocess.run([str(CATALLAXY), "run", "resource-trading", "--steps", "8", "--set",
                              f"mechanism={mechanism}", "--out", str(tmp_path / f"{mechanism}.csv")],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        columns = pd.read_csv(tmp_path / f"{mechanism}.csv").columns
        for name in ("price:gpu_quota", "util:api_rate", "volatility:tool_slots", "hhi", "runaway_spend",
                     "minted", "burned"):
            assert name in columns
    bad = subprocess.run([str(CATALLAXY), "run", "resource-trading", "--set", "resources=gpu:0"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "whole capacities > 0" in bad.stderr and "Traceback" not in bad.stderr


