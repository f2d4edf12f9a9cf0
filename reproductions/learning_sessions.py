"""Sessions of a repeated auction between two stateless Q-learners (Banchio and Skrzypacz,
"Artificial Intelligence and Auction Design", EC 2022, arXiv 2202.05947, secs. 2-5).

Two bidders value the good at 1 and bid on the grid k/20, k = 1..19. The higher bid wins; a
tie goes to a fair coin. The winner pays ``(2 - a) highest + (a - 1) second-highest`` (a = 1
first price, a = 2 second price) and earns 1 - payment; the loser earns 0. Under disclosure
each bidder learns the rival's bid and updates every action with the reward it would have
earned against it (a tie counted at its expected value, half of 1 - payment).

A run is a population of independent sessions, simulated here twice: :func:`simulate_reference`
is the plain numpy reference, the 2 x sessions bidders one :class:`agents.learners.QLearning`
population; :mod:`reproductions.learning_kernel` is the compiled copy. Both use the same
draws: each period ``rng.random(2 S)`` for the learners' actions (bidder b of session s is
row 2 s + b), then ``rng.random(S)`` for the ties, and the kernel reads those numbers from
blocks ``rng.random((K, 3 S))``, the same stream. Given the same seed they give identical
results, bit for bit (tested).
"""

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np

from agents.learners import QLearning

GRID = np.arange(1, 20) / 20
VALUE = 1


@dataclass(frozen=True)
class Setting:
    """One treatment: the format ``a``, disclosure, and the learners' parameters
    (defaults: the paper's, sec. 4). ``initial_q``: a number, or "optimistic": VALUE / (1 - gamma),
    100 at the paper's discount."""

    name: str
    a: float = 1.0
    disclosure: bool = False
    initial_q: float | str = "optimistic"
    alpha: float = 0.05
    gamma: float = 0.99
    eps0: float = 0.025
    decay: float = 0.0002

    def learners(self, sessions: int) -> QLearning:
        """Two Q-learners per session over the bid grid, with this treatment's parameters (the paper's sec. 4).
        """
        return QLearning(2 * sessions, len(GRID), alpha=self.alpha, gamma=self.gamma, eps0=self.eps0,
                         decay=self.decay, initial_q=self.initial_q, reward_max=VALUE)


def payment(a: float, highest, second):
    """What the winner pays: ``(2 - a) highest + (a - 1) second``.

    Example:
        >>> [round(payment(a, 0.6, 0.4), 10) for a in (1.0, 1.5, 2.0)]
        [0.6, 0.5, 0.4]
    """
    return (2 - a) * highest + (a - 1) * second


@dataclass(frozen=True)
class Payoffs:
    """The stage game's tables, indexed by grid positions.

    ``price[h, l]``: the payment when the bids are GRID[h] >= GRID[l]; ``win[h, l]``: the
    winner's reward, VALUE - price; ``counterfactual[j, k]``: the reward of bidding GRID[k]
    against a rival's GRID[j] (win, half of the winner's reward at a tie, or 0)."""

    price: np.ndarray
    win: np.ndarray
    counterfactual: np.ndarray


def payoffs(a: float) -> Payoffs:
    """The tables of format ``a``, computed exactly (fractions: bids k/20, ``a`` to 1/1000)
    and rounded once, so equal payoffs are equal numbers: in first price a tie at 0.90 and a
    win at 0.95 both earn exactly 0.05 (float subtraction would make them differ by 1e-16)."""
    n, fa = len(GRID), Fraction(a).limit_denominator(1000)
    bid = [Fraction(k + 1, 20) for k in range(n)]
    exact = [[payment(fa, bid[max(h, l)], bid[min(h, l)]) for l in range(n)] for h in range(n)]
    price = np.array([[float(p) for p in row] for row in exact])
    win = np.array([[float(VALUE - p) for p in row] for row in exact])
    counterfactual = np.array([[float(VALUE - exact[k][j]) if k > j else float((VALUE - exact[k][k]) / 2)
                                if k == j else 0.0 for k in range(n)] for j in range(n)])
    return Payoffs(price, win, counterfactual)


def nash_profiles(a: float) -> list[tuple[int, int]]:
    """Pure Nash equilibria of the stage game (ties paid at their expected value), by
    enumeration: each bid a best reply to the other."""
    u = payoffs(a).counterfactual              # u[j, k]: payoff of k against j
    best = u.max(axis=1)
    n = len(GRID)
    return [(i, j) for i in range(n) for j in range(n)
            if u[j, i] >= best[j] - 1e-12 and u[i, j] >= best[i] - 1e-12]


