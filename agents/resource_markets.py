"""Market makers for a fleet's shared resources, one per mechanism.

Each is a Mesa agent that, every step, collects what the agents ask for (requests at
posted prices, demands at trial prices, sealed bids, or limit orders), decides who gets
how many units of each resource (never more than its capacity), settles the payments
through the ledger (usage is paid to the platform and burned; in a double auction buyers
pay sellers) and publishes one price per resource. None reads a value or a need.
"""

import math
from dataclasses import dataclass

import mesa
import numpy as np

from agents.resource_users import Users
from model.ledger import BURN, UNITS_PER_CREDIT, Transfer, to_credits, to_units
from model.mechanisms import OrderBook, congestion_price, density_clear, smoothed_price, tatonnement


@dataclass
class Ticker:
    """One resource's public quote: the ``price:<market>`` column and its revenue."""

    market: str
    price: float = float("nan")
    revenue: float = 0.0


class ResourceMarket(mesa.Agent):
    """The shared routine: subclasses implement :meth:`allocate`.

    Attributes:
        tickers: one Ticker per resource.
        used: units each agent got of each resource this step (agents x resources).
        kept: units of its own quota each agent kept idle (double auction only).
        spent: credits each agent paid this step.
    """

    def __init__(self, model, users: Users, holders: list, resources: list[str], capacity, rng):
        super().__init__(model)
        self.users, self.holders = users, holders
        self.accounts = np.array([h.account for h in holders])
        self.resources = resources
        self.capacity = np.asarray(capacity, dtype=float)
        self.tickers = {name: Ticker(name) for name in resources}
        self._rng = rng  # the exchange's own stream: rationing order
        n = len(users)
        self.used = np.zeros((n, len(resources)))
        self.kept = np.zeros((n, len(resources)))
        self.spent = np.zeros(n)

    @property
    def prices(self) -> np.ndarray:
        """The posted or last traded price of each resource."""
        return np.array([t.price for t in self.tickers.values()])

    def wallets(self) -> np.ndarray:
        """Every agent's balance in credits (what it can spend: public to itself)."""
        return to_credits(self.model.ledger.balances[self.accounts])

    def step(self) -> None:
        """Reset this step's accounts of use, idle quota and spending, then allocate."""
        self.used[:] = 0.0
        self.kept[:] = 0.0
        self.spent[:] = 0.0
        for ticker in self.tickers.values():
            ticker.revenue = 0.0
        self.allocate()

    def allocate(self) -> None:
        """Decide who gets how many units of each resource and settle the payments (each
        mechanism's own rule)."""
        raise NotImplementedError

    # shared pieces --------------------------------------------------------------------------
    def ration(self, units: np.ndarray) -> np.ndarray:
        """Serve requests resource by resource in a random order until capacity is used up
        (the last one served in part). Never more than capacity."""
        granted = np.zeros_like(units)
        for r, cap in enumerate(self.capacity):
            order = self._rng.permutation(len(units))
            asked = units[order, r]
            before = np.cumsum(asked) - asked
            granted[order, r] = np.clip(cap - before, 0.0, asked)
        return granted

    def charge(self, granted: np.ndarray, unit_prices) -> None:
        """Burn each agent's usage fee, granted units x its unit price (a price per resource,
        or one per agent and resource), in one all-or-nothing batch. Rounding to micro-credits
        never takes a wallet below zero."""
        cost = np.rint(granted * unit_prices * UNITS_PER_CREDIT).astype(np.int64)
        balances = self.model.ledger.balances[self.accounts].copy()
        transfers = []
        for r, name in enumerate(self.resources):
            rows = np.flatnonzero(cost[:, r] > 0)
            amounts = np.minimum(cost[rows, r], balances[rows])
            balances[rows] -= amounts
            transfers += [Transfer(int(self.accounts[i]), BURN, int(a), name, float(granted[i, r]), "usage")
                          for i, a in zip(rows, amounts)]
            self.spent[rows] += to_credits(amounts)
            self.tickers[name].revenue += to_credits(int(amounts.sum()))
        self.model.ledger.settle(transfers)
        self.used += granted


class PostedPriceMarket(ResourceMarket):
    """The congestion-priced AMM (seed 002, section 4.2): agents see the posted prices, pick a
    resource by logit and ask for units; requests beyond capacity are rationed in a random
    order; each unit costs the posted price (burned). Then each price moves toward
    P_base (1 + k U / L), U the units requested, by the smoothing weight omega."""

    def __init__(self, *args, base: float, k: float, omega: float, tau: float):
        super().__init__(*args)
        self.base, self.k, self.omega, self.tau = base, k, omega, tau
        for ticker in self.tickers.values():
            ticker.price = base
        self.requested = np.zeros(len(self.capacity))

    def allocate(self) -> None:
        """Agents request at the posted prices, the excess is rationed in a random order, fees are
        burned, then prices move toward the congestion price."""
        prices = self.prices
        units = self.users.logit_requests(prices, self.tau, self.capacity, self.wallets())
        self.charge(self.ration(units), prices)
        self.requested = units.sum(axis=0)
        target = congestion_price(self.base, self.k, self.requested, self.capacity)
        for ticker, price in zip(self.tickers.values(), smoothed_price(prices, target, self.omega)):
            ticker.price = float(price)


