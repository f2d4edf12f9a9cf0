"""The task-auction scenario: who wins, what is paid, capacity, money, the planner's limit."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.ledger import to_units
from model.params import ParameterError
from model.tasks import ASSIGNED, DONE
from experiments.runner import run
from scenarios.task_auction import TaskAuctionModel

CATALLAXY = Path(sys.executable).parent / "catallaxy"


def one_task_market(effort=6.0, deadline=10, value=100.0, skill_b=-1, **params):
    """A fleet with no arrivals and one task posted by hand (skill 0, reserve 0.8 x value);
    returns (model, task, candidates) just before the step that auctions it."""
    model = TaskAuctionModel(rng=params.pop("rng", 3), arrival_rate=0, **params)
    task = int(model.book.post(arrival=0, effort=effort, deadline=deadline, value=value, reserve=0.8 * value,
                               skill_a=0, skill_b=skill_b)[0])
    model.ledger.mint(model.market.account, to_units(0.8 * value))
    book = model.book
    candidates = np.flatnonzero(model.fleet.able(book, task, np.arange(len(model.fleet))))
    return model, task, candidates


def test_with_equal_pay_shares_the_lowest_true_cost_wins():
    # Weight only latency and make every worker take one step (effort 1 h <= 4 h a step at
    # proficiency >= 0.25): every worker expects the same share of the price, (10 - 2) / 10, so the
    # truthful asks order the workers by true cost, and the cheapest must win.
    for seed in range(5):
        model, task, candidates = one_task_market(rng=seed, effort=1.0, workers=12, skills=1,
                                                  skills_per_worker=1, alpha=0, beta=0, gamma=1, min_quality=0)
        truth = model.fleet.true_terms(model.book, task, candidates, now=1)
        assert np.ptp(truth.multiplier) == 0
        model.step()
        assert model.book.worker[task] == candidates[np.argmin(truth.cost)]


def test_vickrey_winner_is_paid_the_second_lowest_ask_capped_by_the_reserve():
    for seed in range(5):
        model, task, candidates = one_task_market(rng=seed, workers=15, skills=3, skills_per_worker=2,
                                                  skill_b=1 if seed % 2 else -1)
        truth = model.fleet.true_terms(model.book, task, candidates, now=1)
        breakeven = np.where(truth.multiplier > 0, truth.cost / truth.multiplier, np.inf)
        model.step()
        order = np.argsort(breakeven, kind="stable")
        assert model.book.worker[task] == candidates[order[0]]      # the lowest true break-even price wins
        assert model.book.price[task] == pytest.approx(min(breakeven[order[1]], model.book.reserve[task]))


def test_first_price_winner_is_paid_its_own_ask():
    model, task, candidates = one_task_market(workers=15, skills=2, skills_per_worker=1, rule="first")
    truth = model.fleet.true_terms(model.book, task, candidates, now=1)
    model.step()
    assert model.book.price[task] == pytest.approx((truth.cost / truth.multiplier).min())


@pytest.mark.parametrize("allocator", ["market", "planner"])
def test_no_worker_holds_two_tasks_and_money_is_conserved(allocator):
    model = TaskAuctionModel(rng=5, workers=25, mechanism=allocator, arrival_rate=0.5, urgent_at=20)
    for _ in range(80):
        model.step()
    book = model.book
    taken = np.flatnonzero(book.worker >= 0)
    for worker in np.unique(book.worker[taken]):
        mine = taken[book.worker[taken] == worker]
        spans = sorted(zip(book.start[mine], book.finish[mine]))
        assert all(finish <= next_start for (_, finish), (next_start, _) in zip(spans, spans[1:]))
    assert model.ledger.money_supply == model.ledger.minted - model.ledger.burned
    done = book.state == DONE
    paid = model.ledger.to_frame().query("kind == 'task payment'").amount_units.sum()
    assert paid == round(np.nansum(book.payment[done]) * 1e6)
    assert (book.payment[done] <= book.price[done] + 1e-9).all() and (book.payment[done] >= 0).all()
    assert ((book.state == ASSIGNED) | done).sum() == len(taken)


def test_the_planner_never_exceeds_its_capacity():
    model = TaskAuctionModel(rng=2, workers=40, mechanism="planner", planner_capacity=3, arrival_rate=0.5)
    for _ in range(60):
        model.step()
    book = model.book
    per_step = np.bincount(book.start[book.worker >= 0])
    assert per_step.max() == 3 and len(book.open) > 0      # binding: work is left waiting


def test_market_beats_the_capacity_limited_planner_on_a_large_fleet():
    frame = {a: run("task-auction", steps=100, seed=4, workers=60, mechanism=a) for a in ("market", "planner")}
    eff = {a: f.welfare.sum() / f.optimum.sum() for a, f in frame.items()}
    assert eff["planner"] < eff["market"] <= 1.0 + 1e-9
    assert frame["planner"].backlog.iloc[-20:].mean() > frame["market"].backlog.iloc[-20:].mean()


def test_every_allocator_faces_the_same_world_under_one_seed():
    books = {}
    for allocator in ("market", "planner", "omniscient"):
        model = TaskAuctionModel(rng=8, workers=30, mechanism=allocator, strategy="zic")
        for _ in range(30):
            model.step()
        books[allocator] = model.book
    market = books.pop("market")
    for other in books.values():
        assert len(other) == len(market)
        for column in ("arrival", "effort", "value", "skill_a", "skill_b", "deadline"):
            assert np.array_equal(getattr(other, column), getattr(market, column))


def test_urgent_burst_is_measured():
    frame = run("task-auction", steps=40, seed=1, workers=30, urgent_at=10, urgent_tasks=12)
    assert frame.adapt_steps.iloc[:9].isna().all()
    assert frame.adapt_steps.iloc[-1] >= 1 and 0 < frame.urgent_served.iloc[-1] <= 1


@pytest.mark.parametrize("params, message", [
    ({"workers": 0}, "workers must be an integer between 1 and 10000; got 0"),
    ({"alpha": 0.5, "beta": 0.3, "gamma": 0.3}, "alpha + beta + gamma must equal 1"),
    ({"min_effort": -1}, "min_effort must be a number between 0.1 and 1000; got -1"),
    ({"min_effort": 5, "max_effort": 3}, "min_effort (5) cannot exceed max_effort (3)"),
    ({"skills": 2, "skills_per_worker": 3}, "skills_per_worker (3) cannot exceed skills (2)"),
])
def test_bad_parameters_get_a_clear_error(params, message):
    with pytest.raises(ParameterError) as err:
        TaskAuctionModel(rng=0, **params)
    assert message in str(err.value)


def test_cli_error_and_determinism(tmp_path):
    bad = subprocess.run([str(CATALLAXY), "run", "task-auction", "--set", "gamma=0.5"], capture_output=True, text=True)
    assert bad.returncode == 2 and "alpha + beta + gamma must equal 1" in bad.stderr and "Traceback" not in bad.stderr
    for name in ("a", "b"):
        out = subprocess.run([str(CATALLAXY), "run", "task-auction", "--steps", "30", "--seed", "9",
                              "--out", str(tmp_path / f"{name}.csv")], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    columns = pd.read_csv(tmp_path / "a.csv").columns
    for name in ("throughput", "backlog", "mean_latency", "quality", "value_delivered", "cost_incurred",
                 "adapt_steps", "specialization", "price:tasks"):
        assert name in columns


