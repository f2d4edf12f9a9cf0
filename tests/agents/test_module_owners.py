"""agents/module_owners.py on its own: a buyer takes a module only above the posted price, each
strategy's assessment, maintenance e = (kappa m / 2c)^2 with m what a unit of health is worth to
the owner, every spend scaled to the owner's wallet, and the redraw of changing uses."""

import numpy as np
import pytest

from agents.module_owners import ModuleOwner, Owners, _fit
from tests.agents.host import Host


def owners(bases, strategy="truthful", shading=0.25, high=10.0):
    table = Owners(len(bases), len(bases[0]), high, strategy, shading, np.random.default_rng(0))
    table._base[:] = np.array(bases, dtype=float)
    return table


def test_a_buyer_takes_a_module_only_if_it_values_it_above_the_price():
    table = owners([[4.0, 1.0], [9.0, 2.0]])
    # health 1 then 0.5: values 9 and 2 x 0.5 = 1 against prices 9 and 0.9
    assert table.takes([1, 1], [0, 1], [9.0, 0.9], [1.0, 0.5]).tolist() == [False, True]


@pytest.mark.parametrize("strategy, expected", [("truthful", [4.0, 2.0]), ("shade", [3.0, 1.5]),
                                                ("best-response", [7.0, 6.0]), ("naive", [4.0, 2.0])])
def test_each_strategys_assessment(strategy, expected):
    # Agent 0 owns module 0 (b = 4), agent 1 module 1 (b = 2), health 1, H = 10, no tax, theta 0.5.
    # Best response at tau = 0: the monopoly price (b + H) / 2: 7 and 6. Naive: what it paid, its
    # starting value. Wallets are ample: nothing is lowered.
    table = owners([[4.0, 0.0], [0.0, 2.0]], strategy)
    owner, health = np.array([0, 1]), np.ones(2)
    table.start(owner, health)
    price, lowered = table.assessments(owner, health, 0.0, 0.5, budgets=np.array([100.0, 100.0]))
    assert price.tolist() == expected and not lowered.any()


def test_an_assessment_whose_tax_the_wallet_cannot_pay_is_lowered_until_it_can():
    # One truthful owner of both modules, b = 10 and 6, at tax 0.1: taxes 1.0 + 0.6 = 1.6 from a
    # wallet of 0.8: both assessments are scaled by 0.5, to 5 and 3.
    table = owners([[10.0, 6.0]])
    price, lowered = table.assessments(np.array([0, 0]), np.ones(2), 0.1, 0.5, budgets=np.array([0.8]))
    assert price.tolist() == [5.0, 3.0] and lowered.tolist() == [True, True]


def test_maintenance_buys_the_hours_that_health_is_worth_to_the_owner_within_its_wallet():
    # Naive: m = b = 4, kappa 0.5, c 1: e = (0.5 x 4 / 2)^2 = 1 hour. Truthful at tau 0.1, theta 0.5:
    # m = b (1 - tau) = 3.6, e = (0.5 x 3.6 / 2)^2 = 0.81 (payoff_per_health).
    for strategy, hours in (("naive", 1.0), ("truthful", 0.81)):
        table = owners([[4.0]], strategy)
        got = table.maintenance(np.array([0]), np.ones(1), 0.1, 0.5, 1.0, 0.5, budgets=np.array([100.0]))
        assert got == pytest.approx([hours])
    # A wallet of 0.5 buys half the naive owner's hour.
    table = owners([[4.0]], "naive")
    assert table.maintenance(np.array([0]), np.ones(1), 0.1, 0.5, 1.0, 0.5, np.array([0.5])) == pytest.approx([0.5])


def test_spending_is_scaled_per_owner_across_its_modules():
    # Owner 0 would spend 6 + 4 = 10 from a wallet of 5: both halved; owner 1 spends 1 of 10: as is.
    assert _fit(np.array([0, 0, 1]), np.array([6.0, 4.0, 1.0]), np.array([5.0, 10.0])).tolist() == [0.5, 0.5, 1.0]


def test_uses_change_at_the_given_rate():
    table = Owners(100, 100, 10.0, "truthful", 0.0, np.random.default_rng(1))
    before = table.true_base().copy()
    table.redraw(np.random.default_rng(2), 0.0)
    assert np.array_equal(table.true_base(), before)
    table.redraw(np.random.default_rng(2), 0.1)
    changed = (table.true_base() != before).mean()
    # 10,000 cells, each with chance 0.1: 1,000 +- 30 (sd); 5 sd either side
    assert 0.085 < changed < 0.115
    assert (table.true_base() >= 0).all() and (table.true_base() <= 10.0).all()
    table.redraw(np.random.default_rng(3), 1.0)
    assert (table.true_base() != before).mean() > 0.99


def test_a_sale_records_what_the_new_owner_paid():
    table = owners([[4.0], [9.0]], "naive")
    table.start(np.array([0]), np.ones(1))
    table.bought(0, 4.0)
    price, _ = table.assessments(np.array([1]), np.ones(1), 0.1, 0.5, np.array([100.0, 100.0]))
    assert price.tolist() == [4.0]                      # naive: it posts what it paid, not its 9


def test_an_unknown_strategy_is_refused_and_an_owner_is_a_wallet():
    with pytest.raises(ValueError, match="unknown strategy 'greedy'; choose one of best-response"):
        Owners(2, 2, 10.0, "greedy", 0.0, np.random.default_rng(0))
    model = Host()
    owner = ModuleOwner(model, 3)
    model.fund(owner.account, 1.5)
    assert model.ledger.names[owner.account] == "owner:3" and owner.wealth == 1.5
