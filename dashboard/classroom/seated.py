"""Scenarios with human seats: each a subclass of the scenario whose participants use
:class:`agents.human_seats.HumanSeats`, and an adapter that tells a class session what a seat
sees and may do.

To give another scenario human seats (see the README's classroom section):

1. subclass its model so that its participants' strategy is a ``HumanSeats`` (the bots are the
   scenario's own ``strategy``), and so that the round's private values are dealt by
   ``open_round()`` before the step (a person must see their value before bidding; the step
   then uses the values already dealt, so a seed gives the same world as the plain scenario);
2. write a :class:`SeatAdapter` for it (the seat's own private numbers, the order it may place
   and how, what it got) and add it to :data:`ADAPTERS`.

The information barrier: :meth:`SeatAdapter.private` and :meth:`SeatAdapter.outcome` read one
seat's numbers, and a student's page is built from nothing else (see ``session.student_view``).
"""

import math

import numpy as np

from agents.human_seats import HumanSeats
from model.ledger import to_credits
from model.params import ParameterError
from scenarios.double_auction import DoubleAuctionModel
from scenarios.sealed_bid import SealedBidModel
from scenarios.task_auction import TaskAuctionModel


class SeatedSealedBid(SealedBidModel):
    """sealed-bid with one HumanSeats member per bidder; bots bid with ``strategy``."""

    def _strategy(self, name: str):
        if getattr(self, "seats", None) is None:
            self.seats = HumanSeats(lambda: SealedBidModel._strategy(self, name), name)
        return self.seats

    def open_round(self) -> None:
        """Deal the next round's values now (a person must see theirs before bidding)."""
        if getattr(self, "_dealt", -1) != self.steps + 1:
            SealedBidModel.environment(self)
            self._dealt = self.steps + 1

    def environment(self) -> None:
        if getattr(self, "_dealt", -1) != self.steps:
            SealedBidModel.environment(self)
            self._dealt = self.steps


class SeatedDoubleAuction(DoubleAuctionModel):
    """double-auction with a HumanSeats population on each side, trading live."""

    def _strategy(self, name: str, rng, members: int):
        seats = HumanSeats(lambda: DoubleAuctionModel._strategy(self, name, rng, 0), name)
        for _ in range(members):
            seats.join()
        return seats

    def setup(self) -> None:
        super().setup()
        self.market.live = True   # people post while the round runs; bots on the session's timer


class SeatedTaskAuction(TaskAuctionModel):
    """task-auction (the market) with a HumanSeats member per worker: a person asks one markup
    over their own break-even price of each task they can do; bots ask with ``strategy``."""

    @classmethod
    def check(cls, values) -> None:
        super().check(values)
        if values["strategy"] not in ("truthful", "shade", "zic", "noisy"):
            raise ParameterError("a class session's task-auction bots ask with a scripted strategy: truthful, "
                                 "shade, zic or noisy")

    def _strategy(self):
        self.seats = HumanSeats(lambda: TaskAuctionModel._strategy(self), self.scenario.strategy,
                                ask_price=lambda markup, cost: np.asarray(cost) * (1.0 + markup))
        return self.seats

    def setup(self) -> None:
        super().setup()
        for _ in range(self.scenario.workers):
            self.seats.join()

    def open_round(self) -> None:
        """Nothing to deal: tasks arrive with the step; a person sees the tasks open now."""


class SeatAdapter:
    """What a class session needs to know about one scenario with human seats."""

    model_class: type
    #: parameters the session sets itself (hidden from the instructor's controls)
    fixed: tuple[str, ...] = ()
    #: orders during the round on an open book (True) or one sealed order per round (False)
    continuous = False

    @property
    def name(self) -> str:
        return self.model_class.name

    def build(self, values: dict, seats: int, seed: int):
        return self.model_class(rng=seed, **{**values, **self.seat_params(seats)})

    def seat_params(self, seats: int) -> dict:
        raise NotImplementedError

    def roles(self, model) -> list[str]:
        raise NotImplementedError

    def join_order(self, model) -> list[int]:
        """The order in which arriving students take seats."""
        return list(range(len(self.roles(model))))

    def seats_of(self, model, seat: int) -> tuple[HumanSeats, int]:
        raise NotImplementedError

    def set_human(self, model, seat: int, held: bool) -> None:
        seats, member = self.seats_of(model, seat)
        seats.set_human(member, held)

    def set_away(self, model, seat: int, away: bool) -> None:
        seats, member = self.seats_of(model, seat)
        seats.set_away(member, away)

    def player(self, model, seat: int) -> str:
        seats, member = self.seats_of(model, seat)
        return seats.player(member)

    def open_round(self, model) -> None:
        model.open_round()

    def tick(self, model) -> None:
        """Bots act between people's orders (open-book scenarios)."""

    def wallet(self, model, seat: int) -> float:
        raise NotImplementedError

    def private(self, model, seat: int) -> dict:
        """This seat's own private numbers for the round, for its own page only."""
        raise NotImplementedError

    def order_rule(self, model, seat: int) -> dict:
        """What the seat may order: {"side": "bid"|"ask", "low", "high"}."""
        raise NotImplementedError

    def submit(self, model, seat: int, price: float) -> str:
        """Place the seat's order; return what happened, or raise ValueError with the reason."""
        raise NotImplementedError

    def public(self, model) -> dict:
        """What every page may see while a round runs."""
        return {}

    def outcome(self, model, seat: int) -> dict:
        """After the round: {"allocation", "payment", "profit"} of the seat, in credits."""
        raise NotImplementedError

    def round_facts(self, model) -> dict:
        """After the round: its price, efficiency and what theory says."""
        raise NotImplementedError

    def money(self, model, seat: int, change: float, outcome: dict) -> tuple[float, float]:
        """(payment, profit) of the seat this round, given its exact wallet change: by default a
        buyer's, who paid what its wallet lost for an allocation worth its value."""
        payment = 0.0 - change
        return payment, self.private(model, seat)["value"] * outcome["allocation"] - payment

    def check_price(self, model, seat: int, price: float) -> None:
        rule = self.order_rule(model, seat)
        if not (math.isfinite(price) and rule["low"] <= price <= rule["high"]):
            raise ValueError(f"a {rule['side']} must be between {rule['low']:g} and {rule['high']:g}")


