"""agents/public_goods_market.py on its own, with a population that is nothing but offers: the
information barrier (the market decides and settles on offers alone), escrow empty after every
round, the dominant assurance contract not offered when its bonus cannot be backed, and the
Clarke mechanism seating only the agents who can cover their deposit.
(The hand-worked rounds of each mechanism through the scenario are tests/scenarios/test_public_goods.py.)"""

import numpy as np
import pytest

from agents.contributors import Contributors
from agents.public_goods_market import PublicGoodsMarket
from model.ledger import to_units
from tests.agents.host import Host, Sealed

M = 1_000_000


class Offers:
    """A population that only answers with fixed offers (in credits) and records the feedback:
    no values exist anywhere for the market to read."""

    def __init__(self, credits):
        self.credits, self.asked, self.heard = np.asarray(credits, dtype=float), 0, []

    def offers(self, balances, price_units):
        self.asked += 1
        units = np.rint(self.credits * M).astype(np.int64)
        if price_units is not None:
            units = np.where(units >= price_units, price_units, 0)
        return np.minimum(units, balances)

    def feedback(self, terms, total_units, pledgers, took_part):
        self.heard.append((terms, total_units, pledgers, took_part.tolist()))


def stage(population, mechanism, cost, wallets=(100.0, 100.0, 100.0), entrepreneur=0.0, **kw):
    model = Host()
    accounts = np.array([model.ledger.open_account(f"c{i}") for i in range(len(wallets))])
    for account, wallet in zip(accounts, wallets):
        model.fund(int(account), wallet)
    market = PublicGoodsMarket(model, population, accounts, mechanism, cost, **kw)
    if entrepreneur:
        model.fund(market.entrepreneur, entrepreneur)
    return model, market, accounts


@pytest.mark.parametrize("mechanism", ["voluntary", "assurance", "dominant-assurance", "clarke"])
def test_the_market_decides_and_settles_on_offers_alone(mechanism):
    # Offers 12 + 10 + 8 = 30 for a cost of 30 (dominant assurance: a price of 30 / 3 = 10 each,
    # which 12 and 10 reach and 8 does not). Whatever the mechanism, the escrow accounts are empty
    # after the round, no wallet is below zero, money is only moved, and the population hears the
    # disclosed total and the number of pledgers, never anything else.
    population = Offers([12.0, 10.0, 8.0])
    model, market, accounts = stage(population, mechanism, 30.0, entrepreneur=50.0, bonus=0.5)
    supply = model.ledger.money_supply
    market.step()
    assert model.units(market.escrow) == 0 and model.units(market.bonus_escrow) == 0
    assert (model.ledger.balances >= 0).all() and model.ledger.money_supply == supply
    terms, total, pledgers, took_part = population.heard[0]
    assert terms["mechanism"] == mechanism and total == int(market.offers[market.took_part].sum())
    built = {"voluntary": True, "assurance": True, "dominant-assurance": False, "clarke": True}[mechanism]
    assert market.provided == built
    assert model.units(market.builder) == (to_units(30.0) if built else 0)


def test_a_sealed_contributors_table_gives_the_same_round():
    # The real table, sealed: its values (private) and true_values (the observer's) raise if read.
    rounds = []
    for sealed in (False, True):
        people = Contributors(3, "truthful", np.zeros(3, dtype=bool), 0.0, np.random.default_rng(0))
        people.want([12.0, 10.0, 7.99])
        model, market, accounts = stage(Sealed(people) if sealed else people, "assurance", 30.0)
        market.step()
        rounds.append((model.ledger.balances.tolist(), market.provided, market.refunded))
    assert rounds[0] == rounds[1] and rounds[1][1] is False and rounds[1][2] == pytest.approx(29.99)


def test_no_dominant_assurance_contract_when_the_bonus_cannot_be_backed():
    # Three agents, bonus 0.5 each: the entrepreneur must escrow 1.5 first; with 1.4 it offers nothing.
    population = Offers([12.0, 10.0, 8.0])
    model, market, _ = stage(population, "dominant-assurance", 30.0, entrepreneur=1.4, bonus=0.5)
    market.step()
    assert not market.offered and population.asked == 0 and population.heard == []
    assert len(model.ledger) == 4                              # the four mints, nothing else


def test_the_dominant_assurance_price_is_rounded_up_so_the_quorum_covers_the_cost():
    # cost 10, markup 0, quorum 3: 10 / 3 = 3.333333(3) is rounded up to 3.333334, so 3 pledges >= 10.
    model, market, _ = stage(Offers([5.0, 5.0, 5.0]), "dominant-assurance", 10.0, entrepreneur=5.0, bonus=0.1)
    assert market.price_units == 3_333_334 and 3 * market.price_units >= to_units(10.0)


def test_clarke_seats_only_those_who_can_cover_their_deposit():
    # Cost 9 among 3: shares of 3. Agent 2 reports 1 but holds 2 < max(1, 3): it sits out, and the
    # two left share 4.5 each. Net values 8 - 4.5 = 3.5 and 3 - 4.5 = -1.5 sum to 2 >= 0: built.
    # Agent 0 is pivotal (without it the others' net is -1.5 < 0): it pays 4.5 + 1.5 = 6; agent 1
    # pays its share 4.5; the tax 1.5 goes to the Clarke surplus account.
    population = Offers([8.0, 3.0, 1.0])
    model, market, accounts = stage(population, "clarke", 9.0, wallets=(100.0, 100.0, 2.0))
    market.step()
    assert market.took_part.tolist() == [True, True, False] and market.provided
    assert [model.units(int(a)) for a in accounts] == [to_units(94.0), to_units(95.5), to_units(2.0)]
    assert model.units(market.surplus_account) == to_units(1.5) and model.units(market.builder) == to_units(9.0)
    assert population.heard[0][0]["agents"] == 2 and population.heard[0][3] == [True, True, False]
