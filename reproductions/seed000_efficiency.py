"""Reproductions of seed 000's Figures 2 and 3 from the ``efficiency`` scenario.

Each point is the mean of ``trials`` random instances (one per step of a run of
the scenario) with a 95% Student-t confidence interval. Every run's seed is
derived from the base seed and the point's value with the sweeps' SeedSequence scheme
(:func:`experiments.grid.run_seed`),
so the figures are identical on every machine for the same seed.
"""

import math
from pathlib import Path

import pandas as pd

from experiments.grid import run_seed
from experiments.runner import run
from experiments.stats import mean_ci
from reproductions.output import bar, save

#: Contention levels n/m of Figure 2.
CONTENTION = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
#: Maximum shading fractions of Figure 3.
SHADING = tuple(round(0.1 * i, 1) for i in range(10))
#: Welfare share the (1 - 1/e, 1)-smoothness of first-price auctions guarantees
#: (Syrgkanis and Tardos, "Composable and efficient mechanisms", STOC 2013).
SMOOTHNESS_FLOOR = 1 - 1 / math.e


def _points(x_name: str, x: float, run_frame: pd.DataFrame, series: dict[str, str]) -> list[dict]:
    rows = []
    for label, column in series.items():
        mean, low, high = mean_ci(run_frame[column])
        rows.append({x_name: x, "allocator": label, "efficiency": mean, "ci_low": low,
                     "ci_high": high, "trials": int(run_frame[column].notna().sum())})
    return rows


def figure2(out_dir: Path, seed: int = 0, trials: int = 200, units: int = 20, progress: bool = False) -> list[Path]:
    """Efficiency of the market and the naive planner as contention n/m grows."""
    rows = []
    for level in bar(CONTENTION, "seed000-fig2", progress):
        agents = max(1, round(level * units))
        frame = run("efficiency", steps=trials, seed=run_seed(seed, {"contention": level}, 0), units=units,
                    agents=agents)
        for row in _points("contention", level, frame,
                           {"market": "efficiency", "naive planner": "naive_efficiency"}):
            rows.append({**row, "agents": agents, "units": units})
    table = pd.DataFrame(rows)
    figure = _plot(table, "contention", "contention n/m (agents per unit of supply)",
                   f"Seed 000, Figure 2: efficiency vs contention (m = {units}, {trials} instances/point)")
    return save(out_dir, "fig2", table, figure)


def figure3(out_dir: Path, seed: int = 0, trials: int = 200, units: int = 20,
            contention: float = 2.0, progress: bool = False) -> list[Path]:
    """Welfare ratio of the market when bidders shade, against the smoothness floor."""
    rows = []
    agents = max(1, round(contention * units))
    for shading in bar(SHADING, "seed000-fig3", progress):
        frame = run("efficiency", steps=trials, seed=run_seed(seed, {"shading": shading}, 0), units=units,
                    agents=agents, strategy="shade", shading=shading)
        rows += _points("shading", shading, frame, {"market": "efficiency"})
    table = pd.DataFrame(rows)
    figure = _plot(table, "shading", "maximum shading: agent i bids (1 - alpha_i) x value, alpha_i ~ U[0, s]",
                   f"Seed 000, Figure 3: welfare under shading (n/m = {contention:g}, {trials} instances/point)")
    axes = figure.axes[0]
    axes.axhline(SMOOTHNESS_FLOOR, color="grey", linestyle="--", label="smoothness floor 1 - 1/e")
    axes.legend(loc="lower left")
    return save(out_dir, "fig3", table, figure)


def _plot(table: pd.DataFrame, x: str, xlabel: str, title: str):
    """An errorbar chart (a matplotlib Figure) of efficiency per allocator."""
    from matplotlib.figure import Figure  # imported on use, like scipy above

    figure = Figure(figsize=(7, 4.5), dpi=120)
    axes = figure.add_subplot()
    for label, group in table.groupby("allocator", sort=False):
        axes.errorbar(group[x], group["efficiency"],
                      yerr=[group["efficiency"] - group["ci_low"], group["ci_high"] - group["efficiency"]],
                      marker="o", capsize=3, label=label)
    axes.set_xlabel(xlabel)
    axes.set_ylabel("welfare / exact optimum")
    axes.set_ylim(0, 1.05)
    axes.set_title(title, fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower left")
    figure.tight_layout()
    return figure


REPRODUCTIONS = {"seed000-fig2": figure2, "seed000-fig3": figure3}
