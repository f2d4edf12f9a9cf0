"""The registry and market of self-assessed modules: maintenance, the Harberger tax, forced sales,
and the commons fund the tax pays into.

It keeps the public facts: who owns each module, each module's health and posted price. Its
ledger accounts: ``commons fund`` (every tax goes here) and ``maintainers`` (the crew who sell
maintenance hours, to owners and to the fund). One period:

1. owners buy maintenance hours (owner -> maintainers, hours x hour_cost); each module's health
   rises by kappa sqrt(hours);
2. owners post their assessments p and pay the tax tau x p (owner -> commons fund);
3. buyers arrive (the environment says who, at which module); in arrival order, a buyer who
   takes the module at its posted price, has room (``capacity``) and can pay, pays the owner
   exactly p (buyer -> owner: the forced sale) and becomes the owner;
4. the fund spends what it holds: ``fund="maintenance"`` buys hours for the least healthy tenth
   of the modules, in equal parts (fund -> maintainers); ``fund="dividend"`` pays it back to
   every agent in equal parts (fund -> agents), Posner and Weyl's social dividend.

Every amount is whole minor units; equal parts are split by
:func:`~model.mechanisms.largest_remainder`, so the fund ends every period empty.
"""

import mesa
import numpy as np

from model.ledger import to_credits, to_units_array
from model.mechanisms import forced_sales, largest_remainder

FUND_USES = ("maintenance", "dividend")


