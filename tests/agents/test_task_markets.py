"""agents/task_markets.py on its own: the procurement auction (highest reserve first, Vickrey or
first price, one task per worker), the capacity-limited planner (earliest deadline first, the
cheapest declared rate, load balancing, cost-plus prices), the omniscient yardstick, settlement
on delivery through the ledger, and the information barrier (neither reads a worker's cost,
speed or know-how)."""

import math

import numpy as np
import pytest

from agents.strategies import Truthful
from agents.task_markets import AuctionTaskMarket, OmniscientTaskMarket, PlannerTaskMarket
from agents.worker import Fleet, Worker
from model.ledger import to_units
from model.reward import TaskContract
from model.tasks import ASSIGNED, DONE, NO_SKILL, OPEN, TaskBook
from tests.agents.host import BarrierBreached, Host, Sealed

CONTRACT = TaskContract(alpha=0.6, beta=0.2, gamma=0.2, penalty=0.5, min_quality=0.5)
Q2, Q1, QH = 1 - math.exp(-4), 1 - math.exp(-2), 1 - math.exp(-1)   # quality at proficiency 2, 1, 0.5


def share(quality, hours, effort, latency, deadline):
    """The contract's multiplier written out: 0.6 Q + 0.2 (1 - h / 2e) + 0.2 (D - L) / D."""
    return 0.6 * quality + 0.2 * (1 - hours / (2 * effort)) + 0.2 * max(0.0, (deadline - latency) / deadline)


# Task 0 (8 hours of skill 0, deadline 3, reserve 20): worker 0 (proficiency 2, 2 an hour) takes
# 4 hours, costs 8, multiplier share(Q2, 4, 8, 1, 3) = 0.8723, break-even 9.171; worker 1
# (proficiency 1, 1 an hour) takes 8 hours, costs 8, share(Q1, 8, 8, 2, 3) = 0.6855, break-even 11.671.
ASK_00 = 8 / share(Q2, 4, 8, 1, 3)
ASK_01 = 8 / share(Q1, 8, 8, 2, 3)


def stage(tasks="both", rates=(2.0, 1.0), skills=((True, False), (True, True)), sealed=False):
    """A host with a task book, two workers and their fleet; the owner's budget is minted."""
    model = Host()
    book = TaskBook()
    if tasks in ("both", "first"):
        book.post(arrival=0, effort=8.0, deadline=3, value=25.0, reserve=20.0, skill_a=0, skill_b=NO_SKILL)
    if tasks in ("both", "second"):
        book.post(arrival=0, effort=4.0, deadline=2, value=40.0, reserve=30.0, skill_a=0, skill_b=1)
    fleet = Fleet(np.array(skills), np.array(rates), [[2.0, 9.0], [1.0, 0.5]], 0.5, Truthful(), CONTRACT,
                  np.random.default_rng(0))
    model.book = book
    workers = [Worker(model, fleet, i) for i in range(2)]
    return model, book, (Sealed(fleet) if sealed else fleet), fleet, workers


def fund(model, market, book):
    model.fund(market.account, float(book.reserve.sum()))


@pytest.mark.parametrize("rule, price", [("second", ASK_01), ("first", ASK_00)])
def test_the_lowest_ask_wins_and_vickrey_pays_the_second_lowest(rule, price):
    model, book, fleet, _, workers = stage("first")
    market = AuctionTaskMarket(model, book, fleet, workers, rule)
    market.step()
    assert book.state.tolist() == [ASSIGNED] and book.worker.tolist() == [0]
    assert book.price[0] == pytest.approx(price)                     # 11.671 (second) or 9.171 (first)
    assert market.price == pytest.approx(price / 8.0)                # per effort-hour
    assert market.assigned.tolist() == [0] and book.open.size == 0


def test_highest_reserve_first_and_one_task_per_worker():
    # Task 1 (reserve 30) is auctioned first: only worker 1 has both skills, so it wins alone and is
    # paid the reserve (no second ask). Task 0 then has worker 0 alone: paid its reserve, 20.
    model, book, fleet, _, workers = stage("both")
    market = AuctionTaskMarket(model, book, fleet, workers, "second")
    market.step()
    assert book.worker.tolist() == [0, 1] and book.price.tolist() == [20.0, 30.0]


def test_delivery_is_paid_price_times_the_multiplier_and_money_only_moves():
    # Worker 0 finishes task 0 at step 1 with quality Q2 in 4 hours, latency 1: it is paid
    # 11.671 x 0.8723 = 10.18, from the owner's account to its own; nothing is minted or burned.
    model, book, fleet, _, workers = stage("first")
    market = AuctionTaskMarket(model, book, fleet, workers, "second")
    fund(model, market, book)
    market.step()
    supply = model.ledger.money_supply
    model.steps = 1
    workers[0].step()                       # the worker delivers first (traders step before markets)
    market.step()
    paid = to_units(ASK_01 * share(Q2, 4, 8, 1, 3))
    assert model.units(workers[0].account) == paid and market.delivered.tolist() == [0]
    assert model.units(market.account) == to_units(20.0) - paid
    assert model.ledger.money_supply == supply == to_units(20.0)
    assert book.state[0] == DONE and book.payment[0] == pytest.approx(paid / 1e6)
    assert market.revenue == pytest.approx(paid / 1e6)


