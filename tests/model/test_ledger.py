"""The ledger: exact integer money, all-or-nothing settlement, conservation."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.ledger import (
    MAX_UNITS,
    UNITS_PER_CREDIT,
    InsufficientFunds,
    Ledger,
    LedgerError,
    Transfer,
    to_credits,
    to_units,
)


@pytest.fixture
def ledger():
    book = Ledger(clock=lambda: 7)
    for name in ("alice", "bob", "carol"):
        book.open_account(name)
    book.mint(0, 1_000)
    return book


def test_transfer_moves_exact_units_and_records_the_entry(ledger):
    ledger.transfer(0, 1, 300, market="gpu", quantity=2, kind="payment")
    assert (ledger.balance(0), ledger.balance(1)) == (700, 300)
    last = ledger.to_frame().iloc[-1]
    assert (last.step, last.payer, last.payee, last.market, last.quantity, last.amount_units, last.kind) == (
        7, "alice", "bob", "gpu", 2.0, 300, "payment")
    assert last.amount == 300 / UNITS_PER_CREDIT


def test_uncovered_batch_is_refused_whole(ledger):
    before, entries = ledger.balances.copy(), len(ledger)
    batch = [Transfer(0, 1, 600), Transfer(0, 2, 600)]  # 1,200 owed, 1,000 held
    with pytest.raises(InsufficientFunds, match="alice cannot pay"):
        ledger.settle(batch)
    assert (ledger.balances == before).all() and len(ledger) == entries


def test_never_negative(ledger):
    with pytest.raises(InsufficientFunds):
        ledger.transfer(1, 0, 1)
    assert ledger.balance(1) == 0


def test_mint_and_burn_are_recorded_and_conserve(ledger):
    ledger.burn(0, 250)
    assert ledger.minted == 1_000 and ledger.burned == 250
    assert ledger.money_supply == 750
    frame = ledger.to_frame()
    assert frame.payer.tolist() == ["mint", "alice"] and frame.payee.tolist() == ["alice", "burn"]
    ledger.audit()


@pytest.mark.parametrize("amount", [-1, 1.5, float("nan")])
def test_amount_must_be_whole_and_non_negative(ledger, amount):
    with pytest.raises(LedgerError, match="amount"):
        ledger.transfer(0, 1, amount)


def test_unknown_account(ledger):
    with pytest.raises(LedgerError, match="payee 9 is not an open account"):
        ledger.transfer(0, 9, 1)


# The hostile probe's cases (issue 22): each used to move money, or to raise a raw numpy error.
@pytest.mark.parametrize("call, message", [
    (lambda book: book.transfer(0, 1.0, 5), "payee must be an account number"),   # debited, then IndexError
    (lambda book: book.transfer(0, True, 5), "payee must be an account number"),  # credited every account
    (lambda book: book.transfer(True, 1, 5), "payer must be an account number"),
    (lambda book: book.transfer(0, "bob", 5), "payee must be an account number"),
    (lambda book: book.transfer(None, 1, 5), "payer must be an account number"),
    (lambda book: book.transfer(0, 1, True), "amount must be a whole number"),
    (lambda book: book.transfer(0, -1, 5), "payee -1 is not an open account"),      # MINT is not a payee
    (lambda book: book.mint(1.0, 5), "account must be an account number"),
    (lambda book: book.balance("alice"), "account must be an account number"),
    (lambda book: book.settle([(0, 1, 5)]), "settle takes Transfer entries"),
    (lambda book: book.open_account(7), "name must be text"),
    (lambda book: to_units("5"), "finite number of credits"),
])
def test_bad_arguments_are_refused_before_anything_moves(ledger, call, message):
    before, entries = ledger.balances.copy(), len(ledger)
    with pytest.raises(LedgerError, match=message):
        call(ledger)
    assert (ledger.balances == before).all() and len(ledger) == entries
    ledger.audit()


def test_the_money_supply_cannot_wrap(ledger):
    ledger.mint(1, MAX_UNITS - 1_000)                 # the fixture minted 1,000: now exactly full
    with pytest.raises(LedgerError, match="above the ledger's limit"):
        ledger.mint(1, 1)
    with pytest.raises(LedgerError, match="amount must be"):
        ledger.mint(2, 2**62)                         # used to wrap negative with a RuntimeWarning
    assert ledger.money_supply == MAX_UNITS == ledger.minted - ledger.burned
    assert to_credits(MAX_UNITS) * UNITS_PER_CREDIT == MAX_UNITS   # exact as credits in a float


def test_balances_view_is_read_only(ledger):
    with pytest.raises(ValueError):
        ledger.balances[0] = 10**9


def test_unit_conversion_is_monotone_and_exact_on_whole_units():
    assert to_units(0.25) == 250_000 and to_credits(250_000) == 0.25
    assert to_units(0.1 + 0.2) == to_units(0.3)
    assert to_units(0.3333333) <= to_units(0.33333331)
    with pytest.raises(LedgerError):
        to_units(float("inf"))


bad_values = st.sampled_from([-1, 5, 1.0, True, None, "a", 2**62, float("nan")])
operations = st.lists(
    st.tuples(st.sampled_from(["mint", "burn", "transfer"]), st.integers(0, 4) | bad_values,
              st.integers(0, 4) | bad_values, st.integers(0, 10**15) | bad_values),
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(operations)
def test_money_is_conserved_whatever_happens(ops):
    book = Ledger()
    for i in range(5):
        book.open_account(f"a{i}")
    for kind, a, b, amount in ops:
        before, entries = book.balances.copy(), len(book)
        try:
            if kind == "mint":
                book.mint(a, amount)
            elif kind == "burn":
                book.burn(a, amount)
            else:
                book.transfer(a, b, amount)
        except LedgerError:  # InsufficientFunds among them: a refused call changes nothing
            assert (book.balances == before).all() and len(book) == entries
        assert (book.balances >= 0).all()
        assert book.money_supply == book.minted - book.burned
    frame = book.to_frame()
    assert isinstance(frame, pd.DataFrame)
    inflow = frame[frame.payer == "mint"].amount_units.sum()
    outflow = frame[frame.payee == "burn"].amount_units.sum()
    assert inflow - outflow == book.money_supply


def test_to_frame_since_a_step():
    steps = iter(range(100))
    book = Ledger(clock=lambda: next(steps))
    a, b = book.open_account("a"), book.open_account("b")
    book.mint(a, 100)                      # step 0
    for _ in range(5):
        book.transfer(a, b, 1)             # steps 1..5
    assert book.to_frame(since=3).step.tolist() == [3, 4, 5]
    assert book.to_frame(since=3, last=2).step.tolist() == [4, 5]
    assert book.to_frame(since=99).empty
