"""agents/trader.py on its own: the bid a Trader submits (its strategy's, times the quantity,
capped by its wallet), what its strategy may see, the utility it books, and the money of a
round through a real MarketMaker."""

import math

import numpy as np
import pytest

from agents.market_maker import MarketMaker
from agents.strategies import Shade, Truthful
from agents.trader import Trader
from model.ledger import to_units
from model.mechanisms import MechanismInputError, first_price, second_price
from tests.agents.host import Host


class Desk:
    """A market maker that only records: the public count of bidders and the orders."""

    def __init__(self):
        self.bidders, self.orders = 0, []

    def join(self, trader):
        self.bidders += 1

    def submit(self, trader, bid, quantity):
        self.orders.append((trader.unique_id, bid, quantity))


class Spy:
    """A strategy that bids a fixed amount per unit and records what it was shown."""

    name, misreads = "spy", False

    def __init__(self, per_unit, learns=False):
        self.per_unit, self.learns = per_unit, learns
        self.seen, self.heard = [], []

    def join(self):
        return 7                       # the member index the trader must pass back

    def bid(self, value, bidders, random, member=0):
        self.seen.append((value, bidders, member))
        return self.per_unit

    def feedback(self, members, utility, price=math.nan, highest_other=math.nan):
        self.heard.append((members, utility, price, highest_other))


def trader_with(strategy, wallet, desk=None):
    model = Host()
    desk = desk or Desk()
    trader = Trader(model, strategy, desk)
    model.fund(trader.account, wallet)
    return model, trader, desk


def test_the_bid_is_the_strategy_per_unit_times_the_quantity_capped_by_the_wallet():
    # Shade 0.25 of a value of 0.8 a unit is 0.6 a unit; two units: 1.2. A wallet of 5 covers it,
    # a wallet of 1 caps it at 1.0.
    _, rich, desk = trader_with(Shade(0.25), wallet=5.0)
    rich.want(0.8, quantity=2.0)
    rich.step()
    assert desk.orders == [(rich.unique_id, pytest.approx(1.2), 2.0)]
    _, poor, desk = trader_with(Shade(0.25), wallet=1.0)
    poor.want(0.8, quantity=2.0)
    poor.step()
    assert desk.orders == [(poor.unique_id, 1.0, 2.0)] and poor.last_bid == 1.0


def test_a_negative_bid_is_submitted_as_zero():
    _, trader, desk = trader_with(Spy(-0.3), wallet=5.0)
    trader.want(0.5)
    trader.step()
    assert desk.orders[0][1] == 0.0


def test_the_strategy_sees_its_own_value_the_public_count_and_its_member_row_only():
    desk = Desk()
    spy = Spy(0.1)
    model, first, _ = trader_with(spy, wallet=1.0, desk=desk)
    Trader(model, Truthful(), desk)            # a second bidder joins the same desk
    first.want(0.42)
    first.step()
    assert spy.seen == [(0.42, 2, 7)]


def test_utility_is_value_of_what_it_got_minus_what_it_paid():
    _, trader, _ = trader_with(Truthful(), wallet=1.0)
    trader.want(0.9, quantity=2.0)
    trader.receive(2.0, payment=1.0)           # 0.9 x 2 - 1.0 = 0.8
    assert trader.utility == pytest.approx(0.8)
    trader.receive(0.0, payment=0.0)           # lost: nothing
    trader.receive(0.0, payment=0.3)           # paid without getting anything (an all-pay rule): -0.3
    assert trader.utility == pytest.approx(0.5)


def test_a_learning_strategy_hears_its_utility_and_what_was_disclosed():
    spy = Spy(0.1, learns=True)
    _, trader, _ = trader_with(spy, wallet=1.0)
    trader.want(0.7)
    trader.receive(1.0, payment=0.4, price=0.4, highest_other=0.35)
    members, utility, price, highest = spy.heard[0]
    assert (members, price, highest) == (7, 0.4, 0.35) and utility == pytest.approx(0.3)
    scripted = Spy(0.1)
    _, trader, _ = trader_with(scripted, wallet=1.0)
    trader.receive(1.0, payment=0.4)
    assert scripted.heard == []


@pytest.mark.parametrize("rule, paid", [(first_price, 0.9), (second_price, 0.5)])
def test_a_round_through_a_market_maker_moves_exactly_the_payment(rule, paid):
    # Truthful values 0.2, 0.9, 0.5 with wallets of 2: bidder 1 wins, paying 0.9 (first price)
    # or 0.5 (second); it books 0.9 - paid; the market's account gains it; nothing is minted.
    model = Host()
    auction = MarketMaker(model, "item", lambda bids, quantities, budgets: rule(bids))
    traders = [Trader(model, Truthful(), auction) for _ in range(3)]
    for trader, value in zip(traders, (0.2, 0.9, 0.5)):
        model.fund(trader.account, 2.0)
        trader.want(value)
        trader.step()
    supply = model.ledger.money_supply
    auction.step()
    assert [model.units(t.account) for t in traders] == [to_units(2.0), to_units(2.0 - paid), to_units(2.0)]
    assert model.units(auction.account) == to_units(paid)
    assert model.ledger.money_supply == supply == to_units(6.0)
    assert [t.utility for t in traders] == [0.0, pytest.approx(0.9 - paid), 0.0]


def test_a_broke_trader_bids_nothing():
    _, trader, desk = trader_with(Truthful(), wallet=0.0)
    trader.want(0.9)
    trader.step()
    assert desk.orders[0][1] == 0.0


def test_a_value_that_is_not_a_number_is_refused_at_the_clearing():
    # The trader passes a NaN value through to its bid (it does not check); the clearing rule refuses
    # it by name rather than letting it win or pay.
    model = Host()
    auction = MarketMaker(model, "item", lambda bids, quantities, budgets: second_price(bids))
    traders = [Trader(model, Truthful(), auction) for _ in range(2)]
    for trader, value in zip(traders, (float("nan"), 0.4)):
        model.fund(trader.account, 1.0)
        trader.want(value)
        trader.step()
    assert np.isnan(traders[0].last_bid)
    with pytest.raises(MechanismInputError, match="bids"):
        auction.step()
    assert model.ledger.money_supply == to_units(2.0) and len(model.ledger) == 2   # only the two mints
