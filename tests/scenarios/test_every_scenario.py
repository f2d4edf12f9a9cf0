"""What every registered scenario owes its users, checked for each one automatically (a new
scenario is covered the day it is registered):

* the same seed gives the same bytes, from the CLI, in two processes with different string
  hashing (PYTHONHASHSEED: set iteration order is the classic leak);
* the books add up: money_supply is the running sum of minted - burned, to the micro-credit;
* a sweep gives the same rows serially and on a two-worker Dask cluster.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.runner import run
from experiments.sweeps import sweep
from model.ledger import UNITS_PER_CREDIT
from model.market import STANDARD_COLUMNS
from scenarios.registry import SCENARIOS

CATALLAXY = Path(sys.executable).parent / "catallaxy"
STEPS = 8


def units(credits: pd.Series) -> np.ndarray:
    return np.rint(credits.to_numpy() * UNITS_PER_CREDIT).astype(np.int64)


def books_balance(frame: pd.DataFrame) -> bool:
    """money_supply[t] = sum over s <= t of minted[s] - burned[s] (set-up is counted in step 1)."""
    return bool((units(frame.money_supply) == np.cumsum(units(frame.minted) - units(frame.burned))).all())


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_reruns_are_byte_identical_across_processes(scenario, tmp_path):
    files = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"run-{hash_seed}.csv"
        done = subprocess.run([str(CATALLAXY), "run", scenario, "--steps", str(STEPS), "--seed", "3", "--out", str(out)],
                              capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert done.returncode == 0, done.stderr
        files.append(out.read_bytes())
    assert files[0] == files[1]
    frame = pd.read_csv(tmp_path / "run-1.csv")
    assert tuple(frame.columns[:len(STANDARD_COLUMNS)]) == STANDARD_COLUMNS
    assert books_balance(frame)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_books_balance_over_a_longer_run(scenario):
    frame = run(scenario, steps=40, seed=11)
    assert books_balance(frame)
    assert (frame.minted >= 0).all() and (frame.burned >= 0).all()


def test_the_books_check_can_fail():
    frame = pd.DataFrame({"money_supply": [10.0, 12.0], "minted": [10.0, 3.0], "burned": [0.0, 0.0]})
    assert not books_balance(frame)


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local.scheduler_address


def test_sweeps_match_serially_and_on_two_workers(cluster):
    for scenario in SCENARIOS:
        serial = sweep(scenario, {}, seeds=3, steps=4)
        parallel = sweep(scenario, {}, seeds=3, steps=4, scheduler=cluster)
        pd.testing.assert_frame_equal(serial.drop(columns="seconds"), parallel.drop(columns="seconds"),
                                      obj=scenario)
