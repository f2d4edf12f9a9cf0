"""Scenario ``public-goods``: free riding, and the contracts that answer it (seed 001, Problem 1)."""

import numpy as np

from agents.contributors import CONTRIBUTION_STRATEGIES, Contributor, Contributors
from agents.public_goods_market import PublicGoodsMarket
from model.ledger import to_credits, to_units
from model.market import MarketModel
from model.mechanisms import offer_utilities, provision_optimum
from model.mechanisms.public_goods import PROVISION_MECHANISMS
from model.params import Param, ParameterError


class PublicGoodsModel(MarketModel):
    """Each step one public good of cost ``cost`` is proposed to ``agents`` agents.

    Every agent draws a private value U[``value_low``, ``value_high``] for this round's good and
    offers a share of it by its ``strategy`` (a ``free_riders`` share of the agents offer nothing
    whatever the strategy); the market maker decides with ``mechanism`` and settles through
    escrow. The observer scores welfare, built x (sum of values - cost) minus money spent on
    abandoned work, against the exact optimum max(sum of values - cost, 0), and checks each
    mechanism's incentives with the offers the others actually made: ``misreport_gain`` (the
    most any agent would have gained by a random misreport instead of its true value) and, for
    fixed-price pledges, ``dominance_violations`` (agents valuing the good above the price for
    whom pledging does not beat not pledging).
    """

    name = "public-goods"
    summary = "free riding on a public good: voluntary contributions, assurance contracts, Tabarrok, Clarke"
    default_steps = 200
    participant_types = (Contributor,)
    explanation = r"""
**Public good (seed 001, Problem 1).** A good of cost $C$ (a test suite: 40 hours) is worth $v_i$ to
each of $n$ agents; building it is efficient iff $\sum_i v_i \ge C$. Each agent offers $x_i$.

* **Voluntary contributions:** paid up front; built iff $\sum x_i \ge C$ (excess rebated pro rata);
  short, the money pays for abandoned work (or is refunded). Free riding ($x_i=0$) is the
  temptation (Samuelson 1954).
* **Assurance contract:** pledges are escrowed and collected only if $\sum x_i \ge C$ (or, with a
  quorum $Q$, if $Q$ agents pledge $C/Q$ each); otherwise refunded in full (Bagnoli and Lipman 1989).
* **Dominant assurance contract (Tabarrok 1998):** an entrepreneur sells pledges at
  $p = (1+m)C/Q$; if fewer than $Q$ pledge, each pledger gets $p$ back **plus a bonus $b$**. With
  $Q = n$, pledging beats abstaining for anyone with $v_i > p$: pivotal it gains $v_i - p$, otherwise
  $b$. The entrepreneur earns $kp - C$ or loses $kb$.
* **Clarke pivot (Clarke 1971):** shares $c = C/n$; built iff $\sum r_i \ge C$; agent $i$ is pivotal
  if $s_{-i} = \sum_{j\ne i}(r_j - c)$ decides the other way and then pays $|s_{-i}|$. Truthful and
  efficient, not budget-balanced: the taxes leave the group (`budget_surplus`).
"""
    params = (
        Param("agents", 10, "agents who would use the good (a step takes under a second at 100,000)", low=2,
              high=100_000),
        Param("mechanism", "assurance", "how the good is funded", choices=PROVISION_MECHANISMS),
        Param("cost", 40.0, "what the good costs to build, credits (seed 001: 40 hours)", low=0.001, high=1e9),
        Param("value_low", 0.0, "agents' values are uniform on [value_low, value_high], credits", low=0, high=1e9),
        Param("value_high", 10.0, "agents' values are uniform on [value_low, value_high], credits", low=0, high=1e9),
        Param("strategy", "truthful", "how agents offer: all of their value, nothing, a shaded share, or a "
              "learned share", choices=CONTRIBUTION_STRATEGIES),
        Param("free_riders", 0.0, "share of the agents who offer nothing whatever the strategy", low=0, high=1),
        Param("shading", 0.3, "shade: offer (1 - shading) x value", low=0, high=1),
        Param("threshold", "cost", "assurance: built when the pledges cover the cost, or when a count (quorum) of "
              "agents pledge cost/quorum each (dominant-assurance always counts pledgers)", choices=("cost", "count")),
        Param("quorum", 0, "pledgers needed by a counted contract (0: every agent)", low=0, high=100_000),
        Param("shortfall", "waste", "voluntary: contributions short of the cost pay for abandoned work, or are "
              "refunded", choices=("waste", "refund")),
        Param("markup", 0.2, "dominant-assurance: price = (1 + markup) x cost / quorum", low=0, high=100),
        Param("bonus", 0.5, "dominant-assurance: the refund bonus each pledger gets if it fails, credits",
              low=0, high=1e9),
        Param("grid", 10, "learners: offer fractions k/grid, k = 0..grid", low=1, high=200),
        Param("learning_rate", 0.1, "learners: Hedge's eta, Q-learning's alpha", low=1e-6, high=10),
        Param("exploration", 0.1, "learners: Q-learning's epsilon, EXP3's gamma", low=0, high=1),
        Param("budget", 10_000.0, "each agent's starting wallet, credits", low=0, high=1e9),
        Param("entrepreneur_budget", 1_000.0, "dominant-assurance: the entrepreneur's starting wallet, credits",
              low=0, high=1e12),
    )

    @classmethod
    def check(cls, values) -> None:
        """Refuse value_low above value_high, and a quorum larger than the group."""
        if values["value_low"] > values["value_high"]:
            raise ParameterError(f"value_low ({values['value_low']:g}) cannot exceed value_high "
                                 f"({values['value_high']:g})")
        if values["quorum"] > values["agents"]:
            raise ParameterError(f"quorum ({values['quorum']}) cannot exceed agents ({values['agents']}): the "
                                 "contract could never succeed")

    @classmethod
    def money_bound(cls, values, steps):
        """Only the endowments are minted: agents x budget + the entrepreneur's budget."""
        return (values["agents"] * values["budget"] + values["entrepreneur_budget"],
                "agents x budget + entrepreneur_budget (the endowments)")

    def setup(self) -> None:
        """The contributors (a share free_riders of them free riding), their wallets, and the public-goods market
        with its escrow; the entrepreneur's budget under a dominant assurance contract."""
        p = self.scenario
        n = p.agents
        free = np.zeros(n, dtype=bool)
        free[self.rng.permutation(n)[:round(p.free_riders * n)]] = True
        lowest = -max(p.value_high, (1 + p.markup) * p.cost / (p.quorum or n), p.cost / n)
        own_stream = np.random.default_rng(self.rng.integers(2**63))
        self.observer_rng = np.random.default_rng(self.rng.integers(2**63))
        self.population = Contributors(n, p.strategy, free, p.shading, own_stream, grid=p.grid,
                                       learning_rate=p.learning_rate, exploration=p.exploration,
                                       reward_range=(lowest, p.value_high + p.bonus))
        self.contributors = [Contributor(self, i) for i in range(n)]
        accounts = np.array([c.account for c in self.contributors], dtype=np.int64)
        for account in accounts:
            self.ledger.mint(int(account), to_units(p.budget), kind="endowment")
        self.market = PublicGoodsMarket(self, self.population, accounts, p.mechanism, p.cost, threshold=p.threshold,
                                        quorum=p.quorum, shortfall=p.shortfall, markup=p.markup, bonus=p.bonus)
        if p.mechanism == "dominant-assurance":
            self.ledger.mint(self.market.entrepreneur, to_units(p.entrepreneur_budget), kind="endowment")
        self.add_market(self.market)
        self.efficient_provision = False
        self.total_value = 0.0
        self.misreport_gain = self.dominance_violations = float("nan")
        self.free_riding = 0

    def environment(self) -> None:
        """This round's private values, U[value_low, value_high] each."""
        p = self.scenario
        self.population.want(self.rng.uniform(p.value_low, p.value_high, p.agents))

    # the observer: true values --------------------------------------------------------------
    def observe(self) -> None:
        """Welfare: sum v - C if built, 0 if not, less what was wasted. Optimum: build iff sum v >= C
        (provision_optimum). Also free riding, and whether a misreport or not pledging would have paid (the
        mechanism's incentives)."""
        p, market = self.scenario, self.market
        values = self.population.true_values()
        self.optimum, self.efficient_provision = provision_optimum(values, p.cost)
        self.total_value = float(values.sum())
        self.welfare = (self.total_value - p.cost if market.provided else 0.0) - market.wasted
        took = market.took_part
        offers = to_credits(market.offers)
        # A free rider offers nothing for a good it values (with fixed pledges: at least the price).
        price = market.terms["price"]
        wants = values >= price if price is not None else values > 0
        self.free_riding = int(((offers == 0) & wants & took).sum())
        self._check_incentives(values[took], offers[took])

    def _check_incentives(self, values, offers) -> None:
        """With the others' offers fixed: the best gain of a random misreport over the true value
        (U[0, 2 value_high]), and, for fixed-price pledges, who would not gain by pledging."""
        p, terms = self.scenario, self.market.terms
        if not self.market.offered or values.size == 0:
            self.misreport_gain = self.dominance_violations = float("nan")
            return
        others_total = offers.sum() - offers
        others_count = (offers > 0).sum() - (offers > 0)
        price = terms["price"]

        def utility(x):
            if price is not None:
                x = np.where(x >= price, price, 0.0)
            return offer_utilities(p.mechanism, values, x, others_total, others_count, cost=terms["cost"],
                                   agents=terms["agents"], quorum=terms["quorum"], price=price, bonus=terms["bonus"],
                                   shortfall=p.shortfall)

        misreport = self.observer_rng.uniform(0.0, 2.0 * max(p.value_high, 1e-9), values.size)
        self.misreport_gain = float((utility(misreport) - utility(values)).max())
        if price is None:
            self.dominance_violations = float("nan")
            return
        above = values > price
        gain = utility(np.full(values.size, price)) - utility(np.zeros(values.size))
        self.dominance_violations = int((above & (gain <= 0)).sum())

    def extra_reporters(self):
        """The decision and whether it was the efficient one, payments, refunds, bonuses, surplus, pledges,
        incentives."""
        m = lambda attribute: (lambda model: getattr(model.market, attribute))
        return {"provided": lambda model: int(model.market.provided),
                "efficient_provision": lambda model: int(model.efficient_provision), "total_value": "total_value",
                "total_paid": m("paid"), "refunds": m("refunded"), "bonus_paid": m("bonus_paid"),
                "budget_surplus": m("budget_surplus"), "wasted": m("wasted"), "pledged": m("pledged"),
                "pledgers": m("pledgers"), "free_riders": "free_riding",
                "offered": lambda model: int(model.market.offered),
                "wrong_decision": lambda model: int(model.market.provided != model.efficient_provision),
                "paid_unbuilt": lambda model: 0.0 if model.market.provided else model.market.paid,
                "entrepreneur_wealth": lambda model: to_credits(model.ledger.balance(model.market.entrepreneur)),
                "misreport_gain": "misreport_gain", "dominance_violations": "dominance_violations"}
