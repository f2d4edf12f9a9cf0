"""Human seats: participants whose orders come from people, with a bot for every empty seat.

:class:`HumanSeats` is a strategy (the :class:`agents.strategies.Strategy` protocol) for a
population of seats, one member per seat. A seat is held by a person or by its bot:

* held by a person, its order is the one the person submitted for the round (``submit``); a
  person who submitted nothing makes no bid (a sealed bid of 0, which wins only if every bid is 0;
  no order at all on an open book), unless the seat is handed to its bot while the person is
  away (``set_away``, the instructor's choice);
* otherwise its bot decides, with any strategy (scripted, or a learner: each seat gets a bot of
  its own, so a learner whose seat a person takes simply sits the rounds out and learns only
  from rounds it played).

The market maker, the ledger and the observer treat a seat exactly like any trader: they see
its orders, its wallet and, for the observer, its true value, never who placed the order.
"""

from collections.abc import Callable

import numpy as np

#: A person holding a seat who submitted nothing: a sealed bid of 0 (no order on an open book).
NO_BID = 0.0


class HumanSeats:
    """A population of seats (member i = seat i), each played by a person or by its bot.

    Args:
        make_bot: builds the bot of one seat (called once per seat, at ``join``).
        bot_name: the bots' strategy name, for the record.
        ask_price: how a person's order becomes an ask for an item of break-even ``cost`` (default:
            the order is the price). A market that prices each task for each worker (task-auction)
            takes one markup per person instead: ``lambda markup, cost: cost * (1 + markup)``.
    """

    name = "human"
    misreads = False

    def __init__(self, make_bot: Callable[[], object], bot_name: str,
                 ask_price: Callable[[float, np.ndarray], np.ndarray] = lambda order, cost: np.full(np.shape(cost), order)):
        self._make_bot, self.bot_name, self._ask_price = make_bot, bot_name, ask_price
        self._bots: list = []
        self._bot_members: list[int] = []
        self.human = np.zeros(0, dtype=bool)     # held by a person
        self.away = np.zeros(0, dtype=bool)      # held by a person who is away: the bot plays
        self._orders: dict[int, float] = {}
        self.played = np.zeros(0, dtype="<U5")   # this round: "human", "none" (no bid) or "bot"

    # seats ------------------------------------------------------------------------------------
    def join(self) -> int:
        bot = self._make_bot()
        self._bots.append(bot)
        self._bot_members.append(bot.join())
        self.human, self.away = np.append(self.human, False), np.append(self.away, False)
        self.played = np.append(self.played, "")
        return len(self._bots) - 1

    def __len__(self) -> int:
        return len(self._bots)

    @property
    def learns(self) -> bool:
        """Whether the bots learn (then outcomes are reported here, and passed on to them)."""
        return any(bot.learns for bot in self._bots)

    def greedy_fractions(self) -> np.ndarray:
        """The learning bots' greedy bid fractions (one per seat whose learning bot has played)."""
        fractions = np.concatenate([np.atleast_1d(bot.greedy_fractions()) for bot in self._bots if bot.learns] or [[]])
        return fractions[np.isfinite(fractions)]

    def set_human(self, member: int, held: bool) -> None:
        """A person takes the seat (from the next order on) or leaves it to its bot."""
        self.human[member] = held

    def set_away(self, member: int, away: bool) -> None:
        """The seat's person is away: its bot plays for it until the person is back."""
        self.away[member] = away

    def submit(self, member: int, price: float) -> None:
        """The person's sealed order for this round (replacing an earlier one)."""
        self._orders[member] = float(price)

    def clear(self) -> None:
        """Forget this round's sealed orders (a new round starts)."""
        self._orders.clear()
        self.played[:] = ""

    def by_person(self, member: int) -> bool:
        return bool(self.human[member] and not self.away[member])

    # the strategy protocol --------------------------------------------------------------------
    def bid(self, value: float, bidders: int, random, member: int = 0) -> float:
        if self.by_person(member):
            order = self._orders.get(member)
            self.played[member] = "human" if order is not None else "none"
            return NO_BID if order is None else order
        self.played[member] = "bot"
        return self._bots[member].bid(value, bidders, random, member=self._bot_members[member])

    def bids(self, values: np.ndarray, bidders: int, rng: np.random.Generator) -> np.ndarray:
        """Every seat's bid on an open book, in seat order: NaN for a seat a person plays (their
        orders come to the book one at a time)."""
        return self._vector(values, lambda bot, v: bot.bids(v, bidders, rng))

    def ask(self, cost: np.ndarray, ceiling: np.ndarray, rng: np.random.Generator, members=None) -> np.ndarray:
        """Every entry's ask (entries in seat order, or the seats ``members`` names): a bot's own,
        or the person's order priced by ``ask_price``; NaN (no ask) for a person without one."""
        cost = np.asarray(cost, dtype=float)
        ceiling = np.broadcast_to(np.asarray(ceiling, dtype=float), cost.shape)
        rows = np.arange(len(self)) if members is None else np.asarray(members)
        out = np.full(cost.shape, np.nan)
        for k, member in enumerate(rows.tolist()):
            if not self.by_person(member):
                self.played[member] = "bot"
                out[k] = self._bots[member].ask(cost[k:k + 1], ceiling[k:k + 1], rng,
                                                members=[self._bot_members[member]])[0]
            elif member in self._orders:
                self.played[member] = "human"
                out[k] = self._ask_price(self._orders[member], cost[k:k + 1])[0]
            elif self.played[member] != "human":
                self.played[member] = "none"
        return out

    def feedback(self, members, utility, price=float("nan"), highest_other=float("nan")) -> None:
        """Pass each seat's outcome on to its bot, if the bot played the round and learns."""
        members = np.atleast_1d(members)
        utility = np.broadcast_to(np.asarray(utility, dtype=float), members.shape)
        highest = np.broadcast_to(np.asarray(highest_other, dtype=float), members.shape)
        for k, member in enumerate(members.tolist()):
            bot = self._bots[member]
            if bot.learns and self.played[member] == "bot":
                bot.feedback(self._bot_members[member], float(utility[k]), price, float(highest[k]))

    def _vector(self, values, priced) -> np.ndarray:
        values = np.asarray(values, dtype=float)
        out = np.full(values.shape, np.nan)
        for member in range(len(self)):
            if self.by_person(member):
                self.played[member] = "human"
            else:
                self.played[member] = "bot"
                out[member] = priced(self._bots[member], values[member:member + 1])[0]
        return out

    def player(self, member: int) -> str:
        """Who played the seat this round: "human", "none" (a person who did not bid) or the
        bot's strategy name."""
        played = self.played[member]
        return self.bot_name if played == "bot" else (played or ("human" if self.by_person(member) else
                                                                  self.bot_name))
