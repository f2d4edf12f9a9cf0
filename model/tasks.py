"""The task book: every task of a task market, column by column (public facts and outcomes).

A task is posted with public terms (effort in hours, the skills it needs, a deadline, a
reserve price) and the owner's private value, which only the observer reads. It then
moves from OPEN to ASSIGNED (a worker, a price, a finishing step) to DONE, or from OPEN
to EXPIRED when its deadline passes before anyone takes it.
"""

import numpy as np

OPEN, ASSIGNED, DONE, EXPIRED = 0, 1, 2, 3
NO_SKILL = -1

_COLUMNS = {
    "arrival": np.int64, "effort": float, "deadline": np.int64, "value": float, "reserve": float,
    "skill_a": np.int64, "skill_b": np.int64, "urgent": bool, "state": np.int8,
    "worker": np.int64, "price": float, "start": np.int64, "finish": np.int64,
    "quality": float, "hours": float, "multiplier": float, "payment": float,
    "cost": float, "delivered": float,
}


class TaskBook:
    """Columns of numpy arrays that grow by doubling; ``open`` lists the open tasks in
    arrival order.

    Example:
        >>> book = TaskBook()
        >>> ids = book.post(arrival=0, effort=[4.0, 6.0], deadline=[3, 5], value=[10.0, 12.0],
        ...                 reserve=[8.0, 9.0], skill_a=[0, 1], skill_b=[-1, 0])
        >>> ids.tolist(), book.open.tolist(), book.needs(1, 0), book.needs(0, 1)
        ([0, 1], [0, 1], True, False)
    """

    def __init__(self):
        self.size = 0
        self._data = {name: np.zeros(16, dtype=kind) for name, kind in _COLUMNS.items()}
        self.open = np.zeros(0, dtype=np.int64)

    def __getattr__(self, name):
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            return data[name][: self.size]
        raise AttributeError(name)

    def __len__(self) -> int:
        return self.size

    def post(self, *, arrival: int, effort, deadline, value, reserve, skill_a, skill_b, urgent=False) -> np.ndarray:
        """Add tasks (all OPEN); return their ids."""
        effort = np.atleast_1d(np.asarray(effort, dtype=float))
        n = len(effort)
        if np.any(effort <= 0) or not np.all(np.isfinite(effort)):
            raise ValueError("effort must be a positive number of hours")
        self._grow(self.size + n)
        ids = np.arange(self.size, self.size + n)
        given = {"arrival": arrival, "effort": effort, "deadline": deadline, "value": value, "reserve": reserve,
                 "skill_a": skill_a, "skill_b": skill_b, "urgent": urgent}
        for name, column in self._data.items():
            column[ids] = given.get(name, -1 if column.dtype == np.int64 else 0)
        self._data["state"][ids] = OPEN
        for name in ("price", "quality", "hours", "multiplier", "payment", "cost", "delivered"):
            self._data[name][ids] = np.nan
        self.size += n
        self.open = np.concatenate([self.open, ids])
        return ids

    def needs(self, task: int, skill: int) -> bool:
        """Whether ``task`` requires ``skill``."""
        return skill in (self.skill_a[task], self.skill_b[task])

    def assign(self, ids, worker, price, start: int, finish) -> None:
        """Move tasks from OPEN to ASSIGNED."""
        d = self._data
        d["state"][ids], d["worker"][ids], d["price"][ids] = ASSIGNED, worker, price
        d["start"][ids], d["finish"][ids] = start, finish
        self.open = self.open[~np.isin(self.open, ids)]

    def expire(self, now: int) -> np.ndarray:
        """Expire the open tasks that can no longer be finished on time (work takes at
        least one step, so a task still open at step arrival + deadline is too late)."""
        late = self.open[self.arrival[self.open] + self.deadline[self.open] <= now]
        self._data["state"][late] = EXPIRED
        self.open = self.open[~np.isin(self.open, late)]
        return late

    def set(self, ids, **columns) -> None:
        """Write outcome columns (quality, hours, payment, state, ...) for ``ids``."""
        for name, values in columns.items():
            self._data[name][ids] = values

    def _grow(self, needed: int) -> None:
        capacity = len(self._data["arrival"])
        if needed <= capacity:
            return
        while capacity < needed:
            capacity *= 2
        for name, column in self._data.items():
            bigger = np.zeros(capacity, dtype=column.dtype)
            bigger[: len(column)] = column
            self._data[name] = bigger
