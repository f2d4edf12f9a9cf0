"""The ledger: exact integer money, all-or-nothing settlement, conservation."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.ledger import (
    BURN,
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


# settle_in_order: a sequence of transfers, running balances checked, numpy in -------------------

def test_a_sequence_may_spend_what_it_received_earlier_in_it(ledger):
    # alice has 1,000; bob pays carol 600 only after alice paid him 700: settle() would refuse
    # bob's 600 (his balance before the batch is 0), the running balance covers it.
    ledger.settle_in_order(np.array([0, 1]), np.array([1, 2]), np.array([700, 600]), market="gpu",
                           quantities=np.array([2.0, 1.5]), kind="trade")
    assert ledger.balances.tolist() == [300, 100, 600]
    frame = ledger.to_frame().iloc[-2:]
    assert frame.payer.tolist() == ["alice", "bob"] and frame.payee.tolist() == ["bob", "carol"]
    assert frame.amount_units.tolist() == [700, 600] and frame.quantity.tolist() == [2.0, 1.5]
    assert set(frame.market) == {"gpu"} and set(frame.kind) == {"trade"} and set(frame.step) == {7}
    with pytest.raises(InsufficientFunds, match="bob cannot pay"):
        ledger.settle([Transfer(0, 1, 100), Transfer(1, 2, 150)])  # settle(): bob owes 150, holds 100
    ledger.settle_in_order([0, 1], [1, 2], [100, 150])          # in order: he holds 200 when he pays
    assert ledger.balances.tolist() == [200, 50, 750]


def test_a_sequence_that_overdraws_at_any_point_is_refused_whole(ledger):
    before, entries = ledger.balances.copy(), len(ledger)
    # bob would pay carol 600 before alice pays him 700: his balance would dip to -600 first
    with pytest.raises(InsufficientFunds, match=r"bob cannot pay 0.0006 credits \(transfer 0\)"):
        ledger.settle_in_order([1, 0], [2, 1], [600, 700])
    with pytest.raises(InsufficientFunds, match="alice"):
        ledger.settle_in_order([0], [0], [1_001])               # paying oneself needs cover too
    assert (ledger.balances == before).all() and len(ledger) == entries


def test_a_sequence_can_burn(ledger):
    ledger.settle_in_order([0, 0], [BURN, 1], [250, 100], kind="usage")
    assert ledger.burned == 250 and ledger.money_supply == 750 == ledger.minted - ledger.burned
    assert ledger.to_frame().payee.tolist()[-2:] == ["burn", "bob"]
    nothing = np.zeros(0, dtype=np.int64)
    ledger.settle_in_order(nothing, nothing, nothing)
    assert len(ledger) == 3                                     # an empty sequence records nothing


@pytest.mark.parametrize("args, message", [
    (([0], [9], [1]), "payees 9 is not an open account"),
    (([-1], [1], [1]), "payers -1 is not an open account"),     # MINT pays no one here
    (([0], [np.uint64(2**64 - 2)], [1]), "payees"),             # would wrap to BURN as int64
    (([0.0], [1], [1]), "payers must be a one-dimensional sequence of account numbers"),
    (([True], [1], [1]), "payers must be"),
    (([0], [1], [1.0]), "amounts must be a one-dimensional sequence of whole numbers"),
    (([0], [1], [-1]), "amounts must be whole numbers of minor units from 0"),
    (([0], [1], [MAX_UNITS + 1]), "amounts must be whole numbers"),
    (([0, 0], [1], [1, 1]), "one entry per transfer"),
    (([[0]], [[1]], [[1]]), "payers must be a one-dimensional"),
])
def test_bad_sequences_are_refused_before_anything_moves(ledger, args, message):
    before, entries = ledger.balances.copy(), len(ledger)
    with pytest.raises(LedgerError, match=message):
        ledger.settle_in_order(*args)
    assert (ledger.balances == before).all() and len(ledger) == entries


def test_running_balances_stay_exact_beyond_int64_sums():
    # 4,000 transfers of the whole money supply back and forth: their sum (about 1.8e19) is
    # past int64; the running balances are not, and they are what is checked.
    book = Ledger()
    a, b = book.open_account("a"), book.open_account("b")
    book.mint(a, MAX_UNITS)
    payers = np.tile([a, b], 2_000)
    book.settle_in_order(payers, 1 - payers, np.full(4_000, MAX_UNITS))
    assert book.balances.tolist() == [MAX_UNITS, 0]
    amounts = np.full(4_000, MAX_UNITS)
    amounts[-2] = 1                                             # b receives 1 unit, then pays it all
    with pytest.raises(InsufficientFunds, match="b cannot pay .* \\(transfer 3999\\)"):
        book.settle_in_order(payers, 1 - payers, amounts)
    assert book.balances.tolist() == [MAX_UNITS, 0]


sequences = st.lists(st.tuples(st.integers(0, 3), st.integers(-2, 3).filter(lambda x: x != -1),
                               st.integers(0, 700), st.floats(0, 5)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(sequences)
def test_a_sequence_is_the_same_as_one_transfer_after_another_or_nothing(sequence):
    """If every transfer in turn would succeed, the balances and the journal are those of the
    transfers made one by one; if one would be refused, nothing moves."""
    one_by_one, at_once = Ledger(clock=lambda: 3), Ledger(clock=lambda: 3)
    for book in (one_by_one, at_once):
        for i in range(4):
            book.open_account(f"a{i}")
            book.mint(i, 500 * i)
    refused = False
    for payer, payee, amount, quantity in sequence:
        try:
            one_by_one.transfer(payer, payee, amount, market="api", quantity=quantity, kind="trade")
        except InsufficientFunds:
            refused = True
            break
    payers, payees, amounts, quantities = zip(*sequence) if sequence else ([], [], [], [])
    columns = [np.array(payers, dtype=np.int64), np.array(payees, dtype=np.int64),
               np.array(amounts, dtype=np.int64), np.array(quantities, dtype=float)]
    before = at_once.balances.copy()
    if refused:
        with pytest.raises(InsufficientFunds):
            at_once.settle_in_order(*columns[:3], market="api", quantities=columns[3], kind="trade")
        assert (at_once.balances == before).all() and len(at_once) == 4
    else:
        at_once.settle_in_order(*columns[:3], market="api", quantities=columns[3], kind="trade")
        assert at_once.balances.tolist() == one_by_one.balances.tolist()
        assert at_once.burned == one_by_one.burned
        pd.testing.assert_frame_equal(at_once.to_frame(), one_by_one.to_frame(), check_exact=True)
    assert at_once.money_supply == at_once.minted - at_once.burned and at_once.balances.min() >= 0
