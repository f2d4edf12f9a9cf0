"""Forecasters: the workers as bettors in the prediction markets on each other's deliveries.

A market asks "will worker i deliver task j on time?". Its traders are worker i itself, which
knows its own chance (an overpromiser believes an inflated one), and ``traders`` other workers
drawn at random, each holding a private signal of i's true chance: the truth seen through noise
on the log-odds scale, sd ``signal_noise`` for a worker that has the task's skill and twice that
for one that does not (:meth:`agents.worker.UncertainFleet.signals_about`). Beliefs are fixed when
the market opens; nobody learns from the price (the market maker sees the orders, never a belief).

How a trader with belief pi bets, when the price of YES is p and it may spend ``budget`` credits:

* ``myopic`` (risk neutral, the standard rule for a market scoring rule): buy the outcome it thinks
  underpriced until its price reaches the belief, or the budget runs out (Hanson 2003, 2007;
  Chen and Pennock 2007). Buying NO is the same bet as selling YES, so nobody sells or goes short.
* ``kelly`` (log utility over the budget, W): buy x shares of the underpriced outcome k, at cost c,
  maximising pi_k ln(W - c + x) + (1 - pi_k) ln(W - c); at the optimum the marginal price p'
  satisfies pi_k (1 - p')(W - c) = (1 - pi_k) p' (W - c + x), solved for p' in (p, pi_k) on
  nested grids. It never spends all of W and moves the price only part of the way, so a market of
  Kelly bettors prices a wealth-weighted mix of beliefs (Beygelzimer, Langford and Pennock,
  "Learning performance of prediction markets with Kelly bettors", AAMAS 2012).
"""

import numpy as np

from agents.worker import UncertainFleet
from model.mechanisms.scoring_rules import CostRule
from model.tasks import TaskBook

BETTING = ("myopic", "kelly")
#: Beliefs are kept inside (EDGE, 1 - EDGE): a price of exactly 0 or 1 costs infinitely much.
EDGE = 1e-3
#: The Kelly bet's new price is bracketed on a grid of this many prices, refined this many times.
KELLY_GRID, KELLY_PASSES = 32, 3


