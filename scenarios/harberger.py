"""Scenario ``harberger``: self-assessed ownership of shared modules (seed 001, Problem 2)."""

import numpy as np

from agents.harberger_market import FUND_USES, HarbergerMarket
from agents.module_owners import HARBERGER_STRATEGIES, ModuleOwner, Owners
from model.ledger import to_units
from model.market import MarketModel
from model.mechanisms import best_ownership, first_best_value_per_health, maintenance_hours
from model.mechanisms.planners import MAX_ASSIGNMENT_CELLS
from model.params import Param, ParameterError

#: The largest (agents x modules) table of private values a run may hold.
MAX_VALUE_CELLS = 20_000_000


class HarbergerModel(MarketModel):
    """``modules`` modules are owned by ``agents`` agents (at most ``capacity`` each).

    Each period: uses change (each private base value is redrawn with chance ``value_change``)
    and modules wear (health x (1 - ``decay``)); then owners maintain, assess and pay
    ``tax_rate`` x assessment into the commons fund; with chance ``turnover`` a potential buyer
    (a random other agent) arrives at each module and takes it at the posted price if it values
    it more; the fund buys maintenance or pays a dividend (``fund``). The observer scores the
    value of the allocation, sum of b[owner, m] x health[m], against the exact best assignment
    (linear_sum_assignment, with each agent's capacity; empty above 4 million cells), and
    maintenance against the one-period first-best.
    """

    name = "harberger"
    summary = "a Harberger tax on self-assessed modules: forced sales, maintenance, a commons fund"
    default_steps = 300
    participant_types = (ModuleOwner,)
    explanation = r"""
**Harberger tax / COST (seed 001, Problem 2; Posner and Weyl 2017).** Each module has an owner who
posts a price $p$, pays $\tau p$ a period into a commons fund, and must sell to anyone who pays $p$.
A module of health $h$ is worth $b_i h$ to agent $i$ ($b_i \sim U[0,H]$, private).

**The owner's best assessment** (one-period model; Weyl and Zhang, "Depreciating licenses", 2022):
a buyer arrives with chance $\theta$ (`turnover`) with value $w \sim F$ and buys iff $w > p$, so
$\max_p\; v + \theta(1-F(p))(p-v) - \tau p$. The first-order condition gives $p = v$ exactly when
$\tau = \theta(1-F(v))$, the chance the module sells at its value; below, owners mark up
(monopoly), above, they under-assess. With $F = U[0, Hh]$:
$p^* = \mathrm{clip}\big(\tfrac{v + Hh(1-\tau/\theta)}{2},\, 0,\, Hh\big)$.

**Maintenance:** $e$ hours add $\kappa\sqrt{e}$ to health at cost $c\,e$; an owner buys
$e = (\kappa m/2c)^2$ with $m$ its payoff per unit of health ($b(1-\tau)$ if truthful); the
first-best uses the group's $m = b + \theta\,E[(w-b)^+]$. **The trade-off:** a higher $\tau$ moves
modules to those who value them more, but taxes away part of what maintenance adds; the balance is
near the sale probability (Posner and Weyl 2017; Weyl and Zhang 2022).
"""
    params = (
        Param("agents", 10, "agents who may own modules", low=2, high=10_000),
        Param("modules", 20, "modules of the shared codebase", low=1, high=10_000),
        Param("capacity", 3, "modules one agent can hold at most", low=1, high=10_000),
        Param("tax_rate", 0.1, "tau: tax per period, a share of the assessed price", low=0, high=1),
        Param("turnover", 0.2, "theta: chance per period that a potential buyer arrives at a module", low=0, high=1),
        Param("strategy", "best-response", "how owners assess: the one-period best response, their value, a "
              "shaded value, or what they paid (naive)", choices=HARBERGER_STRATEGIES),
        Param("shading", 0.3, "shade: assess (1 - shading) x value", low=0, high=1),
        Param("value_high", 10.0, "H: base values are uniform on [0, H] credits per period", low=0.001, high=1e6),
        Param("value_change", 0.02, "chance per period that an agent's base value for a module is redrawn",
              low=0, high=1),
        Param("decay", 0.05, "share of a module's health lost each period", low=0, high=1),
        Param("efficacy", 0.1, "kappa: e maintenance hours add kappa sqrt(e) health", low=0, high=100),
        Param("hour_cost", 1.0, "c: credits per maintenance hour", low=0.001, high=1e6),
        Param("fund", "maintenance", "what the tax buys: maintenance of the least healthy tenth of the modules, "
              "or a dividend paid equally to every agent", choices=FUND_USES),
        Param("budget", 1_000.0, "each agent's starting wallet, credits", low=0, high=1e9),
        Param("initial_health", 1.0, "every module's health at the start", low=0, high=100),
    )

    @classmethod
    def check(cls, values) -> None:
        """Refuse more modules than agents x capacity can hold, and a table of values (agents x modules) above
        MAX_VALUE_CELLS."""
        if values["modules"] > values["agents"] * values["capacity"]:
            raise ParameterError(f"modules ({values['modules']}) exceed agents x capacity "
                                 f"({values['agents']} x {values['capacity']}): not every module could have an owner")
        if values["agents"] * values["modules"] > MAX_VALUE_CELLS:
            raise ParameterError(f"agents x modules ({values['agents'] * values['modules']:,}) exceeds "
                                 f"{MAX_VALUE_CELLS:,}, the largest table of private values a run holds")

    @classmethod
    def money_bound(cls, values, steps):
        """Only the endowments are minted: agents x budget."""
        return values["agents"] * values["budget"], "agents x budget (the endowments)"

    def setup(self) -> None:
        """The owners' private values, their wallets, a random first owner of each module within capacity, and
        the Harberger market."""
        p = self.scenario
        self.owners = Owners(p.agents, p.modules, p.value_high, p.strategy, p.shading, self.rng)
        self.agents_list = [ModuleOwner(self, i) for i in range(p.agents)]
        accounts = np.array([a.account for a in self.agents_list], dtype=np.int64)
        for account in accounts:
            self.ledger.mint(int(account), to_units(p.budget), kind="endowment")
        slots = np.repeat(np.arange(p.agents), min(p.capacity, p.modules))
        owner = self.rng.permutation(slots)[:p.modules]
        self.market = HarbergerMarket(self, self.owners, accounts, owner, capacity=p.capacity, tax_rate=p.tax_rate,
                                      turnover=p.turnover, hour_cost=p.hour_cost, efficacy=p.efficacy, fund=p.fund,
                                      health=p.initial_health)
        self.add_market(self.market)
        self.figures = dict.fromkeys(("top_holder_share", "investment", "first_best_investment", "investment_ratio",
                                      "fund_hours", "maintenance_cost", "net_welfare", "health", "assessment_ratio",
                                      "sale_chance"), float("nan"))

    def environment(self) -> None:
        """Uses change (value_change), modules wear (decay), and buyers arrive: each module with chance turnover,
        a random agent other than its owner, in a random order."""
        p, market = self.scenario, self.market
        self.owners.redraw(self.rng, p.value_change)
        market.decay(p.decay)
        modules = np.flatnonzero(self.rng.random(p.modules) < p.turnover)
        buyers = self.rng.integers(0, p.agents - 1, modules.size)
        buyers += buyers >= market.owner[modules]          # anyone but the current owner
        order = self.rng.permutation(modules.size)
        market.arrive(modules[order], buyers[order])

    # the observer: true values ---------------------------------------------------------------
    def observe(self) -> None:
        """Welfare: the holders' values of the modules. Optimum: the exact best ownership within capacity (an
        assignment problem). Also investment against the first best, and how close assessments come to values
        (Posner and Weyl 2017)."""
        p, market = self.scenario, self.market
        base = self.owners.true_base()
        m = np.arange(p.modules)
        held = base[market.owner, m]
        value = held * market.health
        self.welfare = float(value.sum())
        slots = p.agents * min(p.capacity, p.modules) * p.modules
        self.optimum = best_ownership(base * market.health, min(p.capacity, p.modules))[0] if slots <= MAX_ASSIGNMENT_CELLS \
            else float("nan")
        first_best = maintenance_hours(first_best_value_per_health(held, p.turnover, p.value_high), p.hour_cost,
                                       p.efficacy)
        owner_hours, fund_hours = float(market.owner_hours.sum()), float(market.fund_hours.sum())
        cost = p.hour_cost * (owner_hours + fund_hours)
        self.figures.update(
            top_holder_share=float((market.owner == base.argmax(axis=0)).mean()),
            investment=owner_hours, first_best_investment=float(first_best.sum()),
            investment_ratio=owner_hours / first_best.sum() if first_best.sum() > 0 else float("nan"),
            fund_hours=fund_hours, maintenance_cost=cost, net_welfare=self.welfare - cost,
            health=float(market.health.mean()),
            assessment_ratio=float(market.assessment.sum() / value.sum()) if value.sum() > 0 else float("nan"),
            sale_chance=float(p.turnover * np.clip(1.0 - held / p.value_high, 0.0, 1.0).mean()))

    def extra_reporters(self):
        """Allocative efficiency, the observer's figures, tax, sales, dividend and capped assessments."""
        reporters = {name: (lambda model, name=name: model.figures[name]) for name in self.figures}
        reporters.update({"tax_revenue": lambda model: model.market.tax_revenue,
                          "turnover": lambda model: model.market.sales,
                          "sale_value": lambda model: model.market.sale_value,
                          "dividend": lambda model: model.market.dividend,
                          "capped": lambda model: model.market.capped})
        return {"allocative_efficiency": "efficiency", **reporters}
