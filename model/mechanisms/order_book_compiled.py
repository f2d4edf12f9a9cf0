"""The limit order book of :mod:`model.mechanisms.order_book`, compiled with numba.

Rule (the same as :class:`~model.mechanisms.order_book.OrderBook`, which stays the readable
reference this module is tested against): an incoming order trades against the best opposite
orders while they cross (a bid at or above the best ask, an ask at or below the best bid); the
best price goes first and, at one price, the earliest order (price-time priority). Each trade
is at the standing order's price; a partly filled order keeps its place; what is left of the
incoming order rests in the book. This is the New York Stock Exchange style continuous double
auction of Smith's experiments (JPE 70(2), 1962) and of Gode and Sunder's zero-intelligence
traders (JPE 101(1), 1993).

Two ways in, one compiled loop (:func:`_run`) behind both:

* :class:`CompiledOrderBook`, one order per call, with ``OrderBook``'s API (a class session
  where people submit orders one at a time);
* :func:`trade_round`, a whole round of orders in one call, for simulations, with the traders'
  budget and inventory rules applied order by order (see its docstring).

The book lives in flat numpy arrays: orders by id, and one binary heap of (key, id) pairs per
side, key = -price for bids and price for asks, so that at one price the lower id, the earlier
order, comes first. Cancelled and filled orders leave a heap lazily, when they reach its top,
as in the reference. No fastmath: every price, quantity and payment is the float the reference
computes.

Example:
    >>> book = CompiledOrderBook()
    >>> _ = book.submit("sell", trader=1, price=5.0, quantity=2)
    >>> _ = book.submit("sell", trader=2, price=4.0, quantity=1)
    >>> _, fills = book.submit("buy", trader=3, price=6.0, quantity=2)
    >>> [(f.seller, f.price, f.quantity) for f in fills]    # cheapest ask first, at its price
    [(2, 4.0, 1.0), (1, 5.0, 1.0)]
    >>> book.best_ask()                                      # trader 1 has one unit left
    (5.0, 1.0)
"""

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from model.mechanisms._checks import MechanismInputError
from model.mechanisms.order_book import Fill

BUY, SELL = 0, 1
_SIDES = {"buy": BUY, "sell": SELL}


@njit(cache=True)
def _precedes(key_a, id_a, key_b, id_b):
    """(key_a, id_a) sorts before (key_b, id_b): the lower key, then the lower id."""
    return key_a < key_b or (key_a == key_b and id_a < id_b)


@njit(cache=True)
def _pop(keys, ids, meta, side):
    """Remove the top of ``side``'s heap (meta[1 + side] entries)."""
    size = meta[1 + side] - 1
    meta[1 + side] = size
    key, order, slot = keys[side, size], ids[side, size], 0
    while True:  # sift the last entry down from the top
        child = 2 * slot + 1
        if child >= size:
            break
        if child + 1 < size and _precedes(keys[side, child + 1], ids[side, child + 1],
                                          keys[side, child], ids[side, child]):
            child += 1
        if not _precedes(keys[side, child], ids[side, child], key, order):
            break
        keys[side, slot], ids[side, slot] = keys[side, child], ids[side, child]
        slot = child
    keys[side, slot], ids[side, slot] = key, order


@njit(cache=True)
def _best(keys, ids, meta, alive, side):
    """Id of the best live order on ``side``, or -1, dropping dead entries from the top."""
    while meta[1 + side] > 0 and not alive[ids[side, 0]]:
        _pop(keys, ids, meta, side)
    return ids[side, 0] if meta[1 + side] > 0 else -1


