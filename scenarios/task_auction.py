"""Scenario ``task-auction``: workers bid for tasks in procurement auctions, or a central
coordinator assigns them (seed 001's experiment "Central Planning vs Market")."""

import numpy as np

from agents import make_strategy
from agents.learning_bidders import LEARNING_PARAMS
from agents.learning_sellers import SELLER_LEARNERS, LearningSeller, seller_params
from agents.task_markets import PlannerTaskMarket, OmniscientTaskMarket, AuctionTaskMarket
from agents.worker import COST_HIGH, COST_LOW, HOURS_PER_STEP, Fleet, Worker
from model.mechanisms import optimal_assignment
from model.mechanisms.planners import MAX_ASSIGNMENT_CELLS
from model.ledger import to_units
from model.market import MarketModel
from model.params import Param, ParameterError
from model.regret import Regret, procurement_counterfactual
from model.reward import TaskContract, check_weights
from model.tasks import DONE, NO_SKILL, OPEN, TaskBook

#: Chance that a task needs a second skill.
SECOND_SKILL = 0.3
#: A task's value per nominal hour is drawn from U[VALUE_LOW, VALUE_HIGH].
VALUE_LOW, VALUE_HIGH = 3.0, 6.0
#: Urgent tasks are worth this many times more, with one step of slack.
URGENT_VALUE = 3.0
#: Learning workers' regret is computed (exactly, re-running the round per worker and markup)
#: for fleets up to this size; above it the regret columns are empty.
REGRET_MAX_WORKERS = 200


