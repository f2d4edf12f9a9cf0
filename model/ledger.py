"""Wallets and a double-entry ledger in integer minor units.

Every balance and every amount is an integer number of minor units
(``UNITS_PER_CREDIT`` per credit), so "money is conserved" holds exactly:
the sum of all balances always equals everything minted minus everything
burned. Each entry follows the ledger schema of seed 002 (section 3.2):
step, payer, payee, market (resource), quantity, amount, kind.
"""

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Minor units per credit: one micro-credit is the smallest amount that moves.
UNITS_PER_CREDIT = 1_000_000

#: Pseudo-accounts that stand for the money's source and sink in entries.
MINT, BURN = -1, -2

#: The most money the ledger holds, in minor units (2**52, about 4.5 billion credits). Every
#: balance is at most the money supply, so none can overflow int64; and every amount up to it
#: is exact as a float number of credits (units / 10**6 rounds back to the same units), so the
#: credits columns a run writes can be checked to the micro-credit.
MAX_UNITS = 2**52


class LedgerError(ValueError):
    """A ledger operation that would break its rules (unknown account, negative amount)."""


class InsufficientFunds(LedgerError):
    """A payment the payer's wallet cannot cover; nothing was moved."""


def to_units(credits: float) -> int:
    """Credits (a float) to minor units, rounding to the nearest unit.

    Rounding is monotone, so a payment no larger than a bid never rounds above it.
    """
    try:
        finite = bool(np.isfinite(credits))
    except TypeError:
        finite = False
    if not finite or isinstance(credits, (bool, np.bool_)):
        raise LedgerError(f"amount must be a finite number of credits; got {credits!r}")
    return int(round(float(credits) * UNITS_PER_CREDIT))


def to_units_array(credits) -> np.ndarray:
    """Credits to whole minor units element-wise (an int64 array), rounding to the nearest
    (half to even, as numpy rounds); the array form of :func:`to_units`.

    Example:
        >>> to_units_array([0.0000004, 0.0000006, 2.5]).tolist()
        [0, 1, 2500000]
    """
    credits = np.asarray(credits, dtype=float)
    if not np.all(np.isfinite(credits)):
        raise LedgerError("amounts must be finite numbers of credits")
    return np.rint(credits * UNITS_PER_CREDIT).astype(np.int64)


def to_credits(units) -> float:
    """Minor units to credits, for display and for the traders' arithmetic."""
    return units / UNITS_PER_CREDIT


@dataclass(frozen=True)
class Transfer:
    """One payment to settle: ``amount`` minor units from ``payer`` to ``payee``."""

    payer: int
    payee: int
    amount: int
    market: str = ""
    quantity: float = 0.0
    kind: str = "payment"


