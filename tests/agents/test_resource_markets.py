"""agents/resource_markets.py on its own: rationing to capacity, usage fees burned within each
wallet, the AMM pricing what was requested (not what was granted), seed 000's density clearing
by hand, tatonnement's outcome, the double auction moving money only between agents, and the
information barrier: every exchange works on a Users table whose values are sealed away."""

import numpy as np
import pytest

from agents.resource_markets import (
    DensityMarket,
    DoubleAuctionMarket,
    PostedPriceMarket,
    ResourceMarket,
    TatonnementMarket,
)
from agents.resource_users import ResourceUser, Users
from agents.strategies import Truthful, ZeroIntelligence
from model.ledger import to_units
from tests.agents.host import Host, Sealed


def stage(agents=3, capacity=(4.0, 5.0), wallet=10.0, strategy=None, sealed=False, seed=0, values=(1.0, 1.0),
          need_max=1):
    """By default every agent values a unit at (1.5, 1.0) and has a job of one unit (see
    test_resource_users); ``values`` and ``need_max`` draw other ones."""
    model = Host(rng=seed)
    users = Users(agents, 0, len(capacity), strategy or Truthful(), np.random.default_rng(seed),
                  np.random.default_rng(seed + 1), value_range=values, premium=0.5)
    users.draw(activity=1.0, need_max=need_max, noise=0.0, burst=0.0)
    holders = [ResourceUser(model, i, False) for i in range(agents)]
    for h in holders:
        model.fund(h.account, wallet)
    common = (model, Sealed(users) if sealed else users, holders, [f"r{i}" for i in range(len(capacity))],
              capacity, np.random.default_rng(seed + 2))
    return model, users, holders, common


def test_rationing_never_grants_more_than_capacity_or_than_was_asked():
    _, _, _, common = stage(capacity=(3.0, 5.0))
    market = ResourceMarket(*common)
    granted = market.ration(np.array([[2.0, 1.0], [2.0, 1.0], [0.0, 1.0]]))
    # Resource 0: 4 asked of 3 -> one request in full (2), the next in part (1). Resource 1: all 3.
    assert granted[:, 0].sum() == 3.0 and sorted(granted[:2, 0].tolist()) == [1.0, 2.0] and granted[2, 0] == 0
    assert granted[:, 1].tolist() == [1.0, 1.0, 1.0]


def test_fees_are_burned_and_never_take_a_wallet_below_zero():
    model, _, holders, common = stage(wallet=1.0)
    model.ledger.burn(holders[1].account, to_units(0.7))            # agent 1 holds 0.3
    market = ResourceMarket(*common)
    supply = model.ledger.money_supply
    # Agent 0: 2 units at 0.4 = 0.8; agent 1: 1 unit at 0.4 = 0.4, capped at its 0.3; agent 2: nothing.
    market.charge(np.array([[2.0, 0.0], [1.0, 0.0], [0.0, 0.0]]), np.array([0.4, 1.0]))
    assert [model.units(h.account) for h in holders] == [to_units(0.2), 0, to_units(1.0)]
    assert market.spent == pytest.approx([0.8, 0.3, 0.0]) and market.tickers["r0"].revenue == pytest.approx(1.1)
    assert supply - model.ledger.money_supply == to_units(1.1) == model.ledger.burned - to_units(0.7)
    assert market.used[:, 0].tolist() == [2.0, 1.0, 0.0]


def test_the_amm_prices_the_units_requested_and_rations_the_rest():
    # Three agents all pick resource 0 (tau = 1000: net 1.5 - 0.5 beats 1.0 - 0.5), one unit each,
    # against a capacity of 2: two are served (0.5 each, burned), one is not. The price moves toward
    # P_base (1 + k U / L) with U = 3 requested: 0.5 (1 + 3 / 2) = 1.25, by omega 0.5: 0.875.
    # Resource 1: nothing requested: target 0.5, price stays 0.5.
    model, _, holders, common = stage(capacity=(2.0, 5.0))
    market = PostedPriceMarket(*common, base=0.5, k=1.0, omega=0.5, tau=1000.0)
    market.step()
    assert market.requested.tolist() == [3.0, 0.0] and market.used[:, 0].sum() == 2.0
    assert market.prices.tolist() == [0.875, 0.5]
    assert sum(model.units(h.account) for h in holders) == to_units(30.0 - 1.0)


