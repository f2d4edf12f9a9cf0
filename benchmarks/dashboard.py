"""Dashboard responsiveness, driven in a real browser (python -m benchmarks.dashboard).

Prints the Step round trip (click -> every panel redrawn for the new step: the counter
and each panel's step marker updated in the page) at 4 and 1,000 agents, the steps per
second reached by Play at the default interval over 10 s, and saves a screenshot of the
default view to benchmarks/figures/dashboard.png for the README.

``--before DIR`` also measures the dashboard of another copy of the project (e.g.
``git archive HEAD | tar -x -C DIR``), taking turns with this one, so that before and after
are measured in one run on the same machine load.

``--profile`` instead breaks each Step round trip into its parts (dashboard.probe on the
server, the charts' ``performance.measure('catallaxy-chart')`` entries in the browser) and
prints, per part, the median and 90th percentile in ms per step:

* click — the click until the server starts handling it (Playwright and the websocket);
* step, datasets, ledger, render, encode, send, message, report — the server's parts
  (dashboard.probe); idle — the server's gaps between them (a thread hop);
* browser — the server's last message sent until the page shows the step (transfer, the
  widgets' and Vue's update, the polling of the marker); of it, vega — the charts' own
  update (changeset and re-layout; ``after`` = the part still running when the page showed
  the step, not in the round trip).
"""

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from testkit.browser import Dashboard, chromium, dashboard_server

SCREENSHOT = Path(__file__).parent / "figures" / "dashboard.png"
SERVER_PARTS = ["step", "datasets", "ledger", "render", "encode", "send", "message", "report"]


def round_trips(board: Dashboard, steps: int = 20) -> tuple[list[float], list[float]]:
    """``steps`` Step round trips, as (the harness's, the page's own: Dashboard.timed_step)."""
    board.step()  # warm up
    pairs = [board.timed_step() for _ in range(steps)]
    return [h for h, _ in pairs], [p for _, p in pairs]


def play_rate(board: Dashboard, seconds: float = 10.0) -> float:
    start_step = board.step_count()
    board.click("▶")
    start = time.perf_counter()
    time.sleep(seconds)
    board.click("❚❚")
    elapsed = time.perf_counter() - start
    time.sleep(0.5)
    return (board.step_count() - start_step) / elapsed


def set_agents(board: Dashboard, agents: int) -> None:
    if agents == 4:  # the default: start again from step 0
        board.click("Reset")
    else:
        board.type_into("bidders", str(agents))
    board.wait_for_step(0)
    time.sleep(1)


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[int(0.9 * len(ordered))]


def measure(board: Dashboard, agents: int, label: str = "") -> tuple[float, float, float]:
    set_agents(board, agents)
    harness, page = round_trips(board)
    median, p90 = percentiles(harness)
    seen, seen90 = percentiles(page)
    rate = play_rate(board)
    print(f"{label}sealed-bid, {agents:>5} agents: Step round trip median {median * 1e3:.0f} ms, "
          f"90th percentile {p90 * 1e3:.0f} ms (20 clicks; in the page, click event to the frame that shows "
          f"it: {seen * 1e3:.0f} / {seen90 * 1e3:.0f} ms); Play at the default interval: {rate:.1f} steps/s",
          flush=True)
    return median, p90, rate


def screenshot(board: Dashboard) -> None:
    for _ in range(5):
        board.step()
    time.sleep(1.5)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    board.page.screenshot(path=SCREENSHOT)
    print(f"screenshot: {SCREENSHOT}")


def compare(before: Path, rounds: int) -> None:
    """This tree and ``before`` taking turns, ``rounds`` times each (a fresh server and page each turn)."""
    results: dict[tuple[str, int], list] = {}
    with chromium() as browser:
        for turn in range(rounds):
            for name, root in (("before", before), ("after", None)):
                with dashboard_server(root=root) as url:
                    board = Dashboard(browser, url)
                    if name == "after" and turn == 0:
                        screenshot(board)
                    for agents in (4, 1000):
                        results.setdefault((name, agents), []).append(measure(board, agents, f"{name:>6} "))
                    assert not board.errors, board.errors
                    board.page.close()
    print("\n| sealed-bid | round trip, median | 90th percentile | Play, steps/s |\n|---|---|---|---|")
    for (name, agents), runs in sorted(results.items(), key=lambda item: (item[0][1], item[0][0] == "after")):
        cells = [f"{min(r[i] for r in runs) * k:.{d}f}–{max(r[i] for r in runs) * k:.{d}f}"
                 for i, k, d in ((0, 1e3, 0), (1, 1e3, 0), (2, 1, 1))]
        print(f"| {agents:,} agents, {name} | {cells[0]} ms | {cells[1]} ms | {cells[2]} |")


