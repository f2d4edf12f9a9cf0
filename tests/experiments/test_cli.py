"""The catallaxy command, run in a subprocess as a user would."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from model.market import STANDARD_COLUMNS
from scenarios.registry import SCENARIOS

CATALLAXY = Path(sys.executable).parent / "catallaxy"


def cli(*args, cwd=None):
    return subprocess.run([str(CATALLAXY), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_list_prints_one_scenario_per_line():
    out = cli("list")
    assert out.returncode == 0
    names = [line.split()[0] for line in out.stdout.splitlines()]
    assert names == list(SCENARIOS) and {"sealed-bid", "efficiency", "task-auction", "combinatorial"} <= set(names)


def test_show_lists_parameters_with_their_ranges():
    out = cli("show", "sealed-bid")
    assert out.returncode == 0
    assert "an integer between 2 and 100000" in out.stdout


def test_issue_example_first_price_run(tmp_path):
    out_file = tmp_path / "runs" / "fp.csv"
    out = cli("run", "sealed-bid", "--steps", 20000, "--seed", 7, "--set", "bidders=4", "--set", "rule=first",
              "--set", "strategy=bne", "--out", out_file)
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(out_file)
    assert len(frame) == 20000 and tuple(frame.columns[:len(STANDARD_COLUMNS)]) == STANDARD_COLUMNS
    assert "price:item" in frame.columns
    assert abs(frame.revenue.mean() - 0.6) < 0.01     # (n-1)/(n+1) for n = 4
    assert "revenue" in out.stdout and "efficiency" in out.stdout  # the summary table


def test_parquet_output_and_byte_identical_reruns(tmp_path):
    for name in ("a", "b"):
        out = cli("run", "efficiency", "--seed", 1, "--steps", 30, "--out", tmp_path / f"{name}.parquet")
        assert out.returncode == 0, out.stderr
    frame = pd.read_parquet(tmp_path / "a.parquet")
    assert tuple(frame.columns[:len(STANDARD_COLUMNS)]) == STANDARD_COLUMNS and len(frame) == 30
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


def test_reproduce_writes_png_and_csv(tmp_path):
    out = cli("reproduce", "seed000-fig3", "--out", tmp_path, "--trials", 5)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "fig3.png").read_bytes()[:4] == b"\x89PNG"
    assert len(pd.read_csv(tmp_path / "fig3.csv")) == 10


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "sealed-bids"], "unknown scenario 'sealed-bids' (did you mean 'sealed-bid'?)"),
        (["run", "sealed-bid", "--set", "bidder=3"], "unknown parameter 'bidder'"),
        (["run", "sealed-bid", "--set", "bidders=1"], "bidders must be an integer between 2 and 100000"),
        (["run", "sealed-bid", "--set", "rule"], "expected NAME=VALUE"),
        (["run", "sealed-bid", "--steps", "x"], "invalid int value"),
        (["run", "sealed-bid", "--out", "runs/out.txt"], "must end in .csv or .parquet"),
        (["run", "sealed-bid", "--out", "a-file/out.csv"], "is a file, not a folder"),
        (["reproduce", "seed000-fig2", "--out", "a-file/figs"], "is a file, not a folder"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_errors_are_one_line_with_exit_code_2(tmp_path, args, message):
    (tmp_path / "a-file").write_text("not a folder")
    out = cli(*args, cwd=tmp_path)
    assert out.returncode == 2
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert not (tmp_path / "runs").exists()
