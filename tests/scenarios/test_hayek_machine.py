"""The deep market: value iteration, wealth-capped bids, Vickrey payments, money, learning."""

import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from agents.sub_agents import SubAgent
from model.ledger import to_units
from model.mdp import chain, grid, value_iteration
from model.params import ParameterError
from scenarios.hayek_machine import HayekMachineModel
from experiments.runner import run

CATALLAXY = Path(sys.executable).parent / "catallaxy"


def test_value_iteration_on_the_chain_has_the_closed_form():
    # V*(s) = goal reward - step cost x (moves to the goal); the goal is terminal (0).
    v = value_iteration(chain(8, goal_reward=1.0, step_cost=0.02))
    assert v == pytest.approx([1 - 0.02 * (7 - s) for s in range(7)] + [0.0])


def test_value_iteration_on_the_grid_matches_shortest_paths_around_the_trap():
    # Independent: V*(s) = 1 - 0.02 x (shortest path to the goal avoiding the trap), by networkx.
    world = grid(4, step_cost=0.02)
    graph = nx.Graph()
    for s in range(world.states):
        if not world.terminal[s]:
            graph.add_edges_from((s, int(t)) for t in world.next_state[s] if t != s)
    trap, goal = 11, 15
    graph.remove_node(trap)
    distance = nx.single_source_shortest_path_length(graph, goal)
    v = value_iteration(world)
    for s, d in distance.items():
        if s != goal:
            assert v[s] == pytest.approx(1 - 0.02 * d)
    assert v[world.start] == pytest.approx(0.88) and v[trap] == 0


def market_with(rules, auction="first"):
    """A model whose only live rules are ``rules``: (condition, action, bid, wealth)."""
    model = HayekMachineModel(rng=0, agents=1, rule=auction, rent=0.0)
    model.population.alive[:] = False
    for condition, action, bid, wealth in rules:
        agent = SubAgent(model, model.population, condition, action, bid)
        model.ledger.mint(agent.account, to_units(wealth))
    return model


@pytest.mark.parametrize("auction, paid", [("first", 0.5), ("second", 0.3)])
def test_bids_are_capped_by_wealth_and_vickrey_pays_the_second_bid(auction, paid):
    # Rule A bids 0.9 but holds 0.3, so it bids 0.3; rule B bids 0.5 and wins. First price: B
    # pays its 0.5 to the world (the treasury); Vickrey: the second-highest (capped) bid, 0.3.
    model = market_with([(0, 1, 0.9, 0.3), (0, 1, 0.5, 1.0)], auction)
    treasury = model.ledger.balance(model.treasury)
    model.market.step()
    a, b = model.population.agents[-2:]
    assert model.market.owner == b.row and model.market.price == 0.5
    assert model.ledger.balance(model.treasury) - treasury == to_units(paid)
    assert model.ledger.balance(b.account) == to_units(1.0 - paid - 0.02)       # and the step cost
    assert model.ledger.balance(a.account) == to_units(0.3)


def test_the_next_owner_pays_the_previous_one_and_the_goal_pays_the_reward():
    world_len = 3   # s0 -> s1 -> goal
    model = HayekMachineModel(rng=0, agents=1, length=world_len, rent=0.0)
    model.population.alive[:] = False
    first, second = (SubAgent(model, model.population, s, 1, bid) for s, bid in ((0, 0.9), (1, 0.95)))
    for rule in (first, second):
        model.ledger.mint(rule.account, to_units(1.0))
    model.market.step()
    model.market.step()
    # first: 1 - 0.9 (bought) - 0.02 (move) + 0.95 (sold); second: 1 - 0.95 - 0.02 + 1 (the goal)
    assert model.ledger.balance(first.account) == to_units(1.03)
    assert model.ledger.balance(second.account) == to_units(1.03)
    assert model.market.state == 0 and model.market.owner == -1                # a new episode


def test_the_chain_is_learned_and_money_moves_only_as_recorded():
    frame = run("hayek-machine", steps=1500, seed=0)
    optimal = frame.optimal_return.iloc[0]
    assert optimal == pytest.approx(0.86)
    learned = np.flatnonzero(np.isclose(frame.greedy_return, optimal))
    assert learned.size and learned[0] < 1000                                   # within 1,000 steps
    assert np.isclose(frame.episode_return.iloc[-200:], optimal).mean() > 0.8   # and it plays it
    model = HayekMachineModel(rng=0)
    for _ in range(300):
        model.step()
    entries = model.ledger.to_frame()
    minted = entries[entries.payer == "mint"]
    burned = entries[entries.payee == "burn"]
    assert set(minted.kind) <= {"allowance", "reward"} and set(burned.kind) <= {"cost", "rent"}
    assert model.ledger.money_supply == model.ledger.minted - model.ledger.burned
    assert minted.amount_units.sum() == model.ledger.minted


@pytest.mark.parametrize("params, message", [
    ({"rent": 1.0}, "rent must be a number between 0 and 0.99"),
    ({"rent": -0.1}, "rent must be a number between 0 and 0.99"),
    ({"agents": 0}, "agents must be an integer between 1 and"),
    ({"env": "maze"}, "env must be one of chain, grid"),
])
def test_bad_parameters(params, message):
    with pytest.raises(ParameterError) as err:
        HayekMachineModel(rng=0, **params)
    assert message in str(err.value)


def test_cli(tmp_path):
    out = subprocess.run([str(CATALLAXY), "run", "hayek-machine", "--steps", "200", "--set", "env=grid", "--set",
                          "rule=second", "--out", str(tmp_path / "h.csv")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    bad = subprocess.run([str(CATALLAXY), "run", "hayek-machine", "--set", "agents=0"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
