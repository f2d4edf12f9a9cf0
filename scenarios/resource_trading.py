"""Scenario ``resource-trading``: a fleet shares tool slots, API rate and GPU quota through a
congestion-priced AMM, a continuous double auction, tâtonnement or seed 000's clearing,
with a treasury that anchors the currency to a fiat budget."""

from collections import deque

import numpy as np

from agents import make_strategy
from agents.resource_markets import DensityMarket, DoubleAuctionMarket, PostedPriceMarket, TatonnementMarket
from agents.resource_users import ResourceUser, Users
from model.ledger import Transfer, to_credits, to_units
from model.market import MarketModel
from model.mechanisms import optimal_resource_allocation
from model.mechanisms.planners import MAX_LP_CELLS
from model.params import Param, ParameterError

#: Steps over which volatility:<resource> = Var(P) / E[P] is measured.
VOLATILITY_WINDOW = 20


def parse_resources(text: str) -> tuple[list[str], np.ndarray]:
    """``"tool_slots:30,api_rate:60"`` -> (names, capacities); one clear error otherwise.

    Example:
        >>> parse_resources("gpu:4, api:10")
        (['gpu', 'api'], array([ 4., 10.]))
    """
    names, capacities = [], []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, sep, capacity = item.partition(":")
        try:
            value = float(capacity) if sep else float("nan")
        except ValueError:
            value = float("nan")
        if not name.strip() or not np.isfinite(value) or value <= 0 or value != int(value):
            raise ParameterError(f"resources must be name:capacity pairs with whole capacities > 0, "
                                 f"e.g. tool_slots:30,api_rate:60; got {item!r}")
        if name.strip() in names:
            raise ParameterError(f"resources names {name.strip()!r} twice")
        names.append(name.strip())
        capacities.append(value)
    if not names:
        raise ParameterError("resources is empty: give at least one name:capacity pair")
    return names, np.array(capacities)