class Ledger:
    """Accounts, balances and an append-only journal of entries.

    Args:
        clock: returns the current step, stamped on every entry.

    Example:
        >>> ledger = Ledger()
        >>> alice, bob = ledger.open_account("alice"), ledger.open_account("bob")
        >>> ledger.mint(alice, 500)
        >>> ledger.transfer(alice, bob, 200, market="gpu", quantity=1)
        >>> ledger.balance(alice), ledger.balance(bob), ledger.money_supply
        (300, 200, 500)
    """

    _COLUMNS = ("step", "payer", "payee", "market", "quantity", "amount", "kind")

    def __init__(self, clock: Callable[[], int] = lambda: 0):
        self._clock = clock
        self._balances = np.zeros(16, dtype=np.int64)
        self.names: list[str] = []
        self.minted = 0
        self.burned = 0
        self._journal: list[tuple] = []

    # accounts ---------------------------------------------------------------
    def open_account(self, name: str) -> int:
        """Open an empty account and return its number."""
        if not isinstance(name, str):
            raise LedgerError(f"an account's name must be text; got {name!r}")
        number = len(self.names)
        if number == len(self._balances):
            self._balances = np.concatenate([self._balances, np.zeros_like(self._balances)])
        self.names.append(name)
        return number

    @property
    def balances(self) -> np.ndarray:
        """All balances in minor units, indexed by account number (read-only view)."""
        view = self._balances[: len(self.names)]
        view.flags.writeable = False
        return view

    def balance(self, account: int) -> int:
        """Balance of one account in minor units."""
        self._check_account(account, "account")
        return int(self._balances[account])

    @property
    def money_supply(self) -> int:
        """Sum of all balances in minor units."""
        return int(self._balances[: len(self.names)].sum())

    # movements ---------------------------------------------------------------
    def mint(self, account: int, amount: int, *, market: str = "", kind: str = "mint") -> None:
        """Create ``amount`` new minor units in ``account`` (recorded as paid by MINT).

        Raises:
            LedgerError: for an unknown account, a bad amount, or when the money supply would
                exceed :data:`MAX_UNITS` (nothing is minted).
        """
        self._check_account(account, "account")
        self._check_amount(amount)
        supply = self.minted - self.burned
        if supply + amount > MAX_UNITS:
            raise LedgerError(
                f"minting {to_credits(amount):g} credits would take the money supply to "
                f"{to_credits(supply + amount):.6g} credits, above the ledger's limit of "
                f"{to_credits(MAX_UNITS):.6g}; nothing was minted"
            )
        self._balances[account] += amount
        self.minted += amount
        self._record(MINT, account, market, 0.0, amount, kind)

    def burn(self, account: int, amount: int, *, market: str = "", kind: str = "burn") -> None:
        """Destroy ``amount`` minor units from ``account`` (recorded as paid to BURN)."""
        self.settle([Transfer(account, BURN, amount, market=market, kind=kind)])

    def transfer(self, payer: int, payee: int, amount: int, **details) -> None:
        """Move ``amount`` minor units from ``payer`` to ``payee``; see :meth:`settle`."""
        self.settle([Transfer(payer, payee, amount, **details)])

    def settle(self, transfers: Iterable[Transfer]) -> None:
        """Apply a batch of transfers all-or-nothing.

        Every payer's total outgoing amount in the batch is checked against its
        balance before anything moves; if one cannot be covered, the batch is
        refused with :class:`InsufficientFunds` and no balance changes.
        """
        transfers = list(transfers)
        owed: dict[int, int] = {}
        for t in transfers:
            if not isinstance(t, Transfer):
                raise LedgerError(f"settle takes Transfer entries; got {t!r}")
            self._check_account(t.payer, "payer")
            if not (_is_index(t.payee) and t.payee == BURN):
                self._check_account(t.payee, "payee")
            self._check_amount(t.amount)
            owed[int(t.payer)] = owed.get(int(t.payer), 0) + int(t.amount)
        for payer, amount in owed.items():
            if amount > self._balances[payer]:
                raise InsufficientFunds(
                    f"{self.names[payer]} cannot pay {to_credits(amount):g} credits: "
                    f"balance is {to_credits(self._balances[payer]):g}"
                )
        for t in transfers:
            self._balances[t.payer] -= t.amount
            if t.payee == BURN:
                self.burned += t.amount
            else:
                self._balances[t.payee] += t.amount
            self._record(t.payer, t.payee, t.market, t.quantity, t.amount, t.kind)

    def settle_in_order(self, payers, payees, amounts, *, market: str = "", quantities=None,
                        kind: str = "payment") -> None:
        """Apply a sequence of transfers, one after another, all-or-nothing (numpy inputs).

        Transfer i moves ``amounts[i]`` minor units from ``payers[i]`` to ``payees[i]`` (an
        account, or BURN), recorded with ``market``, ``quantities[i]`` and ``kind``, in the
        order given. Unlike :meth:`settle`, which checks each payer's total against its balance
        before the batch, money received earlier in the sequence may be spent later in it: what
        is checked is every payer's running balance, which must never go below zero. If it
        would, or an argument is bad, nothing moves and nothing is recorded.

        Raises:
            LedgerError: for unknown accounts, amounts that are not whole numbers from 0 to
                :data:`MAX_UNITS`, or inputs of different lengths.
            InsufficientFunds: when a transfer would take its payer's balance below zero.
        """
        payers = self._account_array("payers", payers)
        payees = self._account_array("payees", payees, burn=True)
        amounts = np.asarray(amounts)
        if amounts.ndim != 1 or not (amounts.size == 0 or np.issubdtype(amounts.dtype, np.integer)):
            raise LedgerError("amounts must be a one-dimensional sequence of whole numbers of minor units")
        if amounts.size and not (amounts.min() >= 0 and amounts.max() <= MAX_UNITS):
            raise LedgerError(f"amounts must be whole numbers of minor units from 0 to {MAX_UNITS}")
        amounts = amounts.astype(np.int64)
        quantities = np.zeros(len(amounts)) if quantities is None else np.asarray(quantities, dtype=float)
        if not len(payers) == len(payees) == len(amounts) == len(quantities) or quantities.ndim != 1:
            raise LedgerError(f"payers, payees, amounts and quantities must have one entry per transfer; got "
                              f"{len(payers)}, {len(payees)}, {len(amounts)} and {len(quantities)}")
        if not isinstance(market, str) or not isinstance(kind, str):
            raise LedgerError("market and kind must be text")
        if amounts.size == 0:
            return
        self._check_running_balances(payers, payees, amounts)
        np.subtract.at(self._balances, payers, amounts)
        credited = payees != BURN
        np.add.at(self._balances, payees[credited], amounts[credited])
        self.burned += int(amounts[~credited].sum())
        step = self._clock()
        columns = zip(payers.tolist(), payees.tolist(), quantities.tolist(), amounts.tolist())
        self._journal.extend((step, payer, payee, market, quantity, amount, kind)
                             for payer, payee, quantity, amount in columns)

    def pay_all(self, payers, payees, amounts, *, market: str = "", kind: str = "payment") -> None:
        """:meth:`settle_in_order` for arrays where a payer or payee may be one account for all
        (scalars broadcast) and zero amounts are left out of the journal."""
        amounts = np.asarray(amounts, dtype=np.int64)
        keep = amounts > 0
        payers = np.broadcast_to(np.asarray(payers, dtype=np.int64), amounts.shape)[keep]
        payees = np.broadcast_to(np.asarray(payees, dtype=np.int64), amounts.shape)[keep]
        self.settle_in_order(payers, payees, amounts[keep], market=market, kind=kind)

    def _check_running_balances(self, payers, payees, amounts) -> None:
        """Raise InsufficientFunds if, applying the transfers in order, a payer's balance would
        go below zero (each debit is applied before its credit, so paying oneself needs cover)."""
        m = len(amounts)
        accounts = np.concatenate([payers, payees])
        deltas = np.concatenate([-amounts, amounts])
        sequence = np.concatenate([2 * np.arange(m), 2 * np.arange(m) + 1])
        keep = accounts != BURN
        accounts, deltas, sequence = accounts[keep], deltas[keep], sequence[keep]
        order = np.lexsort((sequence, accounts))  # by account, then in the order of the sequence
        accounts, deltas, sequence = accounts[order], deltas[order], sequence[order]
        # The sums may pass int64 and wrap; they stay exact modulo 2**64, and up to the first
        # overdraft every balance lies in [0, money supply], so each running balance up to and
        # including the first one that goes negative is exact (and that is the one reported).
        running = np.cumsum(deltas)
        starts = np.flatnonzero(np.r_[True, accounts[1:] != accounts[:-1]])
        before = np.r_[0, running][starts]  # the running sum just before each account's first event
        running += self._balances[accounts] - np.repeat(before, np.diff(np.r_[starts, len(accounts)]))
        short = np.flatnonzero(running < 0)
        if short.size:
            first = short[np.argmin(sequence[short])]  # the earliest transfer that cannot be covered
            i, payer = int(sequence[first]) // 2, int(accounts[first])
            raise InsufficientFunds(
                f"{self.names[payer]} cannot pay {to_credits(int(amounts[i])):g} credits (transfer {i}): "
                f"its balance would be {to_credits(int(running[first])):g}; nothing was moved"
            )

    def _account_array(self, role: str, values, burn: bool = False) -> np.ndarray:
        arr = np.asarray(values)
        if arr.ndim != 1 or not (arr.size == 0 or np.issubdtype(arr.dtype, np.integer)):
            raise LedgerError(f"{role} must be a one-dimensional sequence of account numbers")
        valid = (arr >= 0) & (arr < len(self.names))  # before the cast: a huge uint64 must not wrap to BURN
        if burn:
            valid |= arr == BURN
        if not valid.all():
            raise LedgerError(f"{role} {int(arr[~valid][0])} is not an open account "
                              f"(there are {len(self.names)})")
        return arr.astype(np.int64)

    def audit(self) -> None:
        """Raise if the balances no longer add up to minted minus burned."""
        if self.money_supply != self.minted - self.burned:
            raise LedgerError(
                f"money is not conserved: balances sum to {self.money_supply} units, "
                f"minted - burned = {self.minted - self.burned}"
            )

    # export ------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._journal)

    def to_frame(self, last: int | None = None, since: int | None = None) -> pd.DataFrame:
        """The journal as a DataFrame (amounts in credits and in minor units).

        Args:
            last: only the most recent ``last`` entries.
            since: only entries stamped with this step or later (the journal is in
                step order, so this is a binary search, not a scan).
        """
        rows = self._journal
        if since is not None:
            rows = rows[bisect_left(rows, since, key=lambda entry: entry[0]):]
        if last:
            rows = rows[-last:]
        frame = pd.DataFrame(rows, columns=list(self._COLUMNS))
        label = {MINT: "mint", BURN: "burn"}
        for side in ("payer", "payee"):
            frame[side] = [label.get(a) or self.names[a] for a in frame[side]]
        frame = frame.rename(columns={"amount": "amount_units"})
        frame.insert(5, "amount", frame["amount_units"] / UNITS_PER_CREDIT)
        return frame

    # internals ---------------------------------------------------------------
    def _record(self, payer, payee, market, quantity, amount, kind):
        self._journal.append((self._clock(), payer, payee, market, float(quantity), amount, kind))

    def _check_account(self, account, role: str) -> None:
        if not _is_index(account):
            raise LedgerError(f"{role} must be an account number (a whole number); got {account!r}")
        if not 0 <= account < len(self.names):
            raise LedgerError(f"{role} {account!r} is not an open account (there are {len(self.names)})")

    @staticmethod
    def _check_amount(amount) -> None:
        if not _is_index(amount) or not 0 <= amount <= MAX_UNITS:
            raise LedgerError(f"amount must be a whole number of minor units from 0 to {MAX_UNITS}; got {amount!r}")


def _is_index(value) -> bool:
    """An int or numpy integer, not a bool (True would index every account of a numpy array)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
