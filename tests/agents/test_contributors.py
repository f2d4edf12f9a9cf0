"""agents/contributors.py on its own: each strategy's fraction of the value offered, offers
capped by the wallet, a fixed pledge made only when the value reaches the price and the wallet
covers it, and a learner's counterfactual from what the market disclosed (the others' total)."""

import numpy as np
import pytest

from agents.contributors import Contributor, Contributors
from model.ledger import to_units_array
from tests.agents.host import Host

M = 1_000_000   # minor units per credit


def table(strategy="truthful", n=3, free=(), shading=0.25, **kw):
    mask = np.zeros(n, dtype=bool)
    mask[list(free)] = True
    return Contributors(n, strategy, mask, shading, np.random.default_rng(0), **kw)


def test_each_strategy_offers_its_fraction_of_the_value():
    values, rich = np.array([12.0, 10.0, 8.0]), np.full(3, 100 * M)
    for strategy, fractions in (("truthful", [1, 1, 1]), ("free-rider", [0, 0, 0]), ("shade", [0.75, 0.75, 0.75])):
        people = table(strategy)
        people.want(values)
        assert people.offers(rich, None).tolist() == (np.array(fractions) * values * M).astype(int).tolist()
    # A free rider by the mask offers nothing whatever the strategy says (and enjoys the good if built).
    people = table("truthful", free=[1])
    people.want(values)
    assert people.offers(rich, None).tolist() == [12 * M, 0, 8 * M]
    assert people.greedy_fractions().tolist() == [1.0, 0.0, 1.0]


def test_an_offer_never_exceeds_the_wallet():
    people = table()
    people.want([12.0, 10.0, 8.0])
    assert people.offers(np.array([5 * M, 100 * M, 0]), None).tolist() == [5 * M, 10 * M, 0]


def test_a_fixed_pledge_is_made_iff_the_value_reaches_the_price_and_the_wallet_covers_it():
    # Price 4: the value 4 pledges (exactly enough), 3.9 does not, 6 with a wallet of 3 cannot.
    people = table()
    people.want([4.0, 3.9, 6.0])
    assert people.offers(np.array([100 * M, 100 * M, 3 * M]), 4 * M).tolist() == [4 * M, 0, 0]


def test_a_learner_counts_what_every_grid_offer_would_have_earned_it():
    # Hedge, grid 2 (fractions 0, 0.5, 1), eta 1, value 8, voluntary contributions of a good costing
    # 10, shortfall wasted. The others offered 6 in all. Offering 0: not built, 0. Offering 4: 10 >= 10,
    # built, it pays 10 x 4 / 10 = 4: 8 - 4 = 4. Offering 8: built, pays 10 x 8 / 14: 8 - 5.714 = 2.286.
    people = table("hedge", n=1, grid=2, learning_rate=1.0)
    people.want([8.0])
    own = int(people.offers(np.array([100 * M]), None)[0])
    terms = {"mechanism": "voluntary", "cost": 10.0, "agents": 2, "shortfall": "waste"}
    people.feedback(terms, own + 6 * M, pledgers=1 + (own > 0), took_part=np.array([True]))
    expected = np.array([0.0, 4.0, 8.0 - 80.0 / 14.0])
    np.testing.assert_allclose(people.learner.log_weights[0, 0], expected - expected.max())
    assert people.greedy_fractions().tolist() == [0.5]
    # An agent the round did not count learns nothing.
    before = people.learner.log_weights.copy()
    people.offers(np.array([100 * M]), None)
    people.feedback(terms, 6 * M, pledgers=1, took_part=np.array([False]))
    np.testing.assert_array_equal(people.learner.log_weights, before)


def test_scripted_strategies_do_not_learn_and_values_are_read_only_through_true_values():
    people = table()
    people.want([1.0, 2.0, 3.0])
    people.feedback({"mechanism": "voluntary", "cost": 1.0, "agents": 3}, 0, 0, np.ones(3, dtype=bool))
    assert people.learner is None
    seen = people.true_values()
    seen[:] = 0.0                                          # a copy: the agents' values are unchanged
    assert people.true_values().tolist() == [1.0, 2.0, 3.0]


def test_an_unknown_strategy_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown strategy 'bne'; choose one of truthful, free-rider"):
        table("bne")


def test_credits_round_to_the_nearest_unit_and_a_contributor_is_a_wallet():
    assert to_units_array([0.0000004, 0.0000006, 2.5]).tolist() == [0, 1, 2_500_000]
    model = Host()
    c = Contributor(model, 4)
    model.fund(c.account, 2.5)
    assert model.ledger.names[c.account] == "contributor:4" and c.wealth == 2.5
