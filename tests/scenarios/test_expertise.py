"""The expertise scenario: how a junior chooses, capacity, money, reputation learning the experts'
quality, the exact matching, entry and exit, and what a rating ring does."""

import numpy as np
import pytest

from agents.experts import ExpertPool, Juniors
from model.ledger import to_credits
from model.params import ParameterError
from scenarios.expertise import ExpertiseModel


def stepped(steps=60, **params):
    model = ExpertiseModel(rng=params.pop("rng", 4), **params)
    for _ in range(steps):
        model.step()
    return model


def test_a_junior_buys_the_best_expected_deal_it_can_pay():
    # Value 10. Expert 0: reputation 0.8 at price 3 (expected gain 8 - 3 = 5); expert 1: 0.5 at 2
    # (5 - 2 = 3); expert 2: 0.2 at 2.5 (2 - 2.5 < 0, never). With 2.5 credits expert 0 is out of reach.
    juniors = Juniors(2, np.random.default_rng(0))
    juniors.get_stuck(np.array([True, True]), np.array([10.0, 10.0]), np.zeros(2))
    prices, reputation = np.array([3.0, 2.0, 2.5]), np.array([0.8, 0.5, 0.2])
    ranking = juniors.rankings(np.array([0, 1]), prices, reputation, np.array([50.0, 2.5]))
    assert ranking.tolist() == [[0, 1, -1], [1, -1, -1]]


def test_experts_post_prices_from_their_reputation_never_below_cost():
    # markup 0.5 of the mean value 7: reputation 0.6 -> 2.1; a cost of 2.5 is the floor.
    pool = ExpertPool(capacity=2, markup=0.5, mean_value=7.0, pricing="reputation", seats=2,
                      rng=np.random.default_rng(0), reward_max=10.0)
    pool.join(0, quality=0.9, cost=1.0, ring=False, now=0)
    pool.join(1, quality=0.4, cost=2.5, ring=False, now=0)
    assert pool.prices(np.array([0, 1]), np.array([0.6, 0.6])).tolist() == pytest.approx([2.1, 2.5])


def test_sessions_money_and_capacity():
    model = ExpertiseModel(rng=3)
    lowest = np.inf
    for _ in range(60):
        model.step()
        buyers, rows, prices, success = model.market.sold
        assert np.bincount(rows, minlength=len(model.pool)).max(initial=0) <= model.scenario.capacity
        assert len(set(buyers.tolist())) == buyers.size                   # one session per junior a step
        assert (prices >= model.pool.true_cost(rows) - 1e-12).all()
        lowest = min(lowest, model.trader_balances().min())
    assert lowest >= 0
    journal = model.ledger.to_frame()
    sessions = journal[journal.kind == "help session"]
    bonuses = journal[journal.kind == "completion bonus"]
    assert len(sessions) > 100 and 0 < len(bonuses) < len(sessions)
    assert model.ledger.money_supply == model.ledger.minted - model.ledger.burned
    frame = model.datacollector.get_model_vars_dataframe()
    assert (frame.welfare <= frame.optimum + 1e-9).all()
    assert np.isclose(frame.revenue.sum(), sessions.amount.sum())


def test_the_optimum_is_the_exact_matching():
    # Brute force over every assignment on a tiny market: 3 stuck juniors, 2 experts x 1 session.
    from itertools import permutations

    model = stepped(1, juniors=3, experts=2, capacity=1, stuck_rate=1.0, rng=9)
    value = model.juniors.true_values(np.arange(3))
    quality, cost = model.pool.true_quality(model.pool.active), model.pool.true_cost(model.pool.active)
    gain = np.maximum(value[:, None] * quality[None, :] - cost[None, :], 0)
    best = max(gain[list(who), [0, 1]].sum() for who in permutations(range(3), 2))
    assert model.optimum == pytest.approx(best)


def test_reputation_learns_who_is_good_and_pays():
    # The same seeds with and without a reputation: ratings come to rank the experts by quality,
    # help goes to the better half, bad experts leave, and welfare is higher.
    for seed in (1, 2, 3):
        rated, blind = stepped(150, rng=seed), stepped(150, rng=seed, reputation="none")
        a, b = (m.datacollector.get_model_vars_dataframe() for m in (rated, blind))
        assert a.rank_correlation.iloc[-20:].mean() > 0.5
        assert a.high_quality_share.iloc[-50:].mean() > b.high_quality_share.iloc[-50:].mean() + 0.2
        assert a.mean_quality.iloc[-1] > a.mean_quality.iloc[0]
        assert a.welfare.sum() > b.welfare.sum()
        assert b.rank_correlation.isna().all()


def test_a_newcomer_takes_the_seat_of_one_who_left_with_the_prior():
    model = stepped(20, patience=2)
    pool = model.pool
    leaving = pool.active[pool.idle[pool.active] >= 2]
    accounts_before = {int(r): model.seats[int(pool.seat[r])].account for r in leaving}
    before = len(pool)
    model.environment()                      # the start of the next step: the idle leave
    fresh = np.arange(before, len(pool))
    assert fresh.size == leaving.size > 0
    assert not np.isin(leaving, pool.active).any() and np.isin(fresh, pool.active).all()
    assert sorted(pool.seat[fresh].tolist()) == sorted(pool.seat[leaving].tolist())
    assert (model.reputation.mean(fresh) == model.prior_mean).all() and (model.reputation.ratings(fresh) == 0).all()
    accounts = [s.account for s in model.seats]
    assert len(set(accounts)) == len(accounts) and not set(accounts_before.values()) & set(accounts)


def test_a_rating_ring_inflates_its_members_and_costs_the_market():
    honest, ring = stepped(150, rng=2), stepped(150, rng=2, ring=5)
    members = np.flatnonzero(ring.pool.ring)
    assert members.size == 5
    assert (ring.reputation.mean(members) > ring.pool.true_quality(members) + 0.3).all()
    frames = [m.datacollector.get_model_vars_dataframe() for m in (honest, ring)]
    assert frames[1].welfare.sum() < frames[0].welfare.sum()
    assert frames[1].ring_share.mean() > 0.1
    # Ratings tied to paid sessions: the ring pays its members' prices and spends their time.
    verified = stepped(30, rng=2, ring=5, verified=True)
    paid = verified.ledger.to_frame().query("kind == 'ring session'")
    assert len(paid) > 0 and verified.datacollector.get_model_vars_dataframe().ring_sessions.sum() == len(paid)


@pytest.mark.parametrize("params, message", [
    ({"value_low": 5, "value_high": 3}, "value_low (5) cannot exceed value_high (3)"),
    ({"ring": 1}, "a ring needs two members"),
    ({"ring": 30}, "ring (30) must be 0 or from 2 to experts (20)"),
    ({"experts": 1}, "experts must be an integer between 2 and 10000; got 1"),
    ({"quality_low": 1.0, "quality_high": 1.0}, "mean quality strictly between 0 and 1"),
    ({"pricing": "auction"}, "pricing must be one of reputation, learned"),
])
def test_bad_parameters_get_a_clear_error(params, message):
    with pytest.raises(ParameterError) as err:
        ExpertiseModel(rng=0, **params)
    assert message in str(err.value)


def test_learned_prices_run_and_stay_above_cost():
    model = stepped(40, pricing="learned")
    _, rows, prices, _ = model.market.sold
    assert (prices >= model.pool.true_cost(rows) - 1e-12).all()
    assert to_credits(model.ledger.minted) > 0
