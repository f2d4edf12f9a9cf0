"""What a participant could have had: counterfactual utilities, regret against the best fixed
action in hindsight, and economic agency against a baseline (seed 002, section 9).

Both are the observer's measures: they use everyone's bids and the participants' TRUE values,
which no market maker and no participant sees.
"""

import numpy as np

from model.mechanisms.ranking import descending_order


def sealed_bid_counterfactual(bids, values, candidates, rule: str, reserve: float = 0.0) -> np.ndarray:
    """``u[i, a]``: bidder ``i``'s utility in a one-item sealed-bid auction had it bid
    ``candidates[i, a]`` while every other bidder bid as it did.

    The auction's own rules (model.mechanisms.sealed_bid): the highest bid at or above the
    reserve wins, ties to the lowest index; the winner pays its bid (``rule="first"``) or
    max(highest competing bid, reserve) (``rule="second"``). So bidder ``i`` facing the highest
    competing bid ``h_i``, held by ``j_i`` (the lowest index at that bid), wins with ``c`` iff
    ``c >= reserve`` and (``c > h_i`` or ``c == h_i`` and ``i < j_i``).

    Example (values 0.9 and 0.5, bids 0.6 and 0.4, second price):
        >>> sealed_bid_counterfactual([0.6, 0.4], [0.9, 0.5], [[0.3, 0.9], [0.3, 0.9]], "second").tolist()
        [[0.0, 0.5], [0.0, -0.09999999999999998]]
    """
    bids = np.asarray(bids, dtype=float)
    values = np.asarray(values, dtype=float)
    candidates = np.asarray(candidates, dtype=float)
    n = len(bids)
    index = np.arange(n)
    order = descending_order(bids)
    top = order[0]
    second = order[1] if n > 1 else -1
    best_other = np.where(index == top, bids[second] if n > 1 else -np.inf, bids[top])
    holder = np.where(index == top, second if n > 1 else n, top)
    h = best_other[:, None]
    wins = (candidates >= reserve) & ((candidates > h) | ((candidates == h) & (index < holder)[:, None]))
    paid = candidates if rule == "first" else np.maximum(h, reserve)
    return np.where(wins, values[:, None] - paid, 0.0)


class Regret:
    """Cumulative regret of ``n`` participants against the best fixed action of a grid in
    hindsight: ``R_i = max_a sum_t u_i(a, t) - sum_t u_i(t)`` (external regret; Cesa-Bianchi
    and Lugosi, *Prediction, Learning, and Games*, 2006, ch. 4; seed 002, section 9).

    Feed it each round's counterfactual utilities (n x actions) and realised utilities (n);
    the realised ones should come from the same formula with the actual bids, so that a
    participant who played the best action every round has regret exactly 0.

    Example:
        >>> r = Regret(2, 3)
        >>> r.add(np.array([[1.0, 2.0, 0.0], [0.5, 0.5, 0.5]]), np.array([1.0, 0.5]))
        >>> r.regret().tolist()
        [1.0, 0.0]
    """

    def __init__(self, n: int, actions: int):
        self.per_action = np.zeros((n, actions))
        self.realised = np.zeros(n)

    def add(self, counterfactual: np.ndarray, realised: np.ndarray) -> None:
        """Add one round: each participant's utility for every action of the grid (n x actions) and the utility
        it realised (n)."""
        self.per_action += counterfactual
        self.realised += realised

    def regret(self) -> np.ndarray:
        """R_i = max_a sum_t u_i(a, t) - sum_t u_i(t), per participant (>= 0 when realised is on the grid)."""
        return self.per_action.max(axis=1) - self.realised


class Agency:
    """Economic agency (seed 002, section 9): ``A_i = sum_t delta^t (u_i(t) - b_i(t))``, the
    discounted utility participant ``i`` gained under the scenario over what a baseline
    allocator would have given it in the same world (common random numbers). Participants
    with A_i < 0 are the losers of the transition (seed 003, open problem 4).

    Example:
        >>> a = Agency(2, discount=0.5)
        >>> a.add(np.array([1.0, 0.0]), np.array([0.0, 1.0])); a.add(np.array([1.0, 0.0]), np.array([0.0, 0.0]))
        >>> a.agency.tolist(), a.negative_share()
        ([1.5, -1.0], 0.5)
    """

    def __init__(self, n: int, discount: float = 1.0):
        self.agency = np.zeros(n)
        self.discount = discount
        self._weight = 1.0

    def add(self, utility: np.ndarray, baseline: np.ndarray) -> None:
        """Add one round: A_i += delta^t (u_i(t) - b_i(t)), t counting the rounds added so far."""
        self.agency += self._weight * (utility - baseline)
        self._weight *= self.discount

    def negative_share(self) -> float:
        """The share of participants with A_i < 0, the transition's losers (NaN with none)."""
        return float((self.agency < 0).mean()) if self.agency.size else float("nan")


def procurement_counterfactual(asks, reserves, rule: str, available, seller: int, candidates) -> tuple:
    """What ``seller`` would have won in a round of sequential procurement auctions had it
    asked ``candidates[k]`` (a column of asks, one per job) while every other seller asked as
    it did: for each k, the job it wins (-1: none) and its price.

    The round is :func:`~model.mechanisms.procurement.sequential_reverse_auctions`: jobs in
    order; the lowest ask (NaN: not bidding) at or below the job's reserve wins, ties to the
    lowest index; it is paid its ask (first) or min(second-lowest ask, reserve) (second); a
    winner leaves the later auctions. All candidates are run side by side, one vectorised
    step per job (exact; O(jobs x candidates x sellers)). The tests hold it to re-running
    sequential_reverse_auctions once per candidate.

    Example (seller 1 asks 3 or 9 against seller 0's 5, reserve 10, Vickrey):
        >>> procurement_counterfactual([[5.0, 4.0]], [10.0], "second", None, 1, [[3.0], [9.0]])
        (array([ 0, -1]), array([ 5., nan]))
    """
    asks = np.array(asks, dtype=float, ndmin=2)
    jobs_n, sellers = asks.shape
    candidates = np.asarray(candidates, dtype=float).reshape(-1, jobs_n)
    k = len(candidates)
    trial = np.repeat(asks[None], k, axis=0)
    trial[:, :, seller] = candidates
    trial = np.where(np.isnan(trial), np.inf, trial)
    free = np.ones((k, sellers), dtype=bool) if available is None else np.repeat(np.asarray(available, bool)[None], k, 0)
    reserves = np.asarray(reserves, dtype=float)
    runs = np.arange(k)
    jobs = np.full(k, -1, dtype=np.int64)
    prices = np.full(k, np.nan)
    for j in range(jobs_n):
        live = np.where(free, trial[:, j], np.inf)
        winner = live.argmin(axis=1)
        best = live[runs, winner]
        sold = np.isfinite(best) & (best <= reserves[j])
        if rule == "first":
            price = best
        else:
            live[runs, winner] = np.inf
            price = np.minimum(live.min(axis=1), reserves[j])
        mine = sold & (winner == seller) & (jobs < 0)
        jobs[mine], prices[mine] = j, price[mine]
        free[runs[sold], winner[sold]] = False
    return jobs, prices