class TaskAuctionModel(MarketModel):
    """Tasks arrive; workers with private costs, speeds and know-how do them.

    Each step: ``Poisson(arrival_rate x workers)`` tasks are posted (effort U[min_effort,
    max_effort] hours, one skill or with chance 0.3 two, a deadline of the nominal duration
    plus 1-4 steps of slack, a value of U[3, 6] per hour, a reserve price of
    ``reserve_ratio`` x value); open tasks that can no longer finish on time expire;
    workers deliver finished tasks; the task market settles deliveries and hands out open tasks to
    free workers: by procurement auction (``mechanism=market``) or by a coordinator limited
    to ``planner_capacity`` assignments a step (``mechanism=planner``).

    The observer scores each step's assignments by their true surplus, value delivered
    (value x quality; nothing if quality < min_quality, (1 - penalty) of it if late)
    minus the worker's true cost, against the exact optimum over the same open tasks and
    free workers (an assignment problem, solved by linear_sum_assignment; NaN above
    4 million task x worker pairs).
    """

    name = "task-auction"
    summary = "workers bid for tasks in procurement auctions, or a capacity-limited planner assigns them"
    default_steps = 200
    participant_types = (Worker,)
    explanation = r"""
**Procurement auction per task (seed 001, Market 1).** Each open task is offered to the free
workers that have its skills; worker $i$ asks $a_i$ and the lowest ask $\le$ the reserve $r$ wins.
Under **Vickrey** the winner is paid $\min(a_{(2)}, r)$, so asking one's true break-even price is
dominant; under **first price** it is paid its own ask.

**Payment on delivery (seed 002, eq. 1):**
$R = T\left[\alpha Q + \beta\left(1-\frac{C}{C_{max}}\right) + \gamma\,\frac{L_{max}-L}{L_{max}}\right] - P_{fail}$,
with $T$ the contract price, $Q$ quality, $C/C_{max}$ the hours worked over twice the nominal
effort, $L$ the latency and $L_{max}$ the deadline; late or failed work forfeits $P_{fail}$.
A worker's break-even ask is its cost over that multiplier.

**The planner** sees declared skills and rates only, never speed or the know-how a worker gains
on a skill it just used, and makes at most `planner_capacity` assignments a step. The **optimum**
knows everything (an exact assignment problem).
"""
    params = (
        Param("workers", 20, "number of workers (a step takes ~1 s at 10,000)", low=1, high=10_000),
        Param("mechanism", "market", "who hands out tasks (omniscient: the exact assignment with true numbers)",
              choices=("market", "planner", "omniscient"), aliases=("allocator",)),
        Param("rule", "second", "auction payment: second (Vickrey, capped by the reserve) or first",
              choices=("second", "first")),
        Param("strategy", "truthful", "how workers ask (and declare their rate to a planner); qlearn and exp3 "
              "learn a markup (market only)", choices=("truthful", "shade", "zic", "noisy", *SELLER_LEARNERS)),
        Param("shading", 0.2, "shade: ask (1 + shading) x break-even price", low=0, high=2),
        Param("noise", 0.2, "sigma of the noisy strategy's multiplicative noise", low=0, high=2),
        Param("arrival_rate", 0.2, "tasks posted per step per worker (Poisson mean)", low=0, high=10),
        Param("skills", 4, "number of distinct skills", low=1, high=50),
        Param("skills_per_worker", 2, "skills each worker has", low=1, high=50),
        Param("min_effort", 2.0, "smallest task, hours", low=0.1, high=1000),
        Param("max_effort", 12.0, "largest task, hours", low=0.1, high=1000),
        Param("tacit", 0.5, "speed-up on a skill the worker's last task also needed", low=0, high=5),
        Param("reserve_ratio", 0.8, "a task's reserve price as a share of its value", low=0.01, high=1),
        Param("alpha", 0.6, "reward weight of quality", low=0, high=1),
        Param("beta", 0.2, "reward weight of cost (hours)", low=0, high=1),
        Param("gamma", 0.2, "reward weight of latency", low=0, high=1),
        Param("penalty", 0.5, "share of the price forfeited (and of the value lost) by late or failed work",
              low=0, high=1),
        Param("min_quality", 0.5, "work of lower quality fails", low=0, high=1),
        Param("planner_capacity", 5, "assignments the planner can make per step", low=1, high=100_000),
        Param("urgent_at", 0, "step at which a burst of urgent tasks arrives (0: never)", low=0, high=1_000_000),
        Param("urgent_tasks", 10, "tasks in the urgent burst", low=1, high=100_000),
        *seller_params(LEARNING_PARAMS),
    )

    @classmethod
    def check(cls, values) -> None:
        """Refuse reward weights that do not sum to 1, more skills per worker than skills, learning sellers
        without the market, and min_effort above max_effort."""
        check_weights(values["alpha"], values["beta"], values["gamma"])
        if values["skills_per_worker"] > values["skills"]:
            raise ParameterError(f"skills_per_worker ({values['skills_per_worker']}) cannot exceed skills "
                                 f"({values['skills']})")
        if values["strategy"] in SELLER_LEARNERS and values["mechanism"] != "market":
            raise ParameterError(f"strategy={values['strategy']} learns from auction outcomes: it needs "
                                 f"mechanism=market (got {values['mechanism']})")
        if values["min_effort"] > values["max_effort"]:
            raise ParameterError(f"min_effort ({values['min_effort']:g}) cannot exceed max_effort "
                                 f"({values['max_effort']:g})")

    @classmethod
    def money_bound(cls, values, steps):
        """Task budgets are minted as tasks arrive: at most the reserve of the largest task times
        a Poisson count's practical ceiling (mean + 10 sd + 10) a step, plus the urgent burst."""
        mean = values["arrival_rate"] * values["workers"]
        largest = values["reserve_ratio"] * values["max_effort"] * VALUE_HIGH
        burst = values["urgent_tasks"] * largest * URGENT_VALUE if 0 < values["urgent_at"] <= max(steps, 1) else 0.0
        return (steps * (mean + 10 * mean**0.5 + 10) * largest + burst,
                "workers x arrival_rate x max_effort x reserve_ratio (task budgets minted as tasks arrive)")

    # building ---------------------------------------------------------------------------
    def setup(self) -> None:
        """The workers (public skills; private rates U[1, 3], log-normal proficiencies, their own random stream),
        the task book, and the task market of the chosen mechanism; learning sellers' regret for small fleets.
        """
        p = self.scenario
        n, k = p.workers, p.skills
        skills = np.zeros((n, k), dtype=bool)
        for row in skills:
            row[self.rng.choice(k, p.skills_per_worker, replace=False)] = True
        contract = TaskContract(p.alpha, p.beta, p.gamma, p.penalty, p.min_quality)
        strategy = self._strategy()
        # The workers' random choices draw from their own stream, so the world (workers and
        # task arrivals) is the same for every allocator under one seed: common random numbers.
        own_stream = np.random.default_rng(self.rng.integers(2**63))
        self.fleet = Fleet(skills, self.rng.uniform(COST_LOW, COST_HIGH, n), self.rng.lognormal(0.0, 0.4, (n, k)),
                           p.tacit, strategy, contract, own_stream)
        self.book = TaskBook()
        self.workers = [Worker(self, self.fleet, i) for i in range(n)]
        makers = {"market": lambda: AuctionTaskMarket(self, self.book, self.fleet, self.workers, p.rule),
                 "planner": lambda: PlannerTaskMarket(self, self.book, self.fleet, self.workers, p.planner_capacity),
                 "omniscient": lambda: OmniscientTaskMarket(self, self.book, self.fleet, self.workers, self.true_surplus)}
        self.market = makers[p.mechanism]()
        self.add_market(self.market)
        self.wins = np.zeros((n, k), dtype=np.int64)
        self.urgent = np.zeros(0, dtype=np.int64)
        self.adapt_steps = self.urgent_served = float("nan")
        self.regret = Regret(n, p.grid) if strategy.learns and n <= REGRET_MAX_WORKERS else None
        self._reset_step_figures()

    def _strategy(self):
        p = self.scenario
        if p.strategy not in SELLER_LEARNERS:
            return make_strategy(p.strategy, shading=p.shading, noise=p.noise)
        stream = np.random.default_rng(self.rng.bit_generator.seed_seq.spawn(1)[0])   # leaves the world's alone
        return LearningSeller(p.strategy, grid=p.grid, max_markup=p.max_markup, rng=stream,
                              learning_rate=p.learning_rate, exploration=p.exploration, decay=p.exploration_decay,
                              discount=p.discount, initial_q=p.initial_q,
                              reward_scale=p.max_effort * VALUE_HIGH * URGENT_VALUE)

    def environment(self) -> None:
        """Expire the tasks that can no longer finish on time, post this step's Poisson arrivals (their budgets
        minted to the owner), and the urgent burst at urgent_at."""
        p, now = self.scenario, self.steps
        self.book.expire(now)
        self._post(self.rng.poisson(p.arrival_rate * p.workers), urgent=False)
        if now == p.urgent_at:
            self.urgent = self._post(p.urgent_tasks, urgent=True)

    def _post(self, count: int, urgent: bool) -> np.ndarray:
        p, rng = self.scenario, self.rng
        effort = rng.uniform(p.min_effort, p.max_effort, count)
        skill_a = rng.integers(0, p.skills, count)
        second = (rng.random(count) < SECOND_SKILL) & (p.skills > 1)
        skill_b = np.where(second, (skill_a + rng.integers(1, max(p.skills, 2), count)) % p.skills, NO_SKILL)
        slack = np.ones(count, dtype=np.int64) if urgent else rng.integers(1, 5, count)
        value = effort * rng.uniform(VALUE_LOW, VALUE_HIGH, count) * (URGENT_VALUE if urgent else 1.0)
        reserve = p.reserve_ratio * value
        ids = self.book.post(arrival=self.steps, effort=effort, deadline=np.ceil(effort / HOURS_PER_STEP) + slack,
                             value=value, reserve=reserve, skill_a=skill_a, skill_b=skill_b, urgent=urgent)
        budget = sum(to_units(r) for r in reserve)
        if budget:
            self.ledger.mint(self.market.account, budget, market="tasks", kind="task budget")
        return ids

    # the observer -------------------------------------------------------------------------
    def observe(self) -> None:
        """Welfare: the true surplus of this step's assignments (value delivered minus the workers' true costs).
        Optimum: the exact assignment of the same open tasks to the same free workers. Also throughput,
        latency, quality, regret."""
        book, market, now = self.book, self.market, self.steps
        self._reset_step_figures()
        assigned = market.assigned
        terms = self.fleet.true_terms(book, assigned, book.worker[assigned], now)
        book.set(assigned, cost=terms.cost, delivered=self._delivered(assigned, terms))
        self.welfare = float((book.delivered[assigned] - book.cost[assigned]).sum())
        self.optimum = self._optimum(*market.last_round, now)
        if self.regret is not None:
            self._score_sellers(market, now)
        np.add.at(self.wins, (book.worker[assigned], book.skill_a[assigned]), 1)

        done = market.delivered
        if done.size:
            self.throughput = int(done.size)
            self.mean_latency = float((now - book.arrival[done]).mean())
            self.quality = float(book.quality[done].mean())
            self.value_delivered = float(book.delivered[done].sum())
            self.cost_incurred = float(book.cost[done].sum())
        self.backlog = len(book.open)
        if self.urgent.size and np.isnan(self.adapt_steps) and not (book.state[self.urgent] == OPEN).any():
            self.adapt_steps = now - self.scenario.urgent_at + 1
            self.urgent_served = float((book.worker[self.urgent] >= 0).mean())

    def _score_sellers(self, market, now: int) -> None:
        """Each learning worker's profit this round against what every markup of its grid
        would have won it, everyone else's asks as they were (the observer's exact regret)."""
        markups = self.fleet.strategy.markups
        counterfactual = np.zeros((len(self.fleet), len(markups)))
        realised = np.zeros(len(self.fleet))
        column = {int(w): c for c, w in enumerate(market.sellers)}
        for chunk, asks, available in market.last_auctions:
            cost, multiplier = self.fleet.true_tables(self.book, chunk, market.sellers, now)
            with np.errstate(divide="ignore", invalid="ignore"):
                breakeven = np.where(multiplier > 0, cost / multiplier, np.nan)
            for row in np.flatnonzero(np.isin(chunk, market.assigned)):
                task = chunk[row]
                worker = int(self.book.worker[task])
                col = column[worker]
                realised[worker] += self.book.price[task] * multiplier[row, col] - cost[row, col]
            for col, worker in enumerate(market.sellers):
                if not available[col] or np.isnan(asks[:, col]).all():
                    continue
                candidates = np.where(np.isnan(asks[:, col]), np.nan, breakeven[:, col])[None, :] \
                    * (1 + markups[:, None])
                jobs, prices = procurement_counterfactual(asks, self.book.reserve[chunk], self.scenario.rule,
                                                          available, col, candidates)
                k = np.flatnonzero(jobs >= 0)
                counterfactual[worker, k] = prices[k] * multiplier[jobs[k], col] - cost[jobs[k], col]
        self.regret.add(counterfactual, realised)

    def _delivered(self, tasks, terms) -> np.ndarray:
        """True value the fleet gets: value x quality, none if failed, (1 - penalty) of it if late
        (``tasks`` broadcasts against the terms, as in Fleet.true_terms)."""
        p, book = self.scenario, self.book
        late = self.steps + terms.duration - book.arrival[tasks] > book.deadline[tasks]
        worth = book.value[tasks] * terms.quality * np.where(late, 1.0 - p.penalty, 1.0)
        return np.where(terms.quality < p.min_quality, 0.0, worth)

    def true_surplus(self, tasks: np.ndarray, workers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The (tasks x workers) table of true surplus if each worker took each task now
        (NaN where it lacks the skills), and of the true break-even price, cost over the
        share of the price it would be paid (inf where it cannot profit). Observer only."""
        row, col = np.nonzero(self.fleet.able(self.book, tasks[:, None], workers[None, :]))
        terms = self.fleet.true_terms(self.book, tasks[row], workers[col], self.steps)
        surplus = np.full((tasks.size, workers.size), np.nan)
        surplus[row, col] = self._delivered(tasks[row], terms) - terms.cost
        breakeven = np.full(surplus.shape, np.inf)
        paid = terms.multiplier > 0
        breakeven[row[paid], col[paid]] = terms.cost[paid] / terms.multiplier[paid]
        return surplus, breakeven

    def _optimum(self, tasks: np.ndarray, free: np.ndarray, now: int) -> float:
        """The best total surplus from this step's open tasks and free workers (exact).

        A task left waiting counts again in the next step's optimum, so summed over a run
        this overstates what a slow allocator left on the table; compare runs against
        ``mechanism=omniscient`` on the same seed for that."""
        if tasks.size * free.size > MAX_ASSIGNMENT_CELLS:
            return float("nan")
        return optimal_assignment(self.true_surplus(tasks, free)[0])[0]

    def participant_utilities(self) -> np.ndarray:
        """Each worker's payments received minus the true cost of the work it delivered, so far."""
        done = np.flatnonzero(self.book.state == DONE)
        costs = np.bincount(self.book.worker[done], weights=self.book.cost[done], minlength=len(self.fleet))
        return self.trader_balances() - costs

    def _reset_step_figures(self) -> None:
        self.throughput, self.backlog = 0, 0
        self.mean_latency = self.quality = float("nan")
        self.value_delivered = self.cost_incurred = 0.0

    @property
    def specialization(self) -> float:
        """Mean over workers with a win of the Herfindahl index of their wins by skill
        (1: every win in one skill; 1/skills: spread evenly)."""
        totals = self.wins.sum(axis=1)
        active = totals > 0
        if not active.any():
            return float("nan")
        shares = self.wins[active] / totals[active, None]
        return float((shares**2).sum(axis=1).mean())

    def extra_reporters(self):
        """Throughput, backlog, latency, quality, value and cost, the urgent burst, specialisation; learners'
        markups and regret."""
        reporters = {name: name for name in ("throughput", "backlog", "mean_latency", "quality", "value_delivered",
                                             "cost_incurred", "adapt_steps", "urgent_served", "specialization")}
        if self.fleet.strategy.learns:
            reporters["markup:mean"] = lambda m: float(m.fleet.strategy.current_markups().mean())
            reporters["regret:mean"] = lambda m: float(m.regret.regret().mean()) if m.regret else float("nan")
            reporters["regret:max"] = lambda m: float(m.regret.regret().max()) if m.regret else float("nan")
        return reporters
