"""A hostile new user at the command line (the probes of issues 13 and 22): every verb given
bad input answers with one line on stderr and exit code 2, before any work, leaving nothing
behind. Each case here once gave a traceback, a hang, a silent wrong answer or a stray file.

The cases call the CLI's ``main`` in this process (a subprocess per case cost ~2 s of start-up
each); ``tests/experiments/test_cli.py`` runs the installed command as a subprocess."""

import http.server
import threading

import pandas as pd
import pytest

from cli.main import main
from testkit.browser import free_port

CASES = [
    # run: combinations that pass each declaration and then broke, or would wrap the ledger
    (["run", "hayek-wide", "--set", "smiths=0", "--set", "makers=0", "--set", "generalists=0"],
     "makers + generalists must be at least 1"),
    (["run", "hayek-wide", "--set", "reward=1e6", "--set", "raw_per_miner=1e6", "--steps", "10"],
     "miners x raw_per_miner x reward (output paid by the world) can mint up to"),
    (["run", "resource-trading", "--set", "fiat_budget=1e12", "--set", "kappa=1e6"],
     "more than the ledger can hold"),
    (["run", "efficiency", "--set", "units=1", "--set", "max_demand=1000"], "max_demand (1000) cannot exceed units"),
    (["run", "debt-tokens", "--set", "hours=0.001", "--set", "feature_hours=1e6"], "nothing would ever be shipped"),
    (["run", "hayek-machine", "--set", "length=500"], "max_episode (100) is shorter than the shortest path"),
    (["run", "sealed-bid", "--seed", "-1"], "seed must be a whole number >= 0; got -1"),
    (["run", "sealed-bid", "--steps", "0"], "steps must be a whole number >= 1"),
    # sweep: size, repeats, conflicts, workers
    (["sweep", "sealed-bid", "--grid", "shading=0:1:1000000000", "--out", "s.parquet"], "at most 10,000 per parameter"),
    (["sweep", "sealed-bid", "--grid", "bidders=2,2,2", "--out", "s.parquet"], "names 2 twice"),
    (["sweep", "sealed-bid", "--grid", "bidders=2,3", "--set", "bidders=4", "--out", "s.parquet"],
     "bidders is given both by --grid and by --set"),
    (["sweep", "sealed-bid", "--seeds", "100000000", "--out", "s.parquet"], "confirm with --yes"),
    (["sweep", "sealed-bid", "--workers", "1000", "--out", "s.parquet"], "a LocalCluster takes at most"),
    (["sweep", "sealed-bid", "--scheduler", "tcp://no-such-host.invalid:8786", "--out", "s.parquet"],
     "cannot resolve the host"),
    (["sweep", "sealed-bid", "--scheduler", "tcp://127.0.0.1:1", "--out", "s.parquet"], "no Dask scheduler answered"),
    (["sweep", "sealed-bid", "--scheduler", "http//x", "--out", "s.parquet"], "must look like tcp://HOST:PORT"),
    (["sweep", "hayek-wide", "--grid", "smiths=0,1", "--set", "generalists=0", "--out", "s.parquet"],
     "smiths + generalists must be at least 1"),
    # summarize: files and columns it cannot use
    (["summarize", "rows.csv", "--by", "step"], "not a sweep's run table"),
    (["summarize", "sweep.csv", "--by", "bidders", "--metrics", "mean:nope"], "--metrics names mean:nope"),
    (["summarize", "sweep.csv", "--by", "bidders", "--metrics", "error"], "error is not"),
    (["summarize", "sweep.csv", "--by", ""], "--by needs at least one grid column"),
    (["summarize", "sweep.csv", "--by", "mean:revenue"], "--by takes grid columns, not metrics"),
    (["summarize", "nowhere.parquet", "--by", "bidders"], "no sweep file"),
    # reproduce
    (["reproduce", "seed000-fig2", "--out", "figs", "--seed", "-3"], "seed must be a whole number >= 0"),
    (["reproduce", "seed000-fig2", "--out", "figs", "--trials", "1"], "--trials must be at least 2"),
    (["show", "nope"], "unknown scenario 'nope'"),
]


@pytest.fixture
def workdir(tmp_path):
    pd.DataFrame({"step": [1, 2], "welfare": [0.5, 0.7]}).to_csv(tmp_path / "rows.csv", index=False)
    pd.DataFrame({"run_id": [0, 1], "bidders": [2, 3], "status": "ok", "error": "",
                  "mean:revenue": [0.3, 0.5]}).to_csv(tmp_path / "sweep.csv", index=False)
    return tmp_path


@pytest.mark.parametrize("args, message", CASES, ids=[" ".join(c[0][:2]) + f" #{i}" for i, c in enumerate(CASES)])
def test_bad_input_is_one_line_exit_2_and_nothing_written(workdir, monkeypatch, capsys, args, message):
    monkeypatch.chdir(workdir)
    before = set(workdir.iterdir())
    code = main(args)
    stderr = capsys.readouterr().err
    assert code == 2, stderr
    assert message in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert set(workdir.iterdir()) == before          # no output, no parts folder, no manifest


def test_a_server_that_is_not_a_scheduler_is_refused_in_seconds(workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), http.server.SimpleHTTPRequestHandler)
    server.daemon_threads = True     # a handler waiting on a client that never speaks HTTP must not block shutdown
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        code = main(["sweep", "sealed-bid", "--scheduler", f"tcp://127.0.0.1:{port}", "--out", "s.parquet"])
    finally:
        server.shutdown()
    stderr = capsys.readouterr().err
    assert code == 2 and "no Dask scheduler answered" in stderr, stderr
    assert not list(workdir.glob(".s.parquet*"))