# Everything an order does happens in this one function, not in helpers that take the arrays:
# numba counts references to arrays passed into a function that branches, and at one call per
# order that bookkeeping cost twice the matching itself (measured: 3x slower in all).
@njit(cache=True)
def _run(keys, ids, meta, sides, traders, prices, remaining, alive,
         order_trader, order_buys, order_price, order_quantity, placed,
         rules, holding, need, idle_only, unbounded, cash, balances, spent, resting,
         fill_buyer, fill_seller, fill_price, fill_quantity, fill_amount):
    """Submit the orders in turn; with ``rules``, apply trade_round's rules. Returns the number
    of fills written; ``placed[k]`` is the id order k rests under, or -1."""
    n_fills = 0
    for k in range(order_trader.size):
        trader, price, quantity = order_trader[k], order_price[k], order_quantity[k]
        side = BUY if order_buys[k] else SELL
        placed[k] = -1
        if rules:
            standing = resting[trader, side]
            if standing >= 0:  # cancel and replace: the standing order is withdrawn first
                alive[standing] = False
                resting[trader, side] = -1
            # Holdings may have moved since the round began (a standing order filled): never
            # offer more than is held, nor buy beyond the need or the cash. Each min keeps the
            # exchange's argument order, so that a tie returns the same float.
            held = holding[trader]
            if side == SELL:
                cap = held - need[trader] if idle_only[trader] else held
                quantity = cap if cap < quantity else quantity
            else:
                affordable = np.floor(cash[trader] / price) if price > 0 else np.inf
                if unbounded[trader]:
                    quantity = affordable
                else:
                    room = need[trader] - held
                    quantity = room if room < quantity else quantity
                    quantity = affordable if affordable < quantity else quantity
            if not 0 < quantity < np.inf:
                continue
        # match against the best opposite orders while they cross (OrderBook.submit, line for line)
        first, other = n_fills, 1 - side
        while quantity > 0:
            while meta[1 + other] > 0 and not alive[ids[other, 0]]:
                _pop(keys, ids, meta, other)
            if meta[1 + other] == 0:
                break
            best = ids[other, 0]
            rested_price, available = prices[best], remaining[best]
            if (side == BUY and rested_price > price) or (side == SELL and rested_price < price):
                break
            traded = available if available < quantity else quantity  # Python's min(quantity, available)
            fill_buyer[n_fills] = trader if side == BUY else traders[best]
            fill_seller[n_fills] = traders[best] if side == BUY else trader
            fill_price[n_fills], fill_quantity[n_fills], fill_amount[n_fills] = rested_price, traded, 0
            n_fills += 1
            quantity -= traded
            remaining[best] -= traded
            if remaining[best] <= 0:
                alive[best] = False
        if quantity > 0:  # rest the remainder under the next id, and sift it up its heap
            order = meta[0]
            meta[0] += 1
            sides[order], traders[order], prices[order], remaining[order], alive[order] = \
                side, trader, price, quantity, True
            placed[k] = order
            key = -price if side == BUY else price
            slot = meta[1 + side]
            meta[1 + side] += 1
            while slot > 0:
                parent = (slot - 1) // 2
                if not _precedes(key, order, keys[side, parent], ids[side, parent]):
                    break
                keys[side, slot], ids[side, slot] = keys[side, parent], ids[side, parent]
                slot = parent
            keys[side, slot], ids[side, slot] = key, order
        if not rules:
            continue
        if placed[k] >= 0:
            resting[trader, side] = placed[k]
        for f in range(first, n_fills):
            buyer, seller = fill_buyer[f], fill_seller[f]
            if buyer == seller:  # a trader's bid met its own ask: no trade, nothing moves
                continue
            # ledger.to_units (round half to even, to micro-credits), capped by the buyer's wallet
            due = np.rint(fill_price[f] * fill_quantity[f] * 1_000_000.0)
            amount = balances[buyer] if due >= balances[buyer] else np.int64(due)
            fill_amount[f] = amount
            balances[buyer] -= amount
            balances[seller] += amount
            credits = amount / 1_000_000
            spent[buyer] += credits
            cash[buyer] -= credits
            cash[seller] += credits
            holding[buyer] += fill_quantity[f]
            holding[seller] -= fill_quantity[f]
    return n_fills