#: In the page, before its own scripts: the charts' measures on, and the wall-clock times
#: (seconds, as Python's time.time()) of every click, websocket frame received and step shown.
MARKS = """
window.catallaxyProfile = true;
const marks = window.catallaxyMarks = {clicks: [], frames: [], shown: {}};
const wall = (t) => (performance.timeOrigin + (t === undefined ? performance.now() : t)) / 1e3;
document.addEventListener('click', () => marks.clicks.push(wall()), true);
const NativeSocket = window.WebSocket;
window.WebSocket = class extends NativeSocket {
    constructor(...args) { super(...args); this.addEventListener('message', e => marks.frames.push(wall(e.timeStamp))); }
};
new MutationObserver(() => {
    const counter = document.querySelector('.catallaxy-step');
    const panels = document.querySelectorAll('.catallaxy-panel').length;
    const n = counter ? counter.textContent.trim().split(' ').pop() : null;
    if (n !== null && panels && !(n in marks.shown) &&
        document.querySelectorAll('.catallaxy-panel.step-' + n).length === panels) {
        marks.shown[n] = wall();
    }
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""


def profiled_steps(board: Dashboard, steps: int = 20) -> list[tuple[int, float, float]]:
    """(step, click, returned) wall-clock times of ``steps`` Step clicks, after one to warm up."""
    board.step()
    times = []
    for _ in range(steps):
        time.sleep(0.3)   # let the browser finish the last step's charts
        start = time.time()
        board.step()
        times.append((board.step_count(), start, time.time()))
    return times


def breakdown(times, records, marks) -> dict[str, list[float]]:
    """ms per part per step, from the probe's records and the page's marks in each window."""
    parts: dict[str, list[float]] = {}
    for step, start, returned in times:
        spans = [r for r in records if start <= r["start"] <= returned]
        shown = marks["shown"].get(str(step))
        clicked = [t for t in marks["clicks"] if start <= t <= returned]
        if not spans or shown is None or not clicked:
            continue
        row = {part: 0.0 for part in SERVER_PARTS}
        for span in spans:
            for part, seconds in span["parts"].items():
                row[part] = row.get(part, 0.0) + seconds
        served = sum(row.values())
        first, last = min(s["start"] for s in spans), max(s["end"] for s in spans)
        arrived = max([t for t in marks["frames"] if first <= t <= shown] or [last])
        row["idle"] = (last - first) - served
        row["click"] = clicked[0] - start
        row["to server"] = first - clicked[0]
        row["to page"] = arrived - last
        row["page update"] = shown - arrived
        row["harness return"] = returned - shown
        drawn = [c for c in marks["charts"] if start <= c["start"] <= returned + 0.25]
        row["vega"] = (max(c["end"] for c in drawn) - min(c["start"] for c in drawn)) if drawn else 0.0
        row["vega after shown"] = max(0.0, max(c["end"] for c in drawn) - shown) if drawn else 0.0
        row["round trip"] = returned - start
        row["messages"] = sum(s["messages"] for s in spans) / 1e3
        row["kB sent"] = sum(s["bytes"] for s in spans) / 1e6
        row["charts updated"] = len(drawn) / 1e3
        for part, seconds in row.items():
            parts.setdefault(part, []).append(seconds * 1e3)
    return parts


PROFILE_ROWS = ["round trip", "click", "to server", "message", "step", "datasets", "ledger", "render", "encode",
                "send", "report", "idle", "to page", "page update", "harness return", "vega", "vega after shown",
                "messages", "kB sent", "charts updated"]


def profile() -> None:
    probe = Path(tempfile.mkstemp(prefix="catallaxy-probe-", suffix=".jsonl")[1])
    tables = {}
    try:
        with dashboard_server(env={"CATALLAXY_DASHBOARD_PROBE": str(probe)}) as url, chromium() as browser:
            board = Dashboard(browser, url, init_script=MARKS)
            for agents in (4, 1000):
                set_agents(board, agents)
                board.page.evaluate("Object.assign(window.catallaxyMarks, {clicks: [], frames: [], shown: {}})")
                times = profiled_steps(board)
                time.sleep(1.0)
                marks = board.page.evaluate("""() => ({...window.catallaxyMarks,
                    charts: performance.getEntriesByName('catallaxy-chart').map(e => (
                        {start: (performance.timeOrigin + e.startTime) / 1e3,
                         end: (performance.timeOrigin + e.startTime + e.duration) / 1e3}))})""")
                records = [json.loads(line) for line in probe.read_text().splitlines()]
                tables[agents] = breakdown(times, records, marks)
                kinds = {}
                for record in records:
                    if times[0][1] <= record["start"] <= times[-1][2]:
                        for kind, count in record["kinds"].items():
                            kinds[kind] = kinds.get(kind, 0) + count / len(times)
                print(f"{agents} agents, messages per step:", {k: round(v, 1) for k, v in kinds.items()})
            assert not board.errors, board.errors
    finally:
        probe.unlink(missing_ok=True)
    print(f"| ms per step, median / p90 ({len(tables[4]['round trip'])} and {len(tables[1000]['round trip'])} "
          "steps) | 4 agents | 1,000 agents |\n|---|---|---|")
    for part in PROFILE_ROWS:
        cells = [("{:.1f} / {:.1f}" if part != "charts updated" else "{:.0f} / {:.0f}").format(
            *percentiles(tables[agents].get(part, [0.0]))) for agents in (4, 1000)]
        print(f"| {part} | {cells[0]} | {cells[1]} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="break the round trip into its parts")
    parser.add_argument("--before", type=Path, help="another copy of the project to measure in turns with this one")
    parser.add_argument("--rounds", type=int, default=3, help="turns of each copy with --before")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    if args.profile:
        profile()
    elif args.before:
        compare(args.before.resolve(), args.rounds)
    else:
        with dashboard_server() as url, chromium() as browser:
            board = Dashboard(browser, url)
            screenshot(board)
            for agents in (4, 1000):
                measure(board, agents)
            assert not board.errors, board.errors
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
