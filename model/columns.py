"""A table of named numpy columns that grows by doubling: the storage of every population that
is too large for one Python object per row (tasks, debt tokens, a Hayek machine's rules).

Rows are appended, never removed (a row's index is its id for life; the dead are marked by a
column); each column is a numpy array, so a whole population is read or updated in one
vectorised expression. Appending n rows costs amortised O(n): capacity doubles when full,
instead of the O(size) copy of ``np.append`` on every row.
"""

from collections.abc import Mapping

import numpy as np


class ColumnTable:
    """Named columns of equal length.

    Args:
        columns: name -> (dtype, default): the value a new row gets when ``append`` is not
            given one.
        capacity: rows allocated at first.

    Example:
        >>> table = ColumnTable({"bid": (float, 0.0), "alive": (bool, True)})
        >>> table.append(bid=[0.5, 0.7]).tolist(), table.append(bid=0.1).tolist()
        ([0, 1], [2])
        >>> table.bid.tolist(), table.alive.tolist(), len(table)
        ([0.5, 0.7, 0.1], [True, True, True], 3)
    """

    def __init__(self, columns: Mapping[str, tuple], capacity: int = 16):
        self.size = 0
        self._defaults = {name: default for name, (_, default) in columns.items()}
        self._data = {name: np.zeros(capacity, dtype=kind) for name, (kind, _) in columns.items()}

    def __len__(self) -> int:
        return self.size

    def __getattr__(self, name):
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            return data[name][: self.size]
        raise AttributeError(name)

    def append(self, count: int | None = None, **values) -> np.ndarray:
        """Add rows (``count``, or as many as the longest value given); return their ids.
        Each value is a scalar (the same for every new row) or one entry per row."""
        if count is None:
            count = max((np.size(v) for v in values.values()), default=1)
        unknown = set(values) - set(self._data)
        if unknown:
            raise KeyError(f"no such column: {', '.join(sorted(unknown))}")
        self._reserve(self.size + count)
        ids = np.arange(self.size, self.size + count)
        for name, column in self._data.items():
            column[ids] = values.get(name, self._defaults[name])
        self.size += count
        return ids

    def set(self, ids, **columns) -> None:
        """Write columns for the rows ``ids``."""
        for name, values in columns.items():
            self._data[name][ids] = values

    def _reserve(self, needed: int) -> None:
        capacity = len(next(iter(self._data.values())))
        if needed <= capacity:
            return
        while capacity < needed:
            capacity *= 2
        for name, column in self._data.items():
            bigger = np.zeros(capacity, dtype=column.dtype)
            bigger[: len(column)] = column
            self._data[name] = bigger