def deliver_late(contract=CONTRACT):
    """Task 0 sold to worker 0 at first price (9.171), its work dragging on to step 5: latency 5 > deadline 3."""
    model, book, fleet, _, workers = stage("first")
    fleet.contract = contract
    market = AuctionTaskMarket(model, book, fleet, workers, "first")
    fund(model, market, book)
    market.step()
    fleet.busy_until[0] = 5
    model.steps = 5
    workers[0].step()
    market.step()
    return model, book, workers[0]


def test_late_work_forfeits_the_penalty_and_payment_never_goes_below_zero():
    # multiplier 0.6 Q2 + 0.2 x 0.75 + 0 (no speed term) - 0.5 = 0.2390: paid 9.171 x 0.2390
    model, book, worker = deliver_late()
    late = 0.6 * Q2 + 0.2 * 0.75 - 0.5
    assert book.multiplier[0] == pytest.approx(late)
    assert model.units(worker.account) == to_units(ASK_00 * late)
    # With the whole price at stake the multiplier is negative; the worker is paid 0, not charged.
    model, book, worker = deliver_late(TaskContract(alpha=0.6, beta=0.2, gamma=0.2, penalty=1.0, min_quality=0.5))
    assert book.multiplier[0] < 0 and book.payment[0] == 0.0 and model.units(worker.account) == 0


def test_the_planner_goes_earliest_deadline_first_within_its_capacity_at_declared_cost():
    # Task 1 is due at 0 + 2, task 0 at 0 + 3: task 1 first. Only worker 1 can do it: estimate
    # 1 x 4 = 4 <= 30. Then task 0 to the free worker 0: 2 x 8 = 16 <= 20. Prices are the estimates.
    model, book, fleet, _, workers = stage("both")
    PlannerTaskMarket(model, book, fleet, workers, capacity=5).step()
    assert book.worker.tolist() == [0, 1] and book.price.tolist() == [16.0, 4.0]
    model, book, fleet, _, workers = stage("both")
    PlannerTaskMarket(model, book, fleet, workers, capacity=1).step()
    assert book.state.tolist() == [OPEN, ASSIGNED]                  # one assignment a step


def test_the_planner_balances_load_and_skips_what_does_not_fit_the_reserve():
    # Both workers able, declared 1.0 and 0.9 an hour: estimates 8 and 7.2 for task 0. Worker 1 has
    # had 40 tasks, worker 0 none: loads 0 and 40 / 20 = 2, weights 8 x 1 and 7.2 x 1.4 = 10.08:
    # worker 0 gets it, at its estimate 8 (the load term is not paid).
    model, book, fleet, _, workers = stage("first", rates=(1.0, 0.9), skills=((True, True), (True, True)))
    planner = PlannerTaskMarket(model, book, fleet, workers, capacity=5)
    planner.handed_out[:] = [0, 40]
    planner.step()
    assert book.worker.tolist() == [0] and book.price.tolist() == [8.0]
    # Rates of 3 an hour: 3 x 8 = 24 > the reserve of 20: nobody is assigned.
    model, book, fleet, _, workers = stage("first", rates=(3.0, 3.0))
    PlannerTaskMarket(model, book, fleet, workers, capacity=5).step()
    assert book.state.tolist() == [OPEN]


def test_neither_mechanism_reads_a_workers_private_numbers():
    # The fleet is handed over sealed: its private columns and true_* methods raise if read. The true
    # rates are then poisoned: the planner prices by the declared rates, the auction by the asks.
    model, book, sealed, fleet, workers = stage("both", sealed=True)
    fleet._rate = np.full(2, np.nan)
    PlannerTaskMarket(model, book, sealed, workers, capacity=5).step()
    assert book.price.tolist() == [16.0, 4.0]
    model, book, sealed, fleet, workers = stage("first", sealed=True)
    AuctionTaskMarket(model, book, sealed, workers, "second").step()
    assert book.price[0] == pytest.approx(ASK_01)
    with pytest.raises(BarrierBreached):
        sealed.true_terms(book, 0, 0, 0)            # the seal itself is live


def test_declared_rates_are_a_copy_the_coordinator_cannot_write_through():
    _, _, _, fleet, _ = stage("first")
    fleet.declared_rates()[:] = 0.0          # a coordinator scribbling on what it was told
    assert fleet._rate.tolist() == [2.0, 1.0]   # the workers' true costs per hour, untouched


def test_the_omniscient_yardstick_makes_the_exact_assignment_at_true_break_even():
    # Surplus 5 + 6 (task 0 to worker 0, task 1 to worker 1) beats 4 + 1; prices are the true
    # break-even prices capped by the reserves: min(9, 20) = 9 and min(35, 30) = 30.
    model, book, fleet, _, workers = stage("both")
    tables = (np.array([[5.0, 4.0], [1.0, 6.0]]), np.array([[9.0, 30.0], [40.0, 35.0]]))
    OmniscientTaskMarket(model, book, fleet, workers, lambda tasks, sellers: tables).step()
    assert book.worker.tolist() == [0, 1] and book.price.tolist() == [9.0, 30.0]


def test_an_unknown_payment_rule_is_refused_by_name_when_the_market_is_built():
    model, book, fleet, _, workers = stage("first")
    with pytest.raises(ValueError, match="rule must be first or second"):
        AuctionTaskMarket(model, book, fleet, workers, "third")
    assert book.state.tolist() == [OPEN] and len(model.ledger) == 0
