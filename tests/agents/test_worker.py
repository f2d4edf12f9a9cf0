"""agents/worker.py on its own: how a worker does a task (proficiency, hours, quality, cost, the
contract's multiplier and the break-even ask), tacit know-how, capacity, delivery, declared rates,
what a learning worker hears, and the uncertain fleet's chance of finishing on time."""

import math

import numpy as np
import pytest
from scipy.stats import norm

from agents.strategies import Shade, Truthful
from agents.worker import COST_HIGH, Fleet, UncertainFleet, Worker, quality_of
from model.reward import TaskContract
from model.tasks import NO_SKILL, TaskBook
from tests.agents.host import Host

CONTRACT = TaskContract(alpha=0.6, beta=0.2, gamma=0.2, penalty=0.5, min_quality=0.5)
# Worker 0 has skill 0 only (proficiency 2, rate 2 an hour); worker 1 has both (1 and 0.5, rate 1).
SKILLS = [[True, False], [True, True]]
RATE = [2.0, 1.0]
PROFICIENCY = [[2.0, 9.0], [1.0, 0.5]]     # the 9 is masked: worker 0 lacks skill 1


def book_of_two():
    """Task 0: 8 hours of skill 0, deadline 3, reserve 20. Task 1: 4 hours of skills 0 and 1,
    deadline 2, reserve 30. Both posted at step 0."""
    book = TaskBook()
    book.post(arrival=0, effort=[8.0, 4.0], deadline=[3, 2], value=[25.0, 40.0], reserve=[20.0, 30.0],
              skill_a=[0, 0], skill_b=[NO_SKILL, 1])
    return book


def fleet(strategy=None, tacit=0.5):
    return Fleet(SKILLS, RATE, PROFICIENCY, tacit, strategy or Truthful(), CONTRACT, np.random.default_rng(0))


def multiplier(quality, hours, effort, latency, deadline):
    """Seed 002's bracket as TaskContract states it, written out: 0.6 Q + 0.2 (1 - h / 2e) + 0.2 (D - L) / D."""
    return 0.6 * quality + 0.2 * (1 - hours / (2 * effort)) + 0.2 * max(0.0, (deadline - latency) / deadline)


def test_quality_saturates_with_proficiency():
    assert quality_of(0.0) == 0.0
    assert quality_of(1.0) == pytest.approx(1 - math.exp(-2))     # 0.8647
    assert quality_of(2.0) == pytest.approx(1 - math.exp(-4))     # 0.9817


def test_the_terms_of_each_task_by_hand():
    book, workers = book_of_two(), fleet()
    terms = workers.true_terms(book, np.array([0, 0, 1]), np.array([0, 1, 1]), now=0)
    # Task 0, worker 0: pi = 2, hours 8 / 2 = 4, one step (4 hours a step), quality 1 - e^-4, cost 2 x 4 = 8.
    # Task 0, worker 1: pi = 1, hours 8, two steps, quality 1 - e^-2, cost 1 x 8 = 8.
    # Task 1, worker 1: pi = min(1, 0.5) = 0.5 (the weaker skill), hours 4 / 0.5 = 8, two steps, 1 - e^-1.
    assert terms.hours.tolist() == [4.0, 8.0, 8.0]
    assert terms.duration.tolist() == [1.0, 2.0, 2.0]
    assert terms.quality == pytest.approx([1 - math.exp(-4), 1 - math.exp(-2), 1 - math.exp(-1)])
    assert terms.cost.tolist() == [8.0, 8.0, 8.0]
    # latency = now + duration - arrival: 1, 2, 2 (task 1 finishes exactly at its deadline: not late)
    expected = [multiplier(1 - math.exp(-4), 4, 8, 1, 3), multiplier(1 - math.exp(-2), 8, 8, 2, 3),
                multiplier(1 - math.exp(-1), 8, 4, 2, 2)]
    assert terms.multiplier == pytest.approx(expected)             # 0.8723, 0.6855, 0.3793