def test_density_clearing_by_hand():
    # Each agent bids its value 1.5 for one unit of resource 0 (its best at the opening price 0);
    # two units: the first two bids (ties to the lowest index) win and pay the displaced bid's
    # density, 1.5 a unit. Nobody bids for resource 1.
    model, _, holders, common = stage(capacity=(2.0, 5.0))
    market = DensityMarket(*common)
    market.step()
    assert market.used.tolist() == [[1.0, 0.0], [1.0, 0.0], [0.0, 0.0]]
    assert [model.units(h.account) for h in holders] == [to_units(8.5), to_units(8.5), to_units(10.0)]
    assert market.tickers["r0"].price == 1.5 and np.isnan(market.tickers["r1"].price)


def test_tatonnement_stops_where_demand_fits_and_charges_those_prices():
    # Values differ (base U[1, 2]): as the price of resource 0 rises agents leave it one by one,
    # so a price exists at which exactly its capacity of 2 is demanded.
    model, users, holders, common = stage(capacity=(2.0, 5.0), values=(1.0, 2.0))
    market = TatonnementMarket(*common, rate=0.5, tol=0.0, max_iter=500)
    market.step()
    assert market.converged and 0 < market.iterations < 500
    prices = market.prices
    assert market.used.sum(axis=0).tolist() == [2.0, 1.0] and prices[0] > 0 and prices[1] == 0
    paid = (market.used * prices).sum()
    assert to_units(30.0) - sum(model.units(h.account) for h in holders) == pytest.approx(to_units(paid), abs=3)


def test_tatonnement_that_cannot_clear_reports_it_and_still_rations_to_capacity():
    # Identical agents: demand for resource 0 jumps from 3 (price below 0.5) to 0 (above), never 2.
    # After max_iter rounds it says so, sells at the last prices, and rations the excess.
    model, users, holders, common = stage(capacity=(2.0, 5.0))
    market = TatonnementMarket(*common, rate=0.5, tol=0.0, max_iter=50)
    market.step()
    assert not market.converged and market.iterations == 50
    assert (market.used.sum(axis=0) <= market.capacity).all()
    paid = (market.used * market.prices).sum()
    assert to_units(30.0) - sum(model.units(h.account) for h in holders) == pytest.approx(to_units(paid), abs=3)


@pytest.mark.parametrize("reference", [False, True])
def test_the_double_auction_moves_money_between_agents_only_and_units_stay_within_the_quotas(reference):
    model, users, holders, common = stage(agents=8, capacity=(6.0, 4.0), strategy=ZeroIntelligence(),
                                          values=(0.5, 2.0), need_max=3)
    market = DoubleAuctionMarket(*common, rounds=10, reference=reference)
    supply = model.ledger.money_supply
    market.step()
    assert model.ledger.money_supply == supply and model.ledger.burned == 0
    held = market.used + market.kept
    assert held.sum(axis=0).tolist() == market.quota.sum(axis=0).tolist() == [6.0, 4.0]
    assert (held >= 0).all() and (market.used.sum(axis=1) <= users.need).all()
    trades = model.ledger.to_frame()
    assert set(trades.kind) == {"mint", "trade"}           # some trades, all between agents


@pytest.mark.parametrize("make", [
    lambda common: PostedPriceMarket(*common, base=0.5, k=1.0, omega=0.5, tau=2.0),
    lambda common: TatonnementMarket(*common, rate=0.5, tol=0.05, max_iter=100),
    lambda common: DensityMarket(*common),
    lambda common: DoubleAuctionMarket(*common, rounds=5),
    lambda common: DoubleAuctionMarket(*common, rounds=5, reference=True),
], ids=["amm", "tatonnement", "density", "cda", "cda-reference"])
def test_every_exchange_clears_without_reading_a_value(make):
    # The Users table is handed over sealed (its private columns and true_* methods raise if read):
    # every exchange clears on requests, demands, bids and orders alone, exactly as it does unsealed.
    results = []
    for sealed in (False, True):
        model, _, holders, common = stage(agents=8, capacity=(6.0, 4.0), strategy=ZeroIntelligence(), sealed=sealed,
                                          values=(0.5, 2.0), need_max=3)
        market = make(common)
        market.step()
        results.append(([model.units(h.account) for h in holders], market.used, market.prices))
    np.testing.assert_equal(results[0], results[1])
    assert results[1][0] != [to_units(10.0)] * 8           # money moved: something was sold