class SealedBidSeats(SeatAdapter):
    model_class = SeatedSealedBid
    fixed = ("bidders", "deviant_strategy")

    def seat_params(self, seats):
        return {"bidders": seats, "deviant_strategy": "same"}

    def roles(self, model):
        return ["bidder"] * len(model.bidders)

    def seats_of(self, model, seat):
        return model.seats, seat

    def wallet(self, model, seat):
        return model.bidders[seat].wealth

    def private(self, model, seat):
        return {"label": "your value for this round's item", "value": model.bidders[seat].valuation}

    def order_rule(self, model, seat):
        return {"side": "bid", "low": 0.0, "high": 1.0}

    def submit(self, model, seat, price):
        self.check_price(model, seat, price)
        if price > self.wallet(model, seat):
            raise ValueError(f"your wallet holds {self.wallet(model, seat):.4f}, less than that bid")
        model.seats.submit(seat, price)
        return f"your sealed bid of {price:.4f} is in (you may change it until the round closes)"

    def outcome(self, model, seat):
        clearing = model.markets["item"].last_clearing
        won = float(clearing.allocation[seat])
        paid = float(clearing.payments[seat])
        return {"allocation": won, "payment": paid, "profit": model.bidders[seat].valuation * won - paid,
                "order": float(model.markets["item"].last_orders["bid"][seat])}

    def round_facts(self, model):
        p, clearing = model.scenario, model.markets["item"].last_clearing
        n = p.bidders
        return {"price": clearing.price if clearing.winners.size else float("nan"), "revenue": model.revenue,
                "efficiency": model.efficiency,
                # Krishna 2010, ch. 2: U[0, 1] values, no reserve, equilibrium bidding
                "theory_revenue": (n - 1) / (n + 1), "theory_bid": (n - 1) / n if p.rule == "first" else 1.0}


