"""agents/debt_market.py on its own: a procurement auction per tradable token (the lowest ask
within the taker's room and the holder's reserve wins; Vickrey or first price), a holder who
cannot pay keeps its token, the double auction for cleanup hours, money moving only between
developers, and the barrier: the market never reads a developer's true cost."""

import numpy as np
import pytest

from agents.debt_market import DebtMarket
from agents.developers import Developer
from agents.strategies import Truthful
from model.debt import DebtBook
from model.ledger import to_units
from tests.agents.host import Host

SETTINGS = dict(hours=8.0, feature_hours=8.0, feature_value=10.0, principal=4.0, interest=0.0, maturity=20)


def stage(mechanism="auction", rule="second", wallet=100.0, holder_cost=1.25):
    """A feature agent F (1 principal hour an hour at ``holder_cost``) holding a 6-hour token at
    no interest, due in 50 steps; specialists S1 (2 an hour at 0.6: 0.3 a principal hour) and
    S2 (2 an hour at 1.0: 0.5)."""
    model = Host(rng=0, **SETTINGS)
    book = DebtBook()
    holder = Developer(model, "feature", 1.0, holder_cost, book)
    s1 = Developer(model, "specialist", 2.0, 0.6, book)
    s2 = Developer(model, "specialist", 2.0, 1.0, book)
    model.fund(holder.account, wallet)
    token = book.issue(holder=holder.unique_id, hours=6.0, rate=0.0, maturity=50, now=0)
    market = DebtMarket(model, mechanism, rule, Truthful(), book, [holder, s1, s2], [holder])
    return model, book, market, token, (holder, s1, s2)


@pytest.mark.parametrize("rule, price", [("second", 3.0), ("first", 1.8)])
def test_the_cheapest_taker_wins_the_token(rule, price):
    # Truthful asks: S1 6 x 0.3 = 1.8, S2 6 x 0.5 = 3.0 (no interest, so no wait is priced); the
    # holder's reserve is its own cost, 6 x 1.25 = 7.5. S1 wins; Vickrey pays S2's 3.0, first price 1.8.
    model, book, market, token, (holder, s1, s2) = stage(rule=rule)
    market.step()
    assert book.holder[token] == s1.unique_id
    assert model.units(s1.account) == to_units(price) and model.units(holder.account) == to_units(100.0 - price)
    assert (market.revenue, market.traded, market.price) == (pytest.approx(price), 6.0, pytest.approx(price / 6))
    assert model.ledger.money_supply == to_units(100.0)


def test_a_taker_without_room_stays_out_and_a_lone_ask_is_paid_the_reserve():
    # S1 already holds 30 hours: its room, 2 steps x 16 - 30 = 2, is short of 6. S2 alone: paid the
    # reserve, 7.5 (the second-lowest ask does not exist).
    model, book, market, token, (holder, s1, s2) = stage()
    book.issue(holder=s1.unique_id, hours=30.0, rate=0.0, maturity=50, now=0)
    market.step()
    assert book.holder[token] == s2.unique_id and model.units(s2.account) == to_units(7.5)


def test_no_sale_above_the_holders_reserve_or_beyond_its_wallet():
    # A holder whose own cleanup costs 0.2 an hour (1.2 for the token) will not pay 1.8.
    model, book, market, token, (holder, *_) = stage(holder_cost=0.2)
    market.step()
    assert book.holder[token] == holder.unique_id and market.traded == 0.0
    # A holder with 1 credit cannot pay the 3.0: nothing moves, nothing is recorded.
    model, book, market, token, (holder, *_) = stage(wallet=1.0)
    entries = len(model.ledger)
    market.step()
    assert book.holder[token] == holder.unique_id and len(model.ledger) == entries
    assert np.isnan(market.price)


def test_a_token_close_to_maturity_is_not_offered():
    model, book, market, token, (holder, *_) = stage()
    model.steps = 46                                    # due at 50: 4 steps left, under MIN_LIFE = 5
    market.step()
    assert book.holder[token] == holder.unique_id


def test_the_double_auction_moves_all_the_hours_to_the_takers_at_a_price_between_the_asks_and_the_bid():
    # The holder bids its 1.25 a principal hour for 6 hours; S1 asks 0.3, S2 0.5, for up to 32 hours
    # each. Fills trade at the standing order's price, so between 0.3 and 1.25 an hour.
    model, book, market, token, (holder, s1, s2) = stage(mechanism="cda")
    market.step()
    assert holder.held_debt() == 0.0 and s1.held_debt() + s2.held_debt() == pytest.approx(6.0)
    assert market.traded == pytest.approx(6.0) and 0.3 - 1e-9 <= market.price <= 1.25 + 1e-9
    assert model.ledger.money_supply == to_units(100.0) and (model.ledger.balances >= 0).all()


def test_off_trades_nothing():
    model, book, market, token, (holder, *_) = stage(mechanism="off")
    market.step()
    assert book.holder[token] == holder.unique_id and len(model.ledger) == 1


@pytest.mark.parametrize("mechanism", ["auction", "cda"])
def test_the_market_never_reads_a_developers_true_cost(mechanism):
    def forbidden():
        raise AssertionError("the market read a true cost")

    outcomes = []
    for poisoned in (False, True):
        model, book, market, token, developers = stage(mechanism=mechanism)
        if poisoned:
            for d in developers:
                d.true_cost_per_hour = forbidden
        market.step()
        outcomes.append((book.holder.tolist(), model.ledger.balances.tolist()))
    assert outcomes[0] == outcomes[1]


def test_an_unknown_mechanism_is_refused():
    with pytest.raises(ValueError, match="mechanism"):
        stage(mechanism="auctoin")
