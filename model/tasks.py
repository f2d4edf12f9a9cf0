"""The task book: every task of a task market, column by column (public facts and outcomes).

A task is posted with public terms (effort in hours, the skills it needs, a deadline, a
reserve price) and the owner's private value, which only the observer reads. It then
moves from OPEN to ASSIGNED (a worker, a price, a finishing step) to DONE, or from OPEN
to EXPIRED when its deadline passes before anyone takes it.
"""

import numpy as np

from model.columns import ColumnTable

OPEN, ASSIGNED, DONE, EXPIRED = 0, 1, 2, 3
NO_SKILL = -1

#: name -> (dtype, value of a new task): ids -1 until known, outcomes NaN until measured.
_COLUMNS = {
    "arrival": (np.int64, -1), "effort": (float, 0.0), "deadline": (np.int64, -1), "value": (float, 0.0),
    "reserve": (float, 0.0), "skill_a": (np.int64, -1), "skill_b": (np.int64, -1), "urgent": (bool, False),
    "state": (np.int8, OPEN), "worker": (np.int64, -1), "price": (float, np.nan), "start": (np.int64, -1),
    "finish": (np.int64, -1), "quality": (float, np.nan), "hours": (float, np.nan), "multiplier": (float, np.nan),
    "payment": (float, np.nan), "cost": (float, np.nan), "delivered": (float, np.nan),
}


class TaskBook(ColumnTable):
    """Columns of numpy arrays (a :class:`~model.columns.ColumnTable`); ``open`` lists the open
    tasks in arrival order.

    Example:
        >>> book = TaskBook()
        >>> ids = book.post(arrival=0, effort=[4.0, 6.0], deadline=[3, 5], value=[10.0, 12.0],
        ...                 reserve=[8.0, 9.0], skill_a=[0, 1], skill_b=[-1, 0])
        >>> ids.tolist(), book.open.tolist(), book.needs(1, 0), book.needs(0, 1)
        ([0, 1], [0, 1], True, False)
    """

    def __init__(self):
        super().__init__(_COLUMNS)
        self.open = np.zeros(0, dtype=np.int64)

    def post(self, *, arrival: int, effort, deadline, value, reserve, skill_a, skill_b, urgent=False) -> np.ndarray:
        """Add tasks (all OPEN); return their ids."""
        effort = np.atleast_1d(np.asarray(effort, dtype=float))
        if np.any(effort <= 0) or not np.all(np.isfinite(effort)):
            raise ValueError("effort must be a positive number of hours")
        ids = self.append(len(effort), arrival=arrival, effort=effort, deadline=deadline, value=value,
                          reserve=reserve, skill_a=skill_a, skill_b=skill_b, urgent=urgent)
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
