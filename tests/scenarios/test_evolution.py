"""The evolution scenario: the gate against a Goodhart candidate, registry sales, the Vickrey
price of a cycle, Theorem 4 in runs, the agency baseline, money, bad parameters."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agents.evolving_agents import Change, Fleet
from experiments.agency import agency
from model.gold import HALLUCINATION, GoldDataset
from model.params import ParameterError
from model.ledger import to_units_array
from scenarios.evolution import EvolutionModel

CATALLAXY = Path(sys.executable).parent / "catallaxy"

# Two cases per axis, by hand: (structure, business, context, hallucination) rows.
EASY_GOLD = np.array([[0.1, 0.2], [0.3, 0.7], [0.1, 0.6], [0.3, 0.9]])


def journal(model, kind):
    frame = model.ledger.to_frame()
    return frame[frame.kind == kind]


def one_agent(gate: str):
    """One agent with a known artifact, one provider whose next change is a Goodhart shortcut:
    cheaper and faster (visible), anti-hallucination down by 0.5 (not)."""
    model = EvolutionModel(rng=0, agents=1, providers=1, licensing=False, gate=gate, gold_size=2, endowment=100.0,
                           upgrade_threshold=60.0)
    artifact = int(model.artifacts.add([[1.0, 0.8, 0.5, 0.95, 0.7, 0.7]])[0])
    model.fleet.deployed[0] = artifact
    model.gate.gold = GoldDataset(EASY_GOLD)
    shortcut = Change(0.1, 0.1, 0.0, (0.0, 0.5, 0.0), True, HALLUCINATION, 0.5)
    model.upgrades.providers[0].synthesise = lambda: shortcut
    return model, artifact


@pytest.mark.parametrize("gate", ["on", "off"])
def test_a_candidate_that_raises_the_reward_but_hallucinates_is_stopped_by_the_gate_only(gate):
    model, old = one_agent(gate)
    model.step()
    candidate = len(model.artifacts) - 1
    # The candidate by hand: structure 1, business 0.8, context 0.5 + 0.5 x 0.5 = 0.75,
    # anti-hallucination 0.95 - 0.5 = 0.45, cost and latency 0.7 - 0.1 = 0.6.
    assert model.artifacts.true_numbers([candidate])[0] == pytest.approx([1.0, 0.8, 0.75, 0.45, 0.6, 0.6])
    # Paid proxy E[R] - C (T = 10, alpha .6, beta = gamma = .2, C_max = 5): old 10 (0.48 + 0.12) - 3.5 = 2.5,
    # new 10 (0.48 + 0.16) - 3 = 3.4: the agent wants it.
    assert model.artifacts.benchmark([old, candidate], model.terms) == pytest.approx([2.5, 3.4])
    # On G: structure 2/2 both; business 2 = 2; context 1 -> 2 cases (F1 0.5 -> 1, higher);
    # anti-hallucination: the 0.9 case is failed (0.45 < 0.9): one failure, hard reject.
    verdict = model.gate.judge([candidate], [old])
    assert (bool(verdict.structure[0]), bool(verdict.business[0]), bool(verdict.context[0]),
            bool(verdict.hallucination[0])) == (True, True, True, False)
    # One provider: the only ask has no competitor, so the price is the buyer's ceiling, C_dev = 60.
    assert journal(model, "optimisation cycle").amount.tolist() == [60.0]
    c = model.counts
    if gate == "on":
        assert model.fleet.deployed[0] == old
        assert journal(model, "validation").amount.tolist() == [0.02 * 4 * 2]     # 8 cases at 0.02
        assert (c["gate_rejections"], c["false_rejections"], c["deployments"]) == (1, 0, 0)
        assert len(model.registry) == 0
    else:
        assert model.fleet.deployed[0] == candidate
        assert journal(model, "validation").empty
        assert (c["deployments"], c["regressions_deployed"], c["true_regressions_deployed"],
                c["goodhart_deployed"]) == (1, 1, 1, 1)
        assert model.registry.rows.fee.tolist() == [30_000_000]                # 0.5 x the 60 it paid
        assert model.registry.rows.validated.tolist() == [False]


@pytest.mark.parametrize("gate", ["on", "off"])
def test_a_registry_sale_moves_exactly_the_fee_and_the_royalty(gate):
    # A (agent 0) made the parent; B (agent 1) derived the listed artifact from it, fee 8;
    # C (agent 2) runs a weaker artifact. Nobody is rich enough for a cycle.
    model = EvolutionModel(rng=1, agents=3, gate=gate, gold_size=2, endowment=50.0, upgrade_threshold=1e6,
                           royalty=0.2)
    art = model.artifacts
    parent = int(art.add([[1.0, 0.9, 0.8, 1.0, 0.3, 0.3]], creator=0)[0])
    listed = int(art.add([[1.0, 0.95, 0.8, 1.0, 0.1, 0.1]], creator=1, parent=parent)[0])
    weak = int(art.add([[0.99, 0.7, 0.6, 0.99, 0.8, 0.8]])[0])
    model.fleet.deployed[:] = [parent, listed, weak]
    model.gate.gold = GoldDataset(EASY_GOLD)
    model.registry.register(listed, parent, 0, None, art.benchmark([listed], model.terms)[0], 8_000_000)
    accounts = [a.account for a in model.members]
    model.step()
    fees, royalties = journal(model, "licence fee"), journal(model, "royalty")
    if gate == "off":
        # C pays 8: 8 x 0.2 = 1.6 to A upstream, 6.4 to B. A also buys (its gain 99 x (8.8 - 6.7)
        # > 8) but is itself the upstream creator: no royalty, all 8 to B.
        assert sorted(zip(fees.payer, fees.payee, fees.amount_units)) == [
            ("agent:0", "agent:1", 8_000_000), ("agent:2", "agent:1", 6_400_000)]
        paid = list(zip(royalties.payer, royalties.payee, royalties.amount_units))
        assert paid == [("agent:2", "agent:0", 1_600_000)]
        assert model.fleet.deployed.tolist() == [listed, listed, listed]
        assert model.registry.rows.sales.tolist() == [2] and model.registry.rows.fees.tolist() == [16_000_000]
    else:
        # The gate: A's parent passes both context cases like the listed one (F1 not higher): A
        # cannot swap. C's 0.6 passes one, the listed 0.8 two: C buys and pays the validation too.
        assert list(zip(fees.payer, fees.payee, fees.amount_units)) == [("agent:2", "agent:1", 6_400_000)]
        assert royalties.amount_units.tolist() == [1_600_000]
        assert journal(model, "validation").payer.tolist() == ["agent:2"]
        assert model.fleet.deployed.tolist() == [parent, listed, listed]
    assert model.registry.rows.royalties.tolist() == [1_600_000]
    assert all(model.ledger.balance(a) >= 0 for a in accounts)


def test_a_cycle_is_paid_the_second_lowest_providers_cost():
    model = EvolutionModel(rng=2, agents=1, providers=3, endowment=200.0, upgrade_threshold=60.0, licensing=False)
    model.step()
    costs = sorted((p.true_cost(), p.account) for p in model.upgrades.providers)
    cycle = journal(model, "optimisation cycle")
    assert cycle.amount_units.tolist() == [int(to_units_array(costs[1][0]))]          # the second-lowest ask
    assert cycle.payee.tolist() == [model.ledger.names[costs[0][1]]]            # won by the cheapest


def test_an_agent_learns_what_a_cycle_is_worth():
    # Prior: a cycle is worth C_dev, a per-step gain of 60 / (0.99 / 0.01) = 0.6061; a cycle that
    # ships nothing moves it by 0.2 x (0 - 0.6061) to 0.4848; valued x 99 that is 48 credits.
    model = EvolutionModel(rng=0, agents=1, upgrade_threshold=60.0)
    fleet = model.fleet
    assert fleet.cycle_gain[0] == pytest.approx(60 / 99)
    a = int(fleet.deployed[0])
    fleet.learn_cycles(np.array([0]), np.array([a]), np.array([a]))
    assert fleet.cycle_gain[0] == pytest.approx(0.8 * 60 / 99)
    wallet = np.array([int(to_units_array(100.0))])
    assert len(fleet.cycle_orders(wallet, 0, 48.0)[0]) == 1
    assert len(fleet.cycle_orders(wallet, 0, 48.1)[0]) == 0
    assert len(fleet.cycle_orders(wallet, 1_000_000, 47.0)[0]) == 1      # a price of 47 and a fee of 1
    assert len(fleet.cycle_orders(wallet, 1_000_000, 47.1)[0]) == 0
    assert Fleet.LEARNING == 0.2


@pytest.mark.parametrize("rule", ["higher", "not-lower"])
def test_no_regression_on_gold_is_deployed_with_the_gate(rule):
    for seed in range(3):
        model = EvolutionModel(rng=seed, gate="on", context_rule=rule, gold_size=10)
        for _ in range(80):
            model.step()
        assert model.counts["deployments"] > 0
        assert model.counts["regressions_deployed"] == 0        # Theorem 4
        assert model.counts["true_regressions_deployed"] >= 0   # G only samples: counted, not promised


def test_without_the_gate_regressions_on_gold_are_deployed_and_counted():
    model = EvolutionModel(rng=0, gate="off")
    for _ in range(80):
        model.step()
    c = model.counts
    assert 0 < c["regressions_deployed"] <= c["deployments"]
    assert 0 < c["goodhart_deployed"] <= c["true_regressions_deployed"] <= c["deployments"]
    assert c["gate_rejections"] == 0 and journal(model, "validation").empty


def test_the_agency_baseline_is_the_run_without_the_layer():
    # The observer replays the fleet without the evolution layer on the same tasks; a real run
    # with evolution=false on the same seed must end with the same wallets, to the micro-credit,
    # and the in-model agency must be what experiments.agency gets running both side by side.
    layer, none = EvolutionModel(rng=5, gate="off"), EvolutionModel(rng=5, evolution=False)
    for _ in range(60):
        layer.step()
        none.step()
    assert np.array_equal(layer.baseline, none.ledger.balances[none.fleet.accounts])
    assert not none.agency.agency.any() and layer.agency.agency.any()
    assert layer.utility.agency - layer.agency.agency == pytest.approx(none.utility.agency, abs=1e-9)
    shared = agency("evolution", {"evolution": False}, steps=60, seed=5, discount=0.99, gate="off")
    assert shared.agency.to_numpy() == pytest.approx(layer.agency.agency, abs=1e-9)
    rows = none.datacollector.get_model_vars_dataframe()
    assert (rows.upgrades == 0).all() and (rows.licences == 0).all() and (rows.agency == 0).all()


def test_money_is_exact_and_no_wallet_goes_negative():
    model = EvolutionModel(rng=4, agents=30, gate="on", context_rule="not-lower", gold_size=10)
    for _ in range(100):
        model.step()
        assert (model.ledger.balances >= 0).all()
    frame = model.ledger.to_frame()
    assert model.ledger.money_supply == model.ledger.minted - model.ledger.burned
    validations = frame[frame.kind == "validation"]
    assert (validations.amount_units == model.gate.fee).all()                  # 0.02 x 40 cases = 0.8
    assert model.gate.fee == 800_000
    rows = model.datacollector.get_model_vars_dataframe()
    assert rows.validation_spend.sum() == pytest.approx(validations.amount.sum())
    assert rows.licence_fees.sum() == pytest.approx(frame[frame.market == "licences"].query(
        "kind in ['licence fee', 'royalty']").amount.sum())
    assert (rows.welfare <= rows.optimum + 1e-9).all()                         # the optimum bounds it


def test_the_optimum_is_the_brute_force_over_every_deployed_artifact():
    # The observer searches only the deployed artifacts no other dominates (four axes up, cost
    # down); the best true surplus per task over all of them must be the same.
    model = EvolutionModel(rng=3, gate="off")
    for _ in range(50):
        model.step()
        every = np.flatnonzero(model.artifacts._rows.ever_deployed)
        draws = model.desk.draws[model.desk.working]
        best = model.artifacts.true_surplus(every[:, None], draws[None], model.terms).max(axis=0).sum()
        assert model.optimum == pytest.approx(best, abs=1e-9)
    assert len(model.artifacts.true_best_candidates()) < len(every)


@pytest.mark.parametrize("params, match", [
    ({"alpha": 0.5}, "alpha \\+ beta \\+ gamma must equal 1"),
    ({"endowment": 1.0}, "endowment .* must cover a task's compute"),
    ({"upgrade_threshold": 5.0}, "upgrade_threshold .* is below every provider's cost"),
    ({"context_rule": "lower"}, "context_rule must be one of higher, not-lower"),
    ({"gold_size": 0}, "gold_size must be an integer between 1 and 10000"),
    ({"gate": "maybe"}, "gate must be one of on, off"),
    ({"discount": 1.0}, "discount must be a number between 0 and 0.9999"),
])
def test_bad_parameters_are_refused(params, match):
    with pytest.raises(ParameterError, match=match):
        EvolutionModel(rng=0, **params)


def test_the_cli_runs_it_and_writes_the_columns(tmp_path):
    out = tmp_path / "evo.csv"
    command = [str(CATALLAXY), "run", "evolution", "--steps", "40", "--set", "gate=off", "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(out)
    for column in ("quality:hallucination", "paid_reward", "regressions_deployed", "licences", "royalties",
                   "agency", "agency_losers", "upgrades"):
        assert column in frame.columns
    assert frame.regressions_deployed.is_monotonic_increasing
