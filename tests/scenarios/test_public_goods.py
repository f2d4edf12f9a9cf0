"""The public-goods scenario: hand-worked rounds through the ledger (escrow, refunds, bonuses, the
Clarke tax), the claims of the issue over many rounds and seeds, and bad parameters refused."""

import numpy as np
import pandas as pd
import pytest

from experiments.runner import run
from model.ledger import UNITS_PER_CREDIT, to_units
from model.params import ParameterError
from scenarios.public_goods import PublicGoodsModel

BUDGET = 100.0


def one_round(values, **params):
    """A model whose round has these values (the environment is replaced by fixed values); returns
    the model after one step and the journal of that step."""
    model = PublicGoodsModel(rng=0, agents=len(values), budget=BUDGET, **params)
    model.environment = lambda: model.population.want(np.array(values, dtype=float))
    model.step()
    return model, model.ledger.to_frame(since=model.steps)


def balances(model) -> list[int]:
    return [model.ledger.balance(c.account) for c in model.contributors]


def entries(journal, kind) -> list[float]:
    return journal[journal.kind == kind].amount.tolist()


def test_three_agent_assurance_contract_just_meets_its_threshold():
    # Cost 30, truthful pledges 12 + 10 + 8 = 30: built. Each pledge goes into escrow, the builder
    # gets exactly 30 from escrow, and each pledger pays 30 x p / 30 = p: no rebate.
    model, journal = one_round([12.0, 10.0, 8.0], cost=30.0, mechanism="assurance")
    assert entries(journal, "pledge") == [12.0, 10.0, 8.0]
    assert set(journal[journal.kind == "pledge"].payee) == {"escrow:pledges"}
    assert entries(journal, "payment for the good") == [30.0]
    assert entries(journal, "rebate") == [] and entries(journal, "refund") == []
    assert balances(model) == [to_units(BUDGET - v) for v in (12.0, 10.0, 8.0)]
    assert model.ledger.balance(model.market.builder) == to_units(30.0)
    assert model.ledger.balance(model.market.escrow) == 0
    row = model.datacollector.get_model_vars_dataframe().iloc[-1]
    assert row.provided == 1 and row.total_paid == 30.0 and row.refunds == 0.0 and row.welfare == 0.0


def test_three_agent_assurance_contract_just_misses_its_threshold():
    # 12 + 10 + 7.99 = 29.99 < 30: not built. Every pledge comes back in full: each wallet holds
    # exactly what it held before, to the micro-credit, and the builder has nothing.
    model, journal = one_round([12.0, 10.0, 7.99], cost=30.0, mechanism="assurance")
    assert entries(journal, "pledge") == [12.0, 10.0, 7.99]
    assert entries(journal, "refund") == [12.0, 10.0, 7.99]
    assert balances(model) == [to_units(BUDGET)] * 3
    assert model.ledger.balance(model.market.builder) == 0 and model.ledger.balance(model.market.escrow) == 0
    row = model.datacollector.get_model_vars_dataframe().iloc[-1]
    assert row.provided == 0 and row.total_paid == 0.0 and row.refunds == pytest.approx(29.99)


def test_assurance_rebates_what_exceeds_the_cost_pro_rata():
    # 12 x 3 = 36 for a cost of 30: each pays 30 x 12 / 36 = 10 and gets 2 back.
    model, journal = one_round([12.0, 12.0, 12.0], cost=30.0, mechanism="assurance")
    assert entries(journal, "rebate") == [2.0, 2.0, 2.0]
    assert balances(model) == [to_units(BUDGET - 10.0)] * 3


def test_seed_001_quorum_four_hours_each_if_ten_pledge():
    # threshold=count: the price is 40 / 10 = 4 each; all ten value it at least 4: built, each pays 4.
    model, journal = one_round([4.0, 5.0, 6.0, 7.0, 8.0, 4.5, 9.0, 4.1, 6.5, 5.5], cost=40.0,
                               mechanism="assurance", threshold="count")
    assert entries(journal, "pledge") == [4.0] * 10 and entries(journal, "payment for the good") == [40.0]
    # One agent values it at 3.9 < 4: it does not pledge, nine do, the quorum is missed: all refunded.
    model, journal = one_round([3.9, 5.0, 6.0, 7.0, 8.0, 4.5, 9.0, 4.1, 6.5, 5.5], cost=40.0,
                               mechanism="assurance", threshold="count")
    assert entries(journal, "refund") == [4.0] * 9 and balances(model) == [to_units(BUDGET)] * 10


