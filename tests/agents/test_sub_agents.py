"""agents/sub_agents.py on its own: a Hayek machine's rules, column-wise (birth, matching, the
living), and the temporal-difference move of each bid toward what its ownership earned."""

import numpy as np
import pytest

from agents.sub_agents import Population, SubAgent
from tests.agents.host import Host


def population_of(rules, steps=0):
    """A host and its Population with one SubAgent per (condition, action, bid)."""
    model = Host()
    model.steps = steps
    pop = Population()
    agents = [SubAgent(model, pop, c, a, b) for c, a, b in rules]
    return model, pop, agents


def test_a_birth_opens_a_wallet_and_a_live_row():
    model, pop, (a, b) = population_of([(0, 1, 0.4), (2, 0, 0.9)], steps=7)
    assert (a.row, b.row) == (0, 1) and pop.agents == [a, b] and len(pop) == 2
    assert pop.account.tolist() == [a.account, b.account]
    assert model.ledger.names[b.account] == f"rule:2->0#{b.unique_id}"
    assert pop.bid.tolist() == [0.4, 0.9] and pop.born.tolist() == [7, 7] and pop.alive.all()
    assert np.isnan(pop.earned).all()                       # nothing reported yet


def test_matching_finds_the_live_rules_whose_condition_holds():
    _, pop, _ = population_of([(0, 1, 0.4), (1, 0, 0.5), (0, 0, 0.2)])
    assert pop.matching(0).tolist() == [0, 2] and pop.matching(3).tolist() == []
    pop.alive[2] = False
    assert pop.matching(0).tolist() == [0] and pop.live().tolist() == [0, 1]


def test_the_table_grows_past_its_first_capacity():
    _, pop, agents = population_of([(i % 3, 0, i / 100) for i in range(40)])
    assert len(pop) == 40 and pop.bid[39] == pytest.approx(0.39) and pop.matching(2).size == 13


def test_a_bid_moves_toward_what_its_ownership_earned():
    # rate 0.5: bid 0.4 earned 1.0 -> 0.4 + 0.5 x 0.6 = 0.7; bid 0.5 earned -1.0 -> 0.5 - 0.75 < 0,
    # clipped to 0; bid 0.2 earned 3.0 -> 0.2 + 1.4 = 1.6, clipped to the ceiling 1.2.
    _, pop, _ = population_of([(0, 1, 0.4), (1, 0, 0.5), (0, 0, 0.2), (2, 1, 0.3)])
    for row, earned in ((0, 1.0), (1, -1.0), (2, 3.0)):
        pop.report(row, earned)
    pop.learn(rate=0.5, ceiling=1.2)
    assert pop.bid.tolist() == [pytest.approx(0.7), 0.0, 1.2, 0.3]   # row 3 reported nothing: unchanged
    assert np.isnan(pop.earned).all()                                # each report is used once
    pop.learn(rate=0.5, ceiling=1.2)
    assert pop.bid.tolist() == [pytest.approx(0.7), 0.0, 1.2, 0.3]


def test_with_rate_zero_bids_stay_as_born_and_reports_are_dropped():
    _, pop, _ = population_of([(0, 1, 0.4)])
    pop.report(0, 5.0)
    pop.learn(rate=0.0, ceiling=10.0)
    assert pop.bid.tolist() == [0.4] and np.isnan(pop.earned[0])
