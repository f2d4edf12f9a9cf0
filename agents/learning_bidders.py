"""Bidders that learn: a population of traders, one row each, choosing a fraction of their
value to bid from a grid and learning from what each round gives them.

The strategy follows :class:`agents.strategies.Strategy`, so a trader, the market maker and
the ledger treat a learner like any scripted bidder. What it learns from is its own outcome
(allocated, paid, and so its utility, which it computes from the value it bid with) and what
the market maker discloses: the clearing price, or with ``disclosure="bids"`` the highest
competing bid each member faced. It never sees another trader's value.

All members act in one numpy call per round (the first ``bid`` of a round draws every
member's action) and learn in one numpy call (the round's feedback is applied before the
next round's actions). The learning rules are :mod:`agents.learners`:

* ``qlearn``: tabular Q-learning over the grid, epsilon-greedy with decaying exploration;
  stateless, or with state = the last disclosed price, discretised to the grid; with bids
  disclosed it updates every grid bid at once (Banchio and Skrzypacz's synchronous updates).
* ``hedge``: multiplicative weights with full-information feedback, the utility of every
  grid bid computed from the highest competing bid; it needs ``disclosure="bids"``.
* ``exp3``: the bandit version, its own realised utility only.

The counterfactual utility of grid bid ``c`` facing the highest competing bid ``h`` counts a
tie as a loss (the learner does not know whether it holds the lower index); with values drawn
from a continuous distribution ties have probability zero.
"""

import math

import numpy as np

from agents.learners import EXP3, Hedge, QLearning
from model.params import Param

LEARNERS = ("qlearn", "hedge", "exp3")
STATES = ("none", "price")


