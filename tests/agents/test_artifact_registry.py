"""agents/artifact_registry.py on its own: the registry's records (a creator lists its newest
artifact only), the leaderboard, and a licence sale through the ledger: the fee to the seller,
the royalty, rounded down, to the parent's creator unless that is the seller or the buyer, and
the sales, fees and royalties counted per row even when one row sells twice in a step."""

import numpy as np
import pytest

from agents.artifact_registry import LicenceMarket, Registry
from agents.evolving_agents import Artifacts, EvolvingAgent, Fleet
from tests.agents.host import Host


def registry_of(creators, parents=None):
    """Artifacts 0.. made by ``creators`` (-1: an agent's first, unregistered version), each derived
    from ``parents`` (default: each from the one before), and five agents."""
    model = Host()
    agents = [EvolvingAgent(model, i) for i in range(5)]
    for agent in agents:
        model.fund(agent.account, 100.0)
    art = Artifacts()
    parents = np.arange(-1, len(creators) - 1) if parents is None else np.array(parents)
    art.add(np.full((len(creators), 6), 0.5), creator=np.array(creators), parent=parents)
    return model, art, Registry(art, [a.account for a in agents])


def test_a_creator_lists_only_its_newest_artifact():
    model, art, reg = registry_of([-1, 1, 1, 2], parents=[-1, 0, 1, 1])
    first = reg.register(1, parent=0, step=3, report=None, benchmark=2.0, fee=5)
    second = reg.register(2, parent=1, step=4, report=np.array([2, 2, 1, 2]), benchmark=2.5, fee=6)
    other = reg.register(3, parent=1, step=4, report=None, benchmark=2.5, fee=7)
    assert reg.rows.listed.tolist() == [False, True, True] and len(reg) == 3
    assert reg.rows.creator.tolist() == [1, 1, 2] and reg.rows.parent_creator.tolist() == [-1, 1, 1]
    assert reg.rows.validated.tolist() == [False, True, False] and reg.rows.report[second] == (2, 2, 1, 2)
    # The leaderboard: listed rows by benchmark, ties to the earlier row; the delisted one is gone.
    board = reg.leaderboard(5)
    assert board["row"].tolist() == [second, other] and board["fee"].tolist() == [6, 7]
    assert reg.leaderboard(1)["artifact"].tolist() == [2] and first not in board["row"]
    assert reg.lineage(2) == [2, 1, 0] and reg.lineage(3) == [3, 1, 0]


def test_a_licence_fee_goes_to_the_seller_and_the_royalty_upstream_rounded_down():
    # Row 0: artifact 2 by agent 1, derived from agent 0's artifact 1; fee 7,000,001 units, royalty 20 %:
    # 1,400,000.2 rounds down to 1,400,000 for agent 0, 5,600,001 to agent 1. Agents 3 and 4 both buy it;
    # agent 0 buys it too, and being the upstream creator itself pays no royalty: all 7,000,001 to agent 1.
    model, art, reg = registry_of([-1, 0, 1])
    reg.register(2, parent=1, step=1, report=None, benchmark=3.0, fee=7_000_001)
    market = LicenceMarket(model, None, reg, None, gate_on=False, royalty=0.2)
    before = model.ledger.balances.copy()
    market.settle(np.array([3, 4, 0]), np.array([0, 0, 0]))
    delta = model.ledger.balances - before
    assert delta.tolist() == [-7_000_001 + 2 * 1_400_000, 5_600_001 * 2 + 7_000_001, 0, -7_000_001, -7_000_001]
    assert (reg.rows.sales.tolist(), reg.rows.fees.tolist(), reg.rows.royalties.tolist()) == \
        ([3], [21_000_003], [2_800_000])
    assert market.sales == 3 and market.royalties_paid == 2.8 and market.price == pytest.approx(7.000001)
    assert model.ledger.money_supply == before.sum()


def test_no_royalty_to_a_seller_deriving_from_itself_or_without_a_registered_parent():
    # Agent 1 derived artifact 2 from its own artifact 1: upstream is the seller, no royalty.
    model, art, reg = registry_of([-1, 1, 1])
    reg.register(2, parent=1, step=1, report=None, benchmark=3.0, fee=1_000_000)
    market = LicenceMarket(model, None, reg, None, gate_on=False, royalty=0.5)
    market.settle(np.array([3]), np.array([0]))
    journal = model.ledger.to_frame()
    assert journal[journal.kind == "royalty"].empty and reg.rows.royalties.tolist() == [0]
    assert journal[journal.kind == "licence fee"].amount_units.tolist() == [1_000_000]
    # A parent that was an agent's first version (creator -1): nobody upstream to pay.
    model, art, reg = registry_of([-1, 1])
    reg.register(1, parent=0, step=1, report=None, benchmark=3.0, fee=1_000_000)
    LicenceMarket(model, None, reg, None, gate_on=False, royalty=0.5).settle(np.array([3]), np.array([0]))
    assert reg.rows.royalties.tolist() == [0]


def test_a_closed_market_sells_nothing():
    model, art, reg = registry_of([-1, 0, 1])
    reg.register(2, parent=1, step=1, report=None, benchmark=3.0, fee=1)
    market = LicenceMarket(model, Fleet, reg, None, gate_on=False, royalty=0.2, enabled=False)
    entries = len(model.ledger)
    market.step()
    assert market.sales == 0 and len(model.ledger) == entries and np.isnan(market.price)
