"""ModelRunner without a browser: a failing step keeps the last good state and stops Play, a
long step can be stopped, and closing the page ends its work (issue 22, item 3)."""

import time

from dashboard.runner import ModelRunner
from tests.dashboard.faulty_scenario import FaultyModel


def wait_until(condition, timeout=10.0):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_a_failing_step_keeps_the_last_good_state_and_stops_play():
    reports = []
    model = FaultyModel(rng=0, fail_at=4)
    runner = ModelRunner(model, on_change=lambda: (reports.append(runner.good_steps), runner.shown()))
    runner.step()
    wait_until(lambda: not runner.busy)
    assert runner.good_steps == 1 and runner.error is None
    runner.play(0.0)
    wait_until(lambda: not runner.busy)
    assert runner.failed and not runner.playing
    assert runner.good_steps == 3                      # steps 2 and 3 completed, step 4 raised
    assert "step 4 failed: ZeroDivisionError" in runner.error and "step 3, the last good state" in runner.error
    rows = model.datacollector.get_model_vars_dataframe()
    assert rows.step.tolist() == [1, 2, 3]             # nothing of the failed step was recorded
    runner.step()                                      # refused after a failure: Reset builds anew
    assert not runner.busy and runner.good_steps == 3
    assert reports[-1] == 3


def test_a_long_step_says_so_and_can_be_stopped():
    runner = ModelRunner(FaultyModel(rng=0, seconds=30.0))
    runner.step()
    wait_until(lambda: runner.running_for() > 0.3)
    assert runner.busy and runner.good_steps == 0
    runner.interrupt()
    wait_until(lambda: not runner.busy, timeout=3.0)
    assert runner.good_steps == 0 and "step 1 was stopped" in runner.error


def test_closing_the_page_ends_play(tmp_path):
    beats = tmp_path / "beats"
    runner = ModelRunner(FaultyModel(rng=0, seconds=0.05, heartbeat=str(beats)), on_change=lambda: runner.shown())
    runner.play(0.0)
    wait_until(lambda: runner.good_steps >= 3)
    runner.close()
    wait_until(lambda: not runner.busy, timeout=3.0)
    count = len(beats.read_text().split())
    time.sleep(0.5)
    assert len(beats.read_text().split()) == count   # nothing runs for a closed page
    runner.step()
    assert not runner.busy


def test_play_stops_when_the_page_has_no_connection():
    connected = [True]
    runner = ModelRunner(FaultyModel(rng=0), on_change=lambda: runner.shown(), connected=lambda: connected[0])
    runner.play(0.01)
    wait_until(lambda: runner.good_steps >= 2)
    connected[0] = False
    wait_until(lambda: not runner.busy, timeout=3.0)
    assert runner.error is None and not runner.playing


def test_play_interval_is_a_period_not_a_pause_after_each_step(monkeypatch):
    # A fake clock: each step takes 0.03 s of it and the page is shown at once, so with
    # Play at 0.1 s the runner waits the remaining 0.07 s; a step slower than the interval
    # (0.15 s) is followed by no wait at all. Sleeps are recorded, not slept.
    import dashboard.runner as runner_module

    clock, sleeps, durations = [0.0], [], iter([0.03, 0.03, 0.15, 0.03])

    class FakeTime:
        monotonic = staticmethod(lambda: clock[0])

        @staticmethod
        def sleep(seconds):
            sleeps.append(round(seconds, 9))
            clock[0] += seconds

    class Timed(FaultyModel):
        def step(self):
            clock[0] += next(durations)
            super().step()
            self.running = self.steps < 4

    monkeypatch.setattr(runner_module, "time", FakeTime)
    runner = ModelRunner(Timed(rng=0), on_change=lambda: runner.shown())
    runner.play(0.1)
    wait_until(lambda: not runner.busy)
    assert runner.good_steps == 4 and runner.error is None
    assert sleeps == [0.07, 0.07, 0.0]          # after steps 1, 2 and 3; step 4 ends Play