class TatonnementMarket(ResourceMarket):
    """Tâtonnement (seed 000): the exchange calls out trial prices, agents answer with the
    units they would buy, and prices walk until demand fits capacity (within ``tol`` or
    after ``max_iter`` rounds, reported); then agents buy at those prices, rationed in a
    random order if demand still exceeds capacity."""

    def __init__(self, *args, rate: float, tol: float, max_iter: int):
        super().__init__(*args)
        self.rate, self.tol, self.max_iter = rate, tol, max_iter
        self.iterations, self.converged = 0, True
        for ticker in self.tickers.values():
            ticker.price = 0.0

    def allocate(self) -> None:
        """Walk the prices until demand fits capacity, then sell at those prices (rationed if still
        in excess)."""
        wallets = self.wallets()
        outcome = tatonnement(lambda p: self.users.demand(p, self.capacity, wallets).sum(axis=0), self.capacity,
                              start=self.prices, rate=self.rate, tol=self.tol, max_iter=self.max_iter)
        self.iterations, self.converged = outcome.iterations, outcome.converged
        units = self.users.demand(outcome.prices, self.capacity, wallets)
        self.charge(self.ration(units), outcome.prices)
        for ticker, price in zip(self.tickers.values(), outcome.prices):
            ticker.price = float(price)


class DensityMarket(ResourceMarket):
    """Seed 000's clearing, one resource after another: each agent bids its reported value
    for its whole need of the resource it prefers at the last prices (never more than its
    wallet); runaways bid their whole wallet for the whole capacity of each. Bids are
    cleared by value density (:func:`density_clear`) against the wallets left."""

    def allocate(self) -> None:
        """Clear each resource in turn by value density, charging each winner the unit value of the
        bid it displaced."""
        demand = self.users.demand(np.nan_to_num(self.prices, nan=0.0), self.capacity, self.wallets())
        bids, runaway = self.users.unit_bids(), self.users.runaway
        for r, name in enumerate(self.resources):
            wallets = self.wallets()  # what is left after the resources cleared before
            quantity = np.where(runaway, self.capacity[r], demand[:, r])
            value = np.where(runaway, wallets, np.minimum(quantity * bids[:, r], wallets))
            rows = np.flatnonzero((quantity > 0) & (value > 0))
            if rows.size == 0:
                continue
            outcome = density_clear(value[rows], quantity[rows], self.capacity[r], budgets=wallets[rows])
            granted = np.zeros_like(demand)
            granted[rows, r] = outcome.allocation
            unit_price = np.zeros_like(demand)
            won = rows[outcome.allocation > 0]
            unit_price[won, r] = outcome.payments[outcome.allocation > 0] / outcome.allocation[outcome.allocation > 0]
            self.charge(granted, unit_price)
            if outcome.winners.size:
                self.tickers[name].price = outcome.price


