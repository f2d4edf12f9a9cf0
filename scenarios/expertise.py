"""Scenario ``expertise``: a market for help and code review with a public reputation (seed 001,
Market 3): stuck juniors buy sessions from experts at posted prices; ratings make reputations."""

import numpy as np

from agents.experts import PRICING, Expert, ExpertPool, Junior, Juniors
from agents.help_market import HelpMarket
from model.ledger import to_credits, to_units
from model.market import MarketModel
from model.mechanisms import optimal_assignment
from model.mechanisms.planners import MAX_ASSIGNMENT_CELLS
from model.params import Param, ParameterError
from model.reputation import BetaReputation


class ExpertiseModel(MarketModel):
    """Juniors get stuck; experts of private quality and cost sell help at posted prices.

    Each step: experts who sold no session for ``patience`` steps leave, and a newcomer (fresh
    quality and cost, the prior reputation) takes the seat; each junior is stuck with chance
    ``stuck_rate``, with a private value of being unstuck U[value_low, value_high] (the completion
    bonus it then earns); the platform runs the posted-price market (:class:`HelpMarket`).

    The observer scores the sessions by their expected true surplus, value x quality - cost (and
    the ring's sessions by the time they waste), against the exact best matching of this step's
    stuck juniors to the experts' session slots on the true numbers (linear_sum_assignment).
    """

    name = "expertise"
    summary = "juniors buy help at posted prices from experts of hidden quality; a beta reputation from ratings"
    default_steps = 200
    participant_types = (Junior, Expert)
    explanation = r"""
**Help sessions (seed 001, Market 3).** Expert $e$ has a hidden quality $\theta_e$ (the chance a
session gets a junior unstuck) and a cost $c_e$ per session. Junior $j$, stuck, values being
unstuck at $v_j$. Experts **post prices** (a junior weighs price and quality with its own value,
which an auction on price alone would ignore): $p_e=\max(c_e,\ \mu\,r_e\,\bar v)$ with $r_e$ the
public reputation and $\mu$ the markup (or a markup learned by EXP3). A junior buys from the $e$
maximising $v_j r_e - p_e > 0$ among those with time left.

**Beta reputation (Jøsang and Ismail 2002).** Prior $\mathrm{Beta}(a_0, b_0)$ with mean the
population's mean quality; after $r$ good and $f$ bad ratings the reputation is
$r_e=(a_0+r)/(a_0+b_0+r+f)$. New experts start at the prior; an expert with no sale for
`patience` steps leaves. A **ring** of experts can rate each other: free if ratings are not tied to
paid sessions, or through paid sessions that take their time (`verified`).

**Yardstick.** The exact matching of stuck juniors to session slots by $v_j\theta_e-c_e$.
"""
    params = (
        Param("juniors", 100, "juniors who may get stuck", low=1, high=100_000),
        Param("experts", 20, "seats for experts", low=2, high=10_000),
        Param("stuck_rate", 0.3, "chance a junior is stuck in a step", low=0, high=1),
        Param("value_low", 2.0, "lowest value of being unstuck, credits", low=0, high=1e6),
        Param("value_high", 12.0, "highest value of being unstuck, credits", low=0, high=1e6),
        Param("quality_low", 0.1, "lowest true quality of an expert", low=0, high=1),
        Param("quality_high", 0.9, "highest true quality of an expert", low=0, high=1),
        Param("cost_low", 0.5, "lowest cost of a session to an expert, credits", low=0, high=1e6),
        Param("cost_high", 2.0, "highest cost of a session to an expert, credits", low=0, high=1e6),
        Param("capacity", 2, "sessions an expert can give in a step", low=1, high=100),
        Param("reputation", "beta", "what juniors see: beta (a public reputation) or none (prices only)",
              choices=("beta", "none")),
        Param("prior_strength", 2.0, "ratings the prior is worth (a0 + b0)", low=0.01, high=1000),
        Param("forgetting", 1.0, "weight a rating keeps per step (1: never forgotten)", low=0.5, high=1),
        Param("pricing", "reputation", "experts price by reputation with a fixed markup, or learn the markup",
              choices=PRICING),
        Param("markup", 0.5, "share of a junior's expected gain an expert charges", low=0, high=1),
        Param("patience", 10, "steps without a sale before an expert leaves", low=1, high=1_000_000),
        Param("ring", 0, "experts (the lowest-quality ones) in a ring that rate each other", low=0, high=10_000),
        Param("ring_ratings", 2, "good ratings each ring member gives per step", low=0, high=100),
        Param("verified", False, "ratings only from paid sessions (a ring must buy its own sessions)"),
        Param("budget", 20.0, "each junior's starting wallet, credits", low=0, high=1e6),
        Param("exact_optimum", True, "solve the exact matching each step (false: leave optimum empty)"),
    )

    @classmethod
    def check(cls, values) -> None:
        for low, high in (("value_low", "value_high"), ("quality_low", "quality_high"), ("cost_low", "cost_high")):
            if values[low] > values[high]:
                raise ParameterError(f"{low} ({values[low]:g}) cannot exceed {high} ({values[high]:g})")
        if not 0 < (values["quality_low"] + values["quality_high"]) / 2 < 1:
            raise ParameterError("quality_low and quality_high must leave the mean quality strictly between 0 and 1")
        if values["ring"] == 1 or values["ring"] > values["experts"]:
            raise ParameterError(f"ring ({values['ring']}) must be 0 or from 2 to experts ({values['experts']}): "
                                 "a ring needs two members to rate each other")
        pairs = values["juniors"] * values["experts"]
        if pairs > 20_000_000:
            raise ParameterError(f"juniors x experts = {pairs:,}: each step ranks every expert for every stuck "
                                 "junior; keep juniors x experts under 20 million")

    @classmethod
    def money_bound(cls, values, steps):
        return (values["juniors"] * (values["budget"] + steps * values["value_high"]),
                "juniors x (budget + steps x value_high) (wallets and completion bonuses minted)")

    def setup(self) -> None:
        p = self.scenario
        streams = [np.random.default_rng(s) for s in self.rng.bit_generator.seed_seq.spawn(4)]
        self._newcomers, queue, choices, learning = streams
        self.prior_mean = (p.quality_low + p.quality_high) / 2
        self.mean_value = (p.value_low + p.value_high) / 2
        reward_max = p.capacity * max(p.cost_high, p.value_high)
        self.pool = ExpertPool(p.capacity, p.markup, self.mean_value, p.pricing, p.experts, learning, reward_max)
        self.reputation = BetaReputation(self.prior_mean, p.prior_strength, p.forgetting) \
            if p.reputation == "beta" else None
        self.juniors = Juniors(p.juniors, choices)
        self.junior_agents = [Junior(self, i) for i in range(p.juniors)]
        for junior in self.junior_agents:
            if p.budget:
                self.ledger.mint(junior.account, to_units(p.budget), kind="wallet")
        self.seats = [Expert(self, s) for s in range(p.experts)]
        self.expert_account: list[int] = []
        quality = self.rng.uniform(p.quality_low, p.quality_high, p.experts)
        cost = self.rng.uniform(p.cost_low, p.cost_high, p.experts)
        ring = np.zeros(p.experts, dtype=bool)
        ring[np.argsort(quality, kind="stable")[:p.ring]] = True
        for seat in self.seats:
            self._seat(seat, quality[seat.seat], cost[seat.seat], bool(ring[seat.seat]))
        self.market = HelpMarket(self, self.pool, self.juniors, [j.account for j in self.junior_agents],
                                 self.expert_account, self.reputation, self.prior_mean, p.ring_ratings, p.verified,
                                 queue)
        self.add_market(self.market)
        self.exits = 0
        self.realized_welfare = self.rank_correlation = self.high_quality_share = float("nan")
        self.sessions = self.stuck = 0

    def _seat(self, seat: Expert, quality: float, cost: float, ring: bool) -> None:
        row = self.pool.join(seat.seat, quality, cost, ring, self.steps)
        if self.reputation is not None:
            self.reputation.register(1)
        account = self.ledger.open_account(f"expert:{row}")
        self.expert_account.append(account)
        seat.take(row, account)

    def environment(self) -> None:
        p, pool = self.scenario, self.pool
        for row in pool.active[pool.idle[pool.active] >= p.patience]:
            pool.leave(int(row))
            self.exits += 1
            self._seat(self.seats[int(pool.seat[row])], self._newcomers.uniform(p.quality_low, p.quality_high),
                       self._newcomers.uniform(p.cost_low, p.cost_high), False)
        n = p.juniors
        self.juniors.get_stuck(self.rng.random(n) < p.stuck_rate, self.rng.uniform(p.value_low, p.value_high, n),
                               self.rng.random(n))

    # the observer -----------------------------------------------------------------------------------
    def observe(self) -> None:
        p, pool = self.scenario, self.pool
        buyers, rows, _, success = self.market.sold
        value = self.juniors.true_values(buyers)
        quality, cost = pool.true_quality(rows), pool.true_cost(rows)
        wasted = pool.true_cost(self.market.fake[1]).sum()
        self.welfare = float((value * quality - cost).sum() - wasted)
        self.realized_welfare = float((value * success - cost).sum() - wasted)
        stuck = np.flatnonzero(self.juniors.stuck)
        active = pool.active
        self.stuck, self.sessions = int(stuck.size), int(buyers.size)
        if stuck.size * active.size * p.capacity > MAX_ASSIGNMENT_CELLS or not p.exact_optimum:
            self.optimum = float("nan")
        else:
            slots = np.repeat(active, p.capacity)
            table = self.juniors.true_values(stuck)[:, None] * pool.true_quality(slots)[None, :] \
                - pool.true_cost(slots)[None, :]
            self.optimum = optimal_assignment(table)[0]
        self.high_quality_share = float((quality >= self.prior_mean).mean()) if rows.size else float("nan")
        self.rank_correlation = self._rank_correlation(active)

    def _rank_correlation(self, active: np.ndarray) -> float:
        """Spearman's rank correlation of the experts' reputations with their true qualities."""
        if self.reputation is None or active.size < 3:
            return float("nan")
        from scipy.stats import spearmanr

        standing = self.reputation.mean(active)
        if np.ptp(standing) == 0:
            return float("nan")
        return float(spearmanr(standing, self.pool.true_quality(active)).statistic)

    def trader_balances(self) -> np.ndarray:
        accounts = [j.account for j in self.junior_agents] + [s.account for s in self.seats]
        return to_credits(self.ledger.balances[accounts])

    def extra_reporters(self):
        pool = self.pool

        def ring_share(m):
            rows = m.market.sold[1]
            return float(pool.ring[rows].mean()) if rows.size else float("nan")

        return {
            "sessions": "sessions", "stuck": "stuck", "realized_welfare": "realized_welfare",
            "rank_correlation": "rank_correlation", "high_quality_share": "high_quality_share",
            "mean_quality": lambda m: float(pool.true_quality(pool.active).mean()),
            "success_rate": lambda m: float(m.market.sold[3].mean()) if m.market.sold[3].size else float("nan"),
            "exits": "exits", "ring_share": ring_share, "ring_sessions": lambda m: int(m.market.fake[1].size),
        }
