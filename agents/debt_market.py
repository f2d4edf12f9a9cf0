"""The market maker for debt tokens: who takes a shipper's technical debt, and for how much.

Taking on debt is a service: the holder pays the taker to do the cleanup. So the token goes
to the lowest ask (a procurement auction, ``mechanism="auction"``), or the holders buy cleanup
hours from the takers in a continuous double auction (``mechanism="cda"``): holders bid per hour
of principal, takers ask, and a fill moves that many hours of debt to the taker.
"""

import mesa
import numpy as np

from agents.developers import TakerDesk
from model.ledger import to_credits, to_units
from model.mechanisms import OrderBook, reverse_auction

#: Takers accept debt up to what they could clear in this many steps of work.
INTAKE_STEPS = 2.0
#: A token trades only while it has at least this many steps to maturity: a taker's queue is at
#: most INTAKE_STEPS steps of work at full health, so a token it takes is cleared before its
#: rate compounds unless health falls below INTAKE_STEPS / MIN_LIFE = 0.4. Older tokens stay
#: with their holders, who must pay them down at maturity.
MIN_LIFE = 5


class DebtMarket(mesa.Agent):
    """The market for technical debt: each step, tradable tokens move to the developers who ask least to
    clear them (seed 001, Market 4).

    Attributes: market "debt"; price, the mean price per hour of principal traded this
    step (the last one if none); revenue, credits paid for debt this step; traded, hours."""

    market = "debt"

    def __init__(self, model, mechanism: str, rule: str, strategy, book, developers: list, features: list):
        """``book``: the DebtBook; ``developers``: everyone who can take debt; ``features``: the
        feature agents, who hold the debt they create."""
        if mechanism not in ("off", "auction", "cda"):
            raise ValueError(f"mechanism must be off, auction or cda; got {mechanism!r}")
        super().__init__(model)
        self.book, self.developers, self.features = book, developers, features
        self.by_id = {d.unique_id: d for d in developers}
        self.mechanism, self.rule, self.strategy = mechanism, rule, strategy
        self.price, self.revenue, self.traded = float("nan"), 0.0, 0.0
        self._rng = np.random.default_rng(model.rng.integers(2**63))
        self._desk = None   # the takers' asks in bulk (agents.developers.TakerDesk), made on first use

    def step(self) -> None:
        """Move debt to whoever clears it most cheaply this step: a procurement auction per
        tradable token, or one double auction for cleanup hours."""
        self.revenue, self.traded = 0.0, 0.0
        if self.mechanism == "auction":
            self._auctions()
        elif self.mechanism == "cda":
            self._double_auction()
        if self.traded > 0:
            self.price = self.revenue / self.traded

    def _settle(self, holder, taker, token: int, hours: float, price: float) -> bool:
        """The holder pays the taker; the hours move. False (and nothing moves) if it cannot pay."""
        ledger = self.model.ledger
        amount = min(to_units(price), ledger.balance(holder.account))
        if amount < to_units(price):
            return False
        ledger.transfer(holder.account, taker.account, amount, market="debt", quantity=hours, kind="debt sale")
        self.book.transfer(token, hours, taker.unique_id, self.model.steps)
        self.revenue += to_credits(amount)
        self.traded += hours
        return True

    def _auctions(self) -> None:
        """Each feature agent's tokens, one procurement auction each: the lowest ask wins,
        paid its ask (first) or the second-lowest (Vickrey), at most the holder's own cost of
        clearing the token (its reserve). Takers bid for a token only if it fits their room."""
        book, developers = self.book, self.developers
        if self._desk is None:
            self._desk = TakerDesk(developers)
        index = {d.unique_id: i for i, d in enumerate(developers)}
        held = np.array([d.held_debt() for d in developers])        # kept current as tokens move
        for holder in self.features:
            me = index[holder.unique_id]
            for token in self._tradable(holder):
                hours = float(book.outstanding[token])
                bidding = self._desk.room(held, INTAKE_STEPS) >= hours
                bidding[me] = False
                if not bidding.any():
                    continue
                reserve = holder.cost_to_clear(hours)
                asks = self._desk.asks(hours, held, bidding, reserve, float(book.rate[token]), self.strategy, self._rng)
                outcome = reverse_auction(asks, reserve, self.rule)
                if outcome.winners.size:
                    winner = int(outcome.winners[0])
                    if self._settle(holder, developers[winner], int(token), hours, outcome.price):
                        held[me] -= hours
                        held[winner] += hours

    def _double_auction(self) -> None:
        """Holders bid for cleanup hours (one order each), takers post a ladder of asks (see
        ``_ask_ladder``); the orders arrive in a random order."""
        book = self.book
        ob = OrderBook()
        orders = []
        for holder in self.features:
            hours = float(book.outstanding[self._tradable(holder)].sum())
            if hours > 0:
                per_hour = holder.cost_to_clear(1.0)
                orders.append(("buy", holder, float(self.strategy.bids(np.array([per_hour]), 2, self._rng)[0]), hours))
        ceiling = max((h.cost_to_clear(1.0) for h in self.features), default=0.0)
        for taker in self.developers:
            orders.extend(("sell", taker, price, hours) for price, hours in self._ask_ladder(taker, ceiling))
        for k in self._rng.permutation(len(orders)):
            side, agent, price, quantity = orders[k]
            _, fills = ob.submit(side, agent.unique_id, max(price, 0.0), quantity)
            for fill in fills:
                holder, taker = self.by_id[fill.buyer], self.by_id[fill.seller]
                if holder is taker:
                    continue
                self._move_hours(holder, taker, fill.quantity, fill.price)

    def _ask_ladder(self, taker, ceiling: float) -> list[tuple[float, float]]:
        """A taker's supply of cleanup hours: its room cut into chunks of one step's work, each
        asked at the per-hour cost of that chunk, whose wait in its queue grows chunk by chunk."""
        held = taker.held_debt()
        room = taker.capacity(INTAKE_STEPS) - held           # it takes up to INTAKE_STEPS of work
        chunk = taker.capacity(1.0)
        ladder = []
        while room > 1e-9 and chunk > 0:
            hours = min(chunk, room)
            ladder.append((taker.ask(hours, ceiling * hours, self.strategy, self._rng, held) / hours, hours))
            held, room = held + hours, room - hours
        return ladder

    def _tradable(self, holder) -> np.ndarray:
        """The holder's tokens on the market, oldest first: those with MIN_LIFE steps or more to
        maturity. They all carry the scenario's interest rate, so in the double auction an
        hour of any of them is the same good."""
        book = self.book
        held = book.held_by(holder.unique_id)
        return held[book.maturity[held] - self.model.steps >= MIN_LIFE]

    def _move_hours(self, holder, taker, hours: float, price_per_hour: float) -> None:
        """Move ``hours`` of the holder's tradable debt (oldest tokens first) to the taker."""
        book = self.book
        for token in self._tradable(holder):
            if hours <= 1e-12:
                break
            part = min(hours, float(book.outstanding[token]))
            self._settle(holder, taker, int(token), part, part * price_per_hour)
            hours -= part