class DoubleAuctionSeats(SeatAdapter):
    model_class = SeatedDoubleAuction
    fixed = ("buyers", "sellers", "ticks")
    continuous = True

    def seat_params(self, seats):
        return {"buyers": (seats + 1) // 2, "sellers": seats // 2}

    def roles(self, model):
        return ["buyer" if b else "seller" for b in model.induced.is_buyer]

    def join_order(self, model):
        b, s = model.scenario.buyers, model.scenario.sellers
        order = []
        for k in range(max(b, s)):   # alternate buyers and sellers
            order += ([k] if k < b else []) + ([b + k] if k < s else [])
        return order

    def seats_of(self, model, seat):
        b = model.scenario.buyers
        return (model.induced.buyer_strategy, seat) if seat < b else (model.induced.seller_strategy, seat - b)

    def tick(self, model):
        if model.market.is_open:
            model.market.tick(limit=1)

    def wallet(self, model, seat):
        return to_credits(model.ledger.balance(model.members[seat].account))

    def private(self, model, seat):
        buyer = bool(model.induced.is_buyer[seat])
        return {"label": "your value for one unit" if buyer else "your cost of your one unit",
                "value": model.induced.own_value(seat), "done": bool(model.market.done()[seat])
                if model.market.is_open else False}

    def order_rule(self, model, seat):
        buyer = bool(model.induced.is_buyer[seat])
        return {"side": "bid" if buyer else "ask", "low": 0.0, "high": model.scenario.price_cap}

    def submit(self, model, seat, price):
        self.check_price(model, seat, price)
        market = model.market
        buyer = bool(model.induced.is_buyer[seat])
        if market.is_open and not model.induced.affordable(seat, price, market.cash[seat]):
            raise ValueError(f"your wallet holds {market.cash[seat]:.2f}: "
                             + ("less than that bid" if buyer else "not enough to cover a sale that far below your cost"))
        before = len(market.trades)
        market.post(seat, buyer, price)
        if len(market.trades) > before:
            return f"you {'bought' if buyer else 'sold'} at {market.trades[-1][2]:.2f} (paid when the round closes)"
        return f"your {'bid' if buyer else 'ask'} of {price:.2f} is on the book"

    def public(self, model):
        return model.market.quotes() if model.market.is_open else {}

    def outcome(self, model, seat):
        value = model.induced.own_value(seat)
        buyer = bool(model.induced.is_buyer[seat])
        mine = [p for b, s, p in model.market.last_trades if seat in (b, s)]
        if not mine:
            return {"allocation": 0.0, "payment": 0.0, "profit": 0.0}
        price = mine[0]
        return {"allocation": 1.0 if buyer else -1.0, "payment": price if buyer else -price,
                "profit": value - price if buyer else price - value}

    def money(self, model, seat, change, outcome):
        return outcome["payment"], change   # the experimenter redeems: the wallet moves by the profit

    def round_facts(self, model):
        q, low, high, best = model.equilibrium
        return {"price": model.mean_price, "efficiency": model.efficiency, "trades": model.trades,
                "ce_low": low, "ce_high": high, "ce_quantity": q, "max_surplus": best,
                "prices": [p for _, _, p in model.market.last_trades]}


class TaskAuctionSeats(SeatAdapter):
    """Students are workers: each round they ask a markup over their own break-even price (cost
    over the share of the price they expect to be paid), for every open task they can do."""

    model_class = SeatedTaskAuction
    fixed = ("workers", "mechanism")
    MAX_MARKUP = 2.0

    def seat_params(self, seats):
        return {"workers": seats, "mechanism": "market"}

    def roles(self, model):
        return ["worker"] * len(model.workers)

    def seats_of(self, model, seat):
        return model.seats, seat

    def wallet(self, model, seat):
        return model.workers[seat].wealth

    def private(self, model, seat):
        book, fleet, now = model.book, model.fleet, model.steps + 1
        tasks = book.open
        able = tasks[fleet.able(book, tasks, np.full(tasks.size, seat))] if tasks.size else tasks
        terms = fleet.true_terms(book, able, np.full(able.size, seat), now)   # this worker's own numbers
        with np.errstate(divide="ignore", invalid="ignore"):
            breakeven = np.where(terms.multiplier > 0, terms.cost / terms.multiplier, np.inf)
            per_hour = breakeven / book.effort[able]
        finite = np.isfinite(per_hour)
        return {"label": "your break-even price per effort-hour (mean over the open tasks you can do)",
                "value": float(per_hour[finite].mean()) if finite.any() else float("nan"),
                "tasks": [{"task": int(t), "effort": float(book.effort[t]), "reserve": float(book.reserve[t]),
                           "break_even": float(b)} for t, b in zip(able[:8], breakeven[:8])],
                "busy": bool(fleet.busy_until[seat] > model.steps)}

    def order_rule(self, model, seat):
        return {"side": "markup", "low": 0.0, "high": self.MAX_MARKUP}

    def submit(self, model, seat, price):
        self.check_price(model, seat, price)
        model.seats.submit(seat, price)
        return (f"your markup of {price:.0%} is in: you ask {1 + price:.2f} x your break-even price for every task "
                "you can do this round")

    def outcome(self, model, seat):
        won = [t for t in model.market.assigned if model.book.worker[t] == seat]
        return {"allocation": float(len(won)), "payment": 0.0, "profit": 0.0, "order": math.nan}

    def money(self, model, seat, change, outcome):
        """Paid on delivery (a negative payment: received); profit = that minus the true cost of the
        work delivered this round."""
        done = [t for t in model.market.delivered if model.book.worker[t] == seat]
        return 0.0 - change, change - float(model.book.cost[done].sum())

    def round_facts(self, model):
        return {"price": model.market.price, "efficiency": model.efficiency, "throughput": model.throughput}


#: Scenarios a class session can run, by name.
ADAPTERS: dict[str, SeatAdapter] = {a.name: a for a in (SealedBidSeats(), DoubleAuctionSeats(), TaskAuctionSeats())}


def theory_rows(adapter: SeatAdapter, facts: list[dict]) -> list[dict]:
    """The theory line per closed round (for the instructor's chart)."""
    out = []
    for r, f in enumerate(facts, 1):
        if "ce_low" in f:
            out.append({"round": r, "low": f["ce_low"], "high": f["ce_high"]})
        else:
            out.append({"round": r, "low": f["theory_revenue"], "high": f["theory_revenue"]})
    return out


def finite(x) -> float | None:
    """A number for JSON and tables (None for NaN)."""
    return None if x is None or not np.isfinite(x) else float(x)
