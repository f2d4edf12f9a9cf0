"""agents/harberger_market.py on its own: the period's order (maintenance, tax, forced sales,
the fund), the information barrier (owners answer yes or no; the market never reads a value),
a sale refused to a buyer who cannot pay or to the owner itself, the fund spent on the least
healthy tenth, wear, and a bad fund use refused.
(A forced sale by hand through the ledger is tests/scenarios/test_harberger.py's.)"""

import numpy as np
import pytest

from agents.harberger_market import HarbergerMarket
from agents.module_owners import Owners
from model.ledger import to_units
from tests.agents.host import Host, Sealed

TERMS = dict(capacity=2, tax_rate=0.1, turnover=0.5, hour_cost=1.0, efficacy=0.0, fund="dividend", health=1.0)


def stage(bases, owner, wallets, sealed=False, strategy="truthful", **kw):
    model = Host()
    table = Owners(len(bases), len(bases[0]), 10.0, strategy, 0.0, np.random.default_rng(0))
    table._base[:] = np.array(bases, dtype=float)
    accounts = np.array([model.ledger.open_account(f"owner:{i}") for i in range(len(bases))])
    for account, wallet in zip(accounts, wallets):
        model.fund(int(account), wallet)
    market = HarbergerMarket(model, Sealed(table) if sealed else table, accounts, np.array(owner),
                             **{**TERMS, **kw})
    return model, market, accounts, table


def test_the_market_never_reads_a_value():
    # Owners sealed (their base values and true_base raise if read): the same period as unsealed.
    # Agent 0 holds module 0 (worth 4) and 1 (worth 2); agent 1 arrives at module 0 and values it 9.
    periods = []
    for sealed in (False, True):
        model, market, accounts, _ = stage([[4.0, 2.0], [9.0, 1.0]], [0, 0], [100.0, 100.0], sealed=sealed,
                                           efficacy=0.5)
        market.arrive(np.array([0]), np.array([1]))
        market.step()
        periods.append((model.ledger.balances.tolist(), market.owner.tolist(), market.health.tolist(),
                        market.assessment.tolist()))
    assert periods[0] == periods[1] and periods[1][1] == [1, 0]


def test_a_buyer_who_cannot_pay_or_the_owner_itself_buys_nothing():
    # Agent 1 values module 0 at 9 > 4 but holds 3 < 4; then agent 0, the owner, "arrives" at it.
    model, market, _, _ = stage([[4.0], [9.0]], [0], [100.0, 3.0])
    market.arrive(np.array([0]), np.array([1]))
    market.step()
    assert market.owner.tolist() == [0] and market.sales == 0
    market.arrive(np.array([0]), np.array([0]))
    market.step()
    assert market.owner.tolist() == [0] and market.sales == 0 and np.isnan(market.price)


def test_the_fund_maintains_the_least_healthy_tenth():
    # Ten modules, all agent 0's (b = 5, truthful, tax 0.1, theta 0.5). Each owner first buys
    # e = (0.5 x 5 x 0.9 / 2)^2 = 1.27 hours a module (the same for all, so module 3, at health 0.2,
    # stays the least healthy), then pays the tax into the fund. With fund="maintenance" the fund
    # buys hours for the least healthy tenth, here module 3 alone: tax / hour cost of 1 = tax hours.
    # The crew is paid both; the fund ends empty; nothing is minted or burned.
    model, market, accounts, table = stage([[5.0] * 10, [0.0] * 10], [0] * 10, [100.0, 0.0], capacity=10,
                                           fund="maintenance", efficacy=0.5)
    market.health[3] = 0.2
    crew = model.units(market.crew)
    owner_spend = market.owners.maintenance(market.owner, market.health, 0.1, 0.5, 1.0, 0.5,
                                            np.array([100.0, 0.0]))
    market.step()
    assert model.units(market.fund) == 0 and market.fund_hours[3] == pytest.approx(market.tax_revenue)
    assert (np.delete(market.fund_hours, 3) == 0).all()
    assert model.units(market.crew) - crew == to_units(market.tax_revenue) + to_units(owner_spend.sum())
    assert model.ledger.money_supply == to_units(100.0)


def test_the_dividend_pays_the_fund_back_in_equal_parts():
    model, market, accounts, _ = stage([[5.0], [0.0], [0.0]], [0], [100.0, 0.0, 0.0], efficacy=0.0)
    market.step()
    # tax 0.5, split 3 ways by largest remainder: 166,667 + 166,667 + 166,666 units
    assert sorted(model.units(int(a)) for a in accounts[1:]) == [166_666, 166_667]
    assert market.dividend == 0.5 and model.units(market.fund) == 0


def test_modules_wear():
    model, market, _, _ = stage([[5.0, 5.0]], [0, 0], [100.0])
    market.decay(0.1)
    market.decay(0.1)
    assert market.health == pytest.approx([0.81, 0.81])


def test_an_unknown_use_of_the_fund_is_refused():
    with pytest.raises(ValueError, match="fund must be one of maintenance, dividend; got 'burn'"):
        stage([[5.0]], [0], [100.0], fund="burn")