class LearningBidder:
    """A population of bidders learning which fraction of their value to bid.

    Args:
        kind: "qlearn", "hedge" or "exp3".
        grid: bid fractions k / grid, k = 1..grid (so truthful bidding, 1, is on the grid).
        rule: the auction's payment rule, "first" or "second" (public), for counterfactuals.
        reserve: the auction's reserve price (public).
        rng: the learners' own random stream.
        learning_rate: Q-learning's alpha, Hedge's eta (EXP3 has none).
        exploration: Q-learning's eps0, EXP3's gamma.
        decay: Q-learning's exploration decay per round.
        discount: Q-learning's gamma.
        initial_q: Q-learning's initial value of every action.
        state: "none" (stateless) or "price" (the last disclosed price, on the grid).
        counterfactual: whether the rounds disclose the highest competing bid (Hedge needs it).
    """

    learns = True
    misreads = False

    def __init__(self, kind: str, *, grid: int, rule: str, reserve: float, rng: np.random.Generator,
                 learning_rate: float = 0.1, exploration: float = 0.1, decay: float = 0.0, discount: float = 0.0,
                 initial_q: float = 0.0, state: str = "none", counterfactual: bool = False):
        if kind not in LEARNERS:
            raise ValueError(f"unknown learner {kind!r}; choose one of {', '.join(LEARNERS)}")
        if kind == "hedge" and not counterfactual:
            raise ValueError("hedge learns from every bid's utility: it needs the highest competing bid disclosed")
        self.name, self.rule, self.reserve, self.state = kind, rule, reserve, state
        self.fractions = np.arange(1, grid + 1) / grid
        self._rng = rng
        self._settings = dict(learning_rate=learning_rate, exploration=exploration, decay=decay, discount=discount,
                              initial_q=initial_q)
        self._counterfactual = counterfactual
        self._members = 0
        self.learner = None
        self._actions = None     # this round's actions, drawn at its first bid
        self._pending = None     # last round's feedback, applied before the next actions
        self._states = None

    # the protocol -----------------------------------------------------------------------------
    def join(self) -> int:
        """Add a member (before the first round); return its row."""
        if self.learner is not None:
            raise RuntimeError("members join before the first round")
        self._members += 1
        return self._members - 1

    def bid(self, value: float, bidders: int, random, member: int = 0) -> float:
        """This member's bid this round: its grid fraction x its value (every member's action is
        drawn at the round's first bid)."""
        if self._actions is None:
            self._begin_round()
        self._values[member] = value
        return float(self.fractions[self._actions[member]] * value)

    def bids(self, values: np.ndarray, bidders: int, rng: np.random.Generator) -> np.ndarray:
        """Every member's bid for ``values`` (one per member, in member order)."""
        if self._actions is None:
            self._begin_round()
        self._values[:] = values
        return self.fractions[self._actions] * np.asarray(values, dtype=float)

    def ask(self, cost, ceiling, rng):
        """Refused: a learning bidder buys."""
        raise TypeError(f"a {self.name} bidder learns to buy; it does not ask")

    def feedback(self, members, utility, price=float("nan"), highest_other=float("nan")) -> None:
        """Record members' outcomes of the round (every member bids, and reports, every round)."""
        if self._actions is None:
            raise RuntimeError("feedback must follow a round in which the members bid")
        self._reward[members] = utility
        self._highest[members] = highest_other
        self._reported[members] = True
        self._price = price
        if self._reported.all():
            self._close_round()

    def _close_round(self) -> None:
        if self._counterfactual and np.isnan(self._highest).any():
            raise RuntimeError("this learner needs the highest competing bid, and the market did not disclose it")
        counterfactual = self._counterfactuals(self._highest) if self._counterfactual else None
        self._pending = (self._actions, self._reward.copy(), counterfactual, self._state_of(self._price))
        self._reported[:] = False
        self._actions = None

    # what an observer or a dashboard reads -------------------------------------------------------
    def greedy_fractions(self) -> np.ndarray:
        """Each member's greedy bid fraction now (no exploration), after the last feedback."""
        self._flush()
        return self.fractions[self.learner.greedy(self._states)] if self.learner is not None \
            else np.full(self._members, np.nan)

    # internals ---------------------------------------------------------------------------------
    def _begin_round(self) -> None:
        if self.learner is None:
            self.learner = self._make(self._members)
            self._values = np.zeros(self._members)
            self._reward = np.zeros(self._members)
            self._highest = np.full(self._members, np.nan)
            self._reported = np.zeros(self._members, dtype=bool)
            self._price = float("nan")
            self._states = None if self.state == "none" else np.full(self._members, len(self.fractions))
        self._flush()
        self._actions = self.learner.act(self._rng, self._states)

    def _flush(self) -> None:
        if self._pending is None:
            return
        actions, rewards, counterfactual, next_states = self._pending
        self.learner.update(actions, rewards, states=self._states, next_states=next_states,
                            counterfactual=counterfactual)
        self._states = next_states
        self._pending = None

    def _make(self, n: int):
        s, grid = self._settings, len(self.fractions)
        states = 1 if self.state == "none" else grid + 1
        if self.name == "qlearn":
            return QLearning(n, grid, states=states, alpha=s["learning_rate"], gamma=s["discount"],
                             eps0=s["exploration"], decay=s["decay"], initial_q=s["initial_q"])
        if self.name == "hedge":
            return Hedge(n, grid, states=states, eta=s["learning_rate"])
        return EXP3(n, grid, states=states, gamma=max(s["exploration"], 1e-9), reward_range=(-1.0, 1.0))

    def _counterfactuals(self, highest_other: np.ndarray) -> np.ndarray:
        """Utility of every grid bid against the highest competing bid (a tie counts as a loss)."""
        value = self._values[:, None]
        candidate = self.fractions[None, :] * value
        h = highest_other[:, None]
        wins = (candidate >= self.reserve) & (candidate > h)
        paid = candidate if self.rule == "first" else np.maximum(h, self.reserve)
        return np.where(wins, value - paid, 0.0)

    def _state_of(self, price: float):
        if self.state == "none":
            return None
        grid = len(self.fractions)
        level = grid if not math.isfinite(price) else min(grid - 1, max(0, int(price * grid)))
        return np.full(self._members, level, dtype=np.int64)



#: The learners' parameters, declared once for every scenario that offers learning participants.
LEARNING_PARAMS = (
    Param("grid", 20, "learners: bid fractions k/grid, k = 1..grid (1 = truthful is on the grid)", low=2, high=200),
    Param("learning_rate", 0.1, "learners: Q-learning's alpha, Hedge's eta", low=1e-6, high=10),
    Param("exploration", 0.1, "learners: Q-learning's starting epsilon, EXP3's gamma", low=0, high=1),
    Param("exploration_decay", 0.0, "learners: Q-learning's epsilon_t = exploration x exp(-decay t)", low=0, high=1),
    Param("discount", 0.0, "learners: Q-learning's discount gamma", low=0, high=0.999),
    Param("initial_q", 0.0, "learners: Q-learning's initial value of every bid (1/(1 - discount) is optimistic)",
          low=-1e6, high=1e6),
    Param("learner_state", "none", "learners: Q-learning's state: none, or the last disclosed price",
          choices=STATES),
)


def learning_bidder(kind: str, values: dict, *, rule: str, reserve: float, rng, counterfactual: bool):
    """A LearningBidder from a scenario's declared LEARNING_PARAMS values."""
    return LearningBidder(kind, grid=values["grid"], rule=rule, reserve=reserve, rng=rng,
                          learning_rate=values["learning_rate"], exploration=values["exploration"],
                          decay=values["exploration_decay"], discount=values["discount"],
                          initial_q=values["initial_q"], state=values["learner_state"],
                          counterfactual=counterfactual)
