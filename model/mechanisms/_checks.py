"""Input checks shared by the mechanisms: one clear ValueError naming the argument."""

import numpy as np


class MechanismInputError(ValueError):
    """Raised when a mechanism is given input it cannot clear (NaN, negative, mismatched)."""


def as_vector(name: str, values, *, allow_negative: bool = False) -> np.ndarray:
    """Return ``values`` as a finite 1-d float array, or raise naming ``name``."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise MechanismInputError(f"{name} must be a one-dimensional sequence of numbers")
    if not np.all(np.isfinite(arr)):
        raise MechanismInputError(f"{name} must be finite numbers (no NaN or infinity)")
    if not allow_negative and np.any(arr < 0):
        raise MechanismInputError(f"{name} must be >= 0; got {arr[arr < 0][0]:g}")
    return arr


def as_scalar(name: str, value, *, minimum: float = 0.0) -> float:
    """Return ``value`` as a finite float >= ``minimum``, or raise naming ``name``."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise MechanismInputError(f"{name} must be a number; got {value!r}") from None
    if not np.isfinite(x) or x < minimum:
        raise MechanismInputError(f"{name} must be a finite number >= {minimum:g}; got {value!r}")
    return x


def as_count(name: str, value) -> int:
    """Return ``value`` as a non-negative integer, or raise naming ``name``."""
    x = as_scalar(name, value)
    if x != int(x):
        raise MechanismInputError(f"{name} must be a whole number; got {value!r}")
    return int(x)


def same_length(**arrays: np.ndarray) -> None:
    """Raise if the named arrays do not all have the same length."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{n} has {k}" for n, k in lengths.items())
        raise MechanismInputError(f"mismatched lengths: {detail}")
