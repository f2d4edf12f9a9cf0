"""Seed 002's congestion-aware automated market maker (AMM) and its stability analysis.

The market maker posts one price per resource. Usage U pushes the target price up
linearly, P_hat = P_base (1 + k U / L) (eq. 2); the posted price moves part of the way
there each period, P_{t+1} = (1 - omega) P_t + omega P_hat(U_t) (eq. 6). Agents choose
among resources with a logit response of slope tau to their net reward.
"""

import numpy as np

from model.mechanisms._checks import MechanismInputError


def _numbers(name: str, value, *, positive: bool = False, non_negative: bool = False) -> np.ndarray:
    """A finite number or array of them, or a sentence naming the argument."""
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise MechanismInputError(f"{name} must be numbers; got {value!r:.40}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise MechanismInputError(f"{name} must be numbers; got {value!r:.40}") from None
    if not np.all(np.isfinite(arr)):
        raise MechanismInputError(f"{name} must be finite numbers (no NaN or infinity)")
    if positive and np.any(arr <= 0):
        raise MechanismInputError(f"{name} must be > 0")
    if non_negative and np.any(arr < 0):
        raise MechanismInputError(f"{name} must be >= 0")
    return arr


def congestion_price(base, k, usage, capacity):
    """P_hat = P_base (1 + k U / L): seed 002, eq. (2).

    Example:
        >>> congestion_price(2.0, 0.5, usage=30, capacity=60)   # 2 x (1 + 0.5 x 0.5)
        2.5
    """
    capacity = _numbers("capacity", capacity, positive=True)
    k = _numbers("k", k, non_negative=True)
    usage = _numbers("usage", usage, non_negative=True)
    base = _numbers("base", base, non_negative=True)
    price = base * (1.0 + k * usage / capacity)
    return float(price) if price.ndim == 0 else price


def smoothed_price(previous, target, omega: float):
    """P_{t+1} = (1 - omega) P_t + omega P_hat: seed 002, eq. (6), with omega in (0, 1].

    Example:
        >>> smoothed_price(2.0, 3.0, omega=0.25)
        2.25
    """
    omega = float(_numbers("omega", omega))
    if not 0 < omega <= 1:
        raise MechanismInputError(f"omega must be in (0, 1]; got {omega!r}")
    previous = _numbers("previous", previous, non_negative=True)
    target = _numbers("target", target, non_negative=True)
    price = (1.0 - omega) * previous + omega * target
    return float(price) if price.ndim == 0 else price


def logit_shares(net, tau: float) -> np.ndarray:
    """Choice probabilities exp(tau x_r) / sum_s exp(tau x_s) over the last axis.

    Example:
        >>> logit_shares([1.0, 1.0], tau=3.0).tolist()
        [0.5, 0.5]
    """
    tau = float(_numbers("tau", tau, non_negative=True))
    net = _numbers("net", net)
    if net.ndim == 0 or net.shape[-1] == 0:
        raise MechanismInputError("net must hold at least one choice (along its last axis)")
    net = net * tau
    net = net - net.max(axis=-1, keepdims=True)  # no overflow
    weights = np.exp(net)
    return weights / weights.sum(axis=-1, keepdims=True)


def interior_equilibrium(reward_a, reward_b, base_a, base_b, capacity_a, capacity_b, k, agents) -> float:
    """U*_A solving the indifference condition R_A - P_A(U) = R_B - P_B(N - U): seed 002, eq. (5).

    With affine prices, U* = (R_A - R_B - P_A,base + P_B,base + P_B,base k N / L_B) /
    (k (P_A,base / L_A + P_B,base / L_B)). NaN when it is not interior (outside (0, N)).
    It is where a best-responding population (tau -> infinity) settles; with a finite tau the
    logit population settles between U* and N/2.

    Example:
        >>> interior_equilibrium(5, 5, 1, 1, 100, 100, 1.0, 100)   # symmetric: half each
        50.0
    """
    slope = k * (base_a / capacity_a + base_b / capacity_b)
    if slope <= 0:
        return float("nan")
    u = (reward_a - reward_b - base_a + base_b + base_b * k * agents / capacity_b) / slope
    return float(u) if 0 < u < agents else float("nan")


def stability_index(omega, tau, k, base_a, capacity_a, base_b, capacity_b, agents):
    """The left side of seed 002's sufficient condition (7) for local stability:
    omega tau k (P_A,base / L_A + P_B,base / L_B) N / 4, stable if < 1.

    Example:
        >>> stability_index(0.5, 2.0, 1.0, 1.0, 100, 1.0, 100, 100)   # 0.5 x 2 x 1 x 0.02 x 25
        0.5
    """
    return omega * tau * k * (base_a / capacity_a + base_b / capacity_b) * agents / 4.0
