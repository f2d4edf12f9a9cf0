"""The double auction's order book: Python vs compiled, against a heap's floor
(python -m benchmarks.order_book).

Prints, each figure the best of ``REPEATS`` timings taken side by side in this one run:

* orders per second on one random order stream (traders withdraw their standing order on a side
  before posting a new one, as in the resource-trading rounds) through the Python ``OrderBook``
  and through ``CompiledOrderBook`` one call per order, and through ``trade_round``, the compiled
  round kernel, in one call (wallets and holdings so large that its rules never bind, so all
  three make the same trades, which is checked); the floor is a bare compiled loop that only
  pushes and pops a binary heap of (key, id) pairs as many times as the compiled book did;
* agent-steps per second of ``resource-trading`` with ``mechanism=cda`` at 10^3 and 10^4
  agents (capacities and budget scaled with the fleet as in ``benchmarks.core``; the market
  alone, no LP optimum), the compiled exchange vs its Python reference path, on the same steps;
* numba's compile time: a first process with an empty cache, then a second one that loads it.
"""

import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from numba import njit

from benchmarks.timing import REPEATS
from model.mechanisms import CompiledOrderBook, OrderBook
from model.mechanisms.order_book_compiled import trade_round
from scenarios.resource_trading import ResourceTradingModel

ORDERS, TRADERS = 200_000, 2_000


def order_stream(n: int = ORDERS, traders: int = TRADERS, seed: int = 0):
    """Bids U[0, 1.2] and asks U[0.8, 2] on a 0.01 grid (ties), 1..5 units: about one order
    in five crosses."""
    rng = np.random.default_rng(seed)
    buys = rng.random(n) < 0.5
    price = np.round(np.where(buys, rng.uniform(0.0, 1.2, n), rng.uniform(0.8, 2.0, n)), 2)
    return rng.integers(0, traders, n), buys, price, rng.integers(1, 6, n).astype(float)


def one_call_per_order(book, trader, buys, price, quantity) -> list:
    resting, fills = {}, []
    for t, b, p, q in zip(trader.tolist(), buys.tolist(), price.tolist(), quantity.tolist()):
        side = "buy" if b else "sell"
        if (t, side) in resting:
            book.cancel(resting.pop((t, side)))
        placed, new = book.submit(side, t, p, q)
        fills += new
        if placed is not None:
            resting[(t, side)] = placed
    return fills


def one_round(trader, buys, price, quantity):
    """The stream through trade_round; rules that cannot bind (holdings, needs and wallets far
    beyond what the stream trades)."""
    n = TRADERS
    wallets = dict(holding=np.full(n, 1e9), need=np.full(n, 2e9), idle_only=np.zeros(n, dtype=bool),
                   unbounded=np.zeros(n, dtype=bool), cash=np.full(n, 1e12), balances=np.full(n, 10**15),
                   spent=np.zeros(n), resting=np.full((n, 2), -1, dtype=np.int64))
    book = CompiledOrderBook(capacity=len(trader))
    return book, trade_round(book, trader, buys, price, quantity, **wallets)


@njit(cache=True)
def precedes(key_a, id_a, key_b, id_b):
    return key_a < key_b or (key_a == key_b and id_a < id_b)


@njit(cache=True)
def heap_floor(keys_in, sides_in, pops):
    """Push every (key, id) onto its side's heap, popping ``pops`` times spread evenly along the
    way (from the bigger heap): a heap's work with no book around it."""
    n = keys_in.size
    keys, ids, size = np.empty((2, n)), np.empty((2, n), dtype=np.int64), np.zeros(2, dtype=np.int64)
    popped = 0
    for i in range(n):
        side, key, slot = sides_in[i], keys_in[i], size[sides_in[i]]
        size[side] += 1
        while slot > 0:  # sift up
            parent = (slot - 1) // 2
            if not precedes(key, i, keys[side, parent], ids[side, parent]):
                break
            keys[side, slot], ids[side, slot] = keys[side, parent], ids[side, parent]
            slot = parent
        keys[side, slot], ids[side, slot] = key, i
        while popped < (i + 1) * pops // n:  # pop the top: sift the last entry down from it
            side = 0 if size[0] >= size[1] else 1
            last = size[side] - 1
            size[side] = last
            key, order, slot = keys[side, last], ids[side, last], 0
            while 2 * slot + 1 < last:
                child = 2 * slot + 1
                if child + 1 < last and precedes(keys[side, child + 1], ids[side, child + 1],
                                                 keys[side, child], ids[side, child]):
                    child += 1
                if not precedes(keys[side, child], ids[side, child], key, order):
                    break
                keys[side, slot], ids[side, slot] = keys[side, child], ids[side, child]
                slot = child
            keys[side, slot], ids[side, slot] = key, order
            popped += 1
    return size[0] + size[1]


