"""Traders with induced values in a continuous double auction, and the exchange they trade on.

Smith's design (JPE 70(2), 1962): each trading period every buyer may buy one unit worth its
private value to it, every seller may sell one unit that costs it its private cost; they post
bids and asks on an open book while the period runs and a trade happens whenever a bid meets
an ask. The values and costs are induced by the experimenter (here the scenario) from given
demand and supply schedules; nobody knows anyone else's.

:class:`InducedTraders` keeps the private numbers column-wise (row ``i`` is trader ``i``;
buyers first, then sellers) and turns them into orders with each side's strategy: only this
module reads them, the exchange receives orders, the observer reads the truth through
:meth:`InducedTraders.true_values`. :class:`DoubleAuctionMarket` runs the book
(:class:`~model.mechanisms.order_book_compiled.CompiledOrderBook`: price-time priority, a trade
at the standing order's price) and settles the period's trades through the ledger.

A period is either simulated (``ticks`` times, every trader who still holds its unit posts a
fresh order, in a random order: Gode and Sunder's market, JPE 101(1), 1993) or live (a class
session: people post one order at a time with :meth:`DoubleAuctionMarket.post` while bots post
on a timer with :meth:`DoubleAuctionMarket.tick`).
"""

from dataclasses import dataclass

import mesa
import numpy as np

from agents.strategies import Scripted
from model.ledger import to_credits

BUY, SELL = True, False


@dataclass(frozen=True)
class ZeroIntelligenceUnconstrained(Scripted):
    """ZI-U: a bid or ask uniform on [0, price cap], whatever the value or cost (Gode and Sunder
    1993's unconstrained traders, who may trade at a loss). Their low efficiency next to ZI-C's
    is the point: the budget constraint, not intelligence, makes the double auction efficient."""

    name = "ziu"
    cap: float = 200.0

    def bid(self, value, bidders, random, member=0):
        return random.uniform(0.0, self.cap)

    def bids(self, values, bidders, rng):
        return rng.random(np.shape(values)) * self.cap

    def ask(self, cost, ceiling, rng, members=None):
        return rng.random(np.shape(cost)) * self.cap


class DoubleAuctionTrader(mesa.Agent):
    """One trader: an account and row ``index`` of the InducedTraders (a buyer or a seller)."""

    def __init__(self, model, index: int, buyer: bool):
        super().__init__(model)
        self.index, self.buyer = index, buyer
        self.account = model.ledger.open_account(f"{'buyer' if buyer else 'seller'}:{index}")

    @property
    def wealth(self) -> float:
        return to_credits(self.model.ledger.balance(self.account))


