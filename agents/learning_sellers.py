"""Sellers that learn: workers in procurement auctions choosing a markup over their break-even
ask from a grid, and learning from the profit of what they win.

A worker's break-even ask is its private cost over the share of the price it expects to be
paid (agents.worker); a learning worker asks break-even x (1 + m) for a markup m on the grid
0, M/(G-1), ..., M (so m = 0, the truthful ask, is on it). All members choose in one numpy
call a round (at the round's first ask) and learn in one call (the round's feedback, for the
members who were in the market, is applied before the next round's choices). The rules are
:mod:`agents.learners`: ``qlearn`` (stateless) and ``exp3`` learn from their own realised
profit; Hedge would need the lowest competing ask of every auction a worker was in, which the
task market does not disclose, so it is not offered here.

Whether sellers who learn push prices above the competitive level is the pricing analogue of
Calvano, Calzolari, Denicolo and Pastorello, "Artificial intelligence, algorithmic pricing,
and collusion" (AER 110(10), 2020).
"""

import numpy as np

from agents.learners import EXP3, QLearning

SELLER_LEARNERS = ("qlearn", "exp3")


class LearningSeller:
    """A population of sellers learning their markup.

    Args:
        kind: "qlearn" or "exp3".
        grid: markups on the grid (at least 2).
        max_markup: the largest markup M.
        rng: the learners' own stream.
        learning_rate, exploration, decay, discount, initial_q: as in agents.learning_bidders.
        reward_scale: EXP3's reward range is [-reward_scale, reward_scale] (profits are clipped
            to it for EXP3 only).
    """

    learns = True
    misreads = False

    def __init__(self, kind: str, *, grid: int, max_markup: float, rng: np.random.Generator,
                 learning_rate: float = 0.1, exploration: float = 0.1, decay: float = 0.0, discount: float = 0.0,
                 initial_q: float = 0.0, reward_scale: float = 100.0):
        if kind not in SELLER_LEARNERS:
            raise ValueError(f"unknown seller learner {kind!r}; choose one of {', '.join(SELLER_LEARNERS)}")
        self.name = kind
        self.markups = np.linspace(0.0, max_markup, grid)
        self._rng = rng
        self._settings = dict(learning_rate=learning_rate, exploration=exploration, decay=decay, discount=discount,
                              initial_q=initial_q)
        self.reward_scale = reward_scale
        self._members = 0
        self.learner = None
        self._actions = None
        self._pending = None

    def join(self) -> int:
        """Add a member (before the first round); return its row."""
        if self.learner is not None:
            raise RuntimeError("members join before the first round")
        self._members += 1
        return self._members - 1

    def bid(self, value, bidders, random, member: int = 0) -> float:
        """Refused: a learning seller asks."""
        raise TypeError(f"a {self.name} seller learns its asks; it does not bid")

    def bids(self, values, bidders, rng):
        """Refused: a learning seller asks."""
        raise TypeError(f"a {self.name} seller learns its asks; it does not bid")

    def ask(self, cost, ceiling, rng, members=None) -> np.ndarray:
        """Each entry's ask, break-even ``cost`` x (1 + its member's markup this round)."""
        if members is None:
            raise ValueError("a learning seller needs to know whose ask each entry is (members=)")
        if self._actions is None:
            self._begin_round()
        return np.asarray(cost, dtype=float) * (1.0 + self.markups[self._actions[np.asarray(members)]])

    def feedback(self, members, utility, price=float("nan"), highest_other=float("nan")) -> None:
        """The round's profit of each member that was in the market (the others do not learn)."""
        if self._actions is None:   # nobody asked this round: nothing to learn from
            return
        mask = np.zeros(self._members, dtype=bool)
        mask[np.asarray(members, dtype=np.int64)] = True
        rewards = np.zeros(self._members)
        rewards[np.asarray(members, dtype=np.int64)] = utility
        if self.name == "exp3":
            rewards = np.clip(rewards, -self.reward_scale, self.reward_scale)
        self._pending = (self._actions, rewards, mask)
        self._actions = None

    def current_markups(self) -> np.ndarray:
        """Each member's greedy markup now (after the last feedback)."""
        self._flush()
        return self.markups[self.learner.greedy()] if self.learner is not None else np.full(self._members, np.nan)

    def _begin_round(self) -> None:
        if self.learner is None:
            s, grid = self._settings, len(self.markups)
            self.learner = QLearning(self._members, grid, alpha=s["learning_rate"], gamma=s["discount"],
                                     eps0=s["exploration"], decay=s["decay"], initial_q=s["initial_q"]) \
                if self.name == "qlearn" else EXP3(self._members, grid, gamma=max(s["exploration"], 1e-9),
                                                   reward_range=(-self.reward_scale, self.reward_scale))
        self._flush()
        self._actions = self.learner.act(self._rng)

    def _flush(self) -> None:
        if self._pending is not None:
            actions, rewards, mask = self._pending
            self.learner.update(actions, rewards, mask=mask)
            self._pending = None


def seller_params(learning_params) -> tuple:
    """The learners' declared parameters for sellers: the shared ones (agents.learning_bidders'
    LEARNING_PARAMS, minus the bidders' price state) with the grid read as markups, and the
    largest markup."""
    from dataclasses import replace

    from model.params import Param

    shared = tuple(replace(p, help="learners: markups m = k/(grid - 1) x max_markup, k = 0..grid - 1 "
                                   "(0 = truthful is on the grid)", low=2) if p.name == "grid" else p
                   for p in learning_params if p.name != "learner_state")
    return (*shared, Param("max_markup", 1.0, "learners: the largest markup over the break-even ask", low=0.01,
                           high=10))
