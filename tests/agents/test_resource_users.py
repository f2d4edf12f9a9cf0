"""agents/resource_users.py on its own: the jobs and values a step draws, what agents demand at
given prices and request at posted ones, a runaway's demand, the double auction's quotas, orders
and limit prices, and a noisy agent believing what it misreads."""

import numpy as np
import pytest

from agents.resource_users import IDLE_HIGH, PRICE_CEILING, ResourceUser, Users
from agents.strategies import Noisy, Shade, Truthful
from model.mechanisms import MechanismInputError
from tests.agents.host import Host


def fleet(strategy=None, agents=2, runaway=1):
    """Base values all 1, plus a premium of 0.5 on resource 0: every ordinary agent values a unit
    at (1.5, 1.0); each has a job of one unit (activity 1, need_max 1, no noise, no bursts)."""
    users = Users(agents, runaway, 2, strategy or Truthful(), np.random.default_rng(0), np.random.default_rng(1),
                  value_range=(1.0, 1.0), premium=0.5)
    users.draw(activity=1.0, need_max=1, noise=0.0, burst=0.0)
    return users


def test_a_step_draws_jobs_values_and_idle_values():
    users = fleet()
    assert users.need.tolist() == [1.0, 1.0, 0.0]                  # the runaway has no job ...
    assert users.true_values().tolist() == [[1.5, 1.0], [1.5, 1.0], [0.0, 0.0]]   # ... and values nothing
    idle = users.true_idle_values()
    assert idle.shape == (3, 2) and ((idle >= 0) & (idle <= IDLE_HIGH)).all()
    assert users.runaway.tolist() == [False, False, True] and len(users) == 3
    # A burst (chance 1) triples every value; activity 0 leaves nobody with a job.
    users.draw(activity=0.0, need_max=1, noise=0.0, burst=1.0)
    assert users.need.tolist() == [0.0, 0.0, 0.0] and users.true_values()[0].tolist() == [4.5, 3.0]


def test_demand_is_the_whole_need_of_the_best_net_value_within_the_wallet():
    users = fleet()
    prices, capacity = np.array([0.5, 0.2]), np.array([4.0, 5.0])
    units = users.demand(prices, capacity, wallets=np.array([10.0, 0.3, 10.0]))
    # Agent 0: net values 1.5 - 0.5 = 1.0 and 1.0 - 0.2 = 0.8: one unit of resource 0.
    # Agent 1: the same choice, but 0.3 buys floor(0.3 / 0.5) = 0 units.
    # The runaway: resource 0 until its wallet or the capacity runs out, min(4, 10 / 0.5) = 4,
    # leaving 10 - 2 = 8; then resource 1: min(5, 8 / 0.2) = 5.
    assert units.tolist() == [[1.0, 0.0], [0.0, 0.0], [4.0, 5.0]]
    # At prices above every value nobody but the runaway wants anything: 10 / 2 = 5 > 4 units of
    # resource 0 (it takes 4 and has 2 left), 2 / 2 = 1 unit of resource 1.
    units = users.demand(np.array([2.0, 2.0]), capacity, wallets=np.array([10.0, 10.0, 10.0]))
    assert units.tolist() == [[0.0, 0.0], [0.0, 0.0], [4.0, 1.0]]


def test_posted_price_requests_follow_the_logit_choice():
    users = fleet()
    prices, capacity = np.array([0.5, 0.2]), np.array([4.0, 5.0])
    # tau = 1000 makes the 0.2 difference in net value decisive: everyone picks resource 0.
    units = users.logit_requests(prices, 1000.0, capacity, wallets=np.array([10.0, 10.0, 10.0]))
    assert units.tolist() == [[1.0, 0.0], [1.0, 0.0], [4.0, 5.0]]
    # tau = 0: a fair coin each (u < 0.5 picks resource 0), drawn from the agents' own stream.
    users = fleet()
    u = np.random.default_rng(1).random((3, 1))[:, 0]
    units = users.logit_requests(prices, 0.0, capacity, wallets=np.array([10.0, 10.0, 10.0]))
    chosen = [0 if x < 0.5 else 1 for x in u[:2]]
    assert [int(np.argmax(row)) for row in units[:2]] == chosen and units[:2].sum() == 2.0
    # A price above the bid: no request at all.
    assert users.logit_requests(np.array([2.0, 2.0]), 1000.0, capacity, np.full(3, 10.0))[:2].sum() == 0


