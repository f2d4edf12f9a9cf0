"""Seed 002's composite reward (section 4.1): one payoff from quality, cost and latency."""

from dataclasses import dataclass

import numpy as np

from model.params import ParameterError


def reward_multiplier(quality, cost_ratio, latency, max_latency, *, alpha: float, beta: float, gamma: float,
                      penalty=0.0):
    """The bracket of R = T * [alpha Q + beta (1 - C/Cmax) + gamma (Lmax - L)/Lmax] - P_fail, per unit of T.

    With T the contract price, a job pays ``T * reward_multiplier(...)`` on completion.

    Args:
        quality: Q in [0, 1].
        cost_ratio: C / Cmax, realised cost over the most it may cost (clipped to [0, 1]).
        latency, max_latency: L and Lmax; finishing after Lmax earns nothing for speed
            (the latency term is clipped at 0; lateness itself is priced by ``penalty``).
        alpha, beta, gamma: weights, each >= 0 with alpha + beta + gamma = 1.
        penalty: P_fail / T, e.g. a share of the price forfeited by late or failed work.

    Returns:
        The multiplier, an array (or float) <= 1; it may be negative when the penalty
        exceeds what the work earned.

    Reference: seed 002, "Agentic Economic Markets", eq. (1).

    Example:
        >>> reward_multiplier(1.0, 0.0, 0, 4, alpha=0.6, beta=0.2, gamma=0.2)   # perfect, free, instant
        1.0
        >>> round(reward_multiplier(0.5, 0.5, 2, 4, alpha=0.6, beta=0.2, gamma=0.2), 6)
        0.5
    """
    check_weights(alpha, beta, gamma)
    quality = np.clip(quality, 0.0, 1.0)
    cost_term = 1.0 - np.clip(cost_ratio, 0.0, 1.0)
    speed_term = np.clip((np.asarray(max_latency, dtype=float) - latency) / max_latency, 0.0, 1.0)
    result = alpha * quality + beta * cost_term + gamma * speed_term - penalty
    return float(result) if np.ndim(result) == 0 else result


def check_weights(alpha: float, beta: float, gamma: float) -> None:
    """Raise ParameterError (a ValueError) unless the weights are >= 0 and sum to one (to 1e-9);
    scenarios call it from their ``check``, so the message reaches a person as it is."""
    if min(alpha, beta, gamma) < 0 or abs(alpha + beta + gamma - 1.0) > 1e-9:
        raise ParameterError(
            f"alpha + beta + gamma must equal 1, each >= 0; got {alpha:g} + {beta:g} + {gamma:g} "
            f"= {alpha + beta + gamma:g}"
        )


@dataclass(frozen=True)
class TaskContract:
    """The public payment rule of a task market, built on :func:`reward_multiplier`.

    A task of ``effort`` nominal hours, finished ``latency`` steps after it was posted,
    pays ``price * multiplier`` on completion (never less than 0), where the cost ratio
    is hours worked / (2 x effort) (twice the nominal effort earns nothing for cost) and
    ``penalty`` (a share of the price) is forfeited when the work is late (latency >
    deadline) or failed (quality < ``min_quality``).

    Example:
        >>> terms = TaskContract(alpha=0.6, beta=0.2, gamma=0.2, penalty=0.5, min_quality=0.5)
        >>> round(float(terms.multiplier(0.9, 4.0, 4.0, 2, 4)), 6)      # 0.54 + 0.1 + 0.1
        0.74
        >>> round(float(terms.multiplier(0.9, 4.0, 4.0, 5, 4)), 6)      # late: 0.54 + 0.1 + 0 - 0.5
        0.14
    """

    alpha: float
    beta: float
    gamma: float
    penalty: float
    min_quality: float

    def __post_init__(self):
        check_weights(self.alpha, self.beta, self.gamma)

    def failed(self, quality, latency, deadline):
        """Late or failed work, which forfeits the penalty."""
        return (np.asarray(latency) > deadline) | (np.asarray(quality) < self.min_quality)

    def multiplier(self, quality, hours, effort, latency, deadline):
        """The share of the price a finished task is paid: seed 002's bracket (eq. 1) with C/Cmax = hours / (2 x
        effort), Lmax = the deadline, and the penalty forfeited when the work is late or fails."""
        forfeit = self.penalty * self.failed(quality, latency, deadline)
        return reward_multiplier(quality, np.asarray(hours) / (2.0 * np.asarray(effort)), latency, deadline,
                                 alpha=self.alpha, beta=self.beta, gamma=self.gamma, penalty=forfeit)
