"""Declared scenario parameters: one declaration drives validation, the CLI's
``--set``, ``catallaxy list``, the dashboard's controls and sweep grids."""

import difflib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class ParameterError(ValueError):
    """A parameter value a person gave that the scenario cannot accept."""


class RenamedParameter(FutureWarning):
    """An old parameter name, or an old name of a choice, that still works for now: the one
    name per idea is used everywhere else (the CLI prints these as one line on stderr)."""


_TYPE_WORDS = {int: "an integer", float: "a number", str: "text", bool: "true or false"}


@dataclass(frozen=True)
class Param:
    """One scenario parameter.

    The type is the default's type (int, float, str or bool). Numbers may carry
    inclusive bounds; strings list their choices.

    Example:
        >>> Param("bidders", 4, "number of bidders", low=2, high=100).coerce("9")
        9
    """

    name: str
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    #: Old names of this parameter that are still accepted, with a RenamedParameter warning.
    aliases: tuple[str, ...] = ()
    #: (old, new) names of choices still accepted, with a RenamedParameter warning.
    renamed_choices: tuple[tuple[str, str], ...] = ()

    @property
    def kind(self) -> type:
        """The parameter's type: that of its default (int, float, bool or str)."""
        return type(self.default)

    def allowed(self) -> str:
        """The allowed values in words, e.g. 'an integer between 2 and 100'."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        words = _TYPE_WORDS[self.kind]
        if self.low is not None and self.high is not None:
            return f"{words} between {self.low:g} and {self.high:g}"
        if self.low is not None:
            return f"{words} >= {self.low:g}"
        if self.high is not None:
            return f"{words} <= {self.high:g}"
        return words

    def coerce(self, raw: Any) -> Any:
        """Turn ``raw`` (a value or the text of one) into a checked value."""
        value = self._convert(raw)
        if value is None:
            raise self._error(raw)
        if self.choices is not None and value not in self.choices:
            raise self._error(raw)
        if self.kind in (int, float):
            if value != value or (self.low is not None and value < self.low) or (
                self.high is not None and value > self.high
            ):
                raise self._error(raw)
        return value

    def _convert(self, raw: Any) -> Any:
        kind = self.kind
        if kind is bool:
            text = str(raw).strip().lower()
            return {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(text)
        if kind is str:
            text = str(raw).strip()
            new = dict(self.renamed_choices).get(text)
            if new is not None:
                warnings.warn(f"{self.name}={text} is now {self.name}={new}; the old name will go", RenamedParameter,
                              stacklevel=4)
                return new
            return text
        try:
            number = float(raw)
        except (TypeError, ValueError):
            return None
        if kind is int:
            return int(number) if number.is_integer() else None
        return number

    def _error(self, raw: Any) -> ParameterError:
        return ParameterError(f"{self.name} must be {self.allowed()}; got {raw!r}")


def validate(params: Sequence[Param], given: Mapping[str, Any], owner: str) -> dict[str, Any]:
    """Defaults overlaid with ``given``, every value checked.

    Raises:
        ParameterError: for an unknown name (with the closest known name) or a
            value outside its declaration.
    """
    known = {p.name: p for p in params}
    renamed = {}
    for name, value in given.items():
        new = canonical_name(params, name)
        if new != name and new in given:
            raise ParameterError(f"{name!r} and {new!r} are the same parameter; give it once")
        renamed[new] = value
    given = renamed
    for name in given:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ParameterError(
                f"unknown parameter {name!r} for {owner}{hint}; it has: {', '.join(known) or 'none'}"
            )
    return {p.name: p.coerce(given[p.name]) if p.name in given else p.default for p in params}


def canonical_name(params: Sequence[Param], name: str) -> str:
    """``name``, or the current name of a parameter ``name`` used to be (with a RenamedParameter
    warning); unknown names come back unchanged for :func:`validate` to refuse."""
    if any(p.name == name for p in params):
        return name
    for p in params:
        if name in p.aliases:
            warnings.warn(f"parameter {name!r} is now {p.name!r}; the old name will go", RenamedParameter,
                          stacklevel=3)
            return p.name
    return name


def parse_assignment(text: str) -> tuple[str, str]:
    """Split a ``name=value`` assignment from the command line."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise ParameterError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value.strip()
