"""agents/evolving_agents.py on its own: seed 002's reward R by hand and its expected value
against an exact enumeration, what the payer sees against the true surplus (the Goodhart gap),
an optimisation cycle's change of the six numbers, the frontier of deployed artifacts, the
agents' licence rule, and the task owner's desk through the ledger."""

import itertools

import numpy as np
import pytest

from agents.evolving_agents import FLOOR, Artifacts, Change, EvolvingAgent, Fleet, RewardMarket, RewardTerms, \
    task_amounts
from model.ledger import to_units_array
from model.gold import CONTEXT, HALLUCINATION
from tests.agents.host import Host

# T = 10, alpha .6, beta .2, gamma .2, P_fail = 0.3 T on an output that does not parse, C_max = 5;
# 30 % of tasks long, 10 % adversarial, a hallucination costs 5 T.
TERMS = RewardTerms(task_budget=10.0, alpha=0.6, beta=0.2, gamma=0.2, penalty=0.3, cost_share=0.5,
                    long_context=0.3, adversarial=0.1, harm=5.0)


def test_the_reward_by_hand():
    # Parsed and right, cost 0.4 and latency 0.3 of their maxima: 10 x (0.6 + 0.2 x 0.6 + 0.2 x 0.7) = 8.6.
    # Parsed, not right: 10 x 0.26 = 2.6. Not parsed: 10 x (0.26 - 0.3) < 0, paid 0; not parsed but
    # free and instant: 10 x (0.4 - 0.3) = 1.
    paid = TERMS.paid([True, True, False, False], [True, False, True, False], [0.4, 0.4, 0.4, 0.0],
                      [0.3, 0.3, 0.3, 0.0])
    assert paid == pytest.approx([8.6, 2.6, 0.0, 1.0])
    assert TERMS.max_cost == 5.0


@pytest.mark.parametrize("numbers", [(0.9, 0.8, 0.4, 0.3), (0.5, 0.2, 0.9, 0.9), (1.0, 1.0, FLOOR, FLOOR),
                                     (0.0, 0.7, 0.6, 0.1)])
def test_the_expected_reward_is_the_enumeration_of_what_a_task_can_pay(numbers):
    # E[R] - C from the closed form against the four outcomes (parsed?, right?) weighted by their chances.
    structure, business, cost, latency = numbers
    exact = sum((structure if parsed else 1 - structure) * (business if right else 1 - business)
                * float(TERMS.paid(parsed, right, cost, latency))
                for parsed, right in itertools.product((True, False), repeat=2)) - cost * TERMS.max_cost
    assert TERMS.expected_utility(structure, business, cost, latency) == pytest.approx(exact)


def test_the_payer_sees_a_good_answer_where_the_owner_gets_a_hallucination():
    # An artifact that parses and follows the rules: (0.9, 0.8, 0.5, 0.7, cost 0.4, latency 0.3).
    # Task draws u = (0.5, 0.5, 0.6, 0.8, 0.1, 0.1): it parses (0.5 < 0.9) and passes the rules
    # (0.5 < 0.8), so the payer sees a right answer and pays 8.6; compute is 0.4 x 5 = 2.
    art = Artifacts()
    a = int(art.add([[0.9, 0.8, 0.5, 0.7, 0.4, 0.3]])[0])
    draws = np.array([[0.5, 0.5, 0.6, 0.8, 0.1, 0.1]])
    parsed, answered, cost, latency = art.deliver([a], draws, TERMS)
    assert (parsed.tolist(), answered.tolist()) == ([True], [True])
    compute, reward = task_amounts(art, [a], draws, TERMS)
    assert compute.tolist() == [2_000_000] and reward.tolist() == [8_600_000]
    # The truth: the task is long (0.1 < 0.3) and the context is wrong (0.6 >= 0.5): worth nothing to
    # the owner, minus the compute: -2. (Not adversarial: 0.1 is not below 0.1.)
    assert art.true_surplus([a], draws, TERMS).tolist() == [-2.0]
    # Adversarial (0.05 < 0.1) and it answers instead of refusing (0.8 >= 0.7): a hallucination,
    # -5 T, and still paid 8.6 by the reward, which cannot see it.
    adversarial = np.array([[0.5, 0.5, 0.6, 0.8, 0.1, 0.05]])
    assert art.true_surplus([a], adversarial, TERMS).tolist() == [10.0 * (0 - 5.0) - 2.0]
    assert task_amounts(art, [a], adversarial, TERMS)[1].tolist() == [8_600_000]


