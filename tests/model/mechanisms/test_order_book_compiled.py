"""The compiled order book against the Python reference: textbook cases for both, identical
fills and book states on random order streams, and a round's budget and inventory rules against
the same rules written out over the reference book."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.mechanisms import CompiledOrderBook, MechanismInputError, OrderBook
from model.mechanisms.order_book_compiled import trade_round

BOOKS = pytest.mark.parametrize("make", [OrderBook, CompiledOrderBook], ids=["python", "compiled"])


def trades(fills):
    return [(f.buyer, f.seller, f.price, f.quantity) for f in fills]


# textbook cases (Smith's and Gode and Sunder's NYSE rules), for both books ----------------------

@BOOKS
def test_price_priority_at_the_standing_price_and_partial_fills(make):
    book = make()
    book.submit("sell", 1, 5.0, 2)
    book.submit("sell", 2, 4.0, 1)
    _, fills = book.submit("buy", 3, 6.0, 2)
    assert trades(fills) == [(3, 2, 4.0, 1.0), (3, 1, 5.0, 1.0)]   # cheapest first, each at its ask
    assert book.best_ask() == (5.0, 1.0) and book.best_bid() is None
    order, fills = book.submit("buy", 4, 5.5, 3)
    assert trades(fills) == [(4, 1, 5.0, 1.0)] and book.best_bid() == (5.5, 2.0) and order is not None


@BOOKS
def test_time_priority_at_one_price_and_a_sell_hitting_the_bids(make):
    book = make()
    book.submit("buy", 1, 6.0, 1)
    book.submit("buy", 2, 7.0, 1)
    book.submit("buy", 3, 7.0, 1)
    _, fills = book.submit("sell", 4, 5.0, 2.5)
    assert trades(fills) == [(2, 4, 7.0, 1.0), (3, 4, 7.0, 1.0), (1, 4, 6.0, 0.5)]
    assert book.best_bid() == (6.0, 0.5) and book.best_ask() is None


@BOOKS
def test_no_cross_no_trade_cancel_and_depth(make):
    book = make()
    bid, _ = book.submit("buy", 1, 3.0, 1)
    book.submit("buy", 2, 3.0, 2)
    _, fills = book.submit("sell", 3, 4.0, 1)
    assert fills == [] and book.depth("buy") == [(3.0, 3.0)] and book.depth("sell") == [(4.0, 1.0)]
    book.cancel(bid)
    book.cancel(bid)                                               # twice: still a no-op
    assert book.best_bid() == (3.0, 2.0) and book.depth("buy") == [(3.0, 2.0)]
    with pytest.raises(MechanismInputError, match="never placed"):
        book.cancel(12345)                                         # an id never issued


@pytest.mark.parametrize("args, word", [
    (("hold", 1, 1.0, 1), "side"), (("buy", 1, -1.0, 1), "price"), (("buy", 1, float("nan"), 1), "price"),
    (("buy", 1, "cheap", 1), "price"), (("sell", 1, 1.0, 0), "quantity"),
    (("sell", 1, 1.0, math.inf), "quantity"),
    (("buy", 1.5, 1.0, 1), "trader"), (("buy", "ann", 1.0, 1), "trader"), (("buy", True, 1.0, 1), "trader"),
])
def test_bad_orders_name_the_argument(args, word):
    book = CompiledOrderBook()
    with pytest.raises(MechanismInputError, match=word):
        book.submit(*args)
    assert book.best_bid() is None and book.best_ask() is None


def test_clear_empties_the_book_and_issues_ids_from_zero():
    book = CompiledOrderBook(capacity=1)
    for trader in range(5):
        book.submit("sell", trader, 1.0 + trader, 1)
    book.clear()
    assert book.best_ask() is None and book.depth("sell") == []
    assert book.submit("buy", 9, 2.0, 1) == (0, [])


# random order streams: identical to the reference -------------------------------------------------

prices = st.integers(0, 12).map(lambda tick: tick / 4)       # a coarse grid: many ties in price
quantities = st.one_of(st.integers(1, 4).map(float), st.floats(0.05, 4.0))  # partial fills of odd sizes
operations = st.lists(st.one_of(
    st.tuples(st.just("submit"), st.sampled_from(["buy", "sell"]), st.integers(0, 4), prices, quantities),
    st.tuples(st.just("cancel"), st.integers(0, 40)),        # the k-th id issued, placed or not
    st.tuples(st.just("quote"), st.sampled_from(["buy", "sell"])),
), max_size=80)


def state(book):
    return book.best_bid(), book.best_ask(), book.depth("buy"), book.depth("sell")


@settings(max_examples=300, deadline=None)
@given(operations)
def test_the_compiled_book_trades_exactly_as_the_reference(stream):
    reference, compiled = OrderBook(), CompiledOrderBook(capacity=1)  # capacity 1: it must grow
    for op, *args in stream:
        if op == "submit":
            assert compiled.submit(*args) == reference.submit(*args)  # same id, same fills in order
        elif op == "cancel":   # both withdraw an issued id (filled or not) and refuse one never issued
            outcomes = []
            for book in (compiled, reference):
                try:
                    book.cancel(args[0])
                    outcomes.append("ok")
                except MechanismInputError:
                    outcomes.append("refused")
            assert outcomes[0] == outcomes[1]
        else:
            quote = "best_bid" if args[0] == "buy" else "best_ask"
            assert getattr(compiled, quote)() == getattr(reference, quote)()
    assert state(compiled) == state(reference)


# a round with budgets and holdings ----------------------------------------------------------------

def reference_round(book, order, holding, need, idle_only, unbounded, cash, balances, spent, resting):
    """trade_round's rules written out over the Python book, one order at a time."""
    fills = []
    for trader, buys, price, quantity in order:
        side = "buy" if buys else "sell"
        if (trader, side) in resting:
            book.cancel(resting.pop((trader, side)))
        if not buys:
            quantity = min(quantity, holding[trader] - need[trader] if idle_only[trader] else holding[trader])
        else:
            affordable = math.floor(cash[trader] / price) if price > 0 else math.inf
            room = need[trader] - holding[trader]
            quantity = affordable if unbounded[trader] else min(quantity, room, affordable)
        if not 0 < quantity < math.inf:
            continue
        placed, new = book.submit(side, trader, price, quantity)
        for fill in new:
            amount = 0
            if fill.buyer != fill.seller:
                amount = min(round(fill.price * fill.quantity * 1_000_000), balances[fill.buyer])
                balances[fill.buyer] -= amount
                balances[fill.seller] += amount
                spent[fill.buyer] += amount / 1_000_000
                cash[fill.buyer] -= amount / 1_000_000
                cash[fill.seller] += amount / 1_000_000
                holding[fill.buyer] += fill.quantity
                holding[fill.seller] -= fill.quantity
            fills.append((fill.buyer, fill.seller, fill.price, fill.quantity, amount))
        if placed is not None:
            resting[(trader, side)] = placed
    return fills


