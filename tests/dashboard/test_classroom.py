"""A class session end to end: the real `solara run app.py` in headless Chromium, one instructor
page and four students each in a browser of their own, offline.

What a student's page received is checked on its websocket traffic (every frame the server
sent it), not only on what it drew: its own values are there, no other seat's value is.
"""

import re
import time

import numpy as np
import pandas as pd
import pytest

from model.ledger import UNITS_PER_CREDIT
from testkit.browser import Page, chromium, dashboard_server

TOKEN = "test-instructor-token"
STUDENTS = ("ann", "bob", "cy", "dee")
SEATS, ROUNDS = 8, 2


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    return tmp_path_factory.mktemp("classroom")


@pytest.fixture(scope="module")
def server(exports):
    env = {"CATALLAXY_INSTRUCTOR_TOKEN": TOKEN, "CATALLAXY_CLASSROOM_DIR": str(exports),
           "CATALLAXY_EXTRA_SCENARIOS": "tests.dashboard.faulty_scenario:FaultyModel"}
    with dashboard_server(env=env) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def choose(page, label: str, option: str) -> None:
    page.locator(".v-select").filter(has_text=label).first.click()
    page.locator(".v-menu__content .v-list-item").filter(has_text=option).first.click()


def shows(page, selector: str, text: str, timeout: float = 20_000) -> None:
    page.locator(selector).filter(has_text=text).first.wait_for(timeout=timeout)


def appears(number: float, frames: str) -> bool:
    """Whether ``number`` appears in the frames as the page writes it (4 decimals) or in full."""
    return any(re.search(rf"(?<![\d.]){re.escape(text)}(?!\d)", frames)
               for text in (f"{number:.4f}", repr(float(number))))


def test_a_class_session(server, browser, exports):
    # A wrong token opens nothing.
    intruder = Page(browser, server + "teach?token=guess")
    intruder.page.locator(".catallaxy-denied").wait_for()
    assert intruder.page.get_by_role("button", name="Create session").count() == 0
    intruder.close()

    teacher = Page(browser, server + f"teach?token={TOKEN}", viewport=(1500, 1100))
    t = teacher.page
    t.get_by_role("button", name="Create session").wait_for()
    choose(t, "rule", "first")
    choose(t, "strategy", "bne")
    choose(t, "a round ends", "when every seat has bid")
    teacher.fill("seats (students and bots)", str(SEATS))
    teacher.fill("rounds", str(ROUNDS))
    teacher.click("Create session")
    t.locator(".catallaxy-code").wait_for()
    code = teacher.text(".catallaxy-code").strip()
    assert re.fullmatch(r"[A-Z2-9]{5}", code)
    assert t.locator(".catallaxy-qr svg").count() == 1                # the join URL's QR code, drawn here

    students = []
    for name in STUDENTS:
        student = Page(browser, server + f"join?code={code}", viewport=(600, 900))
        student.fill("nickname", name)
        student.click("Join")
        shows(student.page, ".catallaxy-state", "waiting for the first round")
        assert "seat=" in student.page.url                           # the seat's token keeps it across a refresh
        students.append(student)
    shows(t, ".catallaxy-seats", "dee")

    # Round 1: every student bids (one first out of range), the round closes by itself.
    teacher.click("Start round")
    values = []
    for student in students:
        shows(student.page, ".catallaxy-state", "round 1 of 2 is open")
        values.append(float(student.text(".catallaxy-value")))
    ann = students[0]
    ann.fill("your bid (0 to 1)", "1.5")
    ann.click("Submit bid")
    shows(ann.page, ".catallaxy-message", "refused: a bid must be between 0 and 1")
    for student, value in zip(students, values):
        student.fill("your bid (0 to 1)", f"{0.5 * value:.4f}")
        student.click("Submit bid")
    for student in students:
        shows(student.page, ".catallaxy-state", "round 1 of 2 has closed")
    shows(t, ".catallaxy-results", "bne")                           # bots filled the empty seats, bids revealed

    # A late bid is refused with a message; nothing changes.
    ann.fill("your bid (0 to 1)", "0.1")
    ann.click("Submit bid")
    shows(ann.page, ".catallaxy-message", "the round is closed: your order was not taken")

    # Round 2: the instructor closes it early; only two students bid.
    teacher.click("Start round")
    for student in students:
        shows(student.page, ".catallaxy-state", "round 2 of 2 is open")
        values.append(float(student.text(".catallaxy-value")))
    for student, value in zip(students[:2], values[4:6]):
        student.fill("your bid (0 to 1)", f"{0.5 * value:.4f}")
        student.click("Submit bid")
        shows(student.page, ".catallaxy-message", "your sealed bid of")
    teacher.click("Close round now")
    for student in students:
        shows(student.page, ".catallaxy-state", "the session has ended")

    # The export: one row per seat per round; the payments are the ledger's, to the micro-credit.
    folder = next(exports.glob(f"*-{code}"))
    rounds = pd.read_csv(folder / "rounds.csv")
    assert len(rounds) == SEATS * ROUNDS and set(zip(rounds["round"], rounds.seat)) == \
        {(r, s) for r in (1, 2) for s in range(SEATS)}
    pd.testing.assert_frame_equal(rounds.drop(columns=["nickname", "strategy"]),
                                  pd.read_parquet(folder / "rounds.parquet").drop(columns=["nickname", "strategy"]),
                                  check_dtype=False)
    people = rounds[rounds.nickname.isin(STUDENTS)]
    assert sorted(people.groupby("round").size()) == [4, 4]
    assert (people[people["round"] == 2].player.value_counts().to_dict() == {"human": 2, "none": 2})
    assert (rounds[~rounds.nickname.isin(STUDENTS)].player == "bot").all()
    ledger = pd.read_csv(folder / "ledger.csv")
    for seat, mine in rounds.groupby("seat"):
        name, rounds_only = f"bidder:{seat}", ledger[ledger.step > 0]   # step 0: the endowments
        moved = rounds_only.loc[rounds_only.payee == name, "amount_units"].sum() - \
            rounds_only.loc[rounds_only.payer == name, "amount_units"].sum()
        assert round(-mine.payment.sum() * UNITS_PER_CREDIT) == moved
        assert np.allclose(mine.profit, mine.value * mine.allocation - mine.payment)
    assert round(rounds.payment.sum() * UNITS_PER_CREDIT) == ledger.loc[ledger.payee == "market:item",
                                                                          "amount_units"].sum()

    # What each student's page was sent: its own values, never another seat's.
    by_seat = {row.nickname: row.seat for row in people.itertuples()}
    for student, name in zip(students, STUDENTS):
        frames = "\n".join(student.received)
        own = rounds[rounds.seat == by_seat[name]].value
        others = rounds[rounds.seat != by_seat[name]].value
        assert all(appears(v, frames) for v in own), name
        leaked = [v for v in others if appears(v, frames)]
        assert leaked == [], (name, leaked)
        assert student.errors == [] and student.outside == []
        student.close()
    # The instructor's charts were drawn and fed both rounds (the price chart holds two rows).
    t.wait_for_function("""() => [...document.querySelectorAll('.catallaxy-chart')].some(el => {
        try { return el.catallaxyView.data('prices').length === 2; } catch (e) { return false; }
    })""", timeout=15_000)
    assert teacher.errors == [] and teacher.outside == []
    teacher.close()