def test_asks_are_the_break_even_price_and_nan_without_the_skills():
    book, workers = book_of_two(), fleet()
    asks = workers.asks(book, np.array([0, 1]), np.array([0, 1]), now=0)
    terms = workers.true_terms(book, np.array([0, 0, 1]), np.array([0, 1, 1]), now=0)
    # break-even = cost / multiplier: 8 / 0.8723 = 9.17, 8 / 0.6855 = 11.67, 8 / 0.3793 = 21.09
    assert asks[0] == pytest.approx(terms.cost[:2] / terms.multiplier[:2])
    assert np.isnan(asks[1, 0])                                    # worker 0 lacks skill 1
    assert asks[1, 1] == pytest.approx(8.0 / terms.multiplier[2])
    assert workers.able(book, np.array([0, 1]), np.array([0, 0])).tolist() == [True, False]


def test_a_worker_that_cannot_profit_stays_out():
    # Penalty 1 and a minimum quality above what worker 1 reaches on task 1 (0.63): the multiplier
    # is 0.3793 - 1 < 0, so whatever it is paid loses money: it does not ask.
    strict = TaskContract(alpha=0.6, beta=0.2, gamma=0.2, penalty=1.0, min_quality=0.9)
    workers = Fleet(SKILLS, RATE, PROFICIENCY, 0.5, Truthful(), strict, np.random.default_rng(0))
    asks = workers.asks(book_of_two(), np.array([1]), np.array([1]), now=0)
    assert np.isnan(asks).all()


def test_starting_and_delivering_a_task_and_the_tacit_speed_up():
    book, workers = book_of_two(), fleet(tacit=0.5)
    assert workers.start(1, 1, book, now=0) == 2                   # two steps of work: finishes at 2
    assert workers.free(1).tolist() == [True, False] and workers.free(2).tolist() == [True, True]
    workers.deliver(1, book)
    assert book.quality[1] == pytest.approx(1 - math.exp(-1)) and book.hours[1] == 8.0
    assert workers.last_skills[1].tolist() == [0, 1]
    # Task 0 needs skill 0, which worker 1's last task also needed: proficiency 1 x 1.5, 8 / 1.5 hours.
    assert workers.true_terms(book, 0, 1, now=2).hours == pytest.approx(8 / 1.5)
    # Worker 0 has done nothing: no speed-up.
    assert workers.true_terms(book, 0, 0, now=2).hours == 4.0


def test_a_worker_agent_delivers_on_the_step_its_task_ends():
    model = Host()
    model.book, workers = book_of_two(), fleet()
    agents = [Worker(model, workers, i) for i in range(2)]
    workers.start(0, 0, model.book, now=0)                         # finishes at step 1
    model.steps = 0
    agents[0].step()
    assert np.isnan(model.book.quality[0])                         # not yet
    model.steps = 1
    agents[0].step()
    assert model.book.quality[0] == pytest.approx(1 - math.exp(-4))
    assert model.ledger.names == ["worker:0", "worker:1"] and agents[0].wealth == 0.0


def test_declared_rates_are_the_strategy_applied_to_the_true_rate_once():
    # Shade 0.2 pads an ask by 20 %: rates 2 and 1 are declared as 2.4 and 1.2 (against the public
    # ceiling COST_HIGH, which only ZI-C reads).
    assert fleet(Shade(0.2)).declared_rates() == pytest.approx([2.4, 1.2])
    assert fleet().declared_rates().tolist() == RATE
    assert COST_HIGH == 3.0


class Learner:
    """A learning strategy that asks its break-even price and records its feedback."""

    name, learns, misreads = "spy", True, False

    def __init__(self):
        self.members, self.heard = 0, []

    def join(self):
        self.members += 1
        return self.members - 1

    def ask(self, cost, ceiling, rng, members=None):
        return np.asarray(cost, dtype=float)

    def feedback(self, members, utility, price=math.nan, highest_other=math.nan):
        self.heard.append((np.asarray(members).tolist(), np.asarray(utility)))