def bench_books() -> None:
    stream = order_stream()
    python_fills = one_call_per_order(OrderBook(), *stream)
    compiled_fills = one_call_per_order(CompiledOrderBook(), *stream)
    book, round_fills = one_round(*stream)
    as_tuples = list(zip(round_fills.buyer.tolist(), round_fills.seller.tolist(), round_fills.price.tolist(),
                         round_fills.quantity.tolist()))
    same = [(f.buyer, f.seller, f.price, f.quantity) for f in python_fills] == \
        [(f.buyer, f.seller, f.price, f.quantity) for f in compiled_fills] == as_tuples
    issued = int(book._meta[0])
    pushes, pops = issued, issued - int(book._meta[1] + book._meta[2])
    keys = np.where(book._sides[:issued] == 0, -book._prices[:issued], book._prices[:issued])
    sides = book._sides[:issued].astype(np.int64)
    heap_floor(keys[:10], sides[:10], 5)  # compile (or load) before timing
    times = {}
    for _ in range(REPEATS):  # interleaved, so that the machine's drift hits all four alike
        for name, work in (
                ("python", lambda: one_call_per_order(OrderBook(), *stream)),
                ("compiled, one call per order", lambda: one_call_per_order(CompiledOrderBook(), *stream)),
                ("compiled, one call per round", lambda: one_round(*stream)),
                ("floor: heap pushes and pops", lambda: heap_floor(keys, sides, pops))):
            start = time.perf_counter()
            work()
            times[name] = min(times.get(name, float("inf")), time.perf_counter() - start)
    print(f"order book: {ORDERS:,} orders from {TRADERS:,} traders (cancel and replace), "
          f"{len(python_fills):,} fills, identical in all three: {same}; "
          f"{pushes:,} heap pushes, {pops:,} pops")
    print(f"  {'':<30}  {'orders/s':>12}  {'vs python':>9}  {'time / floor':>12}")
    for name, seconds in times.items():
        print(f"  {name:<30}  {ORDERS / seconds:>12,.0f}  {times['python'] / seconds:>8.1f}x  "
              f"{seconds / times['floor: heap pushes and pops']:>11.1f}x")


def bench_exchange() -> None:
    print("agent-steps per second: resource-trading, mechanism=cda (market only), same steps side by side")
    print(f"  {'agents':>9}  {'python reference':>16}  {'compiled':>12}  {'ratio':>7}")
    for agents, steps in ((10**3, 5), (10**4, 1)):
        resources = f"tool_slots:{agents * 3 // 5},api_rate:{agents * 6 // 5},gpu_quota:{agents * 3 // 10}"
        models = {}
        for reference in (True, False):
            model = ResourceTradingModel(rng=1, agents=agents, resources=resources, mechanism="cda",
                                         fiat_budget=2.0 * agents, exact_optimum=False)
            model.market.reference = reference
            model.step()  # warm-up
            models[reference] = model
        best = {True: float("inf"), False: float("inf")}
        for _ in range(REPEATS):  # both models are the same economy: each repeat times the same steps
            for reference, model in models.items():
                start = time.perf_counter()
                for _ in range(steps):
                    model.step()
                best[reference] = min(best[reference], time.perf_counter() - start)
        slow, fast = agents * steps / best[True], agents * steps / best[False]
        rows = [m.datacollector.get_model_vars_dataframe() for m in models.values()]
        journals = [m.ledger.to_frame() for m in models.values()]
        same = rows[0].equals(rows[1]) and journals[0].equals(journals[1])
        print(f"  {agents:>9,}  {slow:>16,.0f}  {fast:>12,.0f}  {fast / slow:>6.1f}x  (same rows, ledger: "
              f"{same})")


FIRST_USE = """
import time
start = time.perf_counter()
import numpy as np
from model.mechanisms.order_book_compiled import CompiledOrderBook, trade_round
imported = time.perf_counter()
book = CompiledOrderBook()
book.submit("sell", 0, 1.0, 1.0)
book.best_ask()
trade_round(book, [1], [True], [1.0], [1.0], holding=np.ones(2), need=np.full(2, 2.0),
            idle_only=np.zeros(2, dtype=bool), unbounded=np.zeros(2, dtype=bool), cash=np.ones(2),
            balances=np.full(2, 10**6), spent=np.zeros(2), resting=np.full((2, 2), -1))
print(imported - start, time.perf_counter() - imported)
"""


def bench_compile() -> None:
    with tempfile.TemporaryDirectory() as cache:  # an empty cache, as in a fresh checkout
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        runs = [subprocess.run([sys.executable, "-c", FIRST_USE], env=env, capture_output=True, text=True,
                               check=True).stdout.split() for _ in range(2)]
    print("numba: import, then the first submit, quote and round (compiling, or loading the cache)")
    for label, (imported, first) in zip(("first process (empty cache)", "second process (cached)"), runs):
        print(f"  {label:<28}  import {float(imported):5.2f} s   first calls {float(first):5.2f} s")


if __name__ == "__main__":
    bench_books()
    bench_exchange()
    bench_compile()