def test_a_cycle_changes_the_numbers_as_its_change_says():
    art = Artifacts()
    parent = int(art.add([[0.6, 0.9, 0.5, 0.8, 0.1, 0.5]], creator=3)[0])
    # cost 0.1 - 0.2 is floored at 0.05; latency 0.5 - 0.1 = 0.4; business 0.9 + 0.2 capped at 1;
    # structure, context, anti-hallucination close 50 %, 20 %, 10 % of their gaps: 0.8, 0.6, 0.82.
    child = art.derive(parent, Change(0.2, 0.1, 0.2, (0.5, 0.2, 0.1)), creator=7)
    assert art.true_numbers([child])[0] == pytest.approx([0.8, 1.0, 0.6, 0.82, FLOOR, 0.4])
    assert art.lineage(child) == [child, parent] and art.generation([child]).tolist() == [1]
    assert art.creator([parent, child]).tolist() == [3, 7] and not art.true_goodhart([child])[0]
    # A Goodhart change drops the broken axis below the parent's instead of repairing it.
    bad = art.derive(child, Change(0.0, 0.0, 0.0, (0.0, 0.5, 0.5), True, HALLUCINATION, 0.3), creator=7)
    numbers = art.true_numbers([bad])[0]
    assert numbers[HALLUCINATION] == pytest.approx(0.82 - 0.3) and numbers[CONTEXT] == pytest.approx(0.8)
    assert art.true_goodhart([bad])[0] and art.lineage(bad) == [bad, child, parent]


def test_a_dominated_artifact_leaves_the_frontier():
    art = Artifacts()
    ids = art.add([[0.9, 0.9, 0.9, 0.9, 0.2, 0.9],      # best on every axis and cheapest
                   [0.8, 0.8, 0.8, 0.8, 0.3, 0.1],      # dominated by the first (latency does not count)
                   [1.0, 0.5, 0.5, 0.5, 0.1, 0.5]])     # better on structure and cost: stays
    art.mark_deployed(ids)
    assert art.true_best_candidates().tolist() == [0, 2]


def fleet_with(numbers, wallets, discount=0.99, threshold=60.0):
    model = Host()
    art = Artifacts()
    ids = art.add(numbers)
    agents = [EvolvingAgent(model, i) for i in range(len(wallets))]
    for agent, wallet in zip(agents, wallets):
        model.fund(agent.account, wallet)
    fleet = Fleet(art, ids[:len(wallets)], [a.account for a in agents], TERMS, threshold, discount, True)
    return model, art, fleet, agents


def test_an_agent_licenses_a_better_artifact_when_the_perpetual_gain_beats_the_fee():
    # Agent 0 runs artifact 0; artifact 1 is listed by agent 1 for 10. Benchmark gain g per step is
    # worth g x 0.99 / 0.01 = 99 g; it buys iff 99 g > 10 and its wallet keeps C_max = 5 after the fee.
    numbers = [[1.0, 0.8, 0.5, 0.9, 0.7, 0.7], [1.0, 0.9, 0.5, 0.9, 0.6, 0.6]]
    model, art, fleet, _ = fleet_with(numbers, [100.0, 100.0])
    gain = float(art.benchmark([1], TERMS)[0] - art.benchmark([0], TERMS)[0])
    assert 99 * gain > 10
    listing = {"artifact": np.array([1]), "benchmark": art.benchmark([1], TERMS), "fee": np.array([10_000_000]),
               "creator": np.array([1])}
    everyone = np.ones((2, 1), dtype=bool)
    buyers, rows = fleet.licence_orders(model.ledger.balances[fleet.accounts], listing, 0, everyone)
    assert buyers.tolist() == [0] and rows.tolist() == [0]                  # not agent 1, its creator
    poor = np.array([to_units_array(14.9), to_units_array(100.0)])                      # 14.9 - 10 < 5 kept back
    assert fleet.licence_orders(poor, listing, 0, everyone)[0].tolist() == []
    dear = dict(listing, fee=np.array([to_units_array(99 * gain + 0.01)]))
    assert fleet.licence_orders(model.ledger.balances[fleet.accounts], dear, 0, everyone)[0].tolist() == []
    assert fleet.licence_price(60_000_000, 0.5) == 30_000_000
    assert fleet.prefer(np.array([0]), np.array([1])).tolist() == [True]


def test_the_task_desk_pays_the_reward_burns_the_compute_and_the_unspent_budget():
    # Agent 0 (artifact as above, cost 0.4 -> 2 credits compute) works; agent 1 holds 1.9 < 2 and does
    # not. The desk mints T = 10 for the one task, pays the reward 8.6, burns the other 1.4; the agent's
    # compute, 2, is burned too: agent 0 gains 6.6, the money supply grows by 6.6.
    model, art, fleet, agents = fleet_with([[0.9, 0.8, 0.5, 0.7, 0.4, 0.3]] * 2, [50.0, 1.9])
    desk = RewardMarket(model, fleet, TERMS)
    desk.post(np.array([[0.5, 0.5, 0.6, 0.8, 0.1, 0.1]] * 2))
    supply = model.ledger.money_supply
    desk.step()
    assert desk.working.tolist() == [True, False]
    assert agents[0].wealth == pytest.approx(56.6) and agents[1].wealth == 1.9
    assert model.ledger.balance(desk.account) == 0
    assert model.ledger.money_supply - supply == to_units_array(6.6) and desk.price == 8.6 and desk.revenue == 8.6
    kinds = model.ledger.to_frame().groupby("kind").amount.sum()
    assert kinds["task budget"] == 10.0 and kinds["compute"] == 2.0 and kinds["unspent budget"] == pytest.approx(1.4)


def test_units_round_half_to_even_like_the_ledger():
    assert to_units_array([0.0000005, 0.0000015, 2.5]).tolist() == [0, 2, 2_500_000]
