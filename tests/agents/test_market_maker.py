"""The market maker clears orders only, settles exactly, and traders respect budgets."""

import numpy as np
import pytest

from model.ledger import to_units
from scenarios.sealed_bid import SealedBidModel


def submit_round(model, values):
    for bidder, v in zip(model.bidders, values):
        bidder.want(v)
    model.traders.do("step")


def test_clearing_never_reads_valuations():
    # The information barrier: once orders are in, wipe every private value.
    # If the market maker looked at a valuation the NaN would reach the
    # mechanism and be refused; instead it clears on the bids alone.
    model = SealedBidModel(rng=0, bidders=3, rule="second")
    submit_round(model, [0.2, 0.9, 0.5])
    for bidder in model.bidders:
        bidder.valuation = float("nan")
    auction = model.markets["item"]
    auction.step()
    assert auction.last_clearing.winners.tolist() == [1]
    assert auction.price == 0.5


def test_settlement_moves_the_payment_to_the_market_account():
    model = SealedBidModel(rng=0, bidders=3, rule="second", budget=10)
    submit_round(model, [0.2, 0.9, 0.5])
    auction = model.markets["item"]
    auction.step()
    ledger = model.ledger
    assert ledger.balance(model.bidders[1].account) == to_units(10) - to_units(0.5)
    assert ledger.balance(auction.account) == to_units(0.5)
    assert model.bidders[1].utility == pytest.approx(0.9 - 0.5)
    entry = ledger.to_frame().iloc[-1]
    assert (entry.payer, entry.payee, entry.market, entry.quantity) == ("bidder:1", "market:item", "item", 1.0)


def test_bids_are_capped_by_the_wallet():
    model = SealedBidModel(rng=0, bidders=2, rule="first", budget=0.3)
    submit_round(model, [0.9, 0.5])
    assert [b.last_bid for b in model.bidders] == [0.3, 0.3]


def test_budgets_bound_spend_and_broke_traders_stop():
    # Seed 000, Proposition 3: spend never exceeds the budget; a broke agent stops.
    budget = 2.0
    model = SealedBidModel(rng=5, bidders=3, rule="first", strategy="truthful", budget=budget)
    for _ in range(400):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    spent = [budget - b.wealth for b in model.bidders]
    assert all(0 <= s <= budget for s in spent)
    assert all(b.wealth < 0.01 for b in model.bidders)  # everyone has spent (nearly) all of it
    assert frame.revenue.iloc[-50:].sum() < 0.05        # and the market has gone quiet
    assert np.allclose(frame.money_supply, 3 * budget)