def test_quotas_split_capacity_into_whole_units_as_evenly_as_possible():
    quota = fleet().quotas(np.array([7.0, 3.0]))
    # 7 units among 3 agents: 2 each and one more to one of them; 3 units: one each.
    assert quota.sum(axis=0).tolist() == [7.0, 3.0]
    assert sorted(quota[:, 0].tolist()) == [2.0, 2.0, 3.0] and quota[:, 1].tolist() == [1.0, 1.0, 1.0]


def test_double_auction_orders_buy_the_need_and_offer_idle_units_first():
    users = fleet()
    held = np.array([[0.0, 1.0], [3.0, 0.0], [1.0, 0.0]])
    buy, offer, reservation, need = users.orders(held, 0)
    idle = users.true_idle_values()
    # Agent 0 holds none of its favourite (resource 0) and needs 1: buys 1; nothing idle, so it
    # offers what it holds (0 units). Agent 1 holds 3, needs 1: 2 idle units offered at its idle value.
    # The runaway neither buys nor sells here.
    assert buy.tolist() == [1.0, 0.0, 0.0] and offer.tolist() == [0.0, 2.0, 0.0] and need.tolist() == [1, 1, 0]
    assert reservation[1] == idle[1, 0]
    # Resource 1 is nobody's favourite: agent 0's unit is idle, offered at its idle value.
    buy, offer, reservation, _ = users.orders(held, 1)
    assert buy.tolist() == [0.0, 0.0, 0.0] and offer.tolist() == [1.0, 0.0, 0.0] and reservation[0] == idle[0, 1]
    # An agent holding exactly its need has nothing idle: it offers the unit at its job value, 1.5.
    _, offer, reservation, _ = users.orders(np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]), 0)
    assert offer[0] == 1.0 and reservation[0] == 1.5


def test_limit_prices_bid_below_value_ask_above_reservation_and_runaways_bid_the_ceiling():
    users = fleet(Shade(0.2))
    bids = users.limit_prices("buy", np.array([0, 2]), 0)
    assert bids.tolist() == [pytest.approx(0.8 * 1.5), PRICE_CEILING]
    asks = users.limit_prices("sell", np.array([0, 1]), 0, reservation=np.array([0.25, 0.4, 0.0]))
    assert asks == pytest.approx([1.2 * 0.25, 1.2 * 0.4])


def test_a_noisy_agent_runs_its_job_where_it_believes_it_is_worth_most():
    users = fleet(Noisy(3.0), agents=200, runaway=0)
    believed = users.unit_bids()
    assert (users.favourite() == believed.argmax(axis=1)).all()
    # with sigma 3 many misread which resource is worth more (truly resource 0 for all)
    assert 0 < (users.favourite() == 1).mean() < 1
    assert (fleet(agents=5, runaway=0).favourite() == 0).all()     # the truthful know


def test_a_negative_logit_slope_is_refused_by_name():
    with pytest.raises(MechanismInputError, match="tau"):
        fleet().logit_requests(np.array([0.5, 0.2]), -1.0, np.array([4.0, 5.0]), np.full(3, 10.0))


def test_a_resource_user_is_a_wallet_named_by_kind():
    model = Host()
    agent, runaway = ResourceUser(model, 0, False), ResourceUser(model, 1, True)
    assert model.ledger.names[agent.account] == "agent:0" and model.ledger.names[runaway.account] == "runaway:1"


def test_the_bids_a_market_reads_are_not_the_private_values_themselves():
    users = fleet()
    users.unit_bids()[:] = 0.0               # a market scribbling on the bids it was given
    assert users.true_values()[0].tolist() == [1.5, 1.0]