def test_voluntary_contributions_short_of_the_cost_are_wasted():
    model, journal = one_round([12.0, 10.0, 7.99], cost=30.0, mechanism="voluntary", shortfall="waste")
    assert entries(journal, "contribution") == [12.0, 10.0, 7.99] and entries(journal, "refund") == []
    row = model.datacollector.get_model_vars_dataframe().iloc[-1]
    assert row.wasted == pytest.approx(29.99) and row.welfare == pytest.approx(-29.99)
    model, journal = one_round([12.0, 10.0, 7.99], cost=30.0, mechanism="voluntary", shortfall="refund")
    assert entries(journal, "refund") == [12.0, 10.0, 7.99] and balances(model) == [to_units(BUDGET)] * 3


def test_clarke_payment_through_the_ledger_by_hand():
    # Values 8, 3, 1, cost 9 (shares 3): built; agent 0 is pivotal (the others' net is -2) and pays
    # 3 + 2 = 5; agents 1 and 2 pay their shares. Deposits are max(report, share): 8, 3, 3.
    # The builder gets 9, the Clarke surplus account the tax 2, agent 0 gets 8 - 5 = 3 back.
    model, journal = one_round([8.0, 3.0, 1.0], cost=9.0, mechanism="clarke")
    assert entries(journal, "deposit") == [8.0, 3.0, 3.0]
    assert entries(journal, "payment for the good") == [9.0] and entries(journal, "clarke tax") == [2.0]
    assert entries(journal, "deposit returned") == [3.0]
    assert balances(model) == [to_units(BUDGET - 5.0), to_units(BUDGET - 3.0), to_units(BUDGET - 3.0)]
    assert model.ledger.balance(model.market.surplus_account) == to_units(2.0)
    row = model.datacollector.get_model_vars_dataframe().iloc[-1]
    assert row.budget_surplus == 2.0 and row.total_paid == 11.0 and row.misreport_gain <= 1e-12


def test_dominant_assurance_contract_through_the_ledger_by_hand():
    # Three agents, cost 10, markup 0.2: price (1.2 x 10) / 3 = 4; bonus 0.5; the entrepreneur escrows
    # 3 x 0.5 = 1.5 first. Values 5, 6, 4.5 all reach 4: built; it collects 12, pays the builder 10,
    # gets its 1.5 back: profit 2.
    params = dict(cost=10.0, mechanism="dominant-assurance", markup=0.2, bonus=0.5, entrepreneur_budget=50.0)
    model, journal = one_round([5.0, 6.0, 4.5], **params)
    assert entries(journal, "bonus escrow") == [1.5] and entries(journal, "pledge") == [4.0, 4.0, 4.0]
    assert entries(journal, "pledges collected") == [12.0] and entries(journal, "payment for the good") == [10.0]
    assert entries(journal, "bonus escrow released") == [1.5]
    assert model.ledger.balance(model.market.entrepreneur) == to_units(52.0)
    # Values 5, 6, 3.9: agent 2 does not pledge; the contract fails. Pledgers get 4 back plus 0.5;
    # the unused 0.5 of the escrow returns to the entrepreneur, who is down 1.
    model, journal = one_round([5.0, 6.0, 3.9], **params)
    assert entries(journal, "refund") == [4.0, 4.0] and entries(journal, "refund bonus") == [0.5, 0.5]
    assert entries(journal, "bonus escrow released") == [0.5]
    assert balances(model) == [to_units(BUDGET + 0.5)] * 2 + [to_units(BUDGET)]
    assert model.ledger.balance(model.market.entrepreneur) == to_units(49.0)
    row = model.datacollector.get_model_vars_dataframe().iloc[-1]
    assert row.bonus_paid == 1.0 and row.budget_surplus == -1.0 and row.dominance_violations == 0


def stepped(steps=150, **params):
    """Run a model and, step by step, every agent's balance before and after (units)."""
    model = PublicGoodsModel(rng=params.pop("rng", 0), **params)
    before, after = [], []
    for _ in range(steps):
        before.append(balances(model))
        model.step()
        after.append(balances(model))
        assert model.ledger.balance(model.market.escrow) == 0 and model.ledger.balance(model.market.bonus_escrow) == 0
        assert min(after[-1]) >= 0
    frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    return model, frame, np.array(before), np.array(after)


