"""agents/upgrade_market.py on its own: a cycle's change (its draws always the same nine, so the
stream stays aligned), the providers' asks, the gate's fee and its reports kept on file, cycles
served highest ceiling first and never more than the providers, and the barrier: the upgrade and
licence markets run without reading any artifact's true numbers or a provider's true cost."""

import numpy as np
import pytest

from agents.upgrade_market import REPAIR, DevOpsProvider, GoldGate, draw_change
from agents.evolving_agents import Artifacts
from model.gold import CONTEXT, HALLUCINATION, GoldDataset
from model.ledger import Ledger, to_units_array
from scenarios.evolution import EvolutionModel
from tests.agents.host import Host


def test_a_change_takes_the_same_nine_draws_whatever_it_turns_out_to_be():
    honest = draw_change(np.random.default_rng(4), 0.04, goodhart=0.0, break_size=0.1)
    shortcut_rng, honest_rng = np.random.default_rng(4), np.random.default_rng(4)
    shortcut = draw_change(shortcut_rng, 0.04, goodhart=1.0, break_size=0.1)
    draw_change(honest_rng, 0.04, goodhart=0.0, break_size=0.1)
    assert shortcut_rng.random() == honest_rng.random()            # the streams are still aligned
    # The same normals: a shortcut's cost and latency gains are `improvement` larger; it breaks
    # context robustness or anti-hallucination, by at most break_size; an honest change breaks nothing.
    assert shortcut.cost_gain - honest.cost_gain == pytest.approx(0.04)
    assert shortcut.latency_gain - honest.latency_gain == pytest.approx(0.04)
    assert shortcut.goodhart and shortcut.broken in (CONTEXT, HALLUCINATION) and 0 <= shortcut.drop <= 0.1
    assert not honest.goodhart and honest.broken == -1 and honest.drop == 0.0
    assert all(0 <= r <= cap for r, cap in zip(honest.repair, REPAIR))


def test_a_provider_asks_its_cost_and_synthesises_from_its_own_stream():
    model = Host()
    a = DevOpsProvider(model, 12.5, np.random.default_rng(1), 0.04, 0.3, 0.1)
    b = DevOpsProvider(model, 30.0, np.random.default_rng(1), 0.04, 0.3, 0.1)
    assert a.ask() == a.true_cost() == 12.5
    assert a.synthesise() == b.synthesise()                        # the same stream, the same change


def test_the_gate_charges_its_fee_and_runs_each_artifact_once():
    # Two cases per axis at 0.02 a case: 8 runs, 0.16 a validation, burned.
    ledger = Ledger()
    payer = ledger.open_account("agent")
    ledger.mint(payer, to_units_array(1.0))
    art = Artifacts()
    old, new = art.add([[1.0, 0.8, 0.5, 0.95, 0.7, 0.7], [1.0, 0.8, 0.75, 0.95, 0.6, 0.6]])
    gold = GoldDataset(np.array([[0.1, 0.2], [0.3, 0.7], [0.1, 0.6], [0.3, 0.9]]))
    gate = GoldGate(ledger, art, gold, "higher", 0.02)
    runs = []
    answers = art.answers
    art.answers = lambda ids, g: runs.append(list(ids)) or answers(ids, g)
    verdict = gate.validate([payer], [new], [old], market="upgrades")
    # context: 0.5 passes one case (0.1), 0.75 two: F1 higher; everything else equal: accepted
    assert verdict.accepted.tolist() == [True]
    assert gate.fee == 160_000 and ledger.balance(payer) == to_units_array(1.0) - 160_000 and ledger.burned == 160_000
    gate.report([old, new])
    gate.judge([new], [old])
    assert sorted(i for call in runs for i in call) == [old, new]   # each run once; reports are kept
    # new passes both cases of every axis: 1.0 > 0.1, 0.2; 0.8 > 0.3, 0.7; 0.75 > 0.1, 0.6; 0.95 > 0.3, 0.9
    assert gate.report([new]).tolist() == [[2, 2, 2, 2]] and gate.report([old]).tolist() == [[2, 2, 1, 2]]


def test_cycles_go_to_the_highest_ceilings_one_a_provider():
    # One provider, three agents above C_dev = 60. The ceiling is min(C_dev, wallet - C_max - fee):
    # wallets 100 and 100 give 60, 63 gives 63 - 5 = 58. Only one cycle is sold: to one of the two
    # with 60 (a random queue between them), at its ceiling (a lone provider's ask has no competitor).
    model = EvolutionModel(rng=3, agents=3, providers=1, licensing=False, gate="off", endowment=10.0,
                           upgrade_threshold=60.0)
    for agent, extra in zip(model.members, (90.0, 53.0, 90.0)):
        model.ledger.mint(agent.account, to_units_array(extra))
    buyers, ceilings = model.fleet.cycle_orders(model.ledger.balances[model.fleet.accounts], 0, float("nan"))
    assert buyers.tolist() == [0, 1, 2] and ceilings.tolist() == [60_000_000, 58_000_000, 60_000_000]
    model.upgrades.step()
    cycle = model.ledger.to_frame()
    cycle = cycle[cycle.kind == "optimisation cycle"]
    assert model.upgrades.sold == 1 and cycle.amount.tolist() == [60.0]
    assert cycle.payer.iloc[0] in ("agent:0", "agent:2")


@pytest.mark.parametrize("gate", ["on", "off"])
def test_the_markets_never_read_the_truth(gate):
    # Run the same model twice, once with every true_* of the artifacts and every provider's
    # true_cost raising: the upgrade and licence markets must step through 30 steps identically.
    def forbidden(*args, **kwargs):
        raise AssertionError("a market read the truth")

    books = []
    for poisoned in (False, True):
        model = EvolutionModel(rng=2, agents=12, gate=gate, gold_size=5, endowment=80.0)
        if poisoned:
            for name in ("true_quality", "true_numbers", "true_goodhart", "true_surplus", "true_best_candidates"):
                setattr(model.artifacts, name, forbidden)
            for provider in model.upgrades.providers:
                provider.true_cost = forbidden
        for _ in range(30):
            model.environment()
            for market in (model.desk, model.licences, model.upgrades):
                market.step()
            model.steps += 1
        books.append((model.ledger.balances.tolist(), model.fleet.deployed.tolist(), len(model.registry)))
    assert books[0] == books[1] and books[1][2] > 0                 # and cycles were sold and registered
