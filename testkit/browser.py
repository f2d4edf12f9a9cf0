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
def dashboard_server(timeout: float = 90, env: dict | None = None):
    """Run the dashboard in a subprocess (with ``env`` added to its environment); yield its URL;
    stop it by PID afterwards."""
    port = free_port()
    log = open(ROOT / f".solara-{port}.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "solara", "run", "app.py", "--host", "127.0.0.1", "--port", str(port),
         "--no-open", "--production"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, **(env or {})},
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

    def __init__(self, browser, url: str):
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
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
        target = self.step_count() + 1
        start = time.perf_counter()
        self.click("Step")
        self.wait_for_step(target)
        return time.perf_counter() - start

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
