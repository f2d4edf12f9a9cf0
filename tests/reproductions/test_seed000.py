"""Seed 000's Figures 2 and 3, regenerated from the efficiency scenario."""

from reproductions.seed000_efficiency import figure2, figure3


def test_figures_are_written_and_deterministic(tmp_path):
    paths = figure2(tmp_path / "a", seed=5, trials=10) + figure3(tmp_path / "a", seed=5, trials=10)
    again = figure2(tmp_path / "b", seed=5, trials=10)
    assert all(p.stat().st_size > 0 for p in paths)
    assert (tmp_path / "a/fig2.csv").read_bytes() == (tmp_path / "b/fig2.csv").read_bytes()
    assert (tmp_path / "a/fig2.png").read_bytes() == (tmp_path / "b/fig2.png").read_bytes()
