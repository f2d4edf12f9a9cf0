"""Small deterministic MDPs with exactly known optimal values, for the Hayek machine.

An MDP here is a table: ``next_state[s, a]``, ``reward[s, a]``, ``terminal[s]``, a start
state. Episodes end on entering a terminal state. Optimal values come from value
iteration, used only by the observer.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MDP:
    """A deterministic, episodic MDP.

    Attributes:
        next_state: (states x actions) the state an action leads to.
        reward: (states x actions) the reward it pays.
        terminal: (states,) True where an episode ends.
        start: the first state of every episode.
        labels: a name per state, for display.
    """

    next_state: np.ndarray
    reward: np.ndarray
    terminal: np.ndarray
    start: int
    labels: tuple[str, ...]

    @property
    def states(self) -> int:
        """The number of states."""
        return self.next_state.shape[0]

    @property
    def actions(self) -> int:
        """The number of actions (the same in every state)."""
        return self.next_state.shape[1]


def value_iteration(mdp: MDP, gamma: float = 1.0, tol: float = 1e-12, max_iter: int = 100_000) -> np.ndarray:
    """Optimal state values V*(s) = max_a [R(s, a) + gamma V*(s')], V* = 0 at terminals.

    Bellman's value iteration (Sutton and Barto, *Reinforcement Learning*, 2nd ed.,
    section 4.4), from V = 0 until no value moves by more than ``tol``. With gamma = 1 it
    needs every policy that never ends to pay step costs (true of the worlds here).

    Example:
        >>> v = value_iteration(chain(4, goal_reward=1.0, step_cost=0.1))
        >>> v.round(2).tolist()    # three, two, one step from the goal; the goal itself is terminal
        [0.7, 0.8, 0.9, 0.0]
    """
    value = np.zeros(mdp.states)
    for _ in range(max_iter):
        q = mdp.reward + gamma * value[mdp.next_state]
        new = np.where(mdp.terminal, 0.0, q.max(axis=1))
        if np.max(np.abs(new - value)) <= tol:
            return new
        value = new
    raise RuntimeError(f"value iteration did not converge in {max_iter} sweeps")


def greedy_return(mdp: MDP, policy: np.ndarray, max_steps: int) -> float:
    """The return of following ``policy`` (an action per state, -1: no action) from the
    start for at most ``max_steps`` steps."""
    state, total = mdp.start, 0.0
    for _ in range(max_steps):
        action = policy[state]
        if action < 0:
            break
        total += mdp.reward[state, action]
        state = mdp.next_state[state, action]
        if mdp.terminal[state]:
            break
    return float(total)


def chain(length: int, goal_reward: float = 1.0, step_cost: float = 0.02) -> MDP:
    """A corridor of ``length`` states: start at the left end, the reward at the right end.

    Actions: 0 = left (stays at the wall), 1 = right. Every move costs ``step_cost``;
    entering the last state also pays ``goal_reward`` and ends the episode.
    """
    states = np.arange(length)
    next_state = np.stack([np.maximum(states - 1, 0), np.minimum(states + 1, length - 1)], axis=1)
    reward = np.full((length, 2), -step_cost)
    reward[length - 2, 1] += goal_reward
    terminal = states == length - 1
    return MDP(next_state, reward, terminal, 0, tuple(f"s{i}" for i in states))


def grid(size: int = 4, goal_reward: float = 1.0, trap_penalty: float = 1.0, step_cost: float = 0.02) -> MDP:
    """A ``size`` x ``size`` gridworld: start in the bottom-left corner, the goal in the top-right
    corner, a trap beside the straight path up the right side.

    Actions: 0 = up, 1 = down, 2 = left, 3 = right (a wall keeps you in place). Every move costs
    ``step_cost``; entering the goal pays ``goal_reward``, entering the trap costs
    ``trap_penalty``; both end the episode.
    """
    cells = size * size
    row, col = np.divmod(np.arange(cells), size)   # row 0 is the bottom
    moves = [(1, 0), (-1, 0), (0, -1), (0, 1)]
    next_state = np.stack([np.clip(row + dr, 0, size - 1) * size + np.clip(col + dc, 0, size - 1)
                           for dr, dc in moves], axis=1)
    goal, trap = cells - 1, (size - 2) * size + (size - 1)     # top-right, and the cell below it
    reward = np.full((cells, 4), -step_cost)
    reward[next_state == goal] += goal_reward
    reward[next_state == trap] -= trap_penalty
    terminal = np.zeros(cells, dtype=bool)
    terminal[[goal, trap]] = True
    reward[terminal] = 0.0
    labels = tuple(f"({r},{c})" for r, c in zip(row, col))
    return MDP(next_state, reward, terminal, 0, labels)


ENVIRONMENTS = {"chain": chain, "grid": grid}
