"""Scenario ``prediction-market``: markets on whether work is delivered on time (seed 001, Problem 3),
on the task-auction machinery, and an owner that discounts asks by their prices."""

import numpy as np

from agents import make_strategy
from agents.forecasters import BETTING, Forecasters
from agents.prediction_market import FORECASTS, LIVE, ForecastTaskMarket, PredictionMarket
from agents.worker import COST_HIGH, COST_LOW, UncertainFleet, Worker
from model.ledger import to_units
from model.mechanisms import SCORING_RULES, optimal_assignment
from model.mechanisms.planners import MAX_ASSIGNMENT_CELLS
from model.params import Param, ParameterError
from model.reward import TaskContract, check_weights
from model.tasks import TaskBook
from scenarios.task_auction import VALUE_HIGH, TaskAuctionModel

#: Reliability-diagram bins of the forecasts (the columns calib_n:<bin> and calib_yes:<bin>).
BINS = 10
_SHARED = ("rule", "arrival_rate", "skills", "skills_per_worker", "min_effort", "max_effort", "tacit",
           "reserve_ratio", "alpha", "beta", "gamma", "penalty", "min_quality")


class PredictionMarketModel(TaskAuctionModel):
    """task-auction's world (the same tasks and workers under one seed) with uncertain hours, and
    prediction markets on every candidate's on-time delivery; see the explanation below and
    :mod:`agents.prediction_market` for who pays what.

    The observer scores each step's assignments by their expected true surplus, value x quality x
    (1 - penalty x (1 - true chance)) - true cost, against the exact assignment of the open tasks to
    the free workers on the same numbers (linear_sum_assignment); ``realized_welfare`` is what the
    tasks delivered this step actually earned.
    """

    name = "prediction-market"
    summary = "LMSR markets on each candidate's on-time delivery; the owner discounts asks by their prices"
    default_steps = 200
    participant_types = (Worker,)
    explanation = r"""
**Question.** "Will worker $i$ deliver task $j$ by its deadline?" A task's hours are uncertain,
$h\,e^{\sigma Z}$, and other work takes a private share $\ell$ of a worker's hours, so its true
chance is $\Phi\big(\ln(4S(1-\ell)/h)/\sigma\big)$ with $S$ the steps left; asks price the work
alone. An **overpromiser** believes, claims and bets as if $h$ were $h/(1+\text{optimism})$; others
hold noisy signals of the truth.

**Market maker (Hanson's LMSR).** $C(q)=b\ln\sum_k e^{q_k/b}$, prices $p=\mathrm{softmax}(q/b)$, a
trade $\Delta$ costs $C(q+\Delta)-C(q)$, worst-case loss $b\ln 2$, escrowed by the task owner's
forecasting account when a market opens. Or the constant-product rule $(C-q_0)(C-q_1)=L^2$ with
$L=b\ln 2$ (the same worst-case loss). Traders move the price toward their belief within their
budget (myopic), or bet as log-utility (Kelly) bettors.

**Use of the price.** A market opens on each of the `candidates` lowest asks when a task is
auctioned; the owner scores $a_i+\text{penalty}\cdot v\,(1-\pi_i)$ with $\pi_i$ = 1 (none), the
claim, the market's price, or the truth, and the lowest score wins (second-score payment). The
chosen market trades until the task closes and settles through the ledger; the others are refunded.
"""
    params = (
        Param("workers", 20, "number of workers (a step takes ~1 s at 10,000 without markets, ~3 s with)",
              low=2, high=10_000),
        Param("forecast", "market", "what discounts asks: none, claims (face value), market (prices) or truth",
              choices=FORECASTS),
        Param("market_maker", "lmsr", "cost rule of the market maker: lmsr or constant-product (L = b ln 2)",
              choices=tuple(SCORING_RULES)),
        Param("liquidity", 1.0, "LMSR b, credits (worst-case loss b ln 2 per market)", low=0.01, high=1000),
        Param("betting", "myopic", "how traders bet: myopic (risk neutral) or kelly (log utility)", choices=BETTING),
        Param("candidates", 3, "lowest asks per task that get a market", low=1, high=20),
        Param("traders", 4, "other workers trading in each market", low=0, high=50),
        Param("rounds", 2, "trading rounds before the owner decides", low=1, high=20),
        Param("bet_budget", 1.0, "most a trader spends in one market per session (the opening rounds, or a later "
              "step), credits", low=0.01, high=1000),
        Param("stake", 20.0, "credits each worker starts with to bet", low=0, high=1e6),
        Param("overpromisers", 0.3, "share of workers that overpromise", low=0, high=1),
        Param("optimism", 2.0, "an overpromiser acts as if it needed 1 / (1 + optimism) of its hours", low=0,
              high=10),
        Param("surprise", 0.8, "sigma of a task's hidden difficulty (log hours)", low=0, high=3),
        Param("load", 0.8, "most of a worker's hours its other work takes (each its own U[0, load], private)",
              low=0, high=0.9),
        Param("signal_noise", 0.5, "sd of an outsider's signal on the log-odds scale (x2 without the skill)",
              low=0, high=5),
        *(p for p in TaskAuctionModel.params if p.name in _SHARED),
        Param("exact_optimum", True, "solve the exact assignment each step (false: leave optimum empty)"),
    )

    @classmethod
    def check(cls, values) -> None:
        check_weights(values["alpha"], values["beta"], values["gamma"])
        if values["skills_per_worker"] > values["skills"]:
            raise ParameterError(f"skills_per_worker ({values['skills_per_worker']}) cannot exceed skills "
                                 f"({values['skills']})")
        if values["min_effort"] > values["max_effort"]:
            raise ParameterError(f"min_effort ({values['min_effort']:g}) cannot exceed max_effort "
                                 f"({values['max_effort']:g})")

    @classmethod
    def money_bound(cls, values, steps):
        """Task budgets (as task-auction), the workers' stakes, and the subsidies: at most one
        market's worst-case loss per candidate of every task open at once, plus one per delivery."""
        mean = values["arrival_rate"] * values["workers"]
        tasks = steps * (mean + 10 * mean**0.5 + 10)
        largest = values["reserve_ratio"] * values["max_effort"] * VALUE_HIGH
        longest = np.ceil(values["max_effort"] / 4) + 5
        subsidy = values["liquidity"] * np.log(2) + 1e-6
        markets = tasks + values["workers"] + values["candidates"] * (mean + 10 * mean**0.5 + 10) * longest
        return (float(tasks * largest + values["workers"] * values["stake"] + markets * subsidy),
                "workers x arrival_rate x max_effort x reserve_ratio (task budgets), workers x stake, "
                "and liquidity x candidates (market subsidies)")

    # building ---------------------------------------------------------------------------------------
    def setup(self) -> None:
        p, rng = self.scenario, self.rng
        n, k = p.workers, p.skills
        skills = np.zeros((n, k), dtype=bool)
        for row in skills:
            row[rng.choice(k, p.skills_per_worker, replace=False)] = True
        contract = TaskContract(p.alpha, p.beta, p.gamma, p.penalty, p.min_quality)
        own_stream = np.random.default_rng(rng.integers(2**63))      # task-auction's draws, in its order
        rate, proficiency = rng.uniform(COST_LOW, COST_HIGH, n), rng.lognormal(0.0, 0.4, (n, k))
        # Spawned, not drawn, so that the task arrivals stay task-auction's under the same seed.
        streams = [np.random.default_rng(s) for s in rng.bit_generator.seed_seq.spawn(4)]
        self._world, traders, arrivals, over = streams     # hidden difficulty; who trades; order; overpromisers
        optimism = np.zeros(n)
        optimism[over.permutation(n)[: int(round(p.overpromisers * n))]] = p.optimism
        load = over.uniform(0.0, p.load, n)
        self.difficulty = np.zeros(0)
        self.fleet = UncertainFleet(skills, rate, proficiency, p.tacit, make_strategy("truthful"), contract, own_stream,
                                    surprise=p.surprise, optimism=optimism, load=load,
                                    difficulty=lambda task: self.difficulty[task])
        self.book = TaskBook()
        self.workers = [Worker(self, self.fleet, i) for i in range(n)]
        accounts = np.array([w.account for w in self.workers], dtype=np.int64)
        for worker in self.workers:
            if p.stake:
                self.ledger.mint(worker.account, to_units(p.stake), kind="betting stake")
        rule = SCORING_RULES[p.market_maker]
        self.liquidity = p.liquidity * (np.log(2) if p.market_maker == "constant-product" else 1.0)
        self.bound = float(rule.max_loss(self.liquidity))
        self.predictions = None
        if p.forecast == "market":
            forecasters = Forecasters(self.fleet, self.book, rule, p.betting, p.traders, p.signal_noise, traders)
            self.sponsor = self.ledger.open_account("owner:forecasts")
            self.predictions = PredictionMarket(self, self.book, forecasters, rule, self.liquidity, accounts,
                                                self.sponsor, p.bet_budget, arrivals)
        self.market = ForecastTaskMarket(self, self.book, self.fleet, self.workers, p.rule, p.forecast, p.candidates,
                                         p.penalty, self.predictions, p.rounds)
        self.add_market(self.market)
        if self.predictions is not None:
            self.add_market(self.predictions)
        self.overpromiser = self.fleet.true_overpromisers()
        self.forecast_of = np.full(0, np.nan)      # per task: the forecast scored (close price or the one used)
        self.claim_of, self.truth_of = np.zeros(0), np.zeros(0)
        self._scores = np.zeros(3)                # squared errors of forecast, claims, truth
        self._scored = self._forecasted = 0
        self.calibration = np.zeros((2, BINS), dtype=np.int64)
        self.delivered_total = self.on_time_total = self.assigned_total = self.to_overpromisers = 0
        self.mm_loss = self.forecast_cost = self.worst_loss = 0.0
        self.wins = np.zeros((n, k), dtype=np.int64)
        self._reset_step_figures()
        self.realized_welfare = 0.0
        self.on_time = float("nan")

    def environment(self) -> None:
        self.book.expire(self.steps)
        self._post(self.rng.poisson(self.scenario.arrival_rate * self.scenario.workers), urgent=False)
        fresh = len(self.book) - len(self.difficulty)   # the world's hidden difficulty of each new task
        self.difficulty = np.concatenate([self.difficulty, self._world.standard_normal(fresh)])
        for name in ("forecast_of", "claim_of", "truth_of"):
            setattr(self, name, np.concatenate([getattr(self, name), np.full(fresh, np.nan)]))

    # the observer -----------------------------------------------------------------------------------
    def expected_surplus(self, tasks, workers) -> np.ndarray:
        """True expected surplus of ``workers`` starting ``tasks`` now (broadcast): value x quality,
        (1 - penalty) of it if late, weighted by the true chance, none below min_quality, minus cost."""
        p, book = self.scenario, self.book
        terms = self.fleet.true_terms(book, tasks, workers, self.steps)
        chance = self.fleet.true_on_time(book, tasks, workers, self.steps)
        worth = book.value[tasks] * terms.quality * (1.0 - p.penalty * (1.0 - chance))
        return np.where(terms.quality < p.min_quality, 0.0, worth) - terms.cost * self.fleet.expected_hours_factor()

    def observe(self) -> None:
        book, market, now = self.book, self.market, self.steps
        self._reset_step_figures()
        assigned, workers = market.assigned, book.worker[market.assigned]
        self.welfare = float(self.expected_surplus(assigned, workers).sum())
        tasks, free = market.last_round
        cells = tasks.size * free.size
        if cells > MAX_ASSIGNMENT_CELLS or not self.scenario.exact_optimum:
            self.optimum = float("nan")
        else:
            row, col = np.nonzero(self.fleet.able(book, tasks[:, None], free[None, :]))
            table = np.full((tasks.size, free.size), np.nan)
            table[row, col] = self.expected_surplus(tasks[row], free[col])
            self.optimum = optimal_assignment(table)[0]
        self.truth_of[assigned] = self.fleet.true_on_time(book, assigned, workers, now)
        self.claim_of[assigned] = market.claim
        if self.scenario.forecast in ("claims", "truth"):
            self.forecast_of[assigned] = market.chance
        self.assigned_total += assigned.size
        self.to_overpromisers += int(self.overpromiser[workers].sum())
        np.add.at(self.wins, (workers, book.skill_a[assigned]), 1)
        self._score_markets()
        self._score_deliveries(market.delivered, now)
        self.backlog = len(book.open)

    def _score_markets(self) -> None:
        self.mm_loss = 0.0
        if self.predictions is None:
            return
        pm = self.predictions
        settled = pm.settled
        self.forecast_of[pm.table.task[settled]] = pm.table.close_price[settled]
        losses = pm.loss(settled)
        self.mm_loss = float(losses.sum())
        self.forecast_cost += self.mm_loss
        if losses.size:
            self.worst_loss = max(self.worst_loss, float(losses.max()) / self.bound)

    def _score_deliveries(self, done: np.ndarray, now: int) -> None:
        p, book = self.scenario, self.book
        self.realized_welfare, self.on_time = 0.0, float("nan")
        if done.size == 0:
            return
        on_time = (book.finish[done] - book.arrival[done] <= book.deadline[done]).astype(float)
        cost = self.fleet.true_rates()[book.worker[done]] * book.hours[done]
        worth = book.value[done] * book.quality[done] * np.where(on_time > 0, 1.0, 1.0 - p.penalty)
        worth = np.where(book.quality[done] < p.min_quality, 0.0, worth)
        book.set(done, cost=cost, delivered=worth)
        self.realized_welfare = float((worth - cost).sum())
        self.throughput, self.on_time = int(done.size), float(on_time.mean())
        self.mean_latency = float((now - book.arrival[done]).mean())
        self.quality = float(book.quality[done].mean())
        self.value_delivered, self.cost_incurred = float(worth.sum()), float(cost.sum())
        self.delivered_total += done.size
        self.on_time_total += int(on_time.sum())
        forecast = self.forecast_of[done]
        self._scores += [np.nansum((forecast - on_time) ** 2), ((self.claim_of[done] - on_time) ** 2).sum(),
                         ((self.truth_of[done] - on_time) ** 2).sum()]
        self._scored += done.size
        scored = ~np.isnan(forecast)
        self._forecasted += int(scored.sum())
        bins = np.minimum((forecast[scored] * BINS).astype(int), BINS - 1)
        np.add.at(self.calibration, (0, bins), 1)
        np.add.at(self.calibration, (1, bins), on_time[scored].astype(np.int64))

    def _brier(self, which: int) -> float:
        count = self._forecasted if which == 0 else self._scored
        return float(self._scores[which] / count) if count else float("nan")

    def _profit(self, group: bool) -> float:
        if self.predictions is None or not (self.overpromiser == group).any():
            return float("nan")
        return float(self.predictions.profit[self.overpromiser == group].mean())

    def extra_reporters(self):
        ratio = lambda a, b: a / b if b else float("nan")  # noqa: E731
        reporters = {name: name for name in ("throughput", "backlog", "mean_latency", "quality", "value_delivered",
                                             "cost_incurred", "realized_welfare", "on_time", "specialization",
                                             "mm_loss", "forecast_cost")}
        reporters.update({
            "on_time_rate": lambda m: ratio(m.on_time_total, m.delivered_total),
            "brier": lambda m: m._brier(0), "brier_claims": lambda m: m._brier(1),
            "brier_truth": lambda m: m._brier(2),
            "mm_loss_ratio_max": lambda m: m.worst_loss if m.predictions is not None else float("nan"),
            "bet_profit_overpromisers": lambda m: m._profit(True), "bet_profit_honest": lambda m: m._profit(False),
            "overpromiser_wins": lambda m: ratio(m.to_overpromisers, m.assigned_total),
            "markets_live": lambda m: int((m.predictions.table.state == LIVE).sum()) if m.predictions else 0,
        })
        for b in range(BINS):
            reporters[f"calib_n:{b}"] = lambda m, b=b: int(m.calibration[0, b])
            reporters[f"calib_yes:{b}"] = lambda m, b=b: int(m.calibration[1, b])
        return reporters
