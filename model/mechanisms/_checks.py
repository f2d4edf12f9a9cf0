"""Input checks shared by the mechanisms: one clear ValueError naming the argument."""

import numpy as np


class MechanismInputError(ValueError):
    """Raised when a mechanism is given input it cannot clear (NaN, negative, mismatched)."""


def as_vector(name: str, values, *, allow_negative: bool = False) -> np.ndarray:
    """Return ``values`` as a finite 1-d float array, or raise naming ``name``.

    Refused with a sentence naming the argument: text, None, a dict or a set (an unordered
    collection cannot say which value is whose), ragged nesting, NaN, infinity and, unless
    ``allow_negative``, negative numbers.
    """
    if isinstance(values, (str, bytes, dict, set, frozenset)) or values is None:
        raise MechanismInputError(f"{name} must be a sequence or array of numbers; got {type(values).__name__}")
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise MechanismInputError(f"{name} must be numbers; got {values!r:.60}") from None
    if arr.ndim != 1:
        raise MechanismInputError(f"{name} must be a one-dimensional sequence of numbers")
    if not np.all(np.isfinite(arr)):
        raise MechanismInputError(f"{name} must be finite numbers (no NaN or infinity)")
    if not allow_negative and np.any(arr < 0):
        raise MechanismInputError(f"{name} must be >= 0; got {arr[arr < 0][0]:g}")
    return arr


def as_scalar(name: str, value, *, minimum: float = 0.0) -> float:
    """Return ``value`` as a finite float >= ``minimum``, or raise naming ``name``."""
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        raise MechanismInputError(f"{name} must be a number; got {value!r}")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise MechanismInputError(f"{name} must be a number; got {value!r}") from None
    if not np.isfinite(x) or x < minimum:
        raise MechanismInputError(f"{name} must be a finite number >= {minimum:g}; got {value!r}")
    return x


def as_number(name: str, value) -> float:
    """``value`` as a float (NaN and infinities pass, for the caller to judge), or raise naming
    ``name`` for text, None, a bool or anything else that is not a number."""
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        raise MechanismInputError(f"{name} must be a number; got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise MechanismInputError(f"{name} must be a number; got {value!r:.40}") from None


def as_count(name: str, value) -> int:
    """Return ``value`` as a non-negative integer, or raise naming ``name``."""
    x = as_scalar(name, value)
    if x != int(x):
        raise MechanismInputError(f"{name} must be a whole number; got {value!r}")
    return int(x)


def as_matrix(name: str, values, *, allow_negative: bool = True) -> np.ndarray:
    """Return ``values`` as a finite 2-d float array (a single row becomes 1 x n), or raise."""
    if isinstance(values, (str, bytes, dict, set, frozenset)) or values is None:
        raise MechanismInputError(f"{name} must be a table of numbers; got {type(values).__name__}")
    try:
        arr = np.array(values, dtype=float, ndmin=2)
    except (TypeError, ValueError):
        raise MechanismInputError(f"{name} must be a rectangular table of numbers") from None
    if arr.ndim != 2:
        raise MechanismInputError(f"{name} must be two-dimensional")
    if not np.all(np.isfinite(arr)):
        raise MechanismInputError(f"{name} must be finite numbers (no NaN or infinity)")
    if not allow_negative and np.any(arr < 0):
        raise MechanismInputError(f"{name} must be >= 0")
    return arr


def same_length(**arrays: np.ndarray) -> None:
    """Raise if the named arrays do not all have the same length."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{n} has {k}" for n, k in lengths.items())
        raise MechanismInputError(f"mismatched lengths: {detail}")
