"""agents/world_market.py on its own: the sale of the right to act (wealth-capped bids, ties to
the oldest, the owner cannot buy from itself, first or second price paid to the previous owner),
the reward minted or the cost burned within the wallet, the rent, the end of an episode, and the
feedback each ownership reports."""

import numpy as np
import pytest

from agents.sub_agents import Population, SubAgent
from agents.world_market import WorldMarket
from model.ledger import to_units
from model.mdp import chain
from tests.agents.host import Host


def world(rules, rule="first", rent=0.0, on_uncovered=None):
    """The three-state corridor s0 -> s1 -> goal (every move costs 0.02; entering the goal pays 1),
    with one SubAgent per (condition, action, bid, wealth)."""
    model = Host()
    pop = Population()
    treasury = model.ledger.open_account("treasury")
    agents = []
    for condition, action, bid, wealth in rules:
        agent = SubAgent(model, pop, condition, action, bid)
        model.fund(agent.account, wealth)
        agents.append(agent)
    uncovered = []
    market = WorldMarket(model, chain(3), pop, rule, rent, treasury, on_uncovered or uncovered.append)
    return model, pop, market, agents, uncovered


def test_the_winner_pays_its_bid_to_the_world_moves_and_pays_rent():
    # A bids 0.4 with 1.0: pays 0.4 to the treasury (first owner of the episode), moves right
    # (cost 0.02, burned): 0.58; rent 10 % of that, 0.058, burned: 0.522.
    model, pop, market, (a,), _ = world([(0, 1, 0.4, 1.0)], rent=0.1)
    market.step()
    assert model.units(a.account) == to_units(0.522) and model.units(market.treasury) == to_units(0.4)
    assert model.ledger.burned == to_units(0.02 + 0.058)
    assert (market.state, market.owner, market.price, market.revenue) == (1, a.row, 0.4, 0.4)
    assert market.last_win == (0, 0.4)


@pytest.mark.parametrize("rule, paid", [("first", 0.6), ("second", 0.6)])
def test_bids_are_capped_by_wealth_and_ties_go_to_the_oldest(rule, paid):
    # A bids 0.9 but holds 0.3: its bid counts as 0.3. B and C both bid 0.6 with 1.0 each: B, the
    # older, wins the tie. First price: B pays its 0.6; second price: the next bid, C's 0.6.
    # (The wealth cap setting a Vickrey price is tests/scenarios/test_hayek_machine.py's case.)
    model, pop, market, (a, b, c), _ = world([(0, 1, 0.9, 0.3), (0, 1, 0.6, 1.0), (0, 1, 0.6, 1.0)], rule=rule)
    market.step()
    assert market.owner == b.row and market.price == 0.6
    assert model.units(market.treasury) == to_units(paid)


def test_a_lone_bidder_pays_nothing_under_second_price():
    model, _, market, (a,), _ = world([(0, 1, 0.4, 1.0)], rule="second")
    market.step()
    assert market.owner == a.row and market.revenue == 0.0 and model.units(market.treasury) == 0


def test_the_next_owner_pays_the_previous_one_who_reports_what_it_earned():
    # A owns s0 -> s1 (paid 0.4, reward -0.02); B buys s1 from A for 0.7 and enters the goal (+1).
    # A's ownership earned -0.02 + 0.7 = 0.68; B's, at the end of the episode, its reward 0.98.
    model, pop, market, (a, b), _ = world([(0, 1, 0.4, 1.0), (1, 1, 0.7, 1.0)])
    market.step()
    market.step()
    assert model.units(a.account) == to_units(1.0 - 0.4 - 0.02 + 0.7)
    assert model.units(b.account) == to_units(1.0 - 0.7 + 0.98)
    assert pop.earned.tolist() == [pytest.approx(0.68), pytest.approx(0.98)]
    assert (market.state, market.owner) == (0, -1) and market.finished_returns == [pytest.approx(0.96)]
    # The next episode's first winner pays the world again.
    market.step()
    assert model.units(market.treasury) == to_units(0.4 + 0.4)


def test_the_owner_cannot_buy_from_itself_so_an_uncovered_state_grows_rules():
    # A's action 0 in s0 stays in s0 (the wall). Next step the only rule for s0 is A, the owner:
    # the market asks for rules for s0, and the newcomer N buys from A.
    born = []

    def grow(state):
        born.append(SubAgent(model, pop, state, 1, 0.1))
        model.fund(born[-1].account, 1.0)

    model, pop, market, (a,), _ = world([(0, 0, 0.4, 1.0)], on_uncovered=lambda s: grow(s))
    market.step()
    assert market.state == 0 and market.owner == a.row and born == []
    market.step()
    assert len(born) == 1 and market.owner == born[0].row
    assert model.units(a.account) == to_units(1.0 - 0.4 - 0.02 + 0.1)


def test_a_cost_is_burned_no_further_than_the_wallet():
    # A holds 0.01 and bids nothing; the move costs 0.02: only 0.01 is burned; the wallet is 0.
    model, _, market, (a,), _ = world([(0, 1, 0.0, 0.01)], rule="second")
    market.step()
    assert model.units(a.account) == 0 and model.ledger.burned == to_units(0.01)
    assert model.ledger.money_supply == model.ledger.minted - model.ledger.burned


def test_money_moves_only_as_the_journal_says():
    model, _, market, _, _ = world([(0, 1, 0.4, 1.0), (1, 1, 0.7, 1.0), (1, 0, 0.2, 1.0)], rent=0.05)
    for _ in range(9):
        market.step()
    journal = model.ledger.to_frame()
    assert journal[journal.payer == "mint"].amount_units.sum() == model.ledger.minted
    assert journal[journal.payee == "burn"].amount_units.sum() == model.ledger.burned
    assert set(journal.kind) == {"mint", "right to act", "reward", "cost", "rent"}
    assert model.ledger.money_supply == model.ledger.minted - model.ledger.burned
    assert (model.ledger.balances >= 0).all()


def test_an_episode_cut_short_starts_over_owned_by_nobody():
    _, pop, market, _, _ = world([(0, 1, 0.4, 1.0)])
    market.step()
    market.reset_episode()
    assert (market.state, market.owner, market.episode_reward) == (0, -1, 0.0)
    assert np.isnan(pop.earned).all()                # the cut-off ownership reports nothing


def test_an_unknown_payment_rule_is_refused():
    with pytest.raises(ValueError, match="rule"):
        world([(0, 1, 0.4, 1.0)], rule="vickrey")