@dataclass
class Sessions:
    """What a run leaves: per session the final Q-values (sessions x 2 x actions), the final
    greedy bids (grid positions) and the last period in which the greedy pair changed; per
    window of ``window`` periods the sums of the winning bid and of the price (windows x
    sessions; the last window also takes the remainder)."""

    q: np.ndarray
    greedy: np.ndarray
    last_change: np.ndarray
    winning_sum: np.ndarray
    price_sum: np.ndarray
    periods: int
    window: int

    def window_means(self, sums: np.ndarray) -> np.ndarray:
        """``sums`` (winning_sum or price_sum) divided by the periods of each window."""
        counts = np.full(len(sums), self.window)
        counts[-1] += self.periods - self.window * len(sums)
        return sums / counts[:, None]

    def converged(self, stable: int = 1000) -> np.ndarray:
        """Greedy pair unchanged over the last ``stable`` periods (after each update)."""
        return self.periods - self.last_change >= stable - 1


def outcome(acts: np.ndarray, tie: np.ndarray, table: Payoffs):
    """Rewards (S x 2), winning bid index and price of each session's auction."""
    first, second = acts[:, 0], acts[:, 1]
    winner = np.where(first > second, 0, np.where(second > first, 1, np.where(tie < 0.5, 0, 1)))
    high, low = np.maximum(first, second), np.minimum(first, second)
    rewards = np.zeros(acts.shape)
    rewards[np.arange(len(acts)), winner] = table.win[high, low]
    return rewards, high, table.price[high, low]


def check_run(sessions: int, periods: int, window: int) -> None:
    """Refuse sessions, periods or a window that are not whole numbers of at least 1, and a window longer than
    the run."""
    for name, value in (("sessions", sessions), ("periods", periods), ("window", window)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1; got {value!r}")
    if window > periods:
        raise ValueError(f"window ({window}) must not exceed periods ({periods})")


def simulate_reference(setting: Setting, sessions: int, periods: int, seed: int, window: int = 1) -> Sessions:
    """The numpy reference: one period at a time, every session at once."""
    check_run(sessions, periods, window)
    rng = np.random.default_rng(seed)
    table = payoffs(setting.a)
    learners = setting.learners(sessions)
    greedy = learners.greedy().reshape(sessions, 2)
    last_change = np.zeros(sessions, dtype=np.int64)
    winning_sum = np.zeros((periods // window, sessions))
    price_sum = np.zeros((periods // window, sessions))
    for t in range(periods):
        acts = learners.act(rng).reshape(sessions, 2)
        tie = rng.random(sessions)
        rewards, high, price = outcome(acts, tie, table)
        rival = acts[:, ::-1]
        counterfactual = table.counterfactual[rival].reshape(2 * sessions, -1) if setting.disclosure else None
        learners.update(acts.ravel(), rewards.ravel(), counterfactual=counterfactual)
        now = learners.greedy().reshape(sessions, 2)
        last_change[(now != greedy).any(axis=1)] = t + 1
        greedy = now
        w = min(t // window, len(winning_sum) - 1)
        winning_sum[w] += GRID[high]
        price_sum[w] += price
    q = learners.q.reshape(sessions, 2, -1)
    return Sessions(q, greedy, last_change, winning_sum, price_sum, periods, window)


@lru_cache(maxsize=4)
def _exploration(eps0: float, decay: float, periods: int) -> np.ndarray:
    """Each period's eps_t, from ``QLearning.exploration`` itself (Python's math.exp, so the
    kernel explores exactly when the reference does); computed once for all settings that share it."""
    learner = Setting("schedule", eps0=eps0, decay=decay).learners(1)
    return np.array([learner.exploration(t) for t in range(periods)])


def simulate(setting: Setting, sessions: int, periods: int, seed: int, window: int = 1,
             block_doubles: int = 3_000_000) -> Sessions:
    """The same run as :func:`simulate_reference`, through the compiled kernel; the draws come
    in blocks of about ``block_doubles`` uniforms (24 MB)."""
    from reproductions.learning_kernel import run_block   # numba loads only when a run needs it

    check_run(sessions, periods, window)
    rng = np.random.default_rng(seed)
    table = payoffs(setting.a)
    learners = setting.learners(sessions)
    q = learners.q.reshape(sessions, 2, len(GRID)).copy()
    greedy = learners.greedy().reshape(sessions, 2).copy()
    last_change = np.zeros(sessions, dtype=np.int64)
    winning_sum = np.zeros((periods // window, sessions))
    price_sum = np.zeros((periods // window, sessions))
    schedule = _exploration(setting.eps0, setting.decay, periods)
    step = max(1, block_doubles // (3 * sessions))
    for t0 in range(0, periods, step):
        k = min(step, periods - t0)
        uniforms = rng.random((k, 3 * sessions))
        run_block(q, greedy, last_change, uniforms, schedule[t0:t0 + k], t0, table.win, table.price,
                  table.counterfactual, GRID, setting.disclosure, setting.alpha, setting.gamma,
                  winning_sum, price_sum, window)
    return Sessions(q, greedy, last_change, winning_sum, price_sum, periods, window)