class DoubleAuctionMarket(ResourceMarket):
    """A continuous double auction per resource (seed 001, Market 2). Capacity starts out as
    the agents' quotas; agents with idle units post asks, agents in need post bids, in a
    random order, ``rounds`` times a step (an unfilled agent withdraws its order and posts a
    fresh one each round, as Gode and Sunder's traders do). A crossing order trades at once
    at the standing order's price (price-time priority, partial fills); the buyer pays the
    seller. Orders expire at the end of the step.

    Each round runs in one compiled call (:func:`~model.mechanisms.order_book_compiled.trade_round`:
    the book and the agents' quantity rules) and each resource's fills settle in one ledger
    batch. ``reference=True`` runs the same rounds through the Python :class:`OrderBook`, one
    call per order and one ledger transfer per fill: the readable version, which the tests and
    benchmarks hold the compiled one to (identical rows and ledger).
    """

    def __init__(self, *args, rounds: int, reference: bool = False):
        super().__init__(*args)
        self.rounds = rounds
        self.reference = reference
        self.books: dict[str, object] = {}
        self.quota = self.users.quotas(self.capacity)

    def allocate(self) -> None:
        """Run ``rounds`` rounds of continuous double auction per resource on the agents' quotas,
        then put what each holds to its job."""
        runaway = self.users.runaway
        held = self.quota.copy()
        self._cash = self.wallets()  # what agents believe they can spend, kept up to date by the fills
        trade = self._trade_reference if self.reference else self._trade_compiled
        for r, name in enumerate(self.resources):
            trade(held, r, name)
        # Each agent puts what it holds of its favourite resource to its job (up to its need);
        # runaways consume all they hold; the rest stays idle.
        job = np.zeros_like(held)
        rows = np.arange(len(held))
        favourite = self.users.favourite()
        job[rows, favourite] = np.minimum(held[rows, favourite], self.users.need)
        job[runaway] = held[runaway]
        self.used = job
        self.kept = held - job

    def _round_orders(self, held: np.ndarray, r: int):
        """One round's orders of resource ``r``, in the random order they arrive: (traders, is_buy,
        prices, quantities) and what the quantity rules need, ``need`` and ``idle_tier`` (an ask
        priced for idle units offers idle units only). Both paths draw the same random numbers."""
        buy, offer, reservation, need = self.users.orders(held, r)
        runaway = self.users.runaway
        buyers = np.flatnonzero((buy > 0) | (runaway & (self._cash > 0)))
        sellers = np.flatnonzero(offer > 0)
        order = self._rng.permutation(len(buyers) + len(sellers))
        traders = np.concatenate([buyers, sellers])[order]
        is_buy = order < len(buyers)
        prices = np.concatenate([self.users.limit_prices("buy", buyers, r),
                                 self.users.limit_prices("sell", sellers, r, reservation)])[order]
        quantities = np.concatenate([buy[buyers], offer[sellers]])[order]
        return traders, is_buy, prices, quantities, need, held[:, r] > need

    def _trade_compiled(self, held: np.ndarray, r: int, name: str) -> None:
        # Imported here, not at the top: numba's import costs ~0.3 s, which every process that
        # loads the scenarios (the CLI, sweep workers) would pay without running a double auction.
        from model.mechanisms.order_book_compiled import CompiledOrderBook, trade_round

        # One book per resource, kept from step to step: it grows in the first step, then reuses
        # its memory; its orders expire at the end of each step.
        book = self.books.get(name)
        if not isinstance(book, CompiledOrderBook):
            book = self.books[name] = CompiledOrderBook(capacity=2 * len(held))
        book.clear()
        ledger = self.model.ledger
        holding = held[:, r].copy()
        balances = ledger.balances[self.accounts].astype(np.int64)  # a copy the rounds draw down
        resting = np.full((len(held), 2), -1, dtype=np.int64)  # each agent's standing bid and ask
        rounds = []
        for _ in range(self.rounds):
            traders, is_buy, prices, quantities, need, idle_tier = self._round_orders(held, r)
            rounds.append(trade_round(book, traders, is_buy, prices, quantities, holding=holding, need=need,
                                      idle_only=idle_tier, unbounded=self.users.runaway, cash=self._cash,
                                      balances=balances, spent=self.spent, resting=resting))
            held[:, r] = holding  # the next round's orders depend on what is held now
        buyer, seller, price, quantity, amount = (np.concatenate(column) for column in zip(*rounds))
        trades = buyer != seller  # an agent's bid meeting its own ask moved nothing
        ledger.settle_in_order(self.accounts[buyer[trades]], self.accounts[seller[trades]], amount[trades],
                               market=name, quantities=quantity[trades], kind="trade")
        if trades.any():
            self.tickers[name].price = float(price[trades][-1])

    def _trade_reference(self, held: np.ndarray, r: int, name: str) -> None:
        book = self.books[name] = OrderBook()
        resting: dict[tuple[int, str], int] = {}  # (agent, side) -> its order in the book
        wild = self.users.runaway.tolist()
        for _ in range(self.rounds):
            traders, is_buy, prices, quantities, need, idle_tier = self._round_orders(held, r)
            need, idle_tier = need.tolist(), idle_tier.tolist()
            for agent, buying, price, quantity in zip(traders.tolist(), is_buy.tolist(), prices.tolist(),
                                                     quantities.tolist()):
                side = "buy" if buying else "sell"
                if (agent, side) in resting:
                    book.cancel(resting.pop((agent, side)))
                # Holdings may have moved since the round began (a resting order filled):
                # never offer more than is held, nor buy beyond the need or the wallet.
                holding = held[agent, r]
                if not buying:  # an ask priced for idle units offers idle units only
                    quantity = min(quantity, holding - need[agent] if idle_tier[agent] else holding)
                else:
                    affordable = math.floor(self._cash[agent] / price) if price > 0 else math.inf
                    quantity = affordable if wild[agent] else min(quantity, need[agent] - holding, affordable)
                if not 0 < quantity < math.inf:
                    continue
                placed, fills = book.submit(side, agent, price, quantity)
                for fill in fills:
                    self._settle(fill, name, r, held)
                if placed is not None:
                    resting[(agent, side)] = placed

    def _settle(self, fill, name: str, r: int, held: np.ndarray) -> None:
        """The buyer pays the seller for a fill; the units change hands. An agent's bid can
        meet its own ask only if its strategy bids above value and asks below it (noisy):
        that is no trade, and nothing moves."""
        if fill.buyer == fill.seller:
            return
        ledger = self.model.ledger
        payer = int(self.accounts[fill.buyer])
        amount = min(to_units(fill.price * fill.quantity), ledger.balance(payer))
        ledger.transfer(payer, int(self.accounts[fill.seller]), amount, market=name, quantity=fill.quantity,
                        kind="trade")
        self.spent[fill.buyer] += to_credits(amount)
        self._cash[fill.buyer] -= to_credits(amount)
        self._cash[fill.seller] += to_credits(amount)
        held[fill.buyer, r] += fill.quantity
        held[fill.seller, r] -= fill.quantity
        self.tickers[name].price = fill.price
