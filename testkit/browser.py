"""Drive the real dashboard: start `solara run app.py` on a free loopback port and
open it in Debian's headless Chromium through Playwright (never `playwright install`).

Shared by the end-to-end tests and the dashboard benchmark.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def dashboard_server(timeout: float = 90, env: dict | None = None, root: Path | None = None):
    """Run the dashboard in a subprocess (with ``env`` added to its environment; from ``root``, another
    copy of the project, when given); yield its URL; stop it by PID afterwards."""
    root = root or ROOT
    port = free_port()
    log = open(ROOT / f".solara-{port}.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "solara", "run", "app.py", "--host", "127.0.0.1", "--port", str(port),
         "--no-open", "--production"],
        cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"solara exited with {server.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"no HTTP 200 from {url} in {timeout} s")
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        Path(log.name).unlink(missing_ok=True)


@contextmanager
def chromium():
    """A headless Debian Chromium under Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


class Dashboard:
    """One browser page on the dashboard, recording page errors and off-machine requests."""

    def __init__(self, browser, url: str, init_script: str | None = None):
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        if init_script:   # run in the page before its own scripts (benchmarks.dashboard --profile)
            self.page.add_init_script(init_script)
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.on("request", lambda r: None if r.url.startswith(LOOPBACK) else self.outside.append(r.url))
        self.page.goto(url)
        self.wait_for_step(0, timeout=60_000)

    def step_count(self) -> int:
        return int(self.page.locator(".catallaxy-step").inner_text().split()[-1])

    def wait_for_step(self, n: int, timeout: float = 30_000) -> None:
        """Wait until the counter shows step n and every panel has been redrawn for it."""
        self.page.wait_for_function(
            """n => {
                const c = document.querySelector('.catallaxy-step');
                const panels = document.querySelectorAll('.catallaxy-panel');
                return c && c.innerText.trim() === 'Step ' + n && panels.length > 0 &&
                    document.querySelectorAll('.catallaxy-panel.step-' + n).length === panels.length;
            }""",
            arg=n, timeout=timeout,
        )

    def click(self, label: str) -> None:
        self.page.get_by_role("button", name=label, exact=True).click()

    def step(self) -> float:
        """Click Step; return the round trip in seconds (click -> every panel redrawn)."""
        return self.timed_step()[0]

    #: Armed before a click: records when the page receives the click (a capturing listener)
    #: and the first animation frame in which the counter and every panel show step ``n``
    #: (checked every frame), both by the page's own clock.
    ARM_SEEN = """n => {
        window.catallaxySeen = null;
        let clicked = null;
        document.addEventListener('click', () => { clicked = performance.now(); }, {capture: true, once: true});
        const shown = () => {
            const c = document.querySelector('.catallaxy-step');
            const panels = document.querySelectorAll('.catallaxy-panel');
            return c && c.innerText.trim() === 'Step ' + n && panels.length > 0 &&
                document.querySelectorAll('.catallaxy-panel.step-' + n).length === panels.length;
        };
        const frame = now => {
            if (clicked !== null && shown()) { window.catallaxySeen = (now - clicked) / 1e3; }
            else { requestAnimationFrame(frame); }
        };
        requestAnimationFrame(frame);
    }"""

    def timed_step(self) -> tuple[float, float]:
        """Click Step; return (the round trip as this harness sees it: Playwright's click, with
        its checks that the button is visible and still, until its poll sees every panel
        redrawn; the same as the page sees it: from the click event until the first animation
        frame that shows the new step everywhere), in seconds."""
        target = self.step_count() + 1
        self.page.evaluate(self.ARM_SEEN, target)
        start = time.perf_counter()
        self.click("Step")
        self.wait_for_step(target)
        harness = time.perf_counter() - start
        self.page.wait_for_function("() => window.catallaxySeen !== null", timeout=10_000)
        return harness, self.page.evaluate("() => window.catallaxySeen")

    def choose(self, label: str, option: str) -> None:
        """Pick ``option`` in the select labelled ``label``."""
        self.page.locator(".v-select").filter(has_text=label).first.click()
        self.page.locator(".v-menu__content .v-list-item").filter(has_text=option).first.click()

    def type_into(self, label: str, text: str) -> None:
        field = self.page.get_by_label(label, exact=True)
        field.fill(text)
        field.press("Enter")


class Page:
    """A page in a browser context of its own (its own cookies: a separate student's browser),
    recording page errors, off-machine requests and every websocket frame it receives."""

    def __init__(self, browser, url: str, viewport=(1200, 900)):
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.received: list[str] = []
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.on("request", lambda r: None if r.url.startswith(LOOPBACK) else self.outside.append(r.url))
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        self.page.goto(url)

    def _frame(self, payload) -> None:
        self.received.append(payload if isinstance(payload, str) else bytes(payload).decode("utf-8", "replace"))

    def click(self, label: str) -> None:
        self.page.get_by_role("button", name=label, exact=True).click()

    def fill(self, label: str, text: str) -> None:
        self.page.get_by_label(label, exact=True).fill(text)

    def text(self, selector: str) -> str:
        return self.page.locator(selector).first.inner_text()

    def close(self) -> None:
        self.context.close()