class RoundFills(NamedTuple):
    """Fills in the order they happened: ``quantity`` units from ``seller`` to ``buyer`` at
    ``price``, paid ``amount`` micro-credits (0 for a trader's fill with itself)."""

    buyer: np.ndarray
    seller: np.ndarray
    price: np.ndarray
    quantity: np.ndarray
    amount: np.ndarray


class CompiledOrderBook:
    """Bids and asks for one good, matched continuously: :class:`OrderBook`'s rule and API in
    compiled code. Traders are whole numbers (they index the arrays of :func:`trade_round`)."""

    def __init__(self, capacity: int = 64):
        capacity = max(int(capacity), 1)
        self._meta = np.zeros(3, dtype=np.int64)  # ids issued, entries in the bid heap, in the ask heap
        self._sides = np.zeros(capacity, dtype=np.int8)
        self._traders = np.zeros(capacity, dtype=np.int64)
        self._prices = np.zeros(capacity)
        self._remaining = np.zeros(capacity)
        self._alive = np.zeros(capacity, dtype=np.bool_)
        self._keys = np.zeros((2, capacity))
        self._ids = np.zeros((2, capacity), dtype=np.int64)
        # kept between calls, so that a single order allocates nothing: the order, the fills
        self._order = (np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.bool_), np.zeros(1), np.zeros(1),
                       np.zeros(1, dtype=np.int64))
        self._fills = _empty_fills(64)

    def submit(self, side: str, trader: int, price: float, quantity: float) -> tuple[int | None, list[Fill]]:
        """Match an order; return (id of the resting remainder or None, fills)."""
        if side not in _SIDES:
            raise MechanismInputError(f"side must be 'buy' or 'sell'; got {side!r}")
        trader = _whole("trader", trader)
        price, quantity = _number("price", price), _number("quantity", quantity)
        if not math.isfinite(price) or price < 0:
            raise MechanismInputError(f"price must be a finite number >= 0; got {price!r}")
        if not math.isfinite(quantity) or quantity <= 0:
            raise MechanismInputError(f"quantity must be a finite number > 0; got {quantity!r}")
        for column, value in zip(self._order, (trader, side == "buy", price, quantity)):
            column[0] = value
        fills = self._submit(*self._order, False, *_NO_RULES)
        placed = int(self._order[4][0])
        trades = [Fill(*fill) for fill in zip(*(column.tolist() for column in fills[:4]))]
        return (None if placed < 0 else placed), trades

    def cancel(self, order: int) -> None:
        """Withdraw an order (no-op if it is already filled or cancelled; an id this book
        never issued is refused, as by :class:`OrderBook`)."""
        if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or not 0 <= order < self._meta[0]:
            raise MechanismInputError(f"order {order!r} was never placed in this book")
        self._alive[order] = False

    def clear(self) -> None:
        """Withdraw every order and issue ids from 0 again, keeping the memory (a simulation's
        orders expire at the end of each step)."""
        self._meta[:] = 0  # slots of ids not yet issued are never read, so they need no reset

    def best_bid(self) -> tuple[float, float] | None:
        """(price, quantity) of the best bid, or None."""
        return self._quote(BUY)

    def best_ask(self) -> tuple[float, float] | None:
        """(price, quantity) of the best ask, or None."""
        return self._quote(SELL)

    def depth(self, side: str) -> list[tuple[float, float]]:
        """Resting quantity per price level, best first."""
        if side not in _SIDES:
            raise MechanismInputError(f"side must be 'buy' or 'sell'; got {side!r}")
        issued = int(self._meta[0])
        live = np.flatnonzero(self._alive[:issued] & (self._sides[:issued] == _SIDES[side]))
        levels: dict[float, float] = {}
        for price, remaining in zip(self._prices[live].tolist(), self._remaining[live].tolist()):
            levels[price] = levels.get(price, 0.0) + remaining  # summed in time order, as the reference
        return sorted(levels.items(), reverse=(side == "buy"))

    def _quote(self, side: int):
        best = _best(self._keys, self._ids, self._meta, self._alive, side)
        return None if best < 0 else (float(self._prices[best]), float(self._remaining[best]))

    def _submit(self, traders, buys, prices, quantities, placed, rules, *state) -> RoundFills:
        """Run the kernel; the fills returned are views of a buffer the next call overwrites."""
        self._reserve(traders.size)
        # Each fill but an order's last uses up a standing order, and each heap holds every
        # standing order: so the heaps' sizes plus two per order bound the fills.
        room = int(self._meta[1] + self._meta[2]) + 2 * traders.size
        if room > self._fills.buyer.size:
            self._fills = _empty_fills(max(room, 2 * self._fills.buyer.size))
        n = _run(self._keys, self._ids, self._meta, self._sides, self._traders, self._prices, self._remaining,
                 self._alive, traders, buys, prices, quantities, placed, rules, *state, *self._fills)
        return RoundFills(*(column[:n] for column in self._fills))

    def _reserve(self, orders: int) -> None:
        """Room for ``orders`` more ids (each heap holds at most every id issued)."""
        needed = int(self._meta[0]) + orders
        if needed <= self._prices.size:
            return
        capacity = max(2 * self._prices.size, needed)
        for name in ("_sides", "_traders", "_prices", "_remaining", "_alive", "_keys", "_ids"):
            old = getattr(self, name)
            new = np.zeros(old.shape[:-1] + (capacity,), dtype=old.dtype)
            new[..., : old.shape[-1]] = old
            setattr(self, name, new)


