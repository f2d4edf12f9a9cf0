"""Sweeps: grids, seeds, determinism across workers, fault isolation, resume, a real cluster."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from testkit.browser import free_port
from model.params import Param, ParameterError
from scenarios import registry
from experiments.grid import parse_grid, run_seed
from scenarios.sealed_bid import SealedBidModel
from experiments.summary import summarize_sweep
from experiments.sweeps import plan, sweep

BIN = Path(sys.executable).parent
PARAMS = SealedBidModel.params


def same_results(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.drop(columns="seconds").reset_index(drop=True),
                                  b.drop(columns="seconds").reset_index(drop=True))


def test_grid_lists_and_ranges():
    grid = parse_grid(PARAMS, ["bidders=2:8:4", "rule=first,second", "shading=0.1:0.5:3"], "sealed-bid")
    assert grid == {"bidders": [2, 4, 6, 8], "rule": ["first", "second"], "shading": [0.1, 0.3, 0.5]}


@pytest.mark.parametrize("spec, message", [
    ("bidder=2", "unknown parameter 'bidder'"),
    ("bidders=1,4", "bidders must be an integer between 2 and 100000; got '1'"),
    ("shading=0:1", "start:stop:count"),
    ("shading=0:1:x", "start:stop:count"),
    ("shading=0.1,,0.2", "empty value"),
    ("bidders=2:3:4", "bidders must be an integer"),
    ("rule", "expected NAME=VALUE"),
])
def test_bad_grids_are_refused_before_anything_runs(spec, message):
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_grid(PARAMS, [spec], "sealed-bid")


def test_a_runs_seed_does_not_depend_on_the_rest_of_the_grid():
    small = plan("sealed-bid", {"bidders": [4]}, seeds=3, steps=5)
    large = plan("sealed-bid", {"bidders": [2, 4, 8]}, seeds=3, steps=5)
    assert [r.seed for r in small] == [r.seed for r in large if r.point == {"bidders": 4}]
    assert len({r.seed for r in large}) == 9
    assert run_seed(1, {"bidders": 4}, 0) != run_seed(0, {"bidders": 4}, 0)


def test_paired_parameters_share_seeds():
    runs = plan("sealed-bid", {"bidders": [3, 4], "rule": ["first", "second"]}, seeds=2, steps=5, paired=("rule",))
    seeds = {(r.point["bidders"], r.point["rule"], r.replicate): r.seed for r in runs}
    assert seeds[(3, "first", 0)] == seeds[(3, "second", 0)] != seeds[(4, "first", 0)]
    assert seeds[(3, "first", 0)] != seeds[(3, "first", 1)]
    with pytest.raises(ParameterError, match="--paired names strategy"):
        plan("sealed-bid", {"rule": ["first"]}, seeds=1, steps=5, paired=("strategy",))


def test_same_results_serial_and_on_two_workers(tmp_path):
    grid = {"bidders": [2, 5], "rule": ["first", "second"]}
    serial = sweep("sealed-bid", grid, seeds=3, steps=100)
    parallel = sweep("sealed-bid", grid, seeds=3, steps=100, workers=2, out=tmp_path / "p.parquet")
    same_results(serial, parallel)
    assert serial.run_id.tolist() == list(range(12)) and (serial.status == "ok").all()


class FlakyModel(SealedBidModel):
    """A sealed-bid model that breaks at a chosen step (to test fault isolation)."""

    name = "flaky"
    params = (*SealedBidModel.params, Param("fail_at", 0, "step that raises (0: never)", low=0, high=100))

    def environment(self):
        if self.steps == self.scenario.fail_at:
            raise RuntimeError(f"broke at step {self.steps}")
        super().environment()


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(monkeypatch, tmp_path):
    monkeypatch.setitem(registry.SCENARIOS, "flaky", FlakyModel)
    table = sweep("flaky", {"fail_at": [0, 3]}, seeds=2, steps=10, out=tmp_path / "f.parquet")
    assert table.status.tolist() == ["ok", "ok", "error", "error"]
    assert table.error.iloc[2] == "RuntimeError: broke at step 3"
    assert table["mean:revenue"].iloc[:2].notna().all()


def test_summary_mean_and_interval():
    table = sweep("sealed-bid", {"rule": ["first"], "strategy": ["bne"]}, seeds=8, steps=400)
    row = summarize_sweep(table, ["rule"], ["mean:revenue"]).iloc[0]
    assert row.runs == 8 and row.ci_low < 0.6 < row.ci_high   # (n-1)/(n+1) for 4 bidders


def sweep_cli(out, *extra):
    return [str(BIN / "catallaxy"), "sweep", "sealed-bid", "--grid", "bidders=2,3,4,5", "--grid",
            "rule=first,second", "--seeds", "10", "--steps", "400", "--out", str(out), *extra]


def test_resume_after_a_kill_finishes_every_run_exactly_once(tmp_path):
    out = tmp_path / "s.parquet"
    parts = tmp_path / ".s.parquet.parts"
    victim = subprocess.Popen(sweep_cli(out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(parts.glob("part-*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert victim.poll() is None                                      # still running: a kill mid-sweep
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert not out.exists() and list(parts.glob("part-*.parquet"))   # killed mid-sweep
    resumed = subprocess.run(sweep_cli(out, "--resume"), capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    table = pd.read_parquet(out)
    assert table.run_id.tolist() == list(range(80))                   # all there, none twice
    reference = sweep("sealed-bid", {"bidders": [2, 3, 4, 5], "rule": ["first", "second"]}, seeds=10, steps=400)
    same_results(reference, table)
    assert not parts.exists()


def test_resume_refuses_a_different_sweep(tmp_path):
    out = tmp_path / "s.parquet"
    sweep("sealed-bid", {"bidders": [2]}, seeds=2, steps=5, out=out)
    with pytest.raises(ParameterError, match="different sweep"):
        sweep("sealed-bid", {"bidders": [3]}, seeds=2, steps=5, out=out, resume=True)
    again = sweep("sealed-bid", {"bidders": [2]}, seeds=2, steps=5, out=out, resume=True)
    assert again.run_id.tolist() == [0, 1]


def test_a_real_cluster_survives_losing_a_worker(tmp_path):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)]
    time.sleep(2)
    for _ in range(2):
        procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-nanny",
                                       "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      env=env))
    try:
        grid = {"bidders": [3, 4], "rule": ["first", "second"]}
        out = tmp_path / "c.parquet"
        sweeper = subprocess.Popen(
            [str(BIN / "catallaxy"), "sweep", "sealed-bid", "--grid", "bidders=3,4", "--grid", "rule=first,second",
             "--seeds", "10", "--steps", "1000", "--out", str(out), "--scheduler", address],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        parts, deadline = tmp_path / ".c.parquet.parts", time.monotonic() + 60
        while not list(parts.glob("part-*.parquet")):                  # runs are being stored
            assert time.monotonic() < deadline and sweeper.poll() is None, "the sweep never stored a run"
            time.sleep(0.05)
        procs[1].send_signal(signal.SIGKILL)                           # one worker dies mid-sweep
        assert sweeper.poll() is None
        stdout, stderr = sweeper.communicate(timeout=300)
        assert sweeper.returncode == 0, stderr
        table = pd.read_parquet(out)
        assert table.run_id.tolist() == list(range(40))
        same_results(sweep("sealed-bid", grid, seeds=10, steps=1000), table)
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def test_per_step_rows_go_to_a_companion_file(tmp_path):
    out = tmp_path / "p.parquet"
    table = sweep("efficiency", {"agents": [10, 30]}, seeds=2, steps=7, out=out, per_step=True)
    steps = pd.read_parquet(tmp_path / "p.steps.parquet")
    assert len(table) == 4 and len(steps) == 4 * 7
    assert sorted(steps.groupby("run_id").step.max().tolist()) == [7, 7, 7, 7]
    mean_welfare = steps.groupby("run_id").welfare.mean().sort_index()
    assert mean_welfare.tolist() == pytest.approx(table.set_index("run_id")["mean:welfare"].tolist())


def test_cli_sweep_exit_codes(tmp_path):
    out = subprocess.run([str(BIN / "catallaxy"), "sweep", "sealed-bid", "--grid", "bidders=2,3", "--out",
                          str(tmp_path / "ok.parquet"), "--steps", "5"], capture_output=True, text=True)
    assert out.returncode == 0 and "2 runs, 0 failed" in out.stdout
    bad = subprocess.run([str(BIN / "catallaxy"), "sweep", "sealed-bid", "--grid", "bidders=2:9:x", "--out",
                          str(tmp_path / "bad.parquet")], capture_output=True, text=True)
    assert bad.returncode == 2 and "start:stop:count" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_summarize(tmp_path):
    table = tmp_path / "s.parquet"
    sweep("sealed-bid", {"bidders": [2, 3]}, seeds=4, steps=20, out=table)
    out = subprocess.run([str(BIN / "catallaxy"), "summarize", str(table), "--by", "bidders", "--metrics",
                          "mean:revenue", "--out", str(tmp_path / "summary.csv")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert summary.bidders.tolist() == [2, 3] and summary.runs.tolist() == [4, 4]
    expected = pd.read_parquet(table).groupby("bidders")["mean:revenue"].mean()
    assert summary["mean"].tolist() == pytest.approx(expected.tolist())
    assert (summary.ci_low < summary["mean"]).all() and (summary["mean"] < summary.ci_high).all()
    bad = subprocess.run([str(BIN / "catallaxy"), "summarize", str(table), "--by", "bidder"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "--by names bidder" in bad.stderr and "Traceback" not in bad.stderr


def pandas_summary(frame: pd.DataFrame) -> dict:
    """The reference run_summary must equal: pandas' own last row and mean."""
    numeric = frame.drop(columns="step").select_dtypes("number")
    return {**{f"final:{c}": float(v) for c, v in numeric.iloc[-1].items()},
            **{f"mean:{c}": float(v) for c, v in numeric.mean().items()}}


