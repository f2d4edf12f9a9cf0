"""Workers of a task market: wallets, public skills, and private costs, speeds and know-how.

Each worker is a Mesa agent with an account. Its private numbers (cost per hour, its
proficiency in each skill, the know-how from its last task) are kept by the
:class:`Fleet` column-wise, one row per worker, so that thousands of workers can price a
task in one numpy expression. Only this module reads them: the auctioneer receives asks
(:meth:`Fleet.asks`), the coordinator receives declarations (:meth:`Fleet.declared_rates`),
and the observer reads the truth through :meth:`Fleet.true_terms`, named as such.

How a worker does a task (j) it has every skill of:

* proficiency pi = min over the task's skills of the worker's proficiency in it, times
  (1 + tacit) for a skill its last finished task also needed (seed 001: "I can do task X
  fast because I just did a similar task");
* hours h = effort / pi, taking ceil(h / HOURS_PER_STEP) steps; cost C = rate x h;
* quality Q = 1 - exp(-2 pi), a saturating skill fit (pi = 1 gives 0.86).
"""

from dataclasses import dataclass

import mesa
import numpy as np

from model.ledger import to_credits
from model.reward import TaskContract
from model.tasks import NO_SKILL, TaskBook

#: Hours of work a worker puts in per step.
HOURS_PER_STEP = 4.0
#: Workers' hourly costs are drawn from U[COST_LOW, COST_HIGH] (public knowledge).
COST_LOW, COST_HIGH = 1.0, 3.0


def quality_of(proficiency):
    """Q = 1 - exp(-2 pi): no skill gives 0, proficiency 1 gives 0.86, 2 gives 0.98."""
    return 1.0 - np.exp(-2.0 * np.asarray(proficiency, dtype=float))


@dataclass
class Terms:
    """What doing a task would mean for a worker: arrays shaped like the (task, worker)
    index arrays they were computed for."""

    hours: np.ndarray
    duration: np.ndarray
    quality: np.ndarray
    cost: np.ndarray
    multiplier: np.ndarray


