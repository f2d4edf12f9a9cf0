"""Writing a reproduction's results: the table as CSV, the figure as PNG, both beside each other.

PNGs are saved without the matplotlib version in their metadata, so the same seed gives the
same bytes on every machine with the same matplotlib.
"""

import sys
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from experiments.runner import write_table


def save_figure(figure, path: Path) -> Path:
    """Save a matplotlib Figure as PNG at ``path`` (no software stamp in the metadata)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, metadata={"Software": None})
    return path


def save(out_dir: Path, stem: str, table: pd.DataFrame, figure) -> list[Path]:
    """``<out_dir>/<stem>.png`` and ``<out_dir>/<stem>.csv``; returns both paths, PNG first."""
    out_dir = Path(out_dir)
    csv = write_table(table, out_dir / f"{stem}.csv")
    return [save_figure(figure, out_dir / f"{stem}.png"), csv]


def bar(items, name: str, progress: bool):
    """``items`` with a tqdm bar on stderr when ``progress`` (the CLI turns it on for a terminal)."""
    return tqdm(items, desc=name, unit="point", disable=not progress, leave=False, file=sys.stderr)