TRADERS = 5
traders = st.fixed_dictionaries({
    "holding": st.lists(st.integers(0, 4).map(float), min_size=TRADERS, max_size=TRADERS),
    "need": st.lists(st.integers(0, 6).map(float), min_size=TRADERS, max_size=TRADERS),
    "idle_only": st.lists(st.booleans(), min_size=TRADERS, max_size=TRADERS),
    "unbounded": st.lists(st.booleans(), min_size=TRADERS, max_size=TRADERS),
    "balances": st.lists(st.integers(0, 8_000_000), min_size=TRADERS, max_size=TRADERS),  # up to 8 credits
})
rounds = st.lists(st.lists(st.tuples(st.integers(0, TRADERS - 1), st.booleans(), prices, quantities),
                           max_size=15), min_size=1, max_size=4)


@settings(max_examples=200, deadline=None)
@given(traders, rounds)
def test_a_round_keeps_the_budget_and_inventory_rules_exactly(people, orders):
    """Never more offered than held, nor bought than needed or affordable; runaways buy all they
    can pay; cancel-and-replace; self-trades move nothing; wallets never negative, money conserved."""
    ours = {name: np.array(values, dtype=np.int64 if name == "balances" else None)
            for name, values in people.items()}
    ours["cash"] = ours["balances"] / 1_000_000
    ours["spent"] = np.zeros(TRADERS)
    ours["resting"] = np.full((TRADERS, 2), -1, dtype=np.int64)
    theirs = {name: values.tolist() for name, values in ours.items() if name != "resting"}
    theirs["resting"] = {}
    money = ours["balances"].sum()
    compiled, reference = CompiledOrderBook(capacity=1), OrderBook()
    for batch in orders:
        columns = list(zip(*batch)) or [[], [], [], []]
        fills = trade_round(compiled, np.array(columns[0], dtype=np.int64), np.array(columns[1], dtype=bool),
                            np.array(columns[2], dtype=float), np.array(columns[3], dtype=float), **ours)
        expected = reference_round(reference, batch, **theirs)
        assert list(zip(*(column.tolist() for column in fills))) == expected
        for name in ("holding", "cash", "balances", "spent"):
            assert ours[name].tolist() == theirs[name]
        assert ours["balances"].min() >= 0 and ours["balances"].sum() == money
        assert state(compiled) == state(reference)


