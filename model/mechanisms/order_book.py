"""A limit order book for a continuous double auction (CDA): price-time priority, partial fills."""

import heapq
import itertools
from dataclasses import dataclass

import numpy as np

from model.mechanisms._checks import MechanismInputError, as_number


@dataclass(frozen=True)
class Fill:
    """One trade: ``quantity`` units from ``seller`` to ``buyer`` at the standing order's ``price``."""

    buyer: int
    seller: int
    price: float
    quantity: float


class OrderBook:
    """Bids and asks for one good, matched continuously.

    Rule: an incoming order trades against the best opposite orders while they cross
    (a bid at or above the best ask, an ask at or below the best bid); the best price goes
    first and, at one price, the earliest order (price-time priority). Each trade is at the
    standing order's price; a partly filled order keeps its place; what is left of the
    incoming order rests in the book. This is the New York Stock Exchange style auction of
    Smith's experiments and of Gode and Sunder's zero-intelligence traders (JPE 101(1), 1993).

    Example:
        >>> book = OrderBook()
        >>> _ = book.submit("sell", trader=1, price=5.0, quantity=2)
        >>> _ = book.submit("sell", trader=2, price=4.0, quantity=1)
        >>> _, fills = book.submit("buy", trader=3, price=6.0, quantity=2)
        >>> [(f.seller, f.price, f.quantity) for f in fills]    # cheapest ask first, at its price
        [(2, 4.0, 1.0), (1, 5.0, 1.0)]
        >>> book.best_ask()                                      # trader 1 has one unit left
        (5.0, 1.0)
    """

    def __init__(self):
        self._heaps = {"buy": [], "sell": []}
        self._orders: dict[int, list] = {}  # id -> [side, trader, price, remaining]
        self._ids = itertools.count()
        self._issued = 0   # ids handed out so far: 0 .. _issued - 1

    def submit(self, side: str, trader: int, price: float, quantity: float) -> tuple[int | None, list[Fill]]:
        """Match an order; return (id of the resting remainder or None, fills)."""
        if side not in self._heaps:
            raise MechanismInputError(f"side must be 'buy' or 'sell'; got {side!r}")
        price, quantity = as_number("price", price), as_number("quantity", quantity)
        if not np.isfinite(price) or price < 0:
            raise MechanismInputError(f"price must be a finite number >= 0; got {price!r}")
        if not np.isfinite(quantity) or quantity <= 0:
            raise MechanismInputError(f"quantity must be a finite number > 0; got {quantity!r}")
        fills = []
        other = "sell" if side == "buy" else "buy"
        while quantity > 0:
            best = self._best(other)
            if best is None:
                break
            _, _, rested_price, available = self._orders[best]
            if (side == "buy" and rested_price > price) or (side == "sell" and rested_price < price):
                break
            traded = min(quantity, available)
            rested_trader = self._orders[best][1]
            buyer, seller = (trader, rested_trader) if side == "buy" else (rested_trader, trader)
            fills.append(Fill(buyer, seller, rested_price, traded))
            quantity -= traded
            self._orders[best][3] -= traded
            if self._orders[best][3] <= 0:
                del self._orders[best]
        if quantity <= 0:
            return None, fills
        order = next(self._ids)
        self._issued = order + 1
        self._orders[order] = [side, trader, price, quantity]
        key = -price if side == "buy" else price
        heapq.heappush(self._heaps[side], (key, order))  # ids grow: ties go to the earlier order
        return order, fills

    def cancel(self, order: int) -> None:
        """Withdraw an order (no-op if it is already filled or cancelled; an id this book
        never issued is refused)."""
        if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or not 0 <= order < self._issued:
            raise MechanismInputError(f"order {order!r} was never placed in this book")
        self._orders.pop(order, None)

    def best_bid(self) -> tuple[float, float] | None:
        """(price, quantity) of the best bid, or None."""
        return self._quote("buy")

    def best_ask(self) -> tuple[float, float] | None:
        """(price, quantity) of the best ask, or None."""
        return self._quote("sell")

    def depth(self, side: str) -> list[tuple[float, float]]:
        """Resting quantity per price level, best first."""
        levels: dict[float, float] = {}
        for order_side, _, price, remaining in self._orders.values():
            if order_side == side:
                levels[price] = levels.get(price, 0.0) + remaining
        return sorted(levels.items(), reverse=(side == "buy"))

    def _quote(self, side):
        best = self._best(side)
        return None if best is None else (self._orders[best][2], self._orders[best][3])

    def _best(self, side: str) -> int | None:
        heap = self._heaps[side]
        while heap and heap[0][1] not in self._orders:  # lazily drop cancelled or filled orders
            heapq.heappop(heap)
        return heap[0][1] if heap else None