class Forecasters:
    """Who trades in each market, what each believes, and the orders that follow.

    Args:
        fleet: the workers (their own chances, and the signals others get about them).
        book: the task book (public: a task's skills).
        rule: the market maker's cost rule (public: a trader knows what a trade costs).
        betting: ``myopic`` or ``kelly``.
        traders: other workers trading in each market, besides the worker it is about.
        signal_noise: sd of a skilled outsider's signal on the log-odds scale.
        rng: the traders' random stream (who trades, the signals).
    """

    def __init__(self, fleet: UncertainFleet, book: TaskBook, rule: CostRule, betting: str, traders: int,
                 signal_noise: float, rng: np.random.Generator):
        if betting not in BETTING:
            raise ValueError(f"betting must be one of {', '.join(BETTING)}; got {betting!r}")
        self.fleet, self.book, self.rule, self.betting = fleet, book, rule, betting
        self.slots = 1 + min(traders, len(fleet) - 1)
        self.signal_noise = signal_noise
        self.rng = rng
        self._belief = np.zeros((0, self.slots))
        self.trader = np.zeros((0, self.slots), dtype=np.int64)   # public: who trades where

    def brief(self, markets: np.ndarray, tasks: np.ndarray, workers: np.ndarray, now: int) -> None:
        """Markets ``markets`` (ids 0, 1, ... in order of opening) open on ``tasks`` done by
        ``workers``: pick their traders and form their beliefs."""
        n, m = len(self.fleet), len(markets)
        others = self._others(workers, n, self.slots - 1)
        trader = np.column_stack([workers, others])
        belief = np.empty((m, self.slots))
        belief[:, 0] = self.fleet.on_time_beliefs(self.book, tasks, workers, now)
        if self.slots > 1:
            skilled = self.fleet.able(self.book, tasks[:, None], others)
            noise = np.where(skilled, self.signal_noise, 2 * self.signal_noise)
            belief[:, 1:] = self.fleet.signals_about(self.book, np.repeat(tasks[:, None], others.shape[1], axis=1),
                                                     np.repeat(workers[:, None], others.shape[1], axis=1), now,
                                                     noise, self.rng)
        end = int(markets.max()) + 1 if m else 0
        if end > len(self._belief):
            grow = max(end, 2 * len(self._belief))
            self._belief = np.vstack([self._belief, np.zeros((grow - len(self._belief), self.slots))])
            self.trader = np.vstack([self.trader, np.zeros((grow - len(self.trader), self.slots), dtype=np.int64)])
        self._belief[markets] = np.clip(belief, EDGE, 1 - EDGE)
        self.trader[markets] = trader

    def _others(self, workers: np.ndarray, n: int, k: int) -> np.ndarray:
        """``k`` distinct workers per row, none of them the row's own worker."""
        m = len(workers)
        if k == 0:
            return np.zeros((m, 0), dtype=np.int64)
        if n <= 64 or k * 4 > n:   # small fleets: a random order of everyone else
            keys = self.rng.random((m, n))
            keys[np.arange(m), workers] = np.inf
            return np.argsort(keys, axis=1, kind="stable")[:, :k]
        picks = self.rng.integers(0, n - 1, (m, k))
        picks += picks >= workers[:, None]                      # skip the worker itself
        while True:                                             # redraw the rare repeats
            ordered = np.sort(picks, axis=1)
            repeat = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
            if not repeat.any():
                return picks
            rows = np.flatnonzero(repeat)
            fresh = self.rng.integers(0, n - 1, (rows.size, k))
            picks[rows] = fresh + (fresh >= workers[rows, None])

    def orders(self, markets: np.ndarray, slot: np.ndarray, q: np.ndarray, liquidity, budget: np.ndarray):
        """The order of the trader in ``slot`` of each market, given the market's public state ``q``
        (shares of YES and NO sold) and what the trader may spend there: (outcome, shares), outcome
        0 for YES and 1 for NO, shares >= 0 (0: no trade)."""
        belief = self._belief[markets, slot]
        price = self.rule.prices(q, liquidity)[:, 0]
        outcome = np.where(belief > price, 0, 1)
        target = np.where(outcome == 0, belief, 1.0 - belief)      # the belief in the outcome bought
        now = np.where(outcome == 0, price, 1.0 - price)
        wants = target > now + 1e-12
        shares = np.zeros(len(markets))
        if not wants.any():
            return outcome, shares
        w = np.flatnonzero(wants)
        affordable = self.rule.shares_for_cost(q[w], _pick(liquidity, w), outcome[w], budget[w])
        if self.betting == "myopic":
            to_belief = self.rule.shares_to_price(q[w], _pick(liquidity, w), outcome[w], target[w])
            shares[w] = np.minimum(to_belief, affordable)
        else:
            shares[w] = np.minimum(self._kelly(q[w], _pick(liquidity, w), outcome[w], target[w], now[w], budget[w]),
                                   affordable)
        return outcome, np.maximum(shares, 0.0)

    def _kelly(self, q, liquidity, outcome, belief, price, wealth) -> np.ndarray:
        """Shares of ``outcome`` a log-utility bettor with ``wealth`` buys: the first-order condition
        is positive at the price now and negative at the belief, so it is bracketed on a grid of
        KELLY_GRID new prices, the bracket refined KELLY_PASSES times (to 1 / KELLY_GRID**3 of it)."""
        low, high = price.copy(), belief.copy()
        steps = np.linspace(0.0, 1.0, KELLY_GRID)
        liquidity = np.asarray(liquidity, dtype=float)
        grid_liquidity = liquidity if liquidity.ndim == 0 else liquidity[:, None]
        for _ in range(KELLY_PASSES):
            grid = low[:, None] + (high - low)[:, None] * steps              # (markets x grid) new prices
            inside = np.clip(grid, EDGE / 2, 1 - EDGE / 2)
            shares, cost = self._move(np.repeat(q[:, None, :], KELLY_GRID, axis=1), grid_liquidity,
                                      np.broadcast_to(outcome[:, None], grid.shape), inside)
            w = wealth[:, None]
            gain = belief[:, None] * (1 - inside) * (w - cost) - (1 - belief[:, None]) * inside * (w - cost + shares)
            last = np.maximum(np.argmax(gain <= 0, axis=1) - 1, 0)           # the last price before it turns
            rows = np.arange(len(q))
            low, high = grid[rows, last], grid[rows, np.minimum(last + 1, KELLY_GRID - 1)]
        return self._move(q, liquidity, outcome, np.clip(low, EDGE / 2, 1 - EDGE / 2))[0]

    def _move(self, q, liquidity, outcome, price):
        """Shares of ``outcome`` that take its price to ``price``, and what they cost (any shape of
        markets x whatever, q's last axis the two outcomes)."""
        shares = self.rule.shares_to_price(q, liquidity, outcome, price)
        delta = np.where(np.arange(2) == np.asarray(outcome)[..., None], shares[..., None], 0.0)
        return shares, self.rule.trade_cost(q, delta, liquidity)


def _pick(values, rows):
    """A liquidity that is one number, or one per market, for the markets ``rows``."""
    values = np.asarray(values, dtype=float)
    return values if values.ndim == 0 else values[rows]
