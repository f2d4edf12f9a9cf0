"""Sweep grids: parsing ``name=values`` specifications and deriving each run's seed."""

import hashlib
import itertools
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from model.params import Param, ParameterError, canonical_name, parse_assignment, validate

#: Values one grid axis may have.
MAX_AXIS_VALUES = 10_000


def parse_values(param: Param, text: str) -> list[Any]:
    """The values of one grid axis: ``a,b,c`` (a list) or ``start:stop:count`` (evenly
    spaced, both ends included). Each value is checked against the declaration.

    Example:
        >>> parse_values(Param("omega", 0.5, "", low=0, high=1), "0.1:0.9:5")
        [0.1, 0.3, 0.5, 0.7, 0.9]
    """
    if ":" in text and not param.choices:
        parts = text.split(":")
        try:
            start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
            if len(parts) != 3 or count < 1:
                raise ValueError
        except (ValueError, IndexError):
            raise ParameterError(
                f"grid for {param.name} must be a list a,b,c or a range start:stop:count; got {text!r}"
            ) from None
        if count > MAX_AXIS_VALUES:
            raise ParameterError(f"grid for {param.name} asks for {count:,} values; at most {MAX_AXIS_VALUES:,} "
                                 "per parameter")
        raw = [round(float(x), 12) for x in np.linspace(start, stop, count)]
        if param.kind is int:
            raw = [int(x) if float(x).is_integer() else x for x in raw]
    else:
        raw = [v.strip() for v in text.split(",")]
        if any(v == "" for v in raw):
            raise ParameterError(f"grid for {param.name} has an empty value: {text!r}")
    return _distinct(param, [param.coerce(v) for v in raw], text)


def _distinct(param: Param, values: list, given) -> list:
    """The values, refusing repeats (``bidders=2,2,2`` would silently be one point; a range
    whose rounding makes two values equal too)."""
    seen = {}
    for value in values:
        if value in seen:
            raise ParameterError(f"grid for {param.name} names {value!r} twice ({given!r}); give each value once")
        seen[value] = True
    return values


def parse_grid(params: Sequence[Param], specs: Sequence[str], owner: str) -> dict[str, list[Any]]:
    """``["k=0.5,1,2", "omega=0.1:0.9:5"]`` -> {"k": [...], "omega": [...]}, all checked."""
    known = {p.name: p for p in params}
    grid: dict[str, list[Any]] = {}
    for spec in specs:
        name, text = parse_assignment(spec)
        name = canonical_name(params, name)
        validate(params, {name: known[name].default} if name in known else {name: None}, owner)
        if name in grid:
            raise ParameterError(f"grid names {name!r} twice")
        grid[name] = parse_values(known[name], text)
    return grid


def check_grid(params: Sequence[Param], grid: Mapping[str, Sequence[Any]], owner: str) -> dict[str, list]:
    """A grid given as a dict of value lists (the Python API), checked like the CLI's."""
    known = {p.name: p for p in params}
    checked = {}
    for name, values in grid.items():
        name = canonical_name(params, name)
        validate(params, {name: known[name].default} if name in known else {name: None}, owner)
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ParameterError(f"grid for {name} must be a non-empty list of values")
        if len(values) > MAX_AXIS_VALUES:
            raise ParameterError(f"grid for {name} has {len(values):,} values; at most {MAX_AXIS_VALUES:,}")
        checked[name] = _distinct(known[name], [known[name].coerce(v) for v in values], list(values))
    return checked


def grid_points(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, in a fixed order."""
    names = list(grid)
    return [dict(zip(names, combo)) for combo in itertools.product(*(grid[n] for n in names))]


def run_seed(base_seed: int, point: Mapping[str, Any], replicate: int) -> int:
    """The seed of one run, from the base seed, the grid point's values and the replicate
    number through numpy's SeedSequence: the same whatever the order, the worker count,
    or the other points of the grid.
    """
    canonical = json.dumps(sorted(point.items()), default=str).encode()
    point_key = int.from_bytes(hashlib.sha256(canonical).digest()[:8], "little")
    sequence = np.random.SeedSequence(base_seed, spawn_key=(point_key, replicate))
    return int(sequence.generate_state(1, dtype=np.uint64)[0] >> 1)  # fits a signed int64