def _empty_fills(room: int) -> RoundFills:
    return RoundFills(buyer=np.empty(room, dtype=np.int64), seller=np.empty(room, dtype=np.int64),
                      price=np.empty(room), quantity=np.empty(room), amount=np.empty(room, dtype=np.int64))


#: Placeholders for the rule arrays when an order is submitted on its own (never read then).
_NO_RULES = (np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.bool_), np.zeros(0, dtype=np.bool_), np.zeros(0),
             np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros((0, 2), dtype=np.int64))


def trade_round(book: CompiledOrderBook, trader, buys, price, quantity, *, holding, need, idle_only,
                unbounded, cash, balances, spent, resting) -> RoundFills:
    """Submit a round of orders to ``book``, in the order given, each trader within its means.

    Order k is trader ``trader[k]``'s bid (``buys[k]``) or ask at ``price[k]`` for up to
    ``quantity[k]`` units. The rules, per trader t (the arrays are indexed by trader):

    * before it posts on a side, its standing order there (``resting[t, side]``; side 0 is the
      bid, 1 the ask; -1 if none) is withdrawn; the new one is recorded there if it rests;
    * an ask offers at most ``holding[t]`` units, or ``holding[t] - need[t]`` if ``idle_only[t]``;
    * a bid asks for at most ``need[t] - holding[t]`` and ``floor(cash[t] / price)`` units; an
      ``unbounded[t]`` trader (a runaway) bids for exactly as many as its cash affords; an order
      for no units, or for unlimited ones at price 0, is not posted;
    * a fill moves ``quantity`` units from seller to buyer (``holding``) and pays
      ``min(round(price x quantity x 10**6), balances[buyer])`` micro-credits from buyer to
      seller (``balances``, and ``cash`` and ``spent`` in credits): a wallet never goes below
      zero and money is conserved to the unit. A trader's bid meeting its own ask moves nothing.

    ``holding``, ``cash``, ``balances``, ``spent`` and ``resting`` are updated in place. These are
    Gode and Sunder's budget-constrained traders (JPE 101(1), 1993), who withdraw an unfilled
    order and post a fresh one each round: the resource-trading exchange's rounds.

    Returns:
        The round's fills, in the order they happened.
    """
    if not isinstance(book, CompiledOrderBook):
        raise MechanismInputError(f"book must be a CompiledOrderBook; got {type(book).__name__}")
    traders = _int_array("trader", trader)
    buys = _bool_array("buys", buys)
    price, quantity = _float_array("price", price), _float_array("quantity", quantity)
    if not traders.size == buys.size == price.size == quantity.size:
        raise MechanismInputError(f"mismatched lengths: trader has {traders.size}, buys has {buys.size}, "
                                  f"price has {price.size}, quantity has {quantity.size}")
    holding = _in_place("holding", holding, np.float64)
    state = dict(holding=holding, need=_float_array("need", need),
                 idle_only=_bool_array("idle_only", idle_only), unbounded=_bool_array("unbounded", unbounded),
                 cash=_in_place("cash", cash, np.float64), balances=_in_place("balances", balances, np.int64),
                 spent=_in_place("spent", spent, np.float64))
    for name, values in state.items():
        if values.size != holding.size:
            raise MechanismInputError(f"{name} must have one entry per trader, as holding has "
                                      f"({holding.size}); got {values.size}")
    shape = (holding.size, 2)
    if not (isinstance(resting, np.ndarray) and resting.dtype == np.int64 and resting.shape == shape
            and resting.flags.c_contiguous and resting.flags.writeable):
        raise MechanismInputError(f"resting must be a writable int64 array of shape ({holding.size}, 2)")
    if traders.size and (traders.min() < 0 or traders.max() >= holding.size):
        raise MechanismInputError(f"trader must index the {holding.size} traders; "
                                  f"got {traders.min()}..{traders.max()}")
    if np.any(price < 0) or np.any(quantity < 0) or np.any(state["balances"] < 0):
        raise MechanismInputError("price, quantity and balances must be >= 0")
    if np.any(resting >= book._meta[0]):
        raise MechanismInputError("resting holds an id this book never issued")
    placed = np.empty(traders.size, dtype=np.int64)
    fills = book._submit(traders, buys, price, quantity, placed, True, *state.values(), resting)
    return RoundFills(*(column.copy() for column in fills))


