"""Scenario ``double-auction``: Smith's continuous double auction with induced values."""

import numpy as np

from agents import make_strategy
from agents.double_auction_traders import (DoubleAuctionMarket, DoubleAuctionTrader, Experimenter, InducedTraders,
                                           ZeroIntelligenceUnconstrained)
from agents.learning_bidders import LEARNING_PARAMS, learning_bidder
from model.ledger import to_units
from model.market import MarketModel
from model.params import Param, ParameterError

BUYER_STRATEGIES = ("zic", "truthful", "shade", "noisy", "ziu", "qlearn", "exp3")
SELLER_STRATEGIES = ("zic", "truthful", "shade", "noisy", "ziu")
LEARNERS = ("qlearn", "exp3")


def competitive_equilibrium(values, costs) -> tuple[int, float, float, float]:
    """The competitive equilibrium of unit demands and unit supplies, exactly.

    Rule: sort the values from high to low (the demand schedule) and the costs from low to high
    (the supply schedule); the equilibrium quantity q* is the largest k with v_(k) >= c_(k); a
    price p clears the market when the q* buyers and sellers inside want to trade at p and the
    marginal ones outside do not: max(c_(q*), v_(q*+1)) <= p <= min(v_(q*), c_(q*+1)) (with
    v_(k) = -inf and c_(k) = +inf past the ends). The maximum total surplus, sum over k <= q* of
    v_(k) - c_(k), is what any allocation of the units can achieve at best (Smith, JPE 70(2), 1962;
    the exchange's efficiency is measured against it).

    Returns:
        (q*, lowest clearing price, highest clearing price, maximum surplus).

    Example:
        >>> competitive_equilibrium([150, 130, 110, 90], [50, 70, 90, 110])
        (3, 90.0, 110.0, 180.0)
        >>> competitive_equilibrium([40], [60])   # no trade: any price from 40 to 60 clears
        (0, 40.0, 60.0, 0.0)
    """
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    c = np.sort(np.asarray(costs, dtype=float))
    k = min(v.size, c.size)
    q = int(np.sum(v[:k] >= c[:k]))   # v falls and c rises, so the pairs that gain come first
    at = lambda x, i, beyond: float(x[i]) if 0 <= i < x.size else beyond  # noqa: E731
    low = max(at(c, q - 1, -np.inf), at(v, q, -np.inf))
    high = min(at(v, q - 1, np.inf), at(c, q, np.inf))
    return q, low, high, float((v[:q] - c[:q]).sum())


