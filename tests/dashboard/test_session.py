"""Class sessions without a browser: seats, rounds, refusals, bots, the information barrier
of the student's view, and the export against the ledger."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from dashboard.classroom.session import ClassSession
from model.ledger import UNITS_PER_CREDIT
from model.params import ParameterError


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def session(tmp_path, scenario="sealed-bid", values=None, clock=None, **settings):
    settings = {"seats": 6, "rounds": 3, "seconds": 30.0, **settings}
    return ClassSession(scenario, values or {}, export_dir=tmp_path, timer=False, clock=clock or Clock(), **settings)


def numbers(view) -> list[float]:
    """Every number anywhere in a view (nested dicts and lists)."""
    if isinstance(view, dict):
        return [x for v in view.values() for x in numbers(v)]
    if isinstance(view, (list, tuple)):
        return [x for v in view for x in numbers(v)]
    return [float(view)] if isinstance(view, (int, float)) and not isinstance(view, bool) else []


def test_seats_one_per_browser_late_joiners_and_a_full_session(tmp_path):
    s = session(tmp_path, seats=3)
    ann = s.join("ann", browser="b1")
    assert s.join("someone else", browser="b1") is ann          # one seat per browser
    assert ann.joining and not ann.human
    s.start_round()
    assert ann.human and not ann.joining
    bob = s.join("bob", browser="b2")                          # joins while a round runs
    assert s.submit(bob, "0.5") == (False, "you play from the next round")
    s.close_round()
    s.start_round()
    assert bob.human                                           # took a bot's seat from the next round
    s.join("cy", browser="b3")
    with pytest.raises(ValueError, match="full"):
        s.join("dee", browser="b4")
    assert s.seat(ann.token) is ann and s.seat("nope") is None
    with pytest.raises(ValueError, match="nickname"):
        session(tmp_path).join("   ", browser="b9")


def test_bad_settings_are_refused_with_a_sentence(tmp_path):
    with pytest.raises(ParameterError, match="human seats"):
        session(tmp_path, scenario="hayek-wide")
    with pytest.raises(ParameterError, match="countdown"):
        session(tmp_path, seconds=1.0)
    with pytest.raises(ParameterError, match="bidders must be"):
        session(tmp_path, seats=1)


def test_orders_out_of_range_above_the_wallet_late_or_paused_are_refused_and_change_nothing(tmp_path):
    clock = Clock()
    s = session(tmp_path, values={"budget": 0.5}, clock=clock)
    ann = s.join("ann", browser="b1")
    assert s.submit(ann, "0.3") == (False, "the first round has not started yet")
    s.start_round()
    for text, reason in (("1.5", "between 0 and 1"), ("-0.1", "between 0 and 1"), ("0.7", "wallet holds 0.5000"),
                         ("lots", "is not a number"), ("nan", "between 0 and 1")):
        ok, message = s.submit(ann, text)
        assert not ok and reason in message, (text, message)
        assert ann.message == message
    assert s.orders == {}
    assert s.submit(ann, "0.4")[0]
    s.pause()
    clock.now = 100.0
    s.tick()
    assert s.state == "open" and s.remaining() == pytest.approx(30.0)   # a paused countdown waits
    assert "paused" in s.submit(ann, "0.2")[1]
    s.resume()
    clock.now = 131.0
    s.tick()                                                            # the deadline closes the round
    assert s.state == "closed"
    ok, message = s.submit(ann, "0.3")
    assert not ok and "round is closed" in message
    assert s.rows[0]["order"] == 0.4


def test_a_round_closes_when_every_person_has_bid_or_early_and_bots_fill_the_empty_seats(tmp_path):
    s = session(tmp_path, seconds=None, values={"strategy": "bne", "rule": "first"})
    ann, bob = s.join("ann", browser="b1"), s.join("bob", browser="b2")
    s.attach(ann), s.attach(bob)
    s.start_round()
    s.submit(ann, "0.25")
    assert s.state == "open"
    s.submit(bob, "0.35")
    assert s.state == "closed"                         # every seat a person holds has bid
    rows = pd.DataFrame(s.rows)
    assert rows.player.tolist() == ["human", "human", "bot", "bot", "bot", "bot"]
    assert (rows.strategy[2:] == "bne").all()
    bots = rows[rows.player == "bot"]                  # bots bid the equilibrium (n-1)/n v
    assert np.allclose(bots.order, 5 / 6 * bots.value)
    s.start_round()
    s.close_round()                                    # the instructor closes it early
    assert s.rows[-6]["player"] == "none" and math.isnan(s.rows[-6]["order"])   # ann made no bid


def test_a_student_who_left_is_played_by_a_bot_if_the_instructor_says_so(tmp_path):
    s = session(tmp_path, absent="bot", values={"strategy": "truthful"})
    ann = s.join("ann", browser="b1")
    s.attach(ann)
    s.start_round()
    s.detach(ann)                                      # closed the tab
    s.close_round()
    assert s.rows[0]["player"] == "bot" and s.rows[0]["order"] == pytest.approx(s.rows[0]["value"])
    s.attach(ann)                                      # rejoined the same seat
    s.start_round()
    s.submit(ann, "0.01")
    s.close_round()
    assert s.rows[6]["player"] == "human" and s.rows[6]["order"] == 0.01


def test_learning_bots_sit_out_the_rounds_a_person_plays(tmp_path):
    s = session(tmp_path, values={"strategy": "qlearn"}, rounds=6)
    ann = s.join("ann", browser="b1")
    for _ in range(6):
        s.start_round()
        if ann.human:
            s.submit(ann, "0.5")
        s.close_round()
    frame = s.model.datacollector.get_model_vars_dataframe()
    assert frame.greedy_fraction.notna().all()
    assert [r["player"] for r in s.rows if r["seat"] == 0] == ["human"] * 6


@pytest.mark.parametrize("scenario", ["sealed-bid", "double-auction"])
def test_a_students_view_holds_only_its_own_numbers(tmp_path, scenario):
    clock = Clock()
    s = session(tmp_path, scenario=scenario, clock=clock, seats=6, rounds=5, values={"draw": "uniform"} if scenario ==
                "double-auction" else {})
    seats = [s.join(name, browser=name) for name in ("ann", "bob", "cy")]
    s.start_round()
    for _ in range(3):
        values = [s.adapter.private(s.model, i)["value"] for i in range(6)]
        for seat in seats:
            seen = numbers(s.student_view(seat))
            others = [v for i, v in enumerate(values) if i != seat.index]
            assert values[seat.index] in seen
            assert not set(others) & set(seen), (seat.index, others, seen)
            assert "seats" not in s.student_view(seat)     # nor who else is there, nor who is a bot
        s.submit(seats[0], "0.3" if scenario == "sealed-bid" else "1")
        clock.now += 31
        s.tick()
        s.start_round()


def test_the_double_auction_trades_live_with_people_and_bots(tmp_path):
    clock = Clock()
    s = session(tmp_path, scenario="double-auction", clock=clock, seats=6)
    buyer, seller = s.join("ann", browser="b1"), s.join("bob", browser="b2")
    assert (buyer.role, seller.role) == ("buyer", "seller")
    s.start_round()
    assert s.submit(seller, "100")[1] == "your ask of 100.00 is on the book"
    assert s.student_view(buyer)["public"]["best_ask"] == 100.0      # the book is public
    assert s.submit(buyer, "101")[1] == "you bought at 100.00 (paid when the round closes)"
    assert "traded your unit" in s.submit(buyer, "90")[1]
    assert "buyers post bids" not in s.submit(seller, "250")[1] and not s.submit(seller, "250")[0]
    for _ in range(20):                                # bots post one order a second
        clock.now += 1
        s.tick()
    s.close_round()
    rows = pd.DataFrame(s.rows)
    assert rows.loc[0, "payment"] == 100.0 and rows.loc[0, "profit"] == pytest.approx(rows.loc[0, "value"] - 100)
    assert rows.loc[3, "profit"] == pytest.approx(100 - rows.loc[3, "value"])   # bob is seat 3 (buyers 0-2)
    assert s.facts[-1]["ce_low"] <= s.facts[-1]["ce_high"]


@pytest.mark.parametrize("scenario", ["sealed-bid", "double-auction"])
def test_the_export_has_one_row_per_seat_per_round_and_adds_up_to_the_ledger(tmp_path, scenario):
    clock = Clock()
    s = session(tmp_path, scenario=scenario, clock=clock, seats=5, rounds=4)
    ann = s.join("ann", browser="b1")
    for r in range(4):
        s.start_round()
        s.submit(ann, "0.6" if scenario == "sealed-bid" else "120")
        for _ in range(20 if scenario == "double-auction" else 0):
            clock.now += 1
            s.tick()
        s.close_round()
    assert s.state == "ended"
    csv, parquet = pd.read_csv(s.paths["csv"]), pd.read_parquet(s.paths["parquet"])
    assert len(csv) == 5 * 4 and sorted(set(zip(csv["round"], csv.seat))) == [(r, i) for r in range(1, 5)
                                                                                for i in range(5)]
    pd.testing.assert_frame_equal(csv.drop(columns=["nickname", "strategy"]),
                                  parquet.drop(columns=["nickname", "strategy"]), check_dtype=False)
    ledger = pd.read_csv(s.paths["ledger"])
    for seat, name in enumerate(_seat_accounts(s)):   # every payment after set-up, from the ledger's journal
        moved = ledger.loc[(ledger.payee == name) & (ledger.step > 0), "amount_units"].sum() \
            - ledger.loc[(ledger.payer == name) & (ledger.step > 0), "amount_units"].sum()
        mine = csv[csv.seat == seat]
        assert round(mine.wallet_change.sum() * UNITS_PER_CREDIT) == moved          # exactly the ledger's
        if scenario == "double-auction":
            assert np.allclose(mine.profit, mine.wallet_change)                      # redeemed: profit = wallet
        else:
            assert np.allclose(mine.payment, -mine.wallet_change)
            assert np.allclose(mine.profit, mine.value * mine.allocation - mine.payment)
    summary = pd.read_csv(s.paths["summary"])
    assert len(summary) == 5 and np.allclose(summary.profit, csv.groupby("seat").profit.sum())
    meta = json.loads(s.paths["meta"].read_text())
    assert meta["scenario"] == scenario and meta["rounds_played"] == 4
    s.model.ledger.audit()   # and money is conserved: balances add up to minted - burned


def _seat_accounts(s) -> list[str]:
    model = s.model
    traders = model.bidders if hasattr(model, "bidders") else model.members
    return [model.ledger.names[t.account] for t in traders]


def test_task_auction_seats_ask_a_markup_over_their_own_break_even(tmp_path):
    s = session(tmp_path, scenario="task-auction", seats=6, rounds=8)
    ann = s.join("ann", browser="b1")
    for r in range(8):
        s.start_round()
        assert "markup" in s.submit(ann, "0.25")[1]
        view = s.student_view(ann)
        assert all(set(task) == {"task", "effort", "reserve", "break_even"} for task in view["private"]["tasks"])
        s.close_round()
    rows = pd.DataFrame(s.rows)
    mine = rows[rows.seat == 0]
    assert (mine.player == "human").all() and (rows[rows.seat != 0].player == "bot").all()
    assert np.allclose(mine.payment, -mine.wallet_change)          # paid on delivery, through the ledger
    assert rows.wallet_change.sum() > 0                             # tasks were delivered and paid
    with pytest.raises(ParameterError, match="scripted strategy"):
        session(tmp_path, scenario="task-auction", values={"strategy": "qlearn"})