@pytest.mark.parametrize("seed", range(3))
def test_truthful_assurance_provides_exactly_when_pledges_cover_the_cost_and_never_loses_money(seed):
    _, frame, before, after = stepped(rng=seed, mechanism="assurance", agents=12, cost=55.0)
    assert ((frame.provided == 1) == (frame.pledged >= 55.0 - 1e-9)).all()
    # Truthful pledges are the values (to the micro-credit), so it builds exactly the efficient set.
    assert (frame.provided == frame.efficient_provision).all()
    assert 0 < frame.provided.mean() < 1
    failed = (frame.provided == 0).to_numpy()
    assert (after[failed] == before[failed]).all()                       # refunds are exact
    assert np.allclose(frame.refunds[failed], frame.pledged[failed], atol=1e-9)
    paid = before - after
    assert (paid[~failed].sum(axis=1) == to_units(55.0)).all()           # the cost, exactly, when built


def test_voluntary_contributions_under_provide_when_agents_free_ride():
    frame = pd.concat([run("public-goods", steps=200, seed=s, mechanism="voluntary", free_riders=0.3)
                       for s in range(3)])
    assert frame.provided.mean() < frame.efficient_provision.mean() - 0.2
    assert frame.welfare.sum() < 0.5 * frame.optimum.sum()
    assert (frame.free_riders >= 3).all()


@pytest.mark.parametrize("strategy, free_riders", [("truthful", 0.0), ("truthful", 0.2), ("shade", 0.0)])
def test_dominant_assurance_pledging_beats_not_pledging_at_unanimity(strategy, free_riders):
    _, frame, _, _ = stepped(rng=1, mechanism="dominant-assurance", agents=8, cost=32.0, value_low=4.0,
                             strategy=strategy, free_riders=free_riders)
    assert (frame.dominance_violations == 0).all()
    if free_riders == 0 and strategy == "truthful":
        assert frame.provided.mean() > 0.1


def test_below_unanimity_pledging_stops_being_dominant():
    _, frame, _, _ = stepped(rng=1, mechanism="dominant-assurance", agents=8, cost=32.0, value_low=4.0, quorum=6)
    assert frame.dominance_violations.sum() > 0 and frame.provided.mean() > 0.1


@pytest.mark.parametrize("seed", range(3))
def test_clarke_builds_exactly_the_efficient_set_and_truth_is_never_worse(seed):
    _, frame, _, _ = stepped(rng=seed, mechanism="clarke", agents=9, cost=45.0)
    assert (frame.provided == frame.efficient_provision).all()
    assert (frame.efficiency.dropna() == 1.0).all()
    assert (frame.misreport_gain <= 1e-9).all()
    assert (frame.budget_surplus >= 0).all() and frame.budget_surplus.sum() > 0


def test_learners_free_ride_on_voluntary_contributions_and_tell_the_truth_under_clarke():
    voluntary = PublicGoodsModel(rng=1, mechanism="voluntary", strategy="hedge")
    clarke = PublicGoodsModel(rng=1, mechanism="clarke", strategy="hedge")
    for _ in range(300):
        voluntary.step()
        clarke.step()
    assert (voluntary.population.greedy_fractions() <= 0.1).mean() >= 0.8
    assert (clarke.population.greedy_fractions() == 1.0).mean() >= 0.8


def test_money_is_conserved_with_every_mechanism():
    for mechanism in ("voluntary", "assurance", "dominant-assurance", "clarke"):
        frame = run("public-goods", steps=60, seed=3, mechanism=mechanism, strategy="hedge", value_low=3.0)
        supply = np.rint(frame.money_supply * UNITS_PER_CREDIT)
        assert (supply == supply.iloc[0]).all(), mechanism


@pytest.mark.parametrize("params, message", [
    ({"value_low": 5, "value_high": 2}, "value_low (5) cannot exceed value_high (2)"),
    ({"agents": 4, "quorum": 5}, "quorum (5) cannot exceed agents (4)"),
    ({"agents": 1}, "agents must be an integer between 2 and 100000; got 1"),
    ({"mechanism": "lottery"}, "mechanism must be one of voluntary, assurance, dominant-assurance, clarke"),
    ({"strategy": "bne"}, "strategy must be one of"),
    ({"free_riders": 1.5}, "free_riders must be a number between 0 and 1"),
])
def test_bad_parameters_get_a_clear_error(params, message):
    with pytest.raises(ParameterError) as err:
        PublicGoodsModel(rng=0, **params)
    assert message in str(err.value)
