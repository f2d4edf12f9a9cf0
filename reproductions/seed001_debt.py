"""Seed 001's claim about debt trading, measured on the ``debt-tokens`` scenario: trading off
vs a procurement auction vs a double auction, across interest rates, paired seeds.

Per run (300 steps): mean outstanding debt (principal hours), crises started, total hours
spent on cleanup (servicing, paydown and crisis work), features shipped, and the share of
debt specialists held. Per interest rate and mechanism: mean and 95% interval; Welch's t-test
of each trading mechanism against trading off.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.runner import write_table
from experiments.stats import mean_ci, welch_p
from reproductions.output import save_figure

INTEREST = (0.01, 0.03, 0.05, 0.1)
TRADING = ("off", "auction", "cda")
STEPS = 300
METRICS = {"debt": "mean outstanding debt (hours)", "crises": "crises started",
           "cleanup": "hours spent on cleanup", "output": "features shipped"}


def debt_trading(out_dir: Path, seed: int = 0, trials: int = 20, workers: int = 1, interest=INTEREST,
                 steps: int = STEPS, progress: bool = False) -> list[Path]:
    """Run the comparison; write seed001-debt-runs.csv, seed001-debt.csv and seed001-debt.png."""
    from scenarios.registry import get_scenario
    from experiments.sweeps import sweep

    features = get_scenario("debt-tokens").defaults()["features"]
    table = sweep("debt-tokens", {"interest": list(interest), "mechanism": list(TRADING)}, seeds=trials, steps=steps,
                  base_seed=seed, workers=workers, progress=progress, paired=("mechanism",))
    if (table.status != "ok").any():
        raise RuntimeError(f"a debt-tokens run failed: {table.error[table.status != 'ok'].iloc[0]}")
    runs = pd.DataFrame({
        "interest": table.interest, "trading": table.mechanism, "seed": table.seed,
        "debt": table["mean:debt_outstanding"], "crises": table["final:crises"],
        "cleanup": table["mean:cleanup_hours"] * steps, "output": table["mean:productivity"] * steps * features,
        "specialist_share": table["mean:specialist_share"],
    })
    rows = []
    for (rate, trading), group in runs.groupby(["interest", "trading"], sort=False):
        baseline = runs[(runs.interest == rate) & (runs.trading == "off")]
        for metric in METRICS:
            mean, low, high = mean_ci(group[metric])
            p = welch_p(group[metric], baseline[metric]) if trading != "off" else np.nan
            rows.append({"interest": rate, "trading": trading, "metric": metric, "mean": mean, "ci_low": low,
                         "ci_high": high, "welch_p_vs_off": p})
    summary = pd.DataFrame(rows)
    out_dir = Path(out_dir)
    paths = [write_table(runs, out_dir / "seed001-debt-runs.csv"), write_table(summary, out_dir / "seed001-debt.csv")]
    return [save_figure(plot(summary, trials), out_dir / "seed001-debt.png"), *paths]


def plot(summary: pd.DataFrame, trials: int):
    """Seed 001's Market 4 figure: each metric against the interest rate, one line per trading mechanism (95%
    CI)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(14, 4), dpi=110)
    for axes, (metric, label) in zip(figure.subplots(1, len(METRICS)), METRICS.items()):
        for trading, marker in zip(TRADING, "os^"):
            rows = summary[(summary.metric == metric) & (summary.trading == trading)]
            axes.errorbar(rows.interest, rows["mean"], yerr=[rows["mean"] - rows.ci_low, rows.ci_high - rows["mean"]],
                          marker=marker, capsize=3, label=f"trading {trading}")
        axes.set_xlabel("interest per step")
        axes.set_title(label, fontsize=10)
        axes.grid(alpha=0.3)
    figure.axes[0].legend(fontsize=8)
    figure.suptitle(f"Seed 001, Market 4: technical debt with and without trading ({trials} paired seeds, 95% CI)",
                    fontsize=10)
    figure.tight_layout()
    return figure


REPRODUCTIONS = {"seed001-debt-trading": debt_trading}
