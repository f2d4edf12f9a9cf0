"""The dashboard end to end: the real `solara run app.py` in headless Chromium, offline."""

import time

import pytest

from testkit.browser import Dashboard, chromium, dashboard_server
from scenarios.registry import DEFAULT_SCENARIO, SCENARIOS


@pytest.fixture(scope="module")
def server():
    with dashboard_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def dashboard(server, browser):
    board = Dashboard(browser, server)
    yield board
    # No page error, and nothing fetched from beyond this machine (the CDN assets are local).
    assert board.errors == []
    assert board.outside == []
    board.page.close()


def settled_step(board, quiet: float = 1.0, timeout: float = 30.0) -> int:
    """The step counter once it has stopped moving for ``quiet`` seconds (a loaded machine can
    still be drawing steps that were under way when Pause was clicked)."""
    deadline = time.monotonic() + timeout
    last, since = board.step_count(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = board.step_count()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return now
    raise AssertionError(f"the step counter was still moving {timeout:g} s after Pause")


def panel_headings(board) -> list[str]:
    return board.page.locator(".catallaxy-panel strong").all_inner_texts()


def test_default_view(dashboard):
    page = dashboard.page
    assert f"Catallaxy · {DEFAULT_SCENARIO}" in page.locator(".v-app-bar").inner_text()
    assert page.get_by_text("How this market works").is_visible()
    page.locator(".katex").first.wait_for()                        # formulas typeset offline (KaTeX)
    headings = panel_headings(dashboard)
    for expected in ("Price ticker", "Welfare vs exact optimum", "Revenue and money supply",
                     "Wealth distribution", "Latest ledger entries", "Trade network"):
        assert any(h.startswith(expected) for h in headings), (expected, headings)
    dashboard.step()
    page.wait_for_function("() => Array.from(document.querySelectorAll('.catallaxy-panel canvas.marks')).filter(c => c.width > 0).length >= 6")  # vega drew


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_scenario_steps_plays_pauses_and_resets(dashboard, scenario):
    page = dashboard.page
    if scenario != DEFAULT_SCENARIO:
        dashboard.choose("scenario", scenario)
        page.locator(".v-app-bar").filter(has_text=scenario).wait_for()
        dashboard.wait_for_step(0)
    ledger_before = page.locator(".catallaxy-panel table").inner_text()
    for _ in range(3):
        dashboard.step()
    assert dashboard.step_count() == 3
    assert page.locator(".catallaxy-panel table").inner_text() != ledger_before  # payments appeared
    assert page.locator(".catallaxy-panel.step-3").count() == page.locator(".catallaxy-panel").count()
    # The charts hold the new rows: the price ticker's view has one row per step and market.
    page.wait_for_function("""() => {
        const view = document.querySelector('.catallaxy-chart').catallaxyView;
        return view && view.data('prices').length > 0 && view.data('prices').every(row => row.step <= 3)
            && Math.max(...view.data('prices').map(row => row.step)) === 3;
    }""")

    dashboard.click("▶")
    page.wait_for_function("() => document.querySelector('.catallaxy-step').innerText !== 'Step 3'")
    time.sleep(0.3)                       # Play starts a step every 100 ms
    dashboard.click("❚❚")
    paused_at = settled_step(dashboard)   # a step already under way, or a redraw queued, may still land
    time.sleep(0.5)                       # five Play intervals: nothing more may land
    assert dashboard.step_count() == paused_at > 3

    dashboard.click("Reset")
    dashboard.wait_for_step(0)
    dashboard.step()
    assert dashboard.step_count() == 1


def test_out_of_bounds_value_shows_the_message_and_the_app_keeps_working(dashboard):
    dashboard.step()
    dashboard.type_into("bidders", "1")
    problem = dashboard.page.locator(".catallaxy-problem")
    problem.wait_for()
    assert "bidders must be an integer between 2 and 100000; got '1'" in problem.inner_text()
    assert dashboard.step_count() == 1     # the running model was kept
    dashboard.step()
    assert dashboard.step_count() == 2
    dashboard.type_into("bidders", "6")    # a good value clears the message and rebuilds
    dashboard.wait_for_step(0)
    problem.wait_for(state="detached")


def test_two_pages_do_not_share_a_model(server, browser):
    first, second = Dashboard(browser, server), Dashboard(browser, server)
    for _ in range(3):
        first.step()
    assert second.step_count() == 0
    second.step()
    assert (first.step_count(), second.step_count()) == (3, 1)
    for board in (first, second):
        assert board.errors == []
        board.page.close()