class Fleet:
    """The workers' private numbers and their work state, one row per worker.

    Args:
        skills: (workers x skills) bool, the skills each worker has (public).
        rate: cost per hour of each worker (private).
        proficiency: (workers x skills) proficiency, 0 where the skill is missing (private).
        tacit: speed-up on a skill the worker's last finished task also needed.
        strategy: turns a break-even price into an ask (agents.strategies).
        contract: the market's public payment rule.
    """

    def __init__(self, skills, rate, proficiency, tacit: float, strategy, contract: TaskContract, rng):
        self.skills = np.asarray(skills, dtype=bool)
        self._rate = np.asarray(rate, dtype=float)
        self._proficiency = np.where(self.skills, proficiency, 0.0)
        self._tacit = tacit
        self.strategy = strategy
        self.contract = contract
        self._rng = rng
        n = len(self._rate)
        self.last_skills = np.full((n, 2), NO_SKILL, dtype=np.int64)  # the last finished task's skills
        self.busy_until = np.full(n, -1, dtype=np.int64)              # step the current task ends
        self.task = np.full(n, -1, dtype=np.int64)                    # the current (or last) task
        self._doing = np.zeros((n, 2))  # (quality, hours) of the current task, measured on delivery
        self._declared = strategy.ask(self._rate, np.full(n, COST_HIGH), rng)

    def __len__(self) -> int:
        return len(self._rate)

    # public ----------------------------------------------------------------------------
    def free(self, now: int) -> np.ndarray:
        """Workers holding no task at step ``now`` (capacity: one task at a time)."""
        return self.busy_until <= now

    def able(self, book: TaskBook, tasks, workers) -> np.ndarray:
        """Whether each worker has every skill each task needs (nominal skills are public);
        ``tasks`` and ``workers`` broadcast as in :meth:`true_terms`."""
        tasks, workers = np.asarray(tasks), np.asarray(workers)
        second = book.skill_b[tasks]
        has_second = self.skills[workers, np.maximum(second, 0)] | (second == NO_SKILL)
        return self.skills[workers, book.skill_a[tasks]] & has_second

    def declared_rates(self) -> np.ndarray:
        """The hourly cost each worker declares to a coordinator (its strategy applied to
        its true rate, declared once). A coordinator sees this and the skills, nothing else."""
        return self._declared

    # the workers' own reasoning ---------------------------------------------------------
    def asks(self, book: TaskBook, tasks: np.ndarray, workers: np.ndarray, now: int) -> np.ndarray:
        """Sealed asks, a (tasks x workers) table: NaN where a worker does not bid.

        A worker's break-even price is its cost over the share of the price it expects to
        be paid, C / multiplier (it knows its own quality and timing, and the rule is
        public); its strategy turns that into an ask (the auction enforces the reserve).
        A worker without the skills, or that cannot profit (multiplier <= 0), stays out.
        """
        tasks, workers = np.asarray(tasks), np.asarray(workers)
        row, col = np.nonzero(self.able(book, tasks[:, None], workers[None, :]))  # only pairs that can work
        terms = self._terms(book, tasks[row], workers[col], now)
        viable = terms.multiplier > 0
        row, col = row[viable], col[viable]
        asks = np.full((tasks.size, workers.size), np.nan)
        breakeven = terms.cost[viable] / terms.multiplier[viable]
        asks[row, col] = self.strategy.ask(breakeven, book.reserve[tasks[row]], self._rng)
        return asks

    def start(self, worker: int, task: int, book: TaskBook, now: int) -> int:
        """Worker takes ``task`` now; returns the step it will finish."""
        terms = self._terms(book, task, worker, now)
        finish = now + int(terms.duration)
        self.busy_until[worker], self.task[worker] = finish, task
        self._doing[worker] = terms.quality, terms.hours
        return finish

    def deliver(self, worker: int, book: TaskBook) -> None:
        """Finish the current task: hand over the work (its quality and hours become
        measured, public facts in the book) and remember its skills (tacit know-how)."""
        task = self.task[worker]
        quality, hours = self._doing[worker]
        book.set(task, quality=quality, hours=hours)
        self.last_skills[worker] = (book.skill_a[task], book.skill_b[task])

    # the observer's view ----------------------------------------------------------------
    def true_terms(self, book: TaskBook, tasks, workers, now: int) -> Terms:
        """The truth about doing ``tasks`` (for the observer and planners only).

        ``tasks`` and ``workers`` are index arrays that numpy broadcasts together: equal
        shapes give one figure per (task, worker) pair, ``tasks[:, None]`` with
        ``workers[None, :]`` a tasks x workers table.
        """
        return self._terms(book, tasks, workers, now)

    def _terms(self, book: TaskBook, tasks, workers, now: int) -> Terms:
        tasks, workers = np.asarray(tasks), np.asarray(workers)
        second = book.skill_b[tasks]
        needs_two = second != NO_SKILL
        proficiency = self._boosted(workers, book.skill_a[tasks])
        proficiency = np.where(needs_two, np.minimum(proficiency, self._boosted(workers, np.where(needs_two, second, 0))),
                               proficiency)
        effort = book.effort[tasks]
        with np.errstate(divide="ignore"):
            hours = effort / proficiency
        duration = np.ceil(hours / HOURS_PER_STEP)
        quality = quality_of(proficiency)
        latency = now + duration - book.arrival[tasks]
        multiplier = self.contract.multiplier(quality, hours, effort, latency, book.deadline[tasks])
        return Terms(hours, duration, quality, self._rate[workers] * hours, multiplier)

    def _boosted(self, workers, skills):
        """Proficiency of ``workers`` in ``skills`` (broadcast), with the know-how boost."""
        knows = (self.last_skills[workers, 0] == skills) | (self.last_skills[workers, 1] == skills)
        return self._proficiency[workers, skills] * np.where(knows, 1.0 + self._tacit, 1.0)


class Worker(mesa.Agent):
    """One worker: an account in the ledger and row ``index`` of the model's Fleet.

    Each step a worker whose task ends now delivers it (and becomes free to bid again).
    """

    def __init__(self, model, fleet: Fleet, index: int):
        super().__init__(model)
        self.fleet = fleet
        self.index = index
        self.account = model.ledger.open_account(f"worker:{index}")

    @property
    def wealth(self) -> float:
        return to_credits(self.model.ledger.balance(self.account))

    def step(self) -> None:
        if self.fleet.busy_until[self.index] == self.model.steps:
            self.fleet.deliver(self.index, self.model.book)
