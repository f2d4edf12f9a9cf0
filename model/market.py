"""MarketModel: the generic Mesa model every scenario configures."""

from typing import Any, ClassVar

import mesa
import numpy as np
from mesa.experimental.scenarios import Scenario

from model.ledger import MAX_UNITS, Ledger, to_credits
from model.metrics import gini, ratio
from model.params import Param, ParameterError, validate

#: Columns every scenario reports, in this order, before its own.
STANDARD_COLUMNS = ("step", "welfare", "optimum", "efficiency", "revenue", "gini", "money_supply", "minted",
                    "burned")


class MarketModel(mesa.Model):
    """A market economy: a ledger, traders, market makers and an observer.

    One step follows the data flow of the design notes:

    1. ``environment()`` — new private requests, shocks, arrivals;
    2. every trader bids (``traders.do("step")``): bids are sealed and
       simultaneous, so traders act in creation order and ties go to the
       lowest index, which keeps runs reproducible;
    3. every market maker clears its orders and settles through the ledger;
    4. ``observe()`` — the observer scores the outcome from TRUE valuations
       (``welfare``) against an exact planner (``optimum``);
    5. the ledger is audited and the DataCollector records a row.

    Subclasses declare ``name``, ``summary``, ``params`` (a tuple of
    :class:`~model.params.Param`), and implement ``setup``, ``environment`` and
    ``observe``; ``extra_reporters`` adds their own columns.

    Args:
        rng: the run's seed (or a numpy Generator).
        scenario: optionally, a Mesa Scenario holding the parameters.
        **params: scenario parameters; unknown or out-of-range ones raise
            :class:`~model.params.ParameterError`.
    """

    name: ClassVar[str] = "market"
    summary: ClassVar[str] = ""
    explanation: ClassVar[str] = ""
    default_steps: ClassVar[int] = 100
    params: ClassVar[tuple[Param, ...]] = ()
    #: Agent classes whose wallets count as the traders' (stepped each step; the Gini). Each
    #: scenario names its own: the model layer knows its participants only through this.
    participant_types: ClassVar[tuple[type, ...]] = ()

    def __init__(self, rng=None, scenario: Scenario | None = None, **params: Any):
        if scenario is not None:  # built from a Mesa Scenario (Mesa's ModelController resets so)
            given = {k: v for k, v in scenario if k not in ("rng", "model")}
            params = {**given, **params}
            rng = scenario.rng if rng is None else rng
        values = self.validated(params, steps=0)
        super().__init__(scenario=Scenario(rng=rng, **values))
        self.ledger = Ledger(clock=lambda: self.steps)
        self.minted = self.burned = 0.0
        self._books = (0, 0)   # the ledger's minted and burned when the last row was written
        self.markets: dict[str, Any] = {}
        self._clearers: list[Any] = []
        self.welfare = 0.0
        self.optimum = float("nan")
        self.revenue = 0.0
        if not self.participant_types:
            raise TypeError(f"{type(self).__name__} must declare participant_types, the agent classes it steps")
        self.setup()
        self.trader_accounts = np.array([t.account for t in self.traders], dtype=np.int64)
        self._start_balances = self.trader_balances()
        self.datacollector = mesa.DataCollector(model_reporters=self._reporters())
        self.running = True

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every declared parameter's default, by name."""
        return {p.name: p.default for p in cls.params}

    @classmethod
    def validated(cls, params: dict[str, Any], steps: int = 0) -> dict[str, Any]:
        """Defaults overlaid with ``params``, each checked against its declaration, the
        combination checked by :meth:`check`, and the money a run of ``steps`` steps can mint
        checked against what the ledger can hold; raises ParameterError."""
        values = validate(cls.params, params, owner=cls.name)
        cls.check(values)
        bound, source = cls.money_bound(values, steps)
        limit = to_credits(MAX_UNITS)
        if bound > limit:
            span = "at set-up" if steps == 0 else f"over {steps:,} steps"
            raise ParameterError(
                f"{source} can mint up to {bound:.3g} credits {span}, more than the ledger can hold "
                f"({limit:.3g} credits); lower them"
            )
        return values

    # hooks for scenarios ----------------------------------------------------
    @classmethod
    def check(cls, values: dict[str, Any]) -> None:
        """Check rules that tie parameters together; raise ParameterError."""

    @classmethod
    def money_bound(cls, values: dict[str, Any], steps: int) -> tuple[float, str]:
        """An upper bound on the credits this scenario mints in set-up and ``steps`` steps, and
        the parameters that set it (in words, for the error message). Scenarios that mint
        override it; :meth:`validated` refuses parameters whose bound exceeds the ledger."""
        return 0.0, ""

    def setup(self) -> None:
        """Create market makers, traders and endowments."""
        raise NotImplementedError

    def environment(self) -> None:
        """Hand traders their private requests for this step."""

    def observe(self) -> None:
        """Set ``welfare`` and ``optimum`` from true valuations."""

    def extra_reporters(self) -> dict[str, Any]:
        """Scenario-specific DataCollector reporters, after the standard columns."""
        return {}

    def participant_utilities(self) -> np.ndarray:
        """Each participant's utility so far, in credits, in a fixed order (economic agency
        compares it with a baseline's). By default its wallet's gain since set-up; scenarios
        whose participants realise value or bear costs outside their wallets override it."""
        return self.trader_balances() - self._start_balances

    def timings(self) -> dict[str, float]:
        """Wall-clock seconds the scenario measured (e.g. its clearing), by name. Kept out of
        the rows, which depend on the seed and parameters alone; the CLI prints them on stderr."""
        return {}

    # the step ------------------------------------------------------------------
    def step(self) -> None:
        """One step in the order of the design notes: environment, every participant's step, every market maker's
        clearing, the observer, the ledger's audit, a row."""
        self.environment()
        self.traders.do("step")
        for clearer in self._clearers:
            clearer.step()
        self.revenue = sum(m.revenue for m in self.markets.values())
        self.observe()
        self.ledger.audit()
        self._count_money()
        self.datacollector.collect(self)

    def _count_money(self) -> None:
        """Credits minted and burned since the last row (the first row includes set-up), so
        that every output's books can be checked: money_supply is the running sum of minted
        minus burned, to the micro-credit."""
        minted, burned = self.ledger.minted, self.ledger.burned
        self.minted = to_credits(minted - self._books[0])
        self.burned = to_credits(burned - self._books[1])
        self._books = (minted, burned)

    # shared plumbing -------------------------------------------------------------
    def add_market(self, market) -> None:
        """A market maker: stepped each step; its ``price`` and ``revenue`` are reported."""
        self.markets[market.market] = market
        self._clearers.append(market)

    def add_exchange(self, exchange) -> None:
        """One market maker for several goods: stepped each step; each of its ``tickers``
        (objects with ``market``, ``price`` and ``revenue``) is reported like a market."""
        self._clearers.append(exchange)
        for ticker in exchange.tickers.values():
            self.markets[ticker.market] = ticker

    @property
    def traders(self):
        """The participants: every agent of ``participant_types`` (an AgentSet)."""
        sets = [self.agents_by_type[kind] for kind in self.participant_types if kind in self.agents_by_type]
        if len(sets) == 1:
            return sets[0]
        return mesa.agent.AgentSet([a for s in sets for a in s], random=self.random)

    @property
    def efficiency(self) -> float:
        """welfare / optimum, NaN unless the optimum is positive (model.metrics.ratio)."""
        return ratio(self.welfare, self.optimum)

    def trader_balances(self) -> np.ndarray:
        """The traders' wallet balances, in credits."""
        return to_credits(self.ledger.balances[self.trader_accounts])

    @property
    def wallet_gini(self) -> float:
        """Gini coefficient of the traders' wallet balances."""
        return gini(self.trader_balances())

    @property
    def money_supply(self) -> float:
        """Sum of every balance (traders and markets), in credits."""
        return to_credits(self.ledger.money_supply)

    def _reporters(self) -> dict[str, Any]:
        reporters = {
            "step": "steps",
            "welfare": "welfare",
            "optimum": "optimum",
            "efficiency": "efficiency",
            "revenue": "revenue",
            "gini": "wallet_gini",
            "money_supply": "money_supply",
            "minted": "minted",
            "burned": "burned",
        }
        for name, market in self.markets.items():
            reporters[f"price:{name}"] = lambda m, market=market: market.price
        reporters.update(self.extra_reporters())
        return reporters
