"""ModelRunner: steps one dashboard page's model in a worker thread, so that the page stays
responsive, a failing step leaves the page and its last good state, a long step says so and can
be stopped, and the page's work ends when the page does.

* A step runs in a thread of its own; the page shows the state of ``good_steps`` (the last
  step that completed) until the next one completes.
* An exception in a step stops Play and is kept as ``error``; the model is not stepped again
  (a step that failed half-way leaves it inconsistent): the page offers Reset.
* ``interrupt()`` stops a running step at its next Python instruction (an asynchronous
  exception raised in the worker thread; a step inside one long C call stops when it returns).
  The model is then as inconsistent as after a failure, and is treated the same way.
* ``close()`` (the page closed) stops Play and interrupts a running step; Play also stops by
  itself when ``connected()`` says the page has no open connection.
"""

import ctypes
import threading
import time
import traceback
from collections.abc import Callable


class StepInterrupted(Exception):
    """Raised inside a step that the person (or the page closing) stopped."""


#: A step that has run this long shows that it runs, with a Stop button.
SLOW_STEP = 1.0
#: A single Step runs in the click's own thread when the last one took less than this (no thread
#: hop for the quick steps of small models; a first step, or a slow model's, runs in the background).
INLINE_STEP = 0.25


class ModelRunner:
    """Runs one model's steps off the page's thread.

    Args:
        model: the model to step.
        on_change: called (from the worker thread) after anything the page shows changed.
        connected: whether the page is still open; Play stops when it is not.
    """

    def __init__(self, model, on_change: Callable[[], None] = lambda: None,
                 connected: Callable[[], bool] = lambda: True):
        self.model = model
        self.on_change, self.connected = on_change, connected
        self.good_steps = model.steps
        self.error: str | None = None
        self.playing = False
        self.last_seconds: float | None = None
        self.started: float | None = None     # when the running step began (None: no step running)
        self._lock = threading.Lock()
        self._shown = threading.Event()
        self._worker: threading.Thread | None = None
        self._closed = False
        self._active = False

    @property
    def busy(self) -> bool:
        """A step or Play is under way (cleared before the last report, so the page sees it)."""
        return self._active

    @property
    def failed(self) -> bool:
        return self.error is not None

    def running_for(self) -> float:
        return 0.0 if self.started is None else time.monotonic() - self.started

    def step(self) -> None:
        """One step (ignored while one runs, after a failure or when closed): in the background,
        unless the last step was quick."""
        if self.last_seconds is not None and self.last_seconds < INLINE_STEP:
            with self._lock:
                if self.busy or self.failed or self._closed:
                    return
                self._active = True
            self._run(0.0)
        else:
            self._start(play=False, interval=0.0)

    def play(self, interval: float) -> None:
        """Step until paused: a step starts every ``interval`` seconds, or, when a step and its
        page take longer than that, as soon as the page has been sent the last one (the page
        always keeps up). The interval is a period, not a pause after each step: Play at
        100 ms means ten steps a second whenever the machine can do them."""
        self._start(play=True, interval=interval)

    def pause(self) -> None:
        """Stop Play after the running step."""
        self.playing = False
        self.on_change()

    def interrupt(self) -> None:
        """Stop the running step now (the model is then kept as it was last shown)."""
        self.playing = False
        with self._lock:
            worker = self._worker
        if worker is not None and worker.is_alive() and self.started is not None:   # only a step, not Play's pause
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(StepInterrupted))

    def shown(self) -> None:
        """The page has drawn the last completed step (Play waits for it before the next one, so
        that the page keeps up and its updates are sent between steps)."""
        self._shown.set()

    def close(self) -> None:
        """The page closed: nothing more runs for it."""
        self._closed = True
        self.interrupt()

    def _start(self, play: bool, interval: float) -> None:
        with self._lock:
            if self.busy or self.failed or self._closed:
                return
            self.playing, self._active = play, True
            self._worker = threading.Thread(target=self._run, args=(interval,), daemon=True, name="model-step")
            self._worker.start()
        self.on_change()

    def _run(self, interval: float) -> None:
        try:
            while True:
                self.started = begun = time.monotonic()
                slow = threading.Timer(SLOW_STEP + 0.05, self.on_change)   # a long step says so
                slow.daemon = True
                slow.start()
                try:
                    self.model.step()
                finally:
                    slow.cancel()
                self.last_seconds, self.started = time.monotonic() - self.started, None
                self.good_steps = self.model.steps
                if not (self.playing and not self._closed and self.model.running and self.connected()):
                    break   # the report below tells the page
                self._shown.clear()
                self.on_change()
                self._shown.wait(timeout=10.0)
                time.sleep(max(0.0, interval - (time.monotonic() - begun)))
        except StepInterrupted:
            if self.started is None:   # it landed between two steps: the model is whole
                return
            self.error = (f"step {self.good_steps + 1} was stopped after {self.running_for():.1f} s; "
                          f"the page shows step {self.good_steps}, the last complete one")
        except Exception as err:  # noqa: BLE001 - any failure of a scenario's step is shown, not raised
            traceback.print_exc()
            self.error = (f"step {self.good_steps + 1} failed: {type(err).__name__}: {err}. The page shows step "
                          f"{self.good_steps}, the last good state")
        finally:
            self.playing, self.started, self._active = False, None, False
            if not self._closed:
                try:
                    self.on_change()
                except Exception:  # noqa: BLE001 - a page that went away cannot be told
                    traceback.print_exc()