def test_a_failing_step_keeps_the_page_and_offers_reset(server, browser, tmp_path):
    board = Page(browser, server)
    p = board.page
    p.locator(".catallaxy-step").wait_for(timeout=60_000)
    choose(p, "scenario", "faulty")
    p.locator(".v-app-bar").filter(has_text="faulty").wait_for()
    board.page.get_by_label("fail_at", exact=True).fill("3")
    board.page.get_by_label("fail_at", exact=True).press("Enter")
    board.click("Step")
    shows(p, ".catallaxy-step", "Step 1")
    board.click("▶")
    p.locator(".catallaxy-run-error").wait_for()
    assert "step 3 failed: ZeroDivisionError" in board.text(".catallaxy-run-error")
    assert board.text(".catallaxy-step") == "Step 2"                  # the last good state, still on the page
    assert p.get_by_role("button", name="Step").is_disabled()
    board.click("Reset")
    shows(p, ".catallaxy-step", "Step 0")
    board.click("Step")
    shows(p, ".catallaxy-step", "Step 1")

    # A long step says so and can be stopped; the page answers meanwhile.
    board.page.get_by_label("seconds", exact=True).fill("60")
    board.page.get_by_label("seconds", exact=True).press("Enter")
    shows(p, ".catallaxy-step", "Step 0")
    board.click("Step")
    p.locator(".catallaxy-running").wait_for(timeout=10_000)
    board.click("Stop")
    p.locator(".catallaxy-run-error").filter(has_text="was stopped").wait_for(timeout=10_000)
    assert board.text(".catallaxy-step") == "Step 0"
    assert board.errors == [] and board.outside == []

    # Playing, then the tab closes: the server stops working for it.
    beats = tmp_path / "beats"
    for name, text in (("fail_at", "0"), ("seconds", "0.1"), ("heartbeat", str(beats))):
        board.page.get_by_label(name, exact=True).fill(text)
        board.page.get_by_label(name, exact=True).press("Enter")
        shows(p, ".catallaxy-step", "Step 0")
    board.click("▶")
    shows(p, ".catallaxy-step", "Step 3")
    board.close()
    time.sleep(1.5)
    count = len(beats.read_text().split())
    time.sleep(1.5)
    assert len(beats.read_text().split()) == count
