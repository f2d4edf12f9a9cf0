"""Technical debt as tokens (seed 001, "Market 4: Technical Debt Trading").

A token is an obligation to do ``outstanding`` hours of cleanup. It grows by its interest rate
every step it is not serviced (the code degrades), and at maturity an unpaid token compounds:
its rate is multiplied by ``compound``. Tokens can change hands whole or in part.
"""

import numpy as np

from model.columns import ColumnTable

_FIELDS = {"outstanding": (float, 0.0), "rate": (float, 0.0), "maturity": (np.int64, 0), "holder": (np.int64, -1),
           "creator": (np.int64, -1), "created": (np.int64, 0), "compounded": (bool, False)}


class DebtBook(ColumnTable):
    """Every token, column by column (a :class:`~model.columns.ColumnTable`).

    Example:
        >>> book = DebtBook()
        >>> token = book.issue(holder=0, hours=4.0, rate=0.1, maturity=3, now=0)
        >>> book.accrue(serviced=np.zeros(1), now=1); round(float(book.outstanding[0]), 6)
        4.4
    """

    def __init__(self):
        super().__init__(_FIELDS)
        self._by_holder: dict[int, set[int]] | None = None   # holder -> its tokens, built on demand

    def issue(self, holder: int, hours: float, rate: float, maturity: int, now: int, creator: int | None = None) -> int:
        """A new token of ``hours`` at ``rate`` a step, due ``maturity`` steps from now."""
        if hours <= 0:
            raise ValueError("a debt token needs positive hours")
        i = int(self.append(outstanding=hours, rate=rate, maturity=now + maturity, holder=holder,
                            creator=holder if creator is None else creator, created=now)[0])
        if self._by_holder is not None:
            self._by_holder.setdefault(int(holder), set()).add(i)
        return i

    def live(self) -> np.ndarray:
        """The tokens with hours left (more than 1e-9), oldest first."""
        return np.flatnonzero(self.outstanding > 1e-9)

    def total(self) -> float:
        """Outstanding principal hours of every live token."""
        return float(self.outstanding[self.outstanding > 1e-9].sum())

    def held_by(self, holders: np.ndarray | int) -> np.ndarray:
        """Live tokens of these holders, oldest first."""
        if np.ndim(holders) > 0:
            live = self.live()
            return live[np.isin(self.holder[live], holders)]
        if self._by_holder is None:
            live = self.live()
            self._by_holder = {}
            for token, holder in zip(live.tolist(), self.holder[live].tolist()):
                self._by_holder.setdefault(holder, set()).add(token)
        tokens = np.array(sorted(self._by_holder.get(int(holders), ())), dtype=np.int64)
        return tokens[self._data["outstanding"][tokens] > 1e-9]

    def interest_due(self) -> np.ndarray:
        """Hours of servicing each token asks for this step: rate x outstanding."""
        return self.rate * self.outstanding

    def accrue(self, serviced: np.ndarray, now: int, compound: float = 2.0) -> None:
        """Interest not serviced is added to the token (``serviced``: hours put in per token);
        a token past maturity with hours left compounds once: its rate x ``compound``."""
        d = self._data
        n = self.size
        unpaid = np.maximum(self.interest_due() - serviced[:n], 0.0)
        d["outstanding"][:n] += np.where(self.outstanding > 1e-9, unpaid, 0.0)
        due = (self.maturity <= now) & (self.outstanding > 1e-9) & ~self.compounded
        d["rate"][:n] = np.where(due, self.rate * compound, self.rate)
        d["compounded"][:n] |= due
        self._by_holder = None   # rebuilt from the live tokens when next asked

    def pay(self, token: int, hours: float) -> float:
        """Clear up to ``hours`` of ``token``; return the hours cleared."""
        cleared = min(hours, float(self._data["outstanding"][token]))
        self._data["outstanding"][token] -= cleared
        return cleared

    def transfer(self, token: int, hours: float, to: int, now: int) -> int:
        """Move ``hours`` of ``token`` to holder ``to``: the whole token, or a split-off part
        with the same rate and maturity. Returns the token the new holder holds."""
        d = self._data
        hours = min(hours, float(d["outstanding"][token]))
        if hours >= d["outstanding"][token] - 1e-12:
            if self._by_holder is not None:
                self._by_holder.get(int(d["holder"][token]), set()).discard(token)
                self._by_holder.setdefault(int(to), set()).add(token)
            d["holder"][token] = to
            return token
        part = self.issue(to, hours, float(d["rate"][token]), 0, now, creator=int(d["creator"][token]))
        self._data["maturity"][part] = d["maturity"][token]
        self._data["compounded"][part] = d["compounded"][token]
        self._data["outstanding"][token] -= hours
        return part
