"""Seed 001's experiment "Central Planning vs Market", run on the ``task-auction`` scenario.

For each fleet size N one sweep runs three allocators over ``trials`` seeds: the market
(Vickrey procurement auctions), the coordinator (at most ``planner_capacity`` assignments
a step) and the omniscient yardstick (the exact assignment with true numbers each step).
The allocators share each seed (common random numbers): the same workers and the same
task arrivals. Arrivals scale with N (``arrival_rate`` per worker), and halfway through a
burst of ``N/2`` urgent tasks arrives. Per run:

* throughput: tasks delivered per step per worker (mean over the run);
* efficiency: the run's total surplus over the omniscient allocator's on the same seed;
* adaptability: steps until every urgent task was taken or expired (``adapt_steps``),
  with the share of urgent tasks served (``urgent_served``).

For each N and metric: mean, 95% Student-t interval and Welch's t-test of market vs
planner (scipy.stats.ttest_ind with equal_var=False).
"""

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.runner import write_table
from experiments.stats import mean_ci, welch_p
from reproductions.output import save_figure

FLEET_SIZES = (5, 10, 20, 50, 100, 200)
STEPS = 150
METRICS = {"throughput": "tasks delivered per step per worker", "efficiency": "welfare / omniscient allocator's",
           "urgent_served": "share of the urgent burst served",
           "adapt_steps": "steps until the burst is served or expired"}


def planning_vs_market(out_dir: Path, seed: int = 0, trials: int = 20, workers: int = 1,
                       fleet_sizes=FLEET_SIZES, steps: int = STEPS, progress: bool = False) -> list[Path]:
    """Run the experiment; write ``seed001-runs.csv`` (one row per run), ``seed001.csv``
    (mean, interval and Welch p-value per N and metric) and ``seed001.png``."""
    from experiments.sweeps import sweep  # Dask, tqdm and pyarrow load only when needed

    runs = []
    for n in fleet_sizes:
        grid = {"workers": [n], "mechanism": ["market", "planner", "omniscient"], "urgent_at": [steps // 2],
                "urgent_tasks": [max(1, n // 2)]}
        table = sweep("task-auction", grid, seeds=trials, steps=steps, base_seed=seed, workers=workers,
                      progress=progress, paired=("mechanism",))
        if (table.status != "ok").any():
            raise RuntimeError(f"a task-auction run failed: {table.error[table.status != 'ok'].iloc[0]}")
        yardstick = table[table.mechanism == "omniscient"].set_index("seed")["mean:welfare"]
        runs.append(pd.DataFrame({
            "workers": n, "mechanism": table.mechanism, "seed": table.seed,
            "throughput": table["mean:throughput"] / n,
            "efficiency": table["mean:welfare"] / table.seed.map(yardstick),
            "adapt_steps": table["final:adapt_steps"], "urgent_served": table["final:urgent_served"],
        }))
    runs = pd.concat(runs, ignore_index=True)
    summary = compare(runs)
    out_dir = Path(out_dir)
    paths = [write_table(runs, out_dir / "seed001-runs.csv"), write_table(summary, out_dir / "seed001.csv")]
    return [save_figure(plot(summary, trials), out_dir / "seed001.png"), *paths]


def compare(runs: pd.DataFrame) -> pd.DataFrame:
    """Per fleet size and metric: each allocator's mean and 95% interval, and Welch's p."""
    rows = []
    runs = runs[runs.mechanism != "omniscient"]
    for (n, metric), group in runs.melt(id_vars=["workers", "mechanism"], value_vars=list(METRICS),
                                        var_name="metric").groupby(["workers", "metric"], sort=True):
        market = group.value[group.mechanism == "market"].dropna()
        planner = group.value[group.mechanism == "planner"].dropna()
        row = {"workers": n, "metric": metric}
        for name, sample in (("market", market), ("planner", planner)):
            mean, low, high = mean_ci(sample) if len(sample) else (np.nan,) * 3
            row.update({f"{name}_mean": mean, f"{name}_ci_low": low, f"{name}_ci_high": high,
                        f"{name}_runs": len(sample)})
        p = welch_p(market, planner)
        row["welch_p"] = p
        row["better"] = _better(metric, row["market_mean"], row["planner_mean"], p)
        rows.append(row)
    return pd.DataFrame(rows)


def _better(metric: str, market: float, planner: float, p: float) -> str:
    """Which allocator is better at p < 0.05 (fewer steps is better for adapt_steps)."""
    if not p < 0.05:
        return "neither (p >= 0.05)"
    market_wins = market < planner if metric == "adapt_steps" else market > planner
    return "market" if market_wins else "planner"


def plot(summary: pd.DataFrame, trials: int):
    """Four panels against fleet size: throughput, efficiency, and adaptability (the share of
    the urgent burst served, and how long it took)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(14, 4), dpi=110)
    for axes, (metric, label) in zip(figure.subplots(1, 4), METRICS.items()):
        rows = summary[summary.metric == metric]
        for name, marker in (("market", "o"), ("planner", "s")):
            mean = rows[f"{name}_mean"]
            axes.errorbar(rows.workers, mean, yerr=[mean - rows[f"{name}_ci_low"], rows[f"{name}_ci_high"] - mean],
                          marker=marker, capsize=3, label=name)
        for n, p in zip(rows.workers, rows.welch_p):
            if p < 0.05:
                axes.annotate("*", (n, axes.get_ylim()[1]), ha="center", va="top")
        axes.set_xscale("log")
        axes.set_xlabel("workers N")
        axes.set_title(label, fontsize=10)
        axes.grid(alpha=0.3)
    figure.axes[0].legend()
    figure.suptitle(f"Seed 001: central planning vs market ({trials} seeds per point, 95% CI; * Welch p < 0.05)",
                    fontsize=10)
    figure.tight_layout()
    return figure


REPRODUCTIONS = {"seed001-planning-vs-market": planning_vs_market}