class HarbergerMarket(mesa.Agent):
    """The registry and market of self-assessed modules, one period a step (see the module's steps).

    Attributes after each period: ``owner``, ``health``, ``assessment`` (per module);
    ``owner_hours`` and ``fund_hours`` (per module), ``tax_revenue``, ``sales``, ``sale_value``,
    ``dividend`` and ``capped`` (modules whose assessment the owner's wallet lowered); ``price``
    (ticker: mean price of this period's sales, the last one if none) and ``revenue`` (the tax)."""

    market = "modules"

    def __init__(self, model, owners, accounts: np.ndarray, owner: np.ndarray, *, capacity: int, tax_rate: float,
                 turnover: float, hour_cost: float, efficacy: float, fund: str, health: float):
        super().__init__(model)
        if fund not in FUND_USES:
            raise ValueError(f"fund must be one of {', '.join(FUND_USES)}; got {fund!r}")
        self.owners, self.accounts = owners, np.asarray(accounts, dtype=np.int64)
        self.owner = np.asarray(owner, dtype=np.int64).copy()
        self.capacity, self.tax_rate, self.turnover = capacity, tax_rate, turnover
        self.hour_cost, self.efficacy, self.fund_use = hour_cost, efficacy, fund
        self.fund = model.ledger.open_account("commons fund")
        self.crew = model.ledger.open_account("maintainers")
        self.account = self.fund
        m = len(self.owner)
        self.health = np.full(m, float(health))
        self.assessment = np.zeros(m)
        self.owner_hours = self.fund_hours = np.zeros(m)
        self.arrivals = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        self.tax_revenue = self.sale_value = self.dividend = self.revenue = 0.0
        self.sales = self.capped = 0
        self.price = float("nan")
        owners.start(self.owner, self.health)

    # what the environment tells it ---------------------------------------------------------------
    def decay(self, rate: float) -> None:
        """Modules wear: health falls by ``rate`` each period before maintenance."""
        self.health *= 1.0 - rate

    def arrive(self, modules: np.ndarray, buyers: np.ndarray) -> None:
        """This period's potential buyers, in the order they arrive (public)."""
        self.arrivals = (np.asarray(modules, dtype=np.int64), np.asarray(buyers, dtype=np.int64))

    # the period ---------------------------------------------------------------------------------
    def step(self) -> None:
        """One period: maintenance, the Harberger tax on the assessments, forced sales to the arriving buyers,
        then the fund spent (Posner and Weyl 2017)."""
        self._maintain()
        self._tax()
        self._sell()
        self._spend_fund()
        self.revenue = self.tax_revenue

    def _budgets(self) -> np.ndarray:
        return to_credits(self.model.ledger.balances[self.accounts])

    def _pay(self, payers, payees, units, kind: str) -> None:
        self.model.ledger.pay_all(payers, payees, units, market=self.market, kind=kind)

    def _maintain(self) -> None:
        hours = self.owners.maintenance(self.owner, self.health, self.tax_rate, self.turnover, self.hour_cost,
                                        self.efficacy, self._budgets())
        spend = to_units_array(hours * self.hour_cost)
        spend = np.minimum(spend, self._affordable(spend))
        self._pay(self.accounts[self.owner], self.crew, spend, "maintenance")
        self.owner_hours = to_credits(spend) / self.hour_cost
        self.health += self.efficacy * np.sqrt(self.owner_hours)

    def _affordable(self, spend_units: np.ndarray) -> np.ndarray:
        """Rounding to units can push an owner's total a unit past its wallet: trim it (per module,
        the owner's balance less what its earlier modules spend)."""
        balance = self.model.ledger.balances[self.accounts[self.owner]]
        order = np.lexsort((np.arange(len(self.owner)), self.owner))
        earlier = np.zeros(len(spend_units), dtype=np.int64)
        sorted_spend = spend_units[order]
        running = np.cumsum(sorted_spend) - sorted_spend
        starts = np.r_[0, np.flatnonzero(np.diff(self.owner[order])) + 1]
        group_start = np.repeat(running[starts], np.diff(np.r_[starts, len(order)]))
        earlier[order] = running - group_start
        return np.maximum(balance - earlier, 0)

    def _tax(self) -> None:
        price, lowered = self.owners.assessments(self.owner, self.health, self.tax_rate, self.turnover,
                                                 self._budgets())
        tax = to_units_array(price * self.tax_rate)
        fits = np.minimum(tax, self._affordable(tax))
        if self.tax_rate > 0:   # a unit of rounding past the wallet: the assessment follows the tax paid
            price = np.where(fits < tax, to_credits(fits) / self.tax_rate, price)
        self.capped = int((lowered | (fits < tax)).sum())
        self.assessment = price
        self._pay(self.accounts[self.owner], self.fund, fits, "harberger tax")
        self.tax_revenue = to_credits(int(fits.sum()))

    def _sell(self) -> None:
        """Buyers say whether they take their module at its price; the forced-sale rule decides
        the sales; in arrival order, a buyer with no room left or too little money is refused."""
        ledger = self.model.ledger
        modules, buyers = self.arrivals
        takes = np.zeros(len(self.owner), dtype=bool)
        takes[modules] = self.owners.takes(buyers, modules, self.assessment[modules], self.health[modules])
        sold, paid = forced_sales(self.assessment, takes)
        held = np.bincount(self.owner, minlength=len(self.accounts))
        self.sales, self.sale_value = 0, 0.0
        for m, j in zip(modules.tolist(), buyers.tolist()):
            seller = int(self.owner[m])
            units = int(to_units_array(paid[m]))
            if not sold[m] or j == seller or held[j] >= self.capacity or \
                    ledger.balance(int(self.accounts[j])) < units:
                continue
            ledger.transfer(int(self.accounts[j]), int(self.accounts[seller]), units, market=self.market,
                            quantity=1, kind="forced sale")
            held[seller] -= 1
            held[j] += 1
            self.owner[m] = j
            self.owners.bought(m, float(paid[m]))
            self.sales += 1
            self.sale_value += to_credits(units)
        if self.sales:
            self.price = self.sale_value / self.sales

    def _spend_fund(self) -> None:
        ledger = self.model.ledger
        balance = ledger.balance(self.fund)
        self.dividend = 0.0
        self.fund_hours = np.zeros(len(self.owner))
        if balance == 0:
            return
        if self.fund_use == "dividend":
            parts = largest_remainder(balance, np.ones(len(self.accounts), dtype=np.int64))
            self._pay(self.fund, self.accounts, parts, "dividend")
            self.dividend = to_credits(balance)
            return
        k = max(1, len(self.owner) // 10)
        worst = np.argsort(self.health, kind="stable")[:k]
        parts = largest_remainder(balance, np.ones(k, dtype=np.int64))
        self._pay(self.fund, self.crew, parts, "maintenance from the fund")
        self.fund_hours[worst] = to_credits(parts) / self.hour_cost
        self.health[worst] += self.efficacy * np.sqrt(self.fund_hours[worst])