class ResourceTradingModel(MarketModel):
    """Agents with bursty private values buy units of shared resources each step.

    Each step an agent has a job with chance ``activity`` that needs 1..need_max units of
    any one resource, worth its private value per unit there. The treasury mints
    ``kappa`` x ``fiat_budget`` tokens at the start of every day of ``day_length`` steps
    and shares them equally (seed 002, section 4.3); usage fees are burned, so the money
    stock follows M_{t+1} = M_t + E_t - B_t and total spend never exceeds what was funded
    (Lemma 1). ``runaway`` extra agents value nothing and bid their whole wallet for
    everything (seed 000, Proposition 3).

    The observer scores each step: welfare = the true value of units used in jobs (plus,
    in a double auction, the idle value of quota kept), optimum = the exact LP optimum of
    the same capacities, values and needs.
    """

    name = "resource-trading"
    summary = "a fleet shares tool slots, API rate and GPU quota via an AMM, a double auction, tatonnement or seed 000"
    default_steps = 200
    participant_types = (ResourceUser,)
    explanation = r"""
**Shared resources with capacity $L_r$ per step.** Agents with a job need units of any one
resource, worth a private value per unit; budgets come from a treasury that mints $\kappa B_\$$
tokens a day, and usage fees are burned: $M_{t+1} = M_t + E_t - B_t$ (seed 002, §4.3).

* **AMM** (seed 002, §4.2): posted price $P_{t+1} = (1-\omega)P_t + \omega P_{base}(1 + kU_t/L)$;
  agents pick a resource by logit with slope $\tau$. Sufficient for stability (two resources):
  $\omega\tau k\,(P_{A}/L_A + P_{B}/L_B)\,N/4 < 1$.
* **Double auction**: quotas are traded in an order book, price-time priority, trades at the
  standing order's price (Gode & Sunder's ZI-C traders reach high efficiency).
* **Tâtonnement** (seed 000): $p_r \leftarrow p_r + \eta\, z_r / L_r$ until demand fits supply.
* **Density**: seed 000's clearing by value density, one resource after another.

A **runaway** agent bids its whole budget for everything: it can spend no more than it has
(Proposition 3).
"""
    params = (
        Param("agents", 50, "number of agents", low=1, high=1_000_000),
        Param("resources", "tool_slots:30,api_rate:60,gpu_quota:15", "resources and their capacity per step"),
        Param("mechanism", "amm", "how the market maker allocates", choices=("amm", "cda", "tatonnement", "density")),
        Param("strategy", "truthful", "how agents bid (and ask)", choices=("truthful", "shade", "zic", "noisy")),
        Param("shading", 0.2, "shade: bid (1 - shading) x value", low=0, high=1),
        Param("noise", 0.2, "sigma of the noisy strategy", low=0, high=2),
        Param("activity", 0.6, "chance an agent has a job in a step", low=0, high=1),
        Param("need_max", 3, "a job needs 1..need_max units", low=1, high=1_000),
        Param("value_mean", 1.25, "mean base value per unit", low=0, high=1e6),
        Param("value_spread", 0.75, "base values per unit are U[mean - spread, mean + spread]", low=0, high=1e6),
        Param("value_premium", 0.0, "extra value per unit of the first resource, for everyone", low=-1e6, high=1e6),
        Param("value_noise", 0.3, "sigma of the log-normal change of values each step", low=0, high=3),
        Param("burst", 0.05, "chance a value triples in a step (bursty demand)", low=0, high=1),
        Param("fiat_budget", 100.0, "the administrator's fiat budget per day (B)", low=0, high=1e12),
        Param("kappa", 10.0, "tokens minted per unit of fiat budget", low=0, high=1e6),
        Param("day_length", 24, "steps in a day (the treasury mints once a day)", low=1, high=1_000_000),
        Param("runaway", 0, "agents that bid their whole budget for everything", low=0, high=1_000_000),
        Param("base_price", 0.5, "AMM: P_base, the price of an idle resource", low=0, high=1e6),
        Param("k", 1.0, "AMM: congestion sensitivity k", low=0, high=1e6),
        Param("omega", 0.5, "AMM: smoothing weight omega", low=0.001, high=1),
        Param("tau", 2.0, "AMM: slope of the agents' logit choice", low=0, high=1e6),
        Param("tat_rate", 0.5, "tatonnement: step size", low=1e-6, high=100),
        Param("tat_tol", 0.05, "tatonnement: excess demand tolerated, share of capacity", low=0, high=1),
        Param("tat_iters", 200, "tatonnement: most iterations per step", low=1, high=100_000),
        Param("cda_rounds", 20, "double auction: order rounds per step", low=1, high=1_000),
        Param("exact_optimum", True, "solve the exact LP optimum each step (the optimum column)"),
    )

    @classmethod
    def check(cls, values) -> None:
        """Refuse a resources list that does not parse, and values that could go below 0."""
        parse_resources(values["resources"])
        low = values["value_mean"] - values["value_spread"]
        if low < 0 or low + values["value_premium"] < 0:
            raise ParameterError(f"values must stay >= 0: value_mean - value_spread (+ value_premium on the first "
                                 f"resource) is {min(low, low + values['value_premium']):g}")

    @classmethod
    def money_bound(cls, values, steps):
        """The treasury mints kappa x fiat_budget once a day (seed 002, section 4.3)."""
        days = -(-max(steps, 1) // values["day_length"])
        return days * values["kappa"] * values["fiat_budget"], "kappa x fiat_budget (minted each day)"

    def setup(self) -> None:
        """The resources and capacities, the users' private values, their wallets, the treasury, and the exchange
        of the chosen mechanism (each with its own random streams)."""
        p = self.scenario
        self.resource_names, self.capacity = parse_resources(p.resources)
        strategy = make_strategy(p.strategy, shading=p.shading, noise=p.noise)
        own = np.random.default_rng(self.rng.integers(2**63))        # the agents' random choices
        exchange_rng = np.random.default_rng(self.rng.integers(2**63))  # the exchange's rationing order
        self.users = Users(p.agents, p.runaway, len(self.capacity), strategy, self.rng, own,
                           value_range=(p.value_mean - p.value_spread, p.value_mean + p.value_spread),
                           premium=p.value_premium)
        self.holders = [ResourceUser(self, i, i >= p.agents) for i in range(len(self.users))]
        self.treasury = self.ledger.open_account("treasury")
        common = (self, self.users, self.holders, self.resource_names, self.capacity, exchange_rng)
        exchanges = {
            "amm": lambda: PostedPriceMarket(*common, base=p.base_price, k=p.k, omega=p.omega, tau=p.tau),
            "tatonnement": lambda: TatonnementMarket(*common, rate=p.tat_rate, tol=p.tat_tol, max_iter=p.tat_iters),
            "density": lambda: DensityMarket(*common),
            "cda": lambda: DoubleAuctionMarket(*common, rounds=p.cda_rounds),
        }
        self.market = exchanges[p.mechanism]()
        self.add_exchange(self.market)
        self.runaway_spend = 0.0
        self.hhi = 0.0
        self.funded_runaway = 0.0
        self._prices = {name: deque(maxlen=VOLATILITY_WINDOW) for name in self.resource_names}

    # the treasury and the world -------------------------------------------------------------
    def environment(self) -> None:
        """On the first step of a day the treasury mints and hands out the allowances; then this step's jobs and
        values."""
        p = self.scenario
        if (self.steps - 1) % p.day_length == 0:
            self._fund_the_day()
        self.users.draw(p.activity, p.need_max, p.value_noise, p.burst)

    def _fund_the_day(self) -> None:
        """Mint kappa x fiat budget into the treasury; share it equally among the agents
        (the remainder of the division stays in the treasury for the next day)."""
        p = self.scenario
        issue = to_units(p.kappa * p.fiat_budget)
        if issue == 0:
            return
        self.ledger.mint(self.treasury, issue, kind="issuance")
        share = self.ledger.balance(self.treasury) // len(self.holders)
        if share:
            self.ledger.settle(Transfer(self.treasury, h.account, share, kind="allowance") for h in self.holders)
            self.funded_runaway += to_credits(share) * int(self.users.runaway.sum())

    # the observer ---------------------------------------------------------------------------
    def observe(self) -> None:
        """Welfare: the true value of the units put to jobs (and, in a double auction, of quota kept idle).
        Optimum: the exact LP (optimal_resource_allocation)."""
        users, market = self.users, self.market
        used = market.used
        self.welfare = float((users.true_values() * used).sum() + (users.true_idle_values() * market.kept).sum())
        self.optimum = self._optimum()
        self.runaway_spend = float(market.spent[users.runaway].sum())
        consumed = used.sum(axis=1)
        total = consumed.sum()
        self.hhi = float(((consumed / total) ** 2).sum()) if total > 0 else 0.0
        for name in self.resource_names:
            self._prices[name].append(self.markets[name].price)

    def _optimum(self) -> float:
        users, cda = self.users, self.scenario.mechanism == "cda"
        needy = np.flatnonzero(users.need > 0)
        if not self.scenario.exact_optimum or needy.size * len(self.capacity) * (2 if cda else 1) > MAX_LP_CELLS:
            return float("nan")
        if not cda:
            return optimal_resource_allocation(users.true_values()[needy], users.need[needy], self.capacity)[0]
        everyone = np.arange(len(users))  # in a double auction, idle quota is worth something too
        values = np.zeros_like(users.true_values())
        values[needy] = users.true_values()[needy]
        return optimal_resource_allocation(values, users.need, self.capacity,
                                           idle_values=users.true_idle_values()[everyone],
                                           holdings=self.market.quota)[0]

    def extra_reporters(self):
        """Utilisation and price volatility per resource, HHI, the runaway's spend, tatonnement's iterations.
        """
        reporters = {}
        for r, name in enumerate(self.resource_names):
            reporters[f"util:{name}"] = lambda m, r=r: float(m.market.used[:, r].sum() / m.capacity[r])
            reporters[f"volatility:{name}"] = lambda m, name=name: m.volatility(name)
        reporters.update({name: name for name in ("hhi", "runaway_spend")})
        if self.scenario.mechanism == "tatonnement":
            reporters["tat_iterations"] = lambda m: m.market.iterations
            reporters["tat_converged"] = lambda m: m.market.converged
        return reporters

    def volatility(self, name: str) -> float:
        """H = Var(P) / E[P] of the resource's price over the last VOLATILITY_WINDOW steps,
        this one included (seed 002, section 9.4)."""
        prices = np.array(self._prices[name], dtype=float)
        prices = prices[np.isfinite(prices)]
        mean = prices.mean() if prices.size else 0.0
        return float(prices.var() / mean) if mean > 0 else float("nan")
