"""Scenario ``efficiency``: seed 000's market vs naive planner vs exact optimum."""

import numpy as np

from agents import MarketMaker, Trader, make_strategy
from agents.strategies import Shade
from model.ledger import to_units
from model.market import MarketModel
from model.mechanisms import arrival_order, density_clear, optimal_allocation
from model.metrics import ratio
from model.params import Param, ParameterError


class EfficiencyModel(MarketModel):
    """Random instances of seed 000's single-resource allocation problem, one per step.

    Each step every agent needs ``q_i`` units (uniform on 1..max_demand) of a
    resource with ``units`` units of supply and values each unit at ``w_i``
    (uniform on [0, 1]). It bids for its whole bundle through its strategy; the
    market clears by value density (:func:`density_clear`). The observer scores
    the market's allocation with TRUE values against the exact knapsack optimum
    (:func:`optimal_allocation`) and against a naive planner that serves
    requests in arrival order (:func:`arrival_order`).

    With ``strategy=shade`` agent i under-reports by its own fraction alpha_i,
    drawn once uniformly from [0, shading]: heterogeneous shading reorders the
    bids, which is what costs welfare (seed 000, Figure 3).
    """

    name = "efficiency"
    summary = "seed 000's experiment: value-density market vs arrival-order planner vs exact optimum"
    participant_types = (Trader,)
    default_steps = 200
    explanation = r"""
**Clearing by value density (seed 000).** Agent $i$ wants $q_i$ units, all or nothing, worth
$w_i$ per unit, and bids $b_i$ for the bundle. Bids are ranked by density $b_i/q_i$ and granted
while they fit in the supply $m$. A winner pays $q_i$ times the per-unit bid of the best request
it displaced, so it never pays more than it bid.

The **optimum** solves the 0/1 knapsack
$\max \sum_i w_i q_i x_i$ s.t. $\sum_i q_i x_i \le m,\ x_i \in \{0,1\}$ exactly (dynamic programming);
the **naive planner** serves requests in arrival order with no prices.
Efficiency $=$ welfare $/$ optimum. Seed 000 claims the market stays near 1 as contention $n/m$
grows while the naive planner decays, and that shading lowers welfare without breaking the
smoothness floor (price of anarchy, Roughgarden 2015).
"""
    params = (
        Param("units", 20, "units of the resource supplied each step (m)", low=1, high=10_000),
        Param("agents", 40, "number of agents requesting units (n)", low=1, high=100_000),
        Param("max_demand", 5, "each request needs 1..max_demand units", low=1, high=1_000),
        Param("strategy", "truthful", "how agents bid", choices=("truthful", "shade", "zic", "noisy")),
        Param("shading", 0.5, "shade: agent i bids (1-alpha_i) x value, alpha_i ~ U[0, shading]", low=0, high=1),
        Param("noise", 0.2, "sigma of the multiplicative noise of the noisy strategy", low=0, high=2),
        Param("budget", 1_000.0, "each agent's starting wallet, credits", low=0, high=1e9),
    )

    @classmethod
    def check(cls, values) -> None:
        """Refuse max_demand above units: every request must fit in the supply."""
        if values["max_demand"] > values["units"]:
            raise ParameterError(f"max_demand ({values['max_demand']}) cannot exceed units ({values['units']}): "
                                 "a request must fit in the supply, or a step can have no feasible request and "
                                 "efficiency is 0 / 0")

    @classmethod
    def money_bound(cls, values, steps):
        """Only the endowments are minted: agents x budget."""
        return values["agents"] * values["budget"], "agents x budget (the endowments)"

    def setup(self) -> None:
        """One market of ``units`` cleared by value density (seed 000's density_clear); requesters with their
        strategies (shade: each its own fraction U[0, shading]) and their budgets."""
        p = self.scenario
        market = MarketMaker(
            self, "units", lambda bids, q, budgets: density_clear(bids, q, p.units, budgets=budgets)
        )
        self.add_market(market)
        if p.strategy == "shade":
            strategies = [Shade(a) for a in self.rng.uniform(0, p.shading, p.agents)]
        else:
            strategies = [make_strategy(p.strategy, noise=p.noise)] * p.agents
        self.requesters = [Trader(self, s, market, name=f"agent:{i}") for i, s in enumerate(strategies)]
        for agent in self.requesters:
            self.ledger.mint(agent.account, to_units(p.budget), kind="endowment")
        self.naive_welfare = 0.0
        self.demand = 0.0

    def environment(self) -> None:
        """Each requester's private value per unit, U[0, 1], and quantity, 1..max_demand."""
        p = self.scenario
        values = self.rng.random(p.agents)
        quantities = self.rng.integers(1, p.max_demand, endpoint=True, size=p.agents)
        for agent, w, q in zip(self.requesters, values, quantities):
            agent.want(float(w), float(q))

    def observe(self) -> None:
        """Welfare: the true values of the requests served. Optimum: the exact 0/1 knapsack (optimal_allocation);
        also seed 000's naive arrival-order planner."""
        # The observer reads true values; the market maker saw bids only.
        p = self.scenario
        per_unit = np.fromiter((a.valuation for a in self.requesters), float, p.agents)
        quantities = np.fromiter((a.quantity for a in self.requesters), float, p.agents)
        true_values = per_unit * quantities
        allocated = self.markets["units"].last_clearing.allocation > 0
        self.welfare = float(true_values[allocated].sum())
        self.optimum, _ = optimal_allocation(true_values, quantities, p.units)
        self.naive_welfare, _ = arrival_order(true_values, quantities, p.units)
        self.demand = float(quantities.sum())

    def extra_reporters(self):
        """The arrival-order planner's welfare and efficiency, contention agents / units, total demand."""
        return {
            "naive_welfare": "naive_welfare",
            "naive_efficiency": lambda m: ratio(m.naive_welfare, m.optimum),
            "contention": lambda m: m.scenario.agents / m.scenario.units,
            "demand": "demand",
        }
