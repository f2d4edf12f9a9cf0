"""Learning rules for a whole population of participants, held as arrays.

Row ``i`` of every table is learner ``i``; one call of ``act``, ``greedy`` or ``update``
handles all of them with a few numpy operations (no Python object per agent). Learners deal
in action INDICES into a grid that a strategy elsewhere maps to bids; they see their own
rewards (and, where a mechanism discloses enough, the reward every action would have
earned) and never anyone's valuation.

Conventions shared by the three rules below:

- ``states`` is an integer array of shape (n,) with each learner's current state
  (``None``: state 0, the only state of a stateless learner built with ``states=1``).
- ``counterfactual`` is an (n x actions) array of the reward every action would have earned
  this round (full-information feedback).
- Every draw is one ``rng.random(n)`` per ``act`` (one uniform per learner), so the same
  generator state gives the same actions, here and in any compiled copy that uses the draws
  the same way.
- Ties in a greedy argmax go to the LOWEST action index (``numpy.argmax``).
- Bad arguments raise :class:`model.params.ParameterError` (a ValueError) naming the argument.
"""

import math
from typing import Protocol

import numpy as np

from model.params import ParameterError


class Learner(Protocol):
    """What a population of learners offers: one action index per learner per round."""

    n: int        #: learners (rows)
    actions: int  #: size of the action grid

    def act(self, rng: np.random.Generator, states=None) -> np.ndarray:
        """One action index per learner (int64), exploration included."""

    def greedy(self, states=None) -> np.ndarray:
        """The current greedy action per learner (no exploration)."""

    def update(self, actions, rewards, *, states=None, next_states=None, counterfactual=None, mask=None) -> None:
        """Learn from this round's own actions and rewards (and the counterfactual, if given);
        with ``mask`` (n booleans) only those rows learn (the others did not take part)."""


def _check(name: str, value, low: float, high: float, *, low_open=False, high_open=False) -> float:
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if not math.isfinite(value) or too_low or too_high:
        span = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ParameterError(f"{name} must lie in {span}; got {value!r}")
    return value


