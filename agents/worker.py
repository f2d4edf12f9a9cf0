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
        if strategy.learns:   # a learning population: one member per worker, in worker order
            for _ in range(n):
                strategy.join()
        # A coordinator hears declared rates; learners only sell in the market (the scenario checks).
        self._declared = None if strategy.learns else strategy.ask(self._rate, np.full(n, COST_HIGH), rng)

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
        asks[row, col] = self.strategy.ask(breakeven, book.reserve[tasks[row]], self._rng, members=workers[col])
        return asks

    def outcomes(self, book: TaskBook, sellers: np.ndarray, contracts: list, now: int) -> None:
        """Hear how this round's auctions went (the public contracts: task, worker, price) for
        the workers who were in the market; each winner's profit is its own reckoning,
        price x the share it expects to be paid - its cost (it knows its own quality and
        timing). A learning strategy learns from it; a scripted one ignores it."""
        if not self.strategy.learns:
            return
        profit = np.zeros(len(sellers))
        position = {int(w): k for k, w in enumerate(sellers)}
        for task, worker, price in contracts:
            terms = self._terms(book, task, worker, now)
            profit[position[worker]] = price * float(terms.multiplier) - float(terms.cost)
        self.strategy.feedback(np.asarray(sellers), profit)

    def true_tables(self, book: TaskBook, tasks, workers, now: int) -> tuple[np.ndarray, np.ndarray]:
        """The observer's (tasks x workers) tables of each worker's true cost of each task and
        the share of the price it would be paid (NaN where it lacks the skills)."""
        tasks, workers = np.asarray(tasks), np.asarray(workers)
        row, col = np.nonzero(self.able(book, tasks[:, None], workers[None, :]))
        terms = self._terms(book, tasks[row], workers[col], now)
        cost, multiplier = np.full((tasks.size, workers.size), np.nan), np.full((tasks.size, workers.size), np.nan)
        cost[row, col], multiplier[row, col] = terms.cost, terms.multiplier
        return cost, multiplier

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
        """Its wallet balance, in credits."""
        return to_credits(self.model.ledger.balance(self.account))

    def step(self) -> None:
        """Deliver the task it finishes this step, if any."""
        if self.fleet.busy_until[self.index] == self.model.steps:
            self.fleet.deliver(self.index, self.model.book)


class UncertainFleet(Fleet):
    """A :class:`Fleet` whose hours are uncertain (the ``prediction-market`` scenario); the Fleet
    itself, and every scenario built on it, is unchanged.

    A task turns out harder or easier than it looks: the hours it takes are the Fleet's nominal
    hours times exp(sigma Z) (median one: half the time work takes longer than it looks, and on
    average exp(sigma^2 / 2) times longer), with Z the task's hidden difficulty, drawn by the world
    when the task is posted and read here only when the work is done (``difficulty(task)``). Other
    work takes a private share ``load`` of each worker's hours (4 a step), so the task's calendar
    time is h exp(sigma Z) / (1 - load) hours; asks still price the nominal work alone
    (:meth:`Fleet.asks`). A worker that starts task j at step t is on time, finishing by arrival +
    deadline, exactly when h exp(sigma Z) / (1 - load) <= 4 S with S = arrival + deadline - t, and
    its true chance is

        P(on time) = Phi(ln(4 S (1 - load) / h) / sigma),    h = effort / proficiency,

    from its proficiency and its load. Each worker knows its own chance; an overpromiser
    (``optimism`` > 0) believes, reports and bets as if its hours were h / (1 + optimism). What
    others can tell about a worker's chance is the truth seen through noise on the log-odds scale
    (:meth:`signals_about`), the only way this module lets it out besides the observer's
    ``true_*`` methods.
    """

    def __init__(self, skills, rate, proficiency, tacit: float, strategy, contract: TaskContract, rng, *,
                 surprise: float, optimism, load, difficulty):
        super().__init__(skills, rate, proficiency, tacit, strategy, contract, rng)
        self._sigma = float(surprise)
        self._free = 1.0 - np.broadcast_to(np.asarray(load, dtype=float), self._rate.shape)
        self._optimism = np.broadcast_to(np.asarray(optimism, dtype=float), self._rate.shape).copy()
        self._difficulty = difficulty

    def start(self, worker: int, task: int, book: TaskBook, now: int) -> int:
        """As :meth:`Fleet.start`, with the task's true hours (its hidden difficulty applied) spread
        over the share of each step that the worker's other work leaves free."""
        terms = self._terms(book, task, worker, now)
        hours = float(terms.hours) * float(np.exp(self._sigma * self._difficulty(task)))
        finish = now + max(1, int(np.ceil(hours / (HOURS_PER_STEP * self._free[worker]))))
        self.busy_until[worker], self.task[worker] = finish, task
        self._doing[worker] = terms.quality, hours
        return finish

    def _chance(self, book: TaskBook, tasks, workers, now: int, speed) -> np.ndarray:
        from scipy.special import ndtr

        tasks, workers = np.asarray(tasks), np.asarray(workers)
        hours = self._terms(book, tasks, workers, now).hours / speed
        steps_left = book.arrival[tasks] + book.deadline[tasks] - now
        with np.errstate(divide="ignore", invalid="ignore"):
            margin = np.log(HOURS_PER_STEP * self._free[workers] * steps_left / hours)
        if self._sigma == 0:
            chance = (margin >= 0).astype(float)
        else:
            chance = ndtr(margin / self._sigma)
        return np.where((steps_left >= 1) & np.isfinite(hours), chance, 0.0)

    def on_time_beliefs(self, book: TaskBook, tasks, workers, now: int) -> np.ndarray:
        """Each worker's own chance of finishing each task on time if it starts now, as it believes
        and reports it (an overpromiser's is inflated); arrays broadcast as in :meth:`true_terms`."""
        return self._chance(book, tasks, workers, now, 1.0 + self._optimism[np.asarray(workers)])

    def signals_about(self, book: TaskBook, tasks, workers, now: int, noise, rng) -> np.ndarray:
        """What someone else can tell about each worker's chance on each task: sigmoid(logit(true
        chance) + noise x N(0, 1)), one draw per entry (``noise`` broadcasts with the arrays)."""
        truth = np.clip(self._chance(book, tasks, workers, now, 1.0), 1e-6, 1 - 1e-6)
        logit = np.log(truth) - np.log1p(-truth) + np.asarray(noise) * rng.standard_normal(np.shape(truth))
        return 1.0 / (1.0 + np.exp(-logit))

    # the observer's view ----------------------------------------------------------------------------
    def true_on_time(self, book: TaskBook, tasks, workers, now: int) -> np.ndarray:
        """The true chance of finishing on time if started now (observer and yardsticks only)."""
        return self._chance(book, tasks, workers, now, 1.0)

    def true_overpromisers(self) -> np.ndarray:
        """Which workers overpromise (observer only)."""
        return self._optimism > 0

    def expected_hours_factor(self) -> float:
        """E[exp(sigma Z)] = exp(sigma^2 / 2): true hours over nominal hours, on average (public)."""
        return float(np.exp(self._sigma**2 / 2))

    def true_rates(self) -> np.ndarray:
        """Each worker's cost per hour (observer only)."""
        return self._rate.copy()