def test_a_learning_worker_hears_its_own_profit_and_declares_nothing():
    book, strategy = book_of_two(), Learner()
    workers = fleet(strategy)
    assert strategy.members == 2 and workers.declared_rates() is None
    # Worker 0 wins task 0 at 12: its profit is 12 x 0.8723 - 8 = 2.47; worker 1, in the market, won nothing.
    workers.outcomes(book, np.array([0, 1]), [(0, 0, 12.0)], now=0)
    members, profit = strategy.heard[0]
    assert members == [0, 1]
    assert profit == pytest.approx([12.0 * multiplier(1 - math.exp(-4), 4, 8, 1, 3) - 8.0, 0.0])


def test_the_observer_tables_are_nan_where_a_worker_lacks_the_skills():
    cost, share = fleet().true_tables(book_of_two(), np.array([0, 1]), np.array([0, 1]), now=0)
    assert cost[0].tolist() == [8.0, 8.0] and np.isnan(cost[1, 0]) and cost[1, 1] == 8.0
    assert np.isnan(share[1, 0]) and share[0, 0] == pytest.approx(multiplier(1 - math.exp(-4), 4, 8, 1, 3))


def uncertain(load=0.25, optimism=0.0, surprise=0.5, difficulty=lambda task: 0.0):
    return UncertainFleet(SKILLS, RATE, PROFICIENCY, 0.5, Truthful(), CONTRACT, np.random.default_rng(0),
                          surprise=surprise, optimism=optimism, load=load, difficulty=difficulty)


def test_the_chance_of_finishing_on_time_is_the_closed_form():
    # Task 0, worker 0, at step 0: h = 4 hours, S = 0 + 3 - 0 = 3 steps left, load 0.25:
    # P = Phi(ln(4 x 3 x 0.75 / 4) / 0.5) = Phi(ln 2.25 / 0.5) = Phi(1.622) = 0.948.
    book = book_of_two()
    workers = uncertain(optimism=np.array([1.0, 0.0]))
    assert workers.true_on_time(book, 0, 0, now=0) == pytest.approx(norm.cdf(math.log(2.25) / 0.5))
    # An overpromiser (optimism 1) believes its hours are 4 / 2 = 2: Phi(ln 4.5 / 0.5) = 0.9987.
    assert workers.on_time_beliefs(book, 0, 0, now=0) == pytest.approx(norm.cdf(math.log(4.5) / 0.5))
    assert workers.true_overpromisers().tolist() == [True, False]
    # No steps left (at step 3): no chance at all; a worker without the skills: none either.
    assert workers.true_on_time(book, 0, 0, now=3) == 0.0
    assert workers.true_on_time(book, 1, 0, now=0) == 0.0
    assert workers.expected_hours_factor() == pytest.approx(math.exp(0.5**2 / 2))


def test_an_uncertain_task_takes_its_hidden_hours_spread_over_the_free_share():
    # Hidden difficulty Z = ln 2 / 0.5, so exp(0.5 Z) = 2: task 0 takes worker 0 8 hours, at
    # 4 x (1 - 0.25) = 3 hours a step: ceil(8 / 3) = 3 steps.
    book = book_of_two()
    workers = uncertain(difficulty=lambda task: math.log(2) / 0.5)
    assert workers.start(0, 0, book, now=0) == 3
    workers.deliver(0, book)
    assert book.hours[0] == pytest.approx(8.0)
    assert workers.true_rates().tolist() == RATE


def test_signals_are_the_truth_without_noise():
    book = book_of_two()
    workers = uncertain()
    truth = workers.true_on_time(book, np.array([0, 0]), np.array([0, 1]), now=0)
    signal = workers.signals_about(book, np.array([0, 0]), np.array([0, 1]), 0, 0.0, np.random.default_rng(1))
    assert signal == pytest.approx(np.clip(truth, 1e-6, 1 - 1e-6))
    noisy = workers.signals_about(book, np.array([0, 0]), np.array([0, 1]), 0, 2.0, np.random.default_rng(1))
    assert not np.allclose(noisy, truth) and ((noisy > 0) & (noisy < 1)).all()
