"""Debt tokens: interest arithmetic, crises, proportional paydown, trades, the CLI."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model.debt import DebtBook
from model.ledger import to_units
from model.params import ParameterError
from scenarios.debt_tokens import DebtTokensModel
from experiments.runner import run

CATALLAXY = Path(sys.executable).parent / "catallaxy"


def test_interest_and_compounding():
    # 10 hours at 5 % a step, never serviced: 10 x 1.05^3 after three steps; due at step 3,
    # the open token's rate doubles to 10 %: after step 4 it is 10 x 1.05^3 x 1.10.
    book = DebtBook()
    token = book.issue(holder=0, hours=10.0, rate=0.05, maturity=3, now=0)
    for now in (1, 2, 3):
        book.accrue(np.zeros(1), now)
    assert book.outstanding[token] == pytest.approx(10 * 1.05**3)
    assert book.rate[token] == pytest.approx(0.10)
    book.accrue(np.zeros(1), 4)
    assert book.outstanding[token] == pytest.approx(10 * 1.05**3 * 1.10) and book.rate[token] == pytest.approx(0.10)
    # serviced interest does not grow the token; a split keeps rate and maturity
    fresh = book.issue(holder=1, hours=2.0, rate=0.5, maturity=9, now=4)
    book.accrue(np.array([0.0, 1.0]), 5)
    assert book.outstanding[fresh] == pytest.approx(2.0)
    part = book.transfer(fresh, 0.5, to=2, now=5)
    assert (book.outstanding[fresh], book.outstanding[part]) == pytest.approx((1.5, 0.5))
    assert book.holder[part] == 2 and book.maturity[part] == book.maturity[fresh]


def test_a_crisis_starts_at_the_threshold_and_ends_below_it():
    model = DebtTokensModel(rng=2, mechanism="off", crisis_threshold=150.0)
    seen, crisis, starts = [], [], 0
    for _ in range(120):
        was = model.in_crisis
        model.step()
        seen.append(model.debt_checked)
        crisis.append(model.in_crisis)
        starts += model.in_crisis and not was
    seen, crisis = np.array(seen), np.array(crisis)
    assert (crisis == (seen > 150.0)).all()                 # on exactly when debt is above the threshold
    assert crisis.any() and (~crisis[np.argmax(crisis):]).any()   # it starts, and it ends
    assert model.crises == starts


def test_crisis_work_is_proportional_to_benefit():
    model = DebtTokensModel(rng=4, mechanism="off", specialists=0, features=3, crisis_threshold=40.0, hours=1000.0)
    benefits = [10.0, 30.0, 60.0]
    for agent, benefit in zip(model.features, benefits):
        agent.benefit = benefit
    model.debt.issue(holder=model.features[0].unique_id, hours=140.0, rate=0.0, maturity=50, now=0)
    for agent in model.features:
        agent.hours = 1000.0
    model._crisis()
    work = np.array([model.crisis_work[a.unique_id] for a in model.features])
    assert work == pytest.approx(100.0 * np.array(benefits) / 100.0)     # the excess, 140 - 40, split 1:3:6
    assert model.debt.total() == pytest.approx(40.0)


def test_the_cheapest_taker_wins_and_money_is_conserved():
    model = DebtTokensModel(rng=1, mechanism="auction", features=2, specialists=3, shortcut=0.0)
    holder = model.features[0]
    model.ledger.mint(holder.account, to_units(100.0))
    token = model.debt.issue(holder=holder.unique_id, hours=6.0, rate=0.0, maturity=50, now=0)
    costs = {d.unique_id: d.cost_to_take(6.0, rate=0.0) for d in model.developers if d is not holder}  # truthful,
    # at the token's rate
    cheapest = min(costs, key=costs.get)
    second = sorted(costs.values())[1]
    before = model.ledger.money_supply
    model.market.step()
    assert model.debt.holder[token] == cheapest                       # truthful asks: the lowest cost wins
    assert model.market.revenue == pytest.approx(min(second, holder.cost_to_clear(6.0)), abs=1e-6)
    assert model.ledger.money_supply == before == model.ledger.minted - model.ledger.burned


def test_a_takers_ask_ladder_prices_its_queue():
    # Interest 10 %, 8 working hours a step, efficiency e, cost c an hour; it holds no debt.
    # Room = 2 steps of work = 16e hours, cut into two chunks of 8e. Truthful, chunk i's price
    # per hour is c/e x (1 + 0.1 x wait), the wait being the steps to the end of the chunk:
    # 1 step for the first, 2 for the second -> 1.1 c/e and 1.2 c/e.
    model = DebtTokensModel(rng=0, mechanism="cda", interest=0.1, shortcut=0.0)
    taker = model.specialists[0]
    per_hour = taker.cost_to_clear(1.0)
    ladder = model.market._ask_ladder(taker, ceiling=1e9)
    chunk = taker.capacity(1.0)
    assert [h for _, h in ladder] == pytest.approx([chunk, chunk])
    assert [p for p, _ in ladder] == pytest.approx([1.1 * per_hour, 1.2 * per_hour])


def test_the_bulk_asks_match_each_agents_own_price():
    # TakerDesk prices every developer's ask in one numpy call; truthful, each must equal the
    # agent's own cost of taking the token (Developer.cost_to_take), NaN where it does not bid.
    from agents.developers import TakerDesk
    from agents.strategies import Truthful

    model = DebtTokensModel(rng=6, mechanism="auction", interest=0.07)
    held = np.linspace(0.0, 30.0, len(model.developers))
    bidding = np.arange(len(model.developers)) % 3 != 0
    asks = TakerDesk(model.developers).asks(5.0, held, bidding, 1e9, 0.07, Truthful(), np.random.default_rng(0))
    own = [d.cost_to_take(5.0, h) for d, h in zip(model.developers, held)]
    assert np.isnan(asks[~bidding]).all()
    assert asks[bidding] == pytest.approx(np.array(own)[bidding])


@pytest.mark.parametrize("trading", ["auction", "cda"])
def test_a_token_close_to_maturity_stays_with_its_holder(trading):
    # MIN_LIFE = 5: a token due in 4 steps is not offered; one due in 5 is.
    from agents.debt_market import MIN_LIFE

    model = DebtTokensModel(rng=1, mechanism=trading, features=2, specialists=3, shortcut=0.0)
    holder = model.features[0]
    model.ledger.mint(holder.account, to_units(100.0))
    stale = model.debt.issue(holder=holder.unique_id, hours=3.0, rate=0.03, maturity=MIN_LIFE - 1, now=0)
    fresh = model.debt.issue(holder=holder.unique_id, hours=3.0, rate=0.03, maturity=MIN_LIFE, now=0)
    model.market.step()
    assert model.debt.holder[stale] == holder.unique_id
    assert model.debt.holder[fresh] in {d.unique_id for d in model.specialists}


@pytest.mark.parametrize("trading", ["off", "auction", "cda"])
def test_runs_conserve_money(trading):
    model = DebtTokensModel(rng=3, mechanism=trading, coupling_tax=0.5)
    for _ in range(60):
        model.step()
    assert model.ledger.money_supply == model.ledger.minted - model.ledger.burned
    assert model.ledger.balances.min() >= 0
    kinds = set(model.ledger.to_frame().kind)
    assert "coupling tax" in kinds and ("debt sale" in kinds) == (trading != "off")


def test_trading_moves_debt_to_specialists_and_prevents_crises():
    off = run("debt-tokens", steps=200, seed=5, mechanism="off")
    auction = run("debt-tokens", steps=200, seed=5, mechanism="auction")
    assert auction.specialist_share.iloc[-50:].mean() > 0.9
    assert auction.crises.iloc[-1] < off.crises.iloc[-1]
    assert auction.paydown_cost.mean() < off.paydown_cost.mean()        # specialists clear faster


@pytest.mark.parametrize("params, message", [
    ({"interest": -0.1}, "interest must be a number between 0 and 10"),
    ({"maturity": 0}, "maturity must be an integer between 1 and"),
    ({"crisis_threshold": 0}, "crisis_threshold must be a number between 0.001 and 1e+12"),
])
def test_bad_parameters(params, message):
    with pytest.raises(ParameterError) as err:
        DebtTokensModel(rng=0, **params)
    assert message in str(err.value)


def test_cli(tmp_path):
    out = subprocess.run([str(CATALLAXY), "run", "debt-tokens", "--steps", "40", "--set", "mechanism=cda",
                          "--out", str(tmp_path / "d.csv")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    header = (tmp_path / "d.csv").read_text().splitlines()[0]
    for column in ("debt_outstanding", "debt_paid", "token_price", "crises", "in_crisis", "paydown_cost",
                   "specialist_share", "productivity", "price:debt"):
        assert column in header
