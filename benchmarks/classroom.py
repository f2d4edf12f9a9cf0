"""A class of N students on one server (python -m benchmarks.classroom [N ...]).

N simulated students, each a headless Chromium page in a browser context of its own (its own
cookies, its own websocket), join a sealed-bid session from the join URL; an instructor page
starts rounds. For each round it measures:

* open: from the instructor's Start round click until every student's page shows its value;
* clear: the server's own time to close the round (the model's step, the ledger, one row per
  seat, the export rewritten), as the instructor page reports it;
* reach: from the last student's bid (which closes the round: "when every seat has bid") until
  every student's page shows the round closed.

Server, browsers and this script share the machine (2 cores here), so the figures include the
browsers' own work; a room of phones would leave the server both cores.
"""

import os
import statistics
import sys
import tempfile
import time

from testkit.browser import Page, chromium, dashboard_server

TOKEN = "benchmark-token"
ROUNDS = 3


def choose(page, label: str, option: str) -> None:
    page.locator(".v-select").filter(has_text=label).first.click()
    page.locator(".v-menu__content .v-list-item").filter(has_text=option).first.click()


def wait_all(students, text: str) -> None:
    for s in students:
        s.page.locator(".catallaxy-state").filter(has_text=text).first.wait_for(timeout=300_000)


def measure(browser, url: str, n: int) -> dict:
    teacher = Page(browser, url + f"teach?token={TOKEN}")
    teacher.page.set_default_timeout(300_000)
    t = teacher.page
    t.get_by_role("button", name="Create session").wait_for(timeout=60_000)
    choose(t, "a round ends", "when every seat has bid")
    teacher.fill("seats (students and bots)", str(n))
    teacher.fill("rounds", str(ROUNDS))
    teacher.click("Create session")
    t.locator(".catallaxy-code").wait_for()
    code = teacher.text(".catallaxy-code").strip()
    students = []
    started = time.perf_counter()
    for k in range(n):
        s = Page(browser, url + f"join?code={code}", viewport=(500, 700))
        s.page.set_default_timeout(300_000)   # 60 browsers on 2 cores are slow to answer a click
        s.fill("nickname", f"s{k}")
        s.click("Join")
        students.append(s)
    wait_all(students, "waiting for the first round")
    joined = time.perf_counter() - started
    opens, reaches, clears = [], [], []
    for r in range(1, ROUNDS + 1):
        start = time.perf_counter()
        teacher.click("Start round")
        wait_all(students, f"round {r} of {ROUNDS} is open")
        opens.append(time.perf_counter() - start)
        for s in students[:-1]:
            s.fill("your bid (0 to 1)", "0.3")
            s.click("Submit bid")
        for s in students[:-1]:
            s.page.locator(".catallaxy-message").filter(has_text="sealed bid").first.wait_for(timeout=60_000)
        last = students[-1]
        last.fill("your bid (0 to 1)", "0.3")
        start = time.perf_counter()
        last.click("Submit bid")
        wait_all(students, f"round {r} of {ROUNDS} has closed" if r < ROUNDS else "the session has ended")
        reaches.append(time.perf_counter() - start)
        t.locator(".catallaxy-cleared").wait_for()
        clears.append(float(teacher.text(".catallaxy-cleared").split(" in ")[1].split()[0]) / 1e3)
    errors = sum(len(s.errors) for s in students) + len(teacher.errors)
    for s in students:
        s.close()
    teacher.close()
    return {"students": n, "join": joined, "open": statistics.median(opens), "clear": statistics.median(clears),
            "reach": statistics.median(reaches), "reach_max": max(reaches), "errors": errors}


def main(sizes=(10, 30, 60)) -> None:
    with tempfile.TemporaryDirectory() as exports, \
            dashboard_server(env={"CATALLAXY_INSTRUCTOR_TOKEN": TOKEN, "CATALLAXY_CLASSROOM_DIR": exports}) as url, \
            chromium() as browser:
        print(f"{os.cpu_count()} cores; median of {ROUNDS} rounds; sealed-bid, every seat a student")
        print("| students | all joined | round open -> every page | round clears (server) | last bid -> every page "
              "(median / max) |")
        print("|---|---|---|---|---|")
        for n in sizes:
            m = measure(browser, url, n)
            print(f"| {m['students']} | {m['join']:.1f} s | {m['open'] * 1e3:.0f} ms | {m['clear'] * 1e3:.0f} ms | "
                  f"{m['reach'] * 1e3:.0f} / {m['reach_max'] * 1e3:.0f} ms |" + (f" ({m['errors']} page errors)"
                                                                               if m["errors"] else ""), flush=True)


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (10, 30, 60))