def test_a_runaway_buys_all_it_can_pay_and_a_broke_buyer_pays_what_it_has():
    book = CompiledOrderBook()
    wallets = dict(holding=np.array([0.0, 0.0, 9.0]), need=np.zeros(3), idle_only=np.zeros(3, dtype=bool),
                   unbounded=np.array([True, False, False]), cash=np.array([2.5, 0.0, 0.0]),
                   balances=np.array([2_500_000, 0, 0]), spent=np.zeros(3), resting=np.full((3, 2), -1))
    fills = trade_round(book, [2, 0], [False, True], [1.0, 1.0], [9.0, 0.0], **wallets)
    assert fills.quantity.tolist() == [2.0] and fills.amount.tolist() == [2_000_000]   # floor(2.5 / 1.0)
    assert wallets["holding"].tolist() == [2.0, 0.0, 7.0]
    assert wallets["balances"].tolist() == [500_000, 0, 2_000_000]
    assert wallets["spent"].tolist() == [2.0, 0.0, 0.0] and book.best_ask() == (1.0, 7.0)
    wallets["cash"][1] = 1.0  # the buyer believes it has a credit, its wallet holds none: it pays 0
    fills = trade_round(book, [1], [True], [1.0], [1.0], **{**wallets, "need": np.array([0.0, 1.0, 0.0])})
    assert fills.amount.tolist() == [0] and wallets["balances"].min() >= 0 and wallets["holding"][1] == 1.0


@pytest.mark.parametrize("change, word", [
    ({"trader": [0, 3]}, "trader must index"), ({"buys": [1, 0]}, "buys"), ({"price": [1.0]}, "mismatched"),
    ({"price": [1.0, float("nan")]}, "price"), ({"quantity": [-1.0, 1.0]}, ">= 0"),
    ({"cash": np.zeros(3, dtype=np.float32)}, "cash"), ({"holding": [0.0, 0.0, 0.0]}, "holding"),
    ({"need": np.zeros(2)}, "need must have one entry per trader"),
    ({"resting": np.full((3, 2), 4)}, "never issued"), ({"balances": np.array([-1, 0, 0])}, "balances"),
    ({"resting": np.full((3, 2), -1, dtype=np.int32)}, "resting"),
])
def test_bad_rounds_name_the_argument(change, word):
    args = dict(trader=[0, 1], buys=[True, False], price=[1.0, 1.0], quantity=[1.0, 1.0])
    wallets = dict(holding=np.ones(3), need=np.full(3, 2.0), idle_only=np.zeros(3, dtype=bool),
                   unbounded=np.zeros(3, dtype=bool), cash=np.ones(3), balances=np.full(3, 1_000_000),
                   spent=np.zeros(3), resting=np.full((3, 2), -1))
    for name, value in change.items():
        (args if name in args else wallets)[name] = value
    before = {name: np.copy(value) for name, value in wallets.items()}
    with pytest.raises(MechanismInputError, match=word):
        trade_round(CompiledOrderBook(), *args.values(), **wallets)
    assert all(np.array_equal(np.asarray(wallets[name]), before[name]) for name in before)


def test_a_round_needs_a_compiled_book():
    with pytest.raises(MechanismInputError, match="book must be a CompiledOrderBook; got OrderBook"):
        trade_round(OrderBook(), [], [], [], [], holding=np.zeros(0), need=[], idle_only=[], unbounded=[],
                    cash=np.zeros(0), balances=np.zeros(0, dtype=np.int64), spent=np.zeros(0),
                    resting=np.zeros((0, 2), dtype=np.int64))
