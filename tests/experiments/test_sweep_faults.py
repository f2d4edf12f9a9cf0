"""Sweeps that must lose nothing (issue 22): points with different columns, storage faults,
a parts folder without its manifest, a corrupt part file."""

import os

import pandas as pd
import pytest

from experiments.sweep_store import ResultStore
from experiments.sweeps import StorageError, sweep
from model.params import ParameterError


def test_a_per_step_sweep_over_bidders_merges_points_with_different_columns(tmp_path):
    # utility:3 exists only with 4 bidders: the merge takes the union of the columns. Before,
    # the per-step merge cast every part to the first part's schema and lost everything.
    out = tmp_path / "ps.parquet"
    store_flush = ResultStore.__init__.__defaults__
    ResultStore.__init__.__defaults__ = (0.0,)          # flush every add: one part file per run
    try:
        table = sweep("sealed-bid", {"bidders": [2, 4]}, seeds=3, steps=20, out=out, per_step=True)
    finally:
        ResultStore.__init__.__defaults__ = store_flush
    steps = pd.read_parquet(tmp_path / "ps.steps.parquet")
    assert len(table) == 6 and len(steps) == 6 * 20
    two = steps[steps.run_id.isin(table.run_id[table.bidders == 2])]
    four = steps[steps.run_id.isin(table.run_id[table.bidders == 4])]
    assert two["utility:3"].isna().all() and four["utility:3"].notna().all()
    assert not (tmp_path / ".ps.parquet.parts").exists() and not list(tmp_path.glob(".*.tmp"))


def test_a_failed_merge_keeps_the_parts_and_a_resume_finishes_it(tmp_path, monkeypatch):
    out = tmp_path / "s.parquet"
    import experiments.sweep_store as store

    real = store.pa.concat_tables

    def full_disk(*args, **kwargs):   # the merge runs out of space after every run is in its part file
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.pa, "concat_tables", full_disk)
    with pytest.raises(StorageError, match="No space left on device.*--resume"):
        sweep("sealed-bid", {"bidders": [2, 3]}, seeds=2, steps=5, out=out)
    parts = tmp_path / ".s.parquet.parts"
    assert list(parts.glob("part-*.parquet")) and not out.exists()
    monkeypatch.setattr(store.pa, "concat_tables", real)
    table = sweep("sealed-bid", {"bidders": [2, 3]}, seeds=2, steps=5, out=out, resume=True)
    assert table.run_id.tolist() == [0, 1, 2, 3] and not parts.exists()


def test_a_parts_folder_made_unwritable_mid_sweep_is_one_line_and_exit_3(tmp_path, monkeypatch, capsys):
    # Before: a 60-line PermissionError traceback and exit 1 (the code for "runs failed").
    import experiments.sweep_store as store
    from cli.main import main

    def refuse(source, target):
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr(store.os, "replace", refuse)
    code = main(["sweep", "sealed-bid", "--grid", "bidders=2,3", "--steps", "5", "--out", str(tmp_path / "s.parquet")])
    err = capsys.readouterr().err.strip()
    assert code == 3 and len(err.splitlines()) == 1
    assert "Permission denied" in err and ".s.parquet.parts" in err and "--resume" in err


def test_a_parts_folder_without_its_manifest_is_refused_clearly(tmp_path):
    out = tmp_path / "s.parquet"
    parts = tmp_path / ".s.parquet.parts"
    parts.mkdir()
    (parts / "part-1.parquet").write_bytes(b"")
    with pytest.raises(ParameterError, match="no manifest.json"):
        sweep("sealed-bid", {"bidders": [2]}, seeds=1, steps=5, out=out, resume=True)


def test_a_corrupt_part_is_named(tmp_path):
    out = tmp_path / "s.parquet"
    parts = tmp_path / ".s.parquet.parts"
    sweep("sealed-bid", {"bidders": [2]}, seeds=2, steps=5, out=out)
    os.replace(out, tmp_path / "kept.parquet")
    sweep_args = dict(seeds=2, steps=5, out=out)
    with pytest.raises(ParameterError, match="already has results|nothing to resume"):
        sweep("sealed-bid", {"bidders": [2]}, resume=True, **sweep_args)
    parts.mkdir(exist_ok=True)
    import json
    from experiments.sweep_store import _atomic_write_text
    manifest = {"scenario": "sealed-bid", "grid": {"bidders": [2]}, "seeds": 2, "steps": 5, "base_seed": 0,
                "per_step": False}
    _atomic_write_text(parts / "manifest.json", json.dumps(manifest, indent=1, default=str))
    (parts / "part-0-bad.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(ParameterError, match="part-0-bad.parquet"):
        sweep("sealed-bid", {"bidders": [2]}, resume=True, **sweep_args)