# input checks: one clear error naming the argument, and one dtype per kernel argument (one compile)

def _number(name, value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise MechanismInputError(f"{name} must be a number; got {value!r}") from None


def _whole(name, value) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or not -2**63 <= int(value) < 2**63:
        raise MechanismInputError(f"{name} must be a whole number; got {value!r}")
    return int(value)


def _int_array(name, values) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1 or not (arr.size == 0 or np.issubdtype(arr.dtype, np.integer)):
        raise MechanismInputError(f"{name} must be a one-dimensional sequence of whole numbers")
    return np.ascontiguousarray(arr, dtype=np.int64)


def _bool_array(name, values) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1 or not (arr.size == 0 or arr.dtype == np.bool_):
        raise MechanismInputError(f"{name} must be a one-dimensional sequence of True/False")
    return np.ascontiguousarray(arr)


def _float_array(name, values) -> np.ndarray:
    try:
        arr = np.ascontiguousarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise MechanismInputError(f"{name} must be a one-dimensional sequence of numbers") from None
    if arr.ndim != 1 or not np.all(np.isfinite(arr)):
        raise MechanismInputError(f"{name} must be a one-dimensional sequence of finite numbers")
    return arr


def _in_place(name, values, dtype) -> np.ndarray:
    """An array the round updates in place: it must already have the kernel's type (no copy)."""
    if not (isinstance(values, np.ndarray) and values.dtype == dtype and values.ndim == 1
            and values.flags.c_contiguous and values.flags.writeable):
        raise MechanismInputError(f"{name} must be a writable one-dimensional {np.dtype(dtype).name} array "
                                  f"(the round updates it in place)")
    if dtype == np.float64 and not np.all(np.isfinite(values)):
        raise MechanismInputError(f"{name} must be finite numbers")
    return values
