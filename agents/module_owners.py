"""Owners (and would-be owners) of shared modules: private use values, wallets, assessments.

Agent i's value for holding module m this period is b[i, m] x h[m]: a private base value
b ~ U[0, H] (redrawn now and then: uses change) times the module's public health h. The agents
are thin Mesa shells (:class:`ModuleOwner`, one account each); the (agents x modules) table of
base values lives in :class:`Owners`, which answers the market in one numpy call a step:

* how many maintenance hours each owner buys for each module it holds;
* what each owner assesses each module at (its posted price);
* whether an arriving buyer takes a module at its posted price (yes or no: the market never
  learns the buyer's value).

Owners are myopic: each period is the one-period model of :mod:`model.mechanisms.harberger`.
Buyers' values, as an owner sees them, are uniform on [0, H h] (it does not know who arrives).
Assessment strategies (``strategy``):

* ``best-response``: the assessment that maximises v + theta (1 - F(p))(p - v) - tau p, in
  closed form p* = clip((v + H h (1 - tau/theta)) / 2, 0, H h) (Weyl and Zhang 2022; Posner and
  Weyl 2017): above v (a monopoly markup) while tau < theta (1 - F(v)), below it beyond;
* ``truthful``: p = v;
* ``shade``: p = (1 - shading) v, under-assessing to save tax;
* ``naive``: p = what it paid for the module (the first owners: its value at the start), never
  revised, and maintenance as if there were no tax and no buyers.

Maintenance: e hours add kappa sqrt(e) to health and cost c e, so an owner buys
e = (kappa m / 2c)^2 hours, m being what one more unit of health is worth to it this period
under its own assessment rule (:func:`~model.mechanisms.payoff_per_health`: b (1 - tau) for a
truthful owner; b for a naive one).

Every decision fits the owner's wallet: maintenance first (scaled down to what it can pay),
then the tax (an owner whose wallet cannot cover tau x p lowers its assessments until it can).
"""

import mesa
import numpy as np

from model.ledger import to_credits
from model.mechanisms import maintenance_hours, payoff_per_health, uniform_best_response

HARBERGER_STRATEGIES = ("best-response", "truthful", "naive", "shade")


class Owners:
    """Every agent's private base value for every module, and the owners' rules.

    Args:
        agents, modules: table size.
        value_high: H, base values are uniform on [0, H] (public).
        strategy: one of HARBERGER_STRATEGIES; ``shading`` for ``shade``.
        rng: draws the initial base values.
    """

    def __init__(self, agents: int, modules: int, value_high: float, strategy: str, shading: float,
                 rng: np.random.Generator):
        if strategy not in HARBERGER_STRATEGIES:
            raise ValueError(f"unknown strategy {strategy!r}; choose one of {', '.join(HARBERGER_STRATEGIES)}")
        self.high, self.strategy, self.shading = value_high, strategy, shading
        # Column-major: the observer's "who values module m most" reduces along contiguous memory.
        self._base = np.asfortranarray(rng.uniform(0.0, value_high, (agents, modules)))
        self.modules = np.arange(modules)
        self.paid = np.zeros(modules)        # what each module's owner paid for it (public sale prices)

    def redraw(self, rng: np.random.Generator, chance: float) -> None:
        """Uses change: each (agent, module) base value is redrawn, independently, with probability
        ``chance``. The cells that change are the successes of a Bernoulli process, found by
        geometric gaps (O(changes), not O(cells)); each gets a fresh draw."""
        if chance <= 0:
            return
        flat = self._base.reshape(-1, order="F")          # a view: column-major storage
        cells = flat.size
        if chance >= 1:
            flat[:] = rng.uniform(0.0, self.high, cells)
            return
        chosen, start = [], -1
        while True:
            expected = (cells - start) * chance
            gaps = rng.geometric(chance, int(expected + 10 * expected**0.5 + 10))
            positions = start + np.cumsum(gaps)
            chosen.append(positions[positions < cells])
            if positions[-1] >= cells:
                break
            start = int(positions[-1])
        chosen = np.concatenate(chosen)
        flat[chosen] = rng.uniform(0.0, self.high, chosen.size)

    def start(self, owner: np.ndarray, health: np.ndarray) -> None:
        """The first owners 'paid' their value at the start (what a naive owner assesses)."""
        self.paid = self._base[owner, self.modules] * health

    # the owners' decisions -------------------------------------------------------------------
    def _own_base(self, owner: np.ndarray) -> np.ndarray:
        return self._base[owner, self.modules]

    def maintenance(self, owner, health, tax_rate, turnover, hour_cost, efficacy, budgets) -> np.ndarray:
        """Hours each owner buys for each module it holds this period, within its wallet
        (``budgets``: each agent's balance in credits)."""
        b = self._own_base(owner)
        if self.strategy == "naive":
            worth = b
        else:
            worth = payoff_per_health(b, self._assessment_per_health(b, tax_rate, turnover), tax_rate, turnover,
                                      self.high)
        hours = maintenance_hours(worth, hour_cost, efficacy)
        return hours * _fit(owner, hours * hour_cost, budgets)

    def assessments(self, owner, health, tax_rate, turnover, budgets) -> tuple[np.ndarray, np.ndarray]:
        """Each owner's posted price for each module it holds (credits), lowered where its wallet
        could not pay tau x p (``budgets`` as in :meth:`maintenance`), and which were lowered."""
        b = self._own_base(owner)
        if self.strategy == "naive":
            price = self.paid.copy()
        else:
            price = self._assessment_per_health(b, tax_rate, turnover) * health
        factor = _fit(owner, price * tax_rate, budgets) if tax_rate > 0 else np.ones(len(price))
        return price * factor, factor < 1.0

    def _assessment_per_health(self, b, tax_rate, turnover) -> np.ndarray:
        if self.strategy == "truthful":
            return b
        if self.strategy == "shade":
            return (1.0 - self.shading) * b
        return uniform_best_response(b, tax_rate, turnover, self.high)

    def takes(self, buyers, modules, prices, health) -> np.ndarray:
        """Whether each arriving buyer takes its module at the posted price: iff it values the
        module above the price (arrays, one entry per arrival)."""
        buyers, modules = np.asarray(buyers, dtype=np.int64), np.asarray(modules, dtype=np.int64)
        return self._base[buyers, modules] * np.asarray(health, dtype=float) > np.asarray(prices, dtype=float)

    def bought(self, module: int, price: float) -> None:
        """A forced sale: record what the module's new owner paid (a naive owner assesses it at that)."""
        self.paid[module] = price

    # the observer's view ---------------------------------------------------------------------
    def true_base(self) -> np.ndarray:
        """The (agents x modules) base values b (observer only; a value is b x health)."""
        return self._base


def _fit(owner: np.ndarray, spend: np.ndarray, budgets: np.ndarray) -> np.ndarray:
    """Per module, the factor (<= 1) that scales each owner's spending down to its wallet."""
    total = np.bincount(owner, weights=spend, minlength=len(budgets))
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(total > budgets, budgets / total, 1.0)
    return factor[owner]


class ModuleOwner(mesa.Agent):
    """One agent: an account in the ledger and row ``index`` of the Owners table. It acts
    through the table when the market asks, so its own step does nothing."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index
        self.account = model.ledger.open_account(f"owner:{index}")

    @property
    def wealth(self) -> float:
        """Its wallet balance, in credits."""
        return to_credits(self.model.ledger.balance(self.account))

    def step(self) -> None:
        """Nothing between market rounds."""