class DoubleAuctionModel(MarketModel):
    """Each step is one trading period of a continuous double auction.

    ``buyers`` buyers and ``sellers`` sellers each get one unit's private value or cost, induced
    from linear demand and supply schedules (``draw``); traders post bids and asks on an open book
    for ``ticks`` rounds (``strategy`` for buyers, ``seller_strategy`` for sellers). The observer
    scores the realised surplus (the buyers' values minus the sellers' costs of the units traded)
    against the competitive equilibrium's, which is the maximum.
    """

    name = "double-auction"
    summary = "Smith's continuous double auction with induced values; ZI-C traders, the equilibrium band"
    default_steps = 50
    participant_types = (DoubleAuctionTrader,)
    explanation = r"""
**Continuous double auction with induced values (Smith 1962).** Each period buyer $i$ may buy one
unit worth $v_i$ to it, seller $j$ may sell one unit costing it $c_j$; bids and asks go on an open
book and a bid that meets the best ask (or an ask the best bid) trades at the standing order's
price. A buyer earns $v_i - p$, a seller $p - c_j$.

**Competitive equilibrium.** Sort values down ($v_{(1)} \ge v_{(2)} \ge \dots$) and costs up; $q^*$
is the largest $k$ with $v_{(k)} \ge c_{(k)}$, any price in
$[\max(c_{(q^*)}, v_{(q^*+1)}),\ \min(v_{(q^*)}, c_{(q^*+1)})]$ clears, and the maximum surplus is
$\sum_{k \le q^*} (v_{(k)} - c_{(k)})$. Efficiency = realised surplus / that maximum.

**Zero intelligence (Gode and Sunder 1993).** ZI-C buyers bid uniformly below their value, sellers
ask uniformly between their cost and the price cap: near-full efficiency with no intelligence at
all. ZI-U traders (uniform on $[0, \text{cap}]$, losses allowed) do much worse. Smith's
$\alpha = 100\,\sigma_0 / P_0$, the root-mean-square deviation of trade prices from the
equilibrium price (the band's midpoint) as a share of it, measures convergence.
"""
    params = (
        Param("buyers", 6, "number of buyers (one unit each per period)", low=1, high=5_000),
        Param("sellers", 6, "number of sellers (one unit each per period)", low=1, high=5_000),
        Param("draw", "shuffled", "induced values: fixed (the same schedule step for each trader every "
              "period), shuffled (the schedule dealt out anew each period) or uniform (i.i.d. on the "
              "schedule's range)", choices=("fixed", "shuffled", "uniform")),
        Param("demand_high", 150.0, "the highest buyer value of the demand schedule", low=0, high=1e6),
        Param("demand_low", 50.0, "the lowest buyer value", low=0, high=1e6),
        Param("supply_low", 50.0, "the lowest seller cost of the supply schedule", low=0, high=1e6),
        Param("supply_high", 150.0, "the highest seller cost", low=0, high=1e6),
        Param("price_cap", 200.0, "the highest price the exchange takes (ZI-C sellers ask up to it)",
              low=0.01, high=1e6),
        Param("strategy", "zic", "how buyers bid (learners: buyers only)", choices=BUYER_STRATEGIES),
        Param("seller_strategy", "same", "how sellers ask", choices=("same", *SELLER_STRATEGIES)),
        Param("shading", 0.1, "shade: bid (1 - shading) x value, ask (1 + shading) x cost", low=0, high=1),
        Param("noise", 0.2, "sigma of the noisy strategy's multiplicative noise", low=0, high=2),
        Param("ticks", 20, "times each trader may post an order in a simulated period", low=1, high=1_000),
        Param("budget", 1_000.0, "each trader's starting wallet, credits", low=0, high=1e9),
        *LEARNING_PARAMS,
    )

    @classmethod
    def check(cls, values) -> None:
        if values["demand_low"] > values["demand_high"] or values["supply_low"] > values["supply_high"]:
            raise ParameterError("demand_low must not exceed demand_high, nor supply_low supply_high")
        if max(values["demand_high"], values["supply_high"]) > values["price_cap"]:
            raise ParameterError("price_cap must be at least demand_high and supply_high (every value and "
                                 "cost must be a price the exchange takes)")
        seller = values["strategy"] if values["seller_strategy"] == "same" else values["seller_strategy"]
        if seller in LEARNERS:
            raise ParameterError(f"{seller} learns to bid, not to ask: choose a seller_strategy")

    @classmethod
    def money_bound(cls, values, steps):
        endowments = (values["buyers"] + values["sellers"]) * values["budget"]
        redemptions = steps * values["buyers"] * values["demand_high"]
        return endowments + redemptions, "(buyers + sellers) x budget + steps x buyers x demand_high (redemptions)"

    def setup(self) -> None:
        p = self.scenario
        own = np.random.default_rng(self.rng.integers(2**63))   # the traders' draws: the world's stay put
        seller = p.strategy if p.seller_strategy == "same" else p.seller_strategy
        self.induced = InducedTraders(p.buyers, p.sellers, self._strategy(p.strategy, own, p.buyers),
                                      self._strategy(seller, own, p.sellers), p.price_cap, own)
        self.members = [DoubleAuctionTrader(self, i, i < p.buyers) for i in range(p.buyers + p.sellers)]
        accounts = np.array([t.account for t in self.members], dtype=np.int64)
        for trader in self.members:
            self.ledger.mint(trader.account, to_units(p.budget), kind="endowment")
        self.market = DoubleAuctionMarket(self, self.induced, accounts, p.ticks, own)
        self.add_market(self.market)
        self.add_exchange(Experimenter(self, self.induced, accounts, self.market))
        self._schedule = (np.linspace(p.demand_high, p.demand_low, p.buyers),
                          np.linspace(p.supply_low, p.supply_high, p.sellers))
        self._drawn_for = -1
        self.equilibrium = (0, float("nan"), float("nan"), 0.0)
        self.trades = self.extramarginal = 0
        self.mean_price = self.smith_alpha = float("nan")

    def _strategy(self, name: str, rng, members: int):
        """One side's strategy object, for ``members`` traders (a learner population gets a row
        for each)."""
        p = self.scenario
        if name == "ziu":
            return ZeroIntelligenceUnconstrained(p.price_cap)
        if name in LEARNERS:
            learner = learning_bidder(name, dict(p), rule="first", reserve=0.0, rng=rng, counterfactual=False)
            for _ in range(members):
                learner.join()
            return learner
        return make_strategy(name, shading=p.shading, noise=p.noise)

    def open_round(self) -> None:
        """Deal the next period's values and open the book before its step: a live class session
        trades between this and :meth:`step` (a simulation deals in the step itself)."""
        if self._drawn_for != self.steps + 1:
            self._deal(self.steps + 1)

    def environment(self) -> None:
        if self._drawn_for != self.steps:   # unless a live round opened already: its values stand
            self._deal(self.steps)

    def _deal(self, period: int) -> None:
        p, rng = self.scenario, self.rng
        values, costs = self._schedule
        if p.draw == "shuffled":
            values, costs = rng.permutation(values), rng.permutation(costs)
        elif p.draw == "uniform":
            values = rng.uniform(p.demand_low, p.demand_high, p.buyers)
            costs = rng.uniform(p.supply_low, p.supply_high, p.sellers)
        self.induced.induce(values, costs)
        self.market.open()
        self._drawn_for = period

    def observe(self) -> None:
        truth = self.induced.true_values()
        buyers = self.scenario.buyers
        self.equilibrium = competitive_equilibrium(truth[:buyers], truth[buyers:])
        q, low, high, best = self.equilibrium
        done = self.market.last_trades
        self.trades = len(done)
        self.welfare = float(sum(truth[b] - truth[s] for b, s, _ in done))
        self.optimum = best
        # extramarginal: a trader outside the equilibrium's q* on its side traded (Gode-Sunder's loss)
        v_cut = np.sort(truth[:buyers])[::-1][q - 1] if q else np.inf
        c_cut = np.sort(truth[buyers:])[q - 1] if q else -np.inf
        self.extramarginal = sum((truth[b] < v_cut) + (truth[s] > c_cut) for b, s, _ in done)
        prices = np.array([price for _, _, price in done])
        self.mean_price = float(prices.mean()) if prices.size else float("nan")
        middle = (low + high) / 2
        self.smith_alpha = (float(100 * np.sqrt(np.mean((prices - middle) ** 2)) / middle)
                            if prices.size and middle > 0 else float("nan"))

    def extra_reporters(self):
        return {"trades": "trades", "mean_price": "mean_price",
                "ce_quantity": lambda m: m.equilibrium[0], "ce_low": lambda m: m.equilibrium[1],
                "ce_high": lambda m: m.equilibrium[2], "smith_alpha": "smith_alpha",
                "extramarginal": "extramarginal"}
