"""Dashboard responsiveness, driven in a real browser (python -m benchmarks.dashboard).

Prints the Step round trip (click -> every panel redrawn for the new step: the counter
and each panel's step marker updated in the page) at 4 and 1,000 agents, the steps per
second reached by Play at the default interval over 10 s, and saves a screenshot of the
default view to benchmarks/figures/dashboard.png for the README.

Note: solara's VegaLite widget debounces each chart's redraw by 100 ms after new data
arrives, so the pixels settle up to ~100 ms after the round trip measured here.
"""

import statistics
import time
from pathlib import Path

from testkit.browser import Dashboard, chromium, dashboard_server

SCREENSHOT = Path(__file__).parent / "figures" / "dashboard.png"


def round_trips(board: Dashboard, steps: int = 20) -> list[float]:
    board.step()  # warm up
    return [board.step() for _ in range(steps)]


def play_rate(board: Dashboard, seconds: float = 10.0) -> float:
    start_step = board.step_count()
    board.click("▶")
    start = time.perf_counter()
    time.sleep(seconds)
    board.click("❚❚")
    elapsed = time.perf_counter() - start
    time.sleep(0.5)
    return (board.step_count() - start_step) / elapsed


def main() -> None:
    with dashboard_server() as url, chromium() as browser:
        board = Dashboard(browser, url)
        for _ in range(5):
            board.step()
        time.sleep(1.5)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        board.page.screenshot(path=SCREENSHOT)
        print(f"screenshot: {SCREENSHOT}")
        for agents in (4, 1000):
            if agents == 4:  # the default: start again from step 0
                board.click("Reset")
            else:
                board.type_into("bidders", str(agents))
            board.wait_for_step(0)
            time.sleep(1)
            trips = sorted(round_trips(board))
            print(f"sealed-bid, {agents:>5} agents: Step round trip median {statistics.median(trips) * 1e3:.0f} ms, "
                  f"90th percentile {trips[int(0.9 * len(trips))] * 1e3:.0f} ms (20 clicks)")
            print(f"sealed-bid, {agents:>5} agents: Play at the default interval: {play_rate(board):.1f} steps/s")
        assert not board.errors, board.errors


if __name__ == "__main__":
    main()