class _Population:
    """Shared bookkeeping: sizes, the (n, states, actions) table, argument checks."""

    def __init__(self, n: int, actions: int, states: int):
        for name, value, low in (("n", n, 1), ("actions", actions, 2), ("states", states, 1)):
            if int(value) != value or value < low:
                raise ParameterError(f"{name} must be a whole number of at least {low}; got {value!r}")
        self.n, self.actions, self.states = int(n), int(actions), int(states)
        self._rows = np.arange(self.n)

    def _states(self, states, name: str = "states") -> np.ndarray:
        if states is None:
            return np.zeros(self.n, dtype=np.int64)
        states = np.asarray(states)
        if states.shape != (self.n,) or states.dtype.kind not in "iu" or (states < 0).any() \
                or (states >= self.states).any():
            raise ParameterError(f"{name} must be {self.n} integers in [0, {self.states - 1}]")
        return states.astype(np.int64, copy=False)

    def _round(self, actions, rewards, counterfactual):
        actions = np.asarray(actions)
        if actions.shape != (self.n,) or actions.dtype.kind not in "iu" or (actions < 0).any() \
                or (actions >= self.actions).any():
            raise ParameterError(f"actions must be {self.n} integers in [0, {self.actions - 1}]")
        rewards = np.asarray(rewards, dtype=float)
        if rewards.shape != (self.n,) or not np.isfinite(rewards).all():
            raise ParameterError(f"rewards must be {self.n} finite numbers")
        if counterfactual is not None:
            counterfactual = np.asarray(counterfactual, dtype=float)
            if counterfactual.shape != (self.n, self.actions) or not np.isfinite(counterfactual).all():
                raise ParameterError(f"counterfactual must be a finite {self.n} x {self.actions} array")
        return actions.astype(np.int64, copy=False), rewards, counterfactual

    def _mask(self, mask) -> np.ndarray:
        if mask is None:
            return np.ones(self.n, dtype=bool)
        mask = np.asarray(mask)
        if mask.shape != (self.n,) or mask.dtype != bool:
            raise ParameterError(f"mask must be {self.n} booleans")
        return mask

    def _sample(self, rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
        """Inverse-CDF draw, one uniform per row: the first index whose cumulative sum exceeds u."""
        u = rng.random(self.n)
        cumulative = np.cumsum(probabilities, axis=1)
        return np.minimum((cumulative <= u[:, None]).sum(axis=1), self.actions - 1).astype(np.int64)


class QLearning(_Population):
    """Tabular Q-learning with epsilon-greedy exploration (Watkins and Dayan, "Q-learning",
    Machine Learning 8, 1992; Sutton and Barto, *Reinforcement Learning*, 2nd ed. 2018, sec. 6.5).

    Update, for the action ``a`` taken in state ``s`` with reward ``r`` and next state ``s'``:
    ``Q[s, a] <- (1 - alpha) Q[s, a] + alpha (r + gamma max_b Q[s', b])`` (the max is taken
    before the update). With ``counterfactual`` every action of ``s`` is updated at once with
    the reward it would have earned (synchronous updating, Banchio and Skrzypacz's "bid
    disclosure" treatment); ``rewards`` is then not used by the update.

    Exploration in round ``t`` (= updates so far): ``eps_t = max(eps_floor, eps0 exp(-decay t))``.
    With one uniform ``u`` per learner, the learner explores iff ``u < eps_t`` and then plays
    ``floor(actions u / eps_t)``, uniform over the WHOLE grid (the greedy action included),
    since ``u / eps_t`` is uniform on [0, 1) given ``u < eps_t``; otherwise it plays the greedy
    action, ties to the lowest index.

    ``initial_q`` is a number, ``"optimistic"`` (``reward_max / (1 - gamma)``, the discounted value
    of earning the largest reward forever; it makes every untried action look best), or an
    array broadcastable to (n, states, actions). The initialisation is known to change outcomes.

    Example:
        >>> q = QLearning(2, 3, alpha=0.5, gamma=0.0, eps0=0.0)
        >>> q.update(np.array([1, 2]), np.array([1.0, 0.5]))
        >>> q.q[:, 0].tolist(), q.greedy().tolist()
        ([[0.0, 0.5, 0.0], [0.0, 0.0, 0.25]], [1, 2])
    """

    def __init__(self, n: int, actions: int, *, states: int = 1, alpha: float = 0.1, gamma: float = 0.9,
                 eps0: float = 0.1, decay: float = 0.0, eps_floor: float = 0.0, initial_q=0.0,
                 reward_max: float = 1.0):
        super().__init__(n, actions, states)
        self.alpha = _check("alpha", alpha, 0.0, 1.0, low_open=True)
        self.gamma = _check("gamma", gamma, 0.0, 1.0, high_open=True)
        self.eps0 = _check("eps0", eps0, 0.0, 1.0)
        self.decay = _check("decay", decay, 0.0, math.inf, high_open=True)
        self.eps_floor = _check("eps_floor", eps_floor, 0.0, self.eps0)
        shape = (self.n, self.states, self.actions)
        if isinstance(initial_q, str):
            if initial_q != "optimistic":
                raise ParameterError(f"initial_q must be a number, 'optimistic' or an array; "
                                     f"got {initial_q!r}")
            reward_max = _check("reward_max", reward_max, -math.inf, math.inf, low_open=True, high_open=True)
            initial_q = reward_max / (1.0 - self.gamma)
        try:
            q = np.broadcast_to(np.asarray(initial_q, dtype=float), shape)
        except (TypeError, ValueError):
            raise ParameterError(f"initial_q must be a number, 'optimistic' or an array that broadcasts "
                                 f"to {shape}") from None
        if not np.isfinite(q).all():
            raise ParameterError("initial_q must be finite")
        self.q = q.copy()
        self.t = 0

    def exploration(self, t: int | None = None) -> float:
        """``eps_t`` of round ``t`` (default: the coming round)."""
        t = self.t if t is None else t
        return max(self.eps_floor, self.eps0 * math.exp(-self.decay * t))

    def greedy(self, states=None) -> np.ndarray:
        """The action with the highest Q-value in each learner's state (ties: the lowest index)."""
        return self.q[self._rows, self._states(states)].argmax(axis=1)

    def act(self, rng, states=None) -> np.ndarray:
        """Epsilon-greedy: explore uniformly over the whole grid with probability eps_t, else play
        greedy (one uniform per learner)."""
        best = self.greedy(states)
        eps = self.exploration()
        u = rng.random(self.n)
        if eps == 0.0:
            return best
        explore = u < eps
        uniform = np.minimum((u / eps * self.actions).astype(np.int64), self.actions - 1)
        return np.where(explore, uniform, best)

    def update(self, actions, rewards, *, states=None, next_states=None, counterfactual=None, mask=None) -> None:
        """Q[s, a] <- (1 - alpha) Q[s, a] + alpha (r + gamma max_b Q[s', b]) for each learner (in
        ``mask``); every action of s at once with ``counterfactual``."""
        actions, rewards, counterfactual = self._round(actions, rewards, counterfactual)
        rows = self._rows[self._mask(mask)]
        s = self._states(states)[rows]
        s_next = s if next_states is None else self._states(next_states, "next_states")[rows]
        best_next = self.q[rows, s_next].max(axis=1)
        keep, alpha, gamma = 1.0 - self.alpha, self.alpha, self.gamma
        if counterfactual is None:
            old = self.q[rows, s, actions[rows]]
            self.q[rows, s, actions[rows]] = keep * old + alpha * (rewards[rows] + gamma * best_next)
        else:
            old = self.q[rows, s]
            self.q[rows, s] = keep * old + alpha * (counterfactual[rows] + gamma * best_next[:, None])
        self.t += 1


class Hedge(_Population):
    """Multiplicative weights with full-information feedback (Freund and Schapire, "A
    decision-theoretic generalization of on-line learning", JCSS 55, 1997; Arora, Hazan and
    Kale, "The multiplicative weights update method", Theory of Computing 8, 2012).

    Each round every action's weight is multiplied by ``exp(eta x)``, ``x`` its counterfactual
    reward; the action is drawn with probability proportional to the weights. (Freund and
    Schapire's ``beta^loss`` with ``beta = exp(-eta)`` and loss = -reward: the same
    probabilities, since a shift common to all actions cancels.) The weights are kept as logs,
    shifted so the largest is 0, which changes no probability and never overflows.
    Needs ``counterfactual``: without it a Hedge learner cannot update.
    """

    def __init__(self, n: int, actions: int, *, states: int = 1, eta: float = 0.1):
        super().__init__(n, actions, states)
        self.eta = _check("eta", eta, 0.0, math.inf, low_open=True, high_open=True)
        self.log_weights = np.zeros((self.n, self.states, self.actions))

    def probabilities(self, states=None) -> np.ndarray:
        """Each learner's play probabilities, proportional to exp(log weights)."""
        logs = self.log_weights[self._rows, self._states(states)]
        weights = np.exp(logs - logs.max(axis=1, keepdims=True))
        return weights / weights.sum(axis=1, keepdims=True)

    def greedy(self, states=None) -> np.ndarray:
        """The action of largest weight per learner (ties: the lowest index)."""
        return self.log_weights[self._rows, self._states(states)].argmax(axis=1)

    def act(self, rng, states=None) -> np.ndarray:
        """Draw each learner's action from its weights."""
        return self._sample(rng, self.probabilities(states))

    def update(self, actions, rewards, *, states=None, next_states=None, counterfactual=None, mask=None) -> None:
        """Multiply every action's weight by exp(eta x its counterfactual reward) (learners in ``mask``)."""
        if counterfactual is None:
            raise ParameterError("Hedge needs counterfactual (the reward of every action this round); "
                                 "with only its own reward use EXP3")
        actions, rewards, counterfactual = self._round(actions, rewards, counterfactual)
        rows = self._rows[self._mask(mask)]
        s = self._states(states)[rows]
        logs = self.log_weights[rows, s] + self.eta * counterfactual[rows]
        self.log_weights[rows, s] = logs - logs.max(axis=1, keepdims=True)


class EXP3(_Population):
    """The bandit version of Hedge: EXP3 (Auer, Cesa-Bianchi, Freund and Schapire, "The
    nonstochastic multiarmed bandit problem", SIAM J. Computing 32, 2002, Fig. 1).

    It plays ``p_i = (1 - gamma) w_i / sum w + gamma / K`` and sees only its own reward.
    Rewards are assumed to lie in ``reward_range = (low, high)`` and rescaled to
    ``x = (r - low) / (high - low)`` in [0, 1], as the algorithm requires; a reward outside the
    range is refused. The chosen action's weight is multiplied by ``exp(gamma xhat / K)`` with
    the importance-weighted estimate ``xhat = x / p_chosen`` (unbiased for every action's reward).
    ``counterfactual`` is ignored: EXP3 is the learner for own-reward-only feedback.
    """

    def __init__(self, n: int, actions: int, *, states: int = 1, gamma: float = 0.1,
                 reward_range: tuple[float, float] = (0.0, 1.0)):
        super().__init__(n, actions, states)
        self.gamma = _check("gamma", gamma, 0.0, 1.0, low_open=True)
        try:
            low, high = (float(x) for x in reward_range)
        except (TypeError, ValueError):
            raise ParameterError(f"reward_range must be two numbers (low, high); "
                                 f"got {reward_range!r}") from None
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ParameterError(f"reward_range must be finite with low < high; got {reward_range!r}")
        self.reward_range = (low, high)
        self.log_weights = np.zeros((self.n, self.states, self.actions))

    def probabilities(self, states=None) -> np.ndarray:
        """(1 - gamma) x the normalised weights + gamma / K, per learner."""
        logs = self.log_weights[self._rows, self._states(states)]
        weights = np.exp(logs - logs.max(axis=1, keepdims=True))
        return (1.0 - self.gamma) * weights / weights.sum(axis=1, keepdims=True) + self.gamma / self.actions

    def greedy(self, states=None) -> np.ndarray:
        """The action of largest weight per learner (ties: the lowest index)."""
        return self.log_weights[self._rows, self._states(states)].argmax(axis=1)

    def act(self, rng, states=None) -> np.ndarray:
        """Draw each learner's action from its EXP3 probabilities."""
        return self._sample(rng, self.probabilities(states))

    def update(self, actions, rewards, *, states=None, next_states=None, counterfactual=None, mask=None) -> None:
        """Raise the chosen action's log weight by gamma x the importance-weighted rescaled reward
        / K (learners in ``mask``)."""
        actions, rewards, _ = self._round(actions, rewards, None)
        mask = self._mask(mask)
        low, high = self.reward_range
        if (rewards[mask] < low).any() or (rewards[mask] > high).any():
            raise ParameterError(f"rewards must lie in reward_range [{low:g}, {high:g}]; "
                                 f"got {rewards[mask].min():g} .. {rewards[mask].max():g}")
        all_states = self._states(states)
        chosen = self.probabilities(all_states)[self._rows, actions]
        rows = self._rows[mask]
        s = all_states[rows]
        estimate = (rewards[rows] - low) / (high - low) / chosen[rows]
        logs = self.log_weights[rows, s]
        logs[np.arange(len(rows)), actions[rows]] += self.gamma * estimate / self.actions
        self.log_weights[rows, s] = logs - logs.max(axis=1, keepdims=True)