class InducedTraders:
    """The traders' private values (buyers) and costs (sellers), and how they price orders.

    Args:
        buyers, sellers: how many of each; rows 0..buyers-1 are the buyers.
        buyer_strategy, seller_strategy: agents.strategies objects (``bids`` for buyers, over
            every buyer in row order; ``ask`` for sellers, over every seller in row order).
        price_cap: the highest price the exchange takes (the ceiling a ZI-C seller draws up to).
        rng: the traders' own random stream.
    """

    def __init__(self, buyers: int, sellers: int, buyer_strategy, seller_strategy, price_cap: float, rng):
        self.buyers, self.sellers = buyers, sellers
        self.is_buyer = np.arange(buyers + sellers) < buyers
        self.buyer_strategy, self.seller_strategy = buyer_strategy, seller_strategy
        self.price_cap = price_cap
        self._rng = rng
        self._value = np.zeros(buyers + sellers)
        self._buyers_priced = False   # whether the buyers' strategy priced this period (learners need it)

    def __len__(self) -> int:
        return self.is_buyer.size

    def induce(self, values: np.ndarray, costs: np.ndarray) -> None:
        """This period's private numbers: each buyer's value, each seller's cost."""
        self._value = np.concatenate([np.asarray(values, dtype=float), np.asarray(costs, dtype=float)])
        self._buyers_priced = False

    def orders(self, active: np.ndarray, cash: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The active traders that post, and every trader's order price (NaN: no order, e.g. a
        seat a person holds). A seller never asks so low that its cost, which it pays when it
        sells, could exceed its wallet with the price: asks are at least cost - cash."""
        prices = np.full(len(self), np.nan)
        b, s = self.buyers, self.sellers
        if active[:b].any():
            prices[:b] = self.buyer_strategy.bids(self._value[:b], b, self._rng)
            self._buyers_priced = True
        if active[b:].any():
            prices[b:] = self.seller_strategy.ask(self._value[b:], np.full(s, self.price_cap), self._rng)
        prices[b:] = np.maximum(prices[b:], self._value[b:] - cash[b:])
        prices = np.clip(prices, 0.0, self.price_cap)   # the exchange's limits (NaN stays NaN)
        return np.flatnonzero(active & np.isfinite(prices)), prices

    def affordable(self, index: int, price: float, cash: float) -> bool:
        """Whether trader ``index`` can stand by an order at ``price`` with ``cash`` in hand: a
        buyer pays the price, a seller the cost of its unit out of the price."""
        return price <= cash if self.is_buyer[index] else self._value[index] - price <= cash

    def redemptions(self, trades) -> tuple[np.ndarray, np.ndarray]:
        """What the experimenter settles for this period's trades (buyer, seller, price): each
        buyer is paid its value for the unit it bought, each seller pays the cost of the unit
        it sold. Returns (accounts' rows, signed amounts: + received, - paid), buyers first."""
        buyers = np.array([b for b, _, _ in trades], dtype=np.int64)
        sellers = np.array([s for _, s, _ in trades], dtype=np.int64)
        rows = np.concatenate([buyers, sellers])
        return rows, np.concatenate([self._value[buyers], -self._value[sellers]])

    def own_value(self, index: int) -> float:
        """Trader ``index``'s own value or cost (for that trader's own page, nobody else's)."""
        return float(self._value[index])

    def tell_learners(self, bought: np.ndarray, paid: np.ndarray, price: float) -> None:
        """After a period, each buyer's own utility (value of what it bought minus what it paid)
        and the disclosed mean price go to a learning buyers' strategy, both as shares of the
        price cap (so that EXP3's reward range [-1, 1] holds)."""
        b, strategy = self.buyers, self.buyer_strategy
        if strategy.learns and self._buyers_priced:   # a learner that never bid this period sits it out
            utility = self._value[:b] * bought[:b] - paid[:b]
            strategy.feedback(np.arange(b), utility / self.price_cap, price / self.price_cap)

    # the observer's view -------------------------------------------------------------------
    def true_values(self) -> np.ndarray:
        """Every trader's true value (buyers) or cost (sellers) this period. Observer only."""
        return self._value.copy()


class DoubleAuctionMarket(mesa.Agent):
    """The exchange: an open book for one good, a period at a time.

    It sees orders only. Each trader trades at most one unit a period: a buyer that bought and
    a seller that sold post no more; a bid is capped by the buyer's wallet (an order the wallet
    cannot cover is not posted, a person's is refused). Trades are at the standing order's
    price; the buyer pays the seller through the ledger, all of a period's trades in one
    ordered all-or-nothing batch when the period closes (the book checks each buyer's cash as
    it trades, so the batch always settles).

    Attributes:
        market: "units" (ledger entries and the ``price:units`` column).
        price: the ticker, the last period's mean trade price (NaN before the first trade).
        revenue: the period's turnover, credits paid by buyers to sellers.
        trades: this period's trades so far, (buyer, seller, price) in order.
        live: if True, ``step`` runs no simulated ticks (people and timers post instead).
    """

    market = "units"

    def __init__(self, model, traders: InducedTraders, accounts: np.ndarray, ticks: int, rng):
        super().__init__(model)
        from model.mechanisms.order_book_compiled import CompiledOrderBook  # numba loads with the exchange only

        self.traders, self.accounts, self.ticks = traders, accounts, ticks
        self._rng = rng
        self.book = CompiledOrderBook(capacity=4 * len(traders))
        self.price = float("nan")
        self.revenue = 0.0
        self.live = False
        self.is_open = False
        self.trades: list[tuple[int, int, float]] = []

    # a period ---------------------------------------------------------------------------
    def open(self) -> None:
        """Start a period: an empty book, sellers holding their unit, buyers needing one."""
        n = len(self.traders)
        self.book.clear()
        self.holding = (~self.traders.is_buyer).astype(np.float64)
        self.need = self.traders.is_buyer.astype(np.float64)
        self.balances = self.model.ledger.balances[self.accounts].astype(np.int64)
        self.cash = to_credits(self.balances).astype(np.float64)
        self.spent = np.zeros(n)
        self.resting = np.full((n, 2), -1, dtype=np.int64)
        self._fills = []
        self.trades = []
        self.is_open = True

    def done(self) -> np.ndarray:
        """Which traders have traded their unit this period."""
        return np.where(self.traders.is_buyer, self.holding >= self.need, self.holding <= 0)

    def tick(self, limit: int | None = None) -> int:
        """Traders that still hold their unit and whose strategy prices an order (a seat a person
        holds does not: its orders come through :meth:`post`) post a fresh one each, in a random
        order (at most ``limit`` of them); returns the number of trades."""
        who, prices = self.traders.orders(~self.done(), self.cash)
        who = self._rng.permutation(who)[:limit]
        return self._trade(who, prices[who])

    def post(self, index: int, buy: bool, price: float) -> int:
        """One order from trader ``index`` (a person's seat); returns the number of trades.

        Raises:
            ValueError: with a sentence for the person, when the order breaks a rule.
        """
        if not self.is_open:
            raise ValueError("the round is closed: orders are taken while a round runs")
        if buy != bool(self.traders.is_buyer[index]):
            raise ValueError("buyers post bids and sellers post asks")
        cap = self.traders.price_cap
        if not 0 <= price <= cap:
            raise ValueError(f"a price must be between 0 and {cap:g}")
        if self.done()[index]:
            raise ValueError("you have traded your unit this round")
        if buy and price > self.cash[index]:
            raise ValueError(f"your wallet holds {self.cash[index]:.2f}, less than that bid")
        return self._trade(np.array([index]), np.array([price]))

    def withdraw(self, index: int) -> None:
        """Take trader ``index``'s standing orders off the book."""
        for side in (0, 1):
            if self.resting[index, side] >= 0:
                self.book.cancel(int(self.resting[index, side]))
                self.resting[index, side] = -1

    def quotes(self) -> dict:
        """The public face of the book: best bid and ask, and this period's trade prices."""
        bid, ask = self.book.best_bid(), self.book.best_ask()
        return {"best_bid": None if bid is None else bid[0], "best_ask": None if ask is None else ask[0],
                "prices": [p for _, _, p in self.trades]}

    def _trade(self, who: np.ndarray, prices: np.ndarray) -> int:
        from model.mechanisms.order_book_compiled import trade_round

        if who.size == 0:
            return 0
        is_buyer = self.traders.is_buyer
        fills = trade_round(self.book, who.astype(np.int64), is_buyer[who], prices, np.ones(who.size),
                            holding=self.holding, need=self.need, idle_only=np.zeros(len(is_buyer), dtype=bool),
                            unbounded=np.zeros(len(is_buyer), dtype=bool), cash=self.cash,
                            balances=self.balances, spent=self.spent, resting=self.resting)
        self._fills.append(fills)
        self.trades += list(zip(fills.buyer.tolist(), fills.seller.tolist(), fills.price.tolist()))
        return fills.buyer.size

    def step(self) -> None:
        """Close the period: simulate it first unless live, then settle its trades."""
        if not self.is_open:
            self.open()
        if not self.live:
            for _ in range(self.ticks):
                self.tick()
        n = len(self.traders)
        if self._fills:
            buyer, seller, _, quantity, amount = (np.concatenate(c) for c in zip(*self._fills))
        else:
            buyer = seller = amount = np.zeros(0, dtype=np.int64)
            quantity = np.zeros(0)
        self.model.ledger.settle_in_order(self.accounts[buyer], self.accounts[seller], amount, market=self.market,
                                          quantities=quantity, kind="trade")
        self.revenue = to_credits(int(amount.sum()))
        prices = np.array([p for _, _, p in self.trades])
        if prices.size:
            self.price = float(prices.mean())
        bought, paid = np.zeros(n), np.zeros(n)
        np.add.at(bought, buyer, quantity)
        np.add.at(paid, buyer, to_credits(amount))
        self.traders.tell_learners(bought, paid, float(prices.mean()) if prices.size else float("nan"))
        self.last_trades = list(self.trades)
        self.is_open = False


class Experimenter(mesa.Agent):
    """Smith's experimenter, who induced the values: after each period it buys back every unit
    bought at the buyer's value and charges every seller the cost of the unit it sold, so that a
    trader's wallet moves by exactly its profit (v - p for a buyer, p - c for a seller).

    Through the ledger: it mints the period's redemption values into its account, pays them to
    the buyers, collects the sellers' costs and burns them; minted - burned is the period's
    realised surplus. It reads the values it induced (:meth:`InducedTraders.redemptions`) after
    the exchange has closed, never the exchange's business while it runs.
    """

    tickers: dict = {}   # an exchange with no price column of its own (MarketModel.add_exchange)

    def __init__(self, model, traders: InducedTraders, accounts: np.ndarray, exchange: DoubleAuctionMarket):
        super().__init__(model)
        self.traders, self.accounts, self.exchange = traders, accounts, exchange
        self.account = model.ledger.open_account("experimenter")

    def step(self) -> None:
        from model.ledger import to_units

        rows, amounts = self.traders.redemptions(self.exchange.last_trades)
        units = np.array([to_units(abs(a)) for a in amounts], dtype=np.int64)
        paid_out, paid_in = amounts >= 0, amounts < 0
        ledger, market = self.model.ledger, "redemption"
        if units[paid_out].sum():
            ledger.mint(self.account, int(units[paid_out].sum()), market=market, kind="redemption fund")
        payers = np.where(paid_out, self.account, self.accounts[rows])
        payees = np.where(paid_out, self.accounts[rows], self.account)
        ledger.settle_in_order(payers, payees, units, market=market, quantities=np.ones(units.size),
                               kind="redemption")
        if units[paid_in].sum():
            ledger.burn(self.account, int(units[paid_in].sum()), market=market, kind="cost of units sold")
