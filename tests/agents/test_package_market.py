"""agents/package_market.py on its own: clearing package bids with VCG, pay-as-bid or the clock
and settling each payment bidder -> seller within the wallet (the rest reported unpaid), the
per-good price, and the barrier: bids reach the market as (account, bundle, amount) alone."""

import math

import pytest

from agents.package_bidders import PackageBidder
from agents.package_market import PackageMarket, amount_paid, goods_won
from model.ledger import to_units
from tests.agents.host import Host

# Two goods: bidder A wants both for 3; B wants good 0 for 2; C wants good 1 for 2.
# Winner determination: B + C = 4 > 3. VCG: W(-B) = 3 (A alone), so B pays 3 - (4 - 2) = 1;
# likewise C pays 1. Pay-as-bid: each pays its bid, 2.
VALUES = {"A": [((0, 1), 3.0)], "B": [((0,), 2.0)], "C": [((1,), 2.0)]}


def market_with(mechanism, wallets=(10.0, 10.0, 10.0)):
    model = Host()
    market = PackageMarket(model, mechanism, increment=0.25)
    bidders = {}
    for name, wallet in zip(VALUES, wallets):
        bidders[name] = PackageBidder(model, market)
        bidders[name].want(VALUES[name])
        model.fund(bidders[name].account, wallet)
    market.open(2)
    return model, market, bidders


@pytest.mark.parametrize("mechanism, each", [("vcg", 1.0), ("pay-as-bid", 2.0)])
def test_winners_pay_the_seller_what_the_rule_charges(mechanism, each):
    model, market, b = market_with(mechanism)
    for bidder in b.values():
        bidder.step()
    market.step()
    assert goods_won(market.outcome, b["B"].accounts) == (0,) and goods_won(market.outcome, b["C"].accounts) == (1,)
    assert [model.units(x.account) for x in b.values()] == [to_units(10.0), to_units(10 - each), to_units(10 - each)]
    assert model.units(market.account) == to_units(2 * each)
    assert (market.revenue, market.unpaid, market.price) == (2 * each, 0.0, each)    # 2 goods sold
    assert model.ledger.money_supply == to_units(30.0) and len(market.clearing_seconds) == 1


def test_the_clock_sells_to_the_bids_still_standing():
    model, market, b = market_with("clock")
    for bidder in b.values():
        bidder.step()
    market.step()
    assert market.outcome.rounds > 0 and market.revenue <= 4.0
    assert model.units(market.account) == to_units(market.revenue)
    assert model.ledger.money_supply == to_units(30.0)


def test_what_a_wallet_cannot_cover_is_reported_unpaid():
    # C holds 0.4 of the 1 it owes under VCG: it pays 0.4, 0.6 is unpaid; no wallet goes below zero.
    model, market, b = market_with("vcg", wallets=(10.0, 10.0, 0.4))
    for bidder in b.values():
        bidder.step()
    market.step()
    assert model.units(b["C"].account) == 0 and market.revenue == pytest.approx(1.4)
    assert market.unpaid == pytest.approx(0.6)
    assert (model.ledger.balances >= 0).all()


def test_no_bids_no_outcome():
    model, market, _ = market_with("vcg")
    market.step()
    assert market.outcome is None and market.revenue == 0.0 and math.isnan(market.price)
    assert goods_won(None, (0,)) == () and amount_paid(None, (0,)) == 0.0


def test_what_several_names_won_and_paid_is_summed():
    model, market, b = market_with("pay-as-bid")
    for bidder in b.values():
        bidder.step()
    market.step()
    names = b["B"].accounts + b["C"].accounts
    assert goods_won(market.outcome, names) == (0, 1) and amount_paid(market.outcome, names) == 4.0


def test_the_market_clears_on_the_bids_alone():
    # The bidders' observer views are poisoned once they have bid: the clearing never asks them.
    def forbidden(*args):
        raise AssertionError("the market read a bidder's value")

    model, market, b = market_with("vcg")
    for bidder in b.values():
        bidder.step()
        bidder.true_value = bidder.truthful_bids = forbidden
        bidder._values = [((0, 1), float("nan"))]
    market.step()
    assert market.revenue == 2.0


def test_an_unknown_mechanism_is_refused_by_name():
    with pytest.raises(ValueError, match="mechanism must be one of vcg, pay-as-bid, clock"):
        PackageMarket(Host(), "auction", increment=1.0)