def test_run_summary_equals_pandas_bit_for_bit():
    import numpy as np

    from experiments.runner import run
    from experiments.sweeps import run_summary

    rng = np.random.default_rng(0)
    odd = pd.DataFrame({"step": range(1, 8), "x": rng.normal(size=7) * 1e6, "gap": [np.nan, 1.5, np.nan, 2.0, 0.1, 0.2, 1 / 3],
                        "empty": np.nan, "count": rng.integers(0, 2**40, size=7), "flag": [True, False] * 3 + [True],
                        "label": list("abcdefg")})
    nullable = pd.DataFrame({"step": range(1, 5), "n": pd.array([1, None, 3, 5], dtype="Int64")})
    frames = [odd, nullable] + [run(name, steps=30, seed=3) for name in ("sealed-bid", "resource-trading", "task-auction")]
    for frame in frames:
        got, want = run_summary(frame), pandas_summary(frame)
        assert list(got) == list(want)                              # the same columns, in the same order
        assert np.array_equal(np.array(list(got.values())), np.array(list(want.values())), equal_nan=True)
        assert all(np.float64(got[k]).tobytes() == np.float64(want[k]).tobytes() for k in got if want[k] == want[k])


def test_ctrl_c_stops_a_local_cluster_sweep_with_one_line_and_keeps_its_runs(tmp_path):
    # Ctrl-C in a terminal signals the whole process group: the CLI, and (before the workers
    # were started with SIGINT ignored) every nanny and worker, each with its own traceback.
    out = tmp_path / "s.parquet"
    sweeper = subprocess.Popen(
        [str(BIN / "catallaxy"), "sweep", "sealed-bid", "--grid", "bidders=2,4", "--seeds", "200", "--steps", "2000",
         "--workers", "2", "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    parts = tmp_path / ".s.parquet.parts"
    deadline = time.monotonic() + 60
    while not (parts.exists() and len(list(parts.glob("part-*.parquet"))) >= 1):   # some runs stored
        assert time.monotonic() < deadline and sweeper.poll() is None, "the sweep never stored a run"
        time.sleep(0.2)
    os.killpg(sweeper.pid, signal.SIGINT)
    _, err = sweeper.communicate(timeout=60)
    assert sweeper.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "interrupted" in err
    finished = pd.read_parquet(list(parts.glob("part-*.parquet")))
    assert len(finished) >= 1 and finished.run_id.is_unique           # what finished is kept for --resume
