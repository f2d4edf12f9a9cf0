"""Scenario ``debt-tokens``: technical debt as tradable bonds (seed 001, Market 4)."""

import numpy as np

from agents import make_strategy
from agents.debt_market import DebtMarket
from agents.developers import Developer
from model.debt import DebtBook
from model.ledger import Transfer, to_units
from model.market import MarketModel
from model.params import Param, ParameterError


#: Features one agent may ship in a step (hours / (feature_hours / 2) at most).
MAX_FEATURES_PER_STEP = 1_000


class DebtTokensModel(MarketModel):
    """Feature agents ship features and take shortcuts; shortcuts are debt tokens.

    Each step: every token asks its holder for its interest, rate x principal hours of
    servicing, done at the holder's own pace (the code degrades; what is not serviced is
    added to the token, and a token still open at maturity compounds: its rate doubles);
    codebase health, 1 / (1 + outstanding / ``health_scale``), scales everyone's working
    hours (the externality); if outstanding debt is above ``crisis_threshold`` a crisis is on and every feature agent owes paydown work in
    proportion to the value it drew from shortcuts, until debt is back under the threshold;
    then agents work (see :class:`Developer`) and, with trading on, the market maker moves
    debt to whoever clears it most cheaply (:class:`DebtMarket`).

    The observer scores welfare as the value of the features shipped minus what the
    specialists' cleanup hours cost them (a feature agent's cleanup hours cost it features);
    there is no exact optimum here (``optimum`` is empty).
    """

    name = "debt-tokens"
    summary = "technical debt as tradable tokens with interest and maturity; specialists buy it; crises"
    default_steps = 300
    participant_types = (Developer,)
    explanation = r"""
**Debt tokens (seed 001, Market 4).** Shipping fast saves half a feature's hours and leaves a token
of principal $P$ hours at interest $r$ a step: each step its holder owes $rP$ hours of servicing,
unserviced interest capitalises, and at maturity an open token's rate doubles. Outstanding debt
$D$ slows everyone: hours $\times\, 1/(1 + D/D_0)$. **Trading:** the holder pays a taker to take the
token, in a procurement auction (lowest ask $\le$ the holder's own cleanup cost wins) or a double
auction for cleanup hours, so debt flows to specialists whose cost per hour of principal,
$c/e$, is lowest; a token trades while it is at least 5 steps from maturity. **Crisis:** above
the threshold every feature agent pays down debt in proportion to the value it drew from
shortcuts, until $D$ is back under it.
"""
    params = (
        Param("features", 12, "feature agents (above 10,000 a step takes seconds)", low=1, high=10_000),
        Param("specialists", 3, "refactoring specialists", low=0, high=10_000),
        Param("mechanism", "auction", "how debt changes hands: off (no trading), auction (procurement) or cda",
              choices=("off", "auction", "cda"), aliases=("trading",)),
        Param("rule", "second", "auction payment: second (Vickrey, capped by the reserve) or first",
              choices=("second", "first")),
        Param("strategy", "truthful", "how agents ask and bid", choices=("truthful", "shade", "zic", "noisy")),
        Param("shading", 0.2, "shade strategy: ask (1 + shading) x cost, bid (1 - shading) x value", low=0, high=1),
        Param("noise", 0.2, "sigma of the noisy strategy's multiplicative noise", low=0, high=2),
        Param("interest", 0.03, "interest per step on a token", low=0, high=10),
        Param("maturity", 20, "steps until a token is due", low=1, high=1_000_000),
        Param("compound", 2.0, "a token open at maturity has its rate multiplied by this", low=1, high=100),
        Param("principal", 4.0, "cleanup hours a shortcut leaves behind", low=0.001, high=1e6),
        Param("shortcut", 0.7, "chance a feature is shipped fast (half the hours, and a token)", low=0, high=1),
        Param("hours", 8.0, "working hours per agent per step", low=0.001, high=1e6),
        Param("feature_hours", 8.0, "hours a feature takes done properly", low=0.001, high=1e6),
        Param("feature_value", 10.0, "credits a feature earns", low=0, high=1e9),
        Param("crisis_threshold", 300.0, "outstanding principal hours that start a crisis", low=0.001, high=1e12),
        Param("health_scale", 500.0, "D0: outstanding hours that halve everyone's working hours", low=0.001, high=1e12),
        Param("coupling_tax", 0.0, "credits per hour of principal a shortcut pays the other feature agents", low=0,
              high=1e6),
    )

    @classmethod
    def check(cls, values) -> None:
        """Refuse hours below half of feature_hours (nothing could ship) or so many hours that an agent would
        ship more than MAX_FEATURES_PER_STEP features a step."""
        hours, feature = values["hours"], values["feature_hours"]
        if hours < feature / 2:
            raise ParameterError(f"hours ({hours:g}) is less than half of feature_hours ({feature:g}): no feature, "
                                 "not even a shortcut, fits in a step's hours, so nothing would ever be shipped")
        if hours / (feature / 2) > MAX_FEATURES_PER_STEP:
            raise ParameterError(f"hours / feature_hours = {hours / feature:.3g}: an agent would ship more than "
                                 f"{MAX_FEATURES_PER_STEP:,} features a step (each one a ledger entry and maybe "
                                 "a token); keep hours / feature_hours under "
                                 f"{MAX_FEATURES_PER_STEP // 2:,}")

    @classmethod
    def money_bound(cls, values, steps):
        """Feature revenue is minted: at most every hour spent on shortcuts, each feature_value."""
        per_agent = values["hours"] // (values["feature_hours"] / 2)   # features a step, all fast
        return (steps * values["features"] * per_agent * values["feature_value"],
                "features x hours / feature_hours x feature_value (feature revenue minted)")

    def setup(self) -> None:
        """The debt book, feature agents (cost per hour = what an hour of features earns), specialists with
        private efficiency U[1.5, 2.5] and cost U[0.4, 0.8] an hour, and the debt market."""
        p = self.scenario
        self.debt = DebtBook()
        opportunity = p.feature_value / p.feature_hours  # what an hour of a feature agent's work earns
        tax = self.coupling_tax if p.coupling_tax else None
        self.features = [Developer(self, "feature", 1.0, opportunity, self.debt, tax) for _ in range(p.features)]
        self.specialists = [Developer(self, "specialist", float(e), float(c), self.debt)
                            for e, c in zip(self.rng.uniform(1.5, 2.5, p.specialists),
                                            self.rng.uniform(0.4, 0.8, p.specialists))]
        self.developers = self.features + self.specialists
        self.by_id = {d.unique_id: d for d in self.developers}
        self.market = DebtMarket(self, p.mechanism, p.rule, make_strategy(p.strategy, shading=p.shading, noise=p.noise),
                                 self.debt, self.developers, self.features)
        self.add_market(self.market)
        self.crises, self.in_crisis = 0, False
        self.shipped_value = self.debt_paid = self.paydown_cost = self.cleanup_hours = 0.0
        self.crisis_work = {d.unique_id: 0.0 for d in self.features}

    # each step, before anyone works ---------------------------------------------------------------
    def environment(self) -> None:
        """Before anyone works: each developer's hours, scaled by the codebase's health 1 / (1 + D / D0); the
        interest serviced (the rest capitalises); a crisis paydown when debt is above the threshold (seed 001,
        Market 4)."""
        p = self.scenario
        self.shipped_value = 0.0
        self.health = 1.0 / (1.0 + self.debt.total() / p.health_scale)
        for d in self.developers:
            d.hours = p.hours * self.health
            d.cleanup_hours = d.cleared = 0.0
            d.shipped, d.shipped_value = 0, 0.0
        self._service_interest()
        self._crisis()

    def _service_interest(self) -> None:
        """Each holder works on the interest its tokens ask for; the rest capitalises."""
        book = self.debt
        due = book.interest_due()
        serviced = np.zeros(book.size)
        for token in book.live():
            serviced[token] = self.by_id[int(book.holder[token])].service(float(due[token]))
        book.accrue(serviced, self.steps, self.scenario.compound)

    def _crisis(self) -> None:
        """Above the threshold, feature agents pay down the excess in proportion to the value
        they drew from shortcuts (seed 001: a system-wide crisis triggers mandatory paydown),
        working on the tokens that were largest when the step began, largest first."""
        p, book = self.scenario, self.debt
        self.debt_checked = book.total()
        excess = self.debt_checked - p.crisis_threshold
        if excess <= 0:
            self.in_crisis = False
            return
        if not self.in_crisis:
            self.crises += 1
        self.in_crisis = True
        benefit = np.array([d.benefit for d in self.features])
        if benefit.sum() <= 0:
            return
        live = book.live()
        largest_first = live[np.argsort(-book.outstanding[live], kind="stable")].tolist()
        for d, share in zip(self.features, benefit / benefit.sum()):
            owed = share * excess
            for token in largest_first:
                if owed <= 1e-12 or d.hours <= 1e-12:
                    break
                if book.outstanding[token] <= 1e-9:
                    continue
                done = d.work_on(int(token), limit=owed)
                owed -= done
                self.crisis_work[d.unique_id] += done

    def coupling_tax(self, shipper, principal: float) -> None:
        """A shortcut breaks others' modules: the shipper pays them, equally, through the ledger."""
        tax = to_units(self.scenario.coupling_tax * principal)
        owners = [d for d in self.features if d is not shipper]
        if not tax or not owners:
            return
        tax = min(tax, self.ledger.balance(shipper.account))
        each = tax // len(owners)
        if each:
            self.ledger.settle(Transfer(shipper.account, o.account, each, "modules", principal, "coupling tax")
                               for o in owners)

    # the observer ---------------------------------------------------------------------------------
    def observe(self) -> None:
        """Welfare: the value of features shipped minus the specialists' true cost of their cleanup hours. No
        exact planner here: the optimum is NaN."""
        cleared = sum(d.cleared for d in self.developers)
        spent = sum(d.cleanup_hours for d in self.developers)
        specialists_cost = sum(d.cleanup_hours * d.true_cost_per_hour() for d in self.specialists)
        self.debt_paid, self.cleanup_hours = cleared, spent
        self.paydown_cost = spent / cleared if cleared > 0 else float("nan")
        self.shipped_value = sum(d.shipped_value for d in self.features)
        self.welfare = self.shipped_value - specialists_cost
        self.optimum = float("nan")

    @property
    def debt_outstanding(self) -> float:
        """Outstanding principal hours of every live token."""
        return self.debt.total()

    @property
    def specialist_share(self) -> float:
        """The share of outstanding debt the specialists hold (NaN with none)."""
        live = self.debt.live()
        total = self.debt.outstanding[live].sum()
        if total <= 0:
            return float("nan")
        ids = [d.unique_id for d in self.specialists]
        return float(self.debt.outstanding[live][np.isin(self.debt.holder[live], ids)].sum() / total)

    @property
    def productivity(self) -> float:
        """Features shipped per feature agent this step."""
        return sum(d.shipped for d in self.features) / len(self.features)

    def extra_reporters(self):
        """The debt, its price and paydown cost, crises, who holds it, productivity and health."""
        return {"debt_outstanding": "debt_outstanding", "debt_paid": "debt_paid",
                "token_price": lambda m: m.market.price, "crises": "crises", "in_crisis": "in_crisis",
                "paydown_cost": "paydown_cost", "specialist_share": "specialist_share",
                "productivity": "productivity", "health": "health", "cleanup_hours": "cleanup_hours"}
