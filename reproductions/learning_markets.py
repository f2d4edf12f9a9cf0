"""What learning participants do in the project's own markets (issue 15), with seeds and
intervals:

* ``learning-bne``: Hedge bidders (full information: the highest competing bid disclosed)
  with values i.i.d. U[0, 1] in a first-price auction, against the Bayes-Nash bid
  (n - 1)/n x v (Krishna, *Auction Theory*, 2010, sec. 2.3). No-regret learners with full
  feedback are expected to approach it in first-price auctions.
* ``task-auction-collusion``: workers learning their markups (Q-learning) in the task market
  under first and second price, against truthful asks on the same seeds: do learning sellers
  push procurement prices above the competitive level? (The pricing analogue is Calvano et
  al., "Artificial intelligence, algorithmic pricing, and collusion", AER 110(10), 2020.)
"""

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.pool import run_jobs
from experiments.runner import simulate, write_table
from experiments.stats import mean_ci, welch_p

BIDDERS = (2, 3, 4, 6)
STEPS = 20_000
TAIL = 5_000


def _bne_run(bidders: int, seed: int, steps: int) -> dict:
    model = simulate("sealed-bid", steps=steps, seed=seed, bidders=bidders, strategy="hedge", rule="first",
                     disclosure="bids", learning_rate=0.05)
    frame = model.datacollector.get_model_vars_dataframe().iloc[-min(TAIL, steps):]
    greedy = np.concatenate([s.greedy_fractions() for s in model.learners()])
    return {"bidders": bidders, "seed": seed, "bne_fraction": (bidders - 1) / bidders,
            "greedy_fraction": float(greedy.mean()), "revenue": float(frame.revenue.mean()),
            "theory_revenue": (bidders - 1) / (bidders + 1), "regret_per_round": float(frame["regret:mean"].iloc[-1])
            / steps}


def learning_bne(out_dir: Path, seed: int = 0, trials: int = 10, workers: int = 1, steps: int = STEPS,
                 progress: bool = False) -> list[Path]:
    """Write learning-bne-runs.csv and learning-bne.csv (mean and 95 % interval per n)."""
    jobs = [(n, seed + k, steps) for n in BIDDERS for k in range(trials)]
    runs = pd.DataFrame(run_jobs(_bne_run, jobs, workers, "learning-bne", progress))
    rows = []
    for n, group in runs.groupby("bidders"):
        for metric in ("greedy_fraction", "revenue", "regret_per_round"):
            mean, low, high = mean_ci(group[metric])
            rows.append({"bidders": n, "metric": metric, "mean": mean, "ci_low": low, "ci_high": high,
                         "theory": {"greedy_fraction": (n - 1) / n, "revenue": (n - 1) / (n + 1)}.get(metric, 0.0)})
    out_dir = Path(out_dir)
    return [write_table(runs, out_dir / "learning-bne-runs.csv"), write_table(pd.DataFrame(rows),
                                                                               out_dir / "learning-bne.csv")]


def _collusion_run(rule: str, strategy: str, seed: int, steps: int) -> dict:
    model = simulate("task-auction", steps=steps, seed=seed, rule=rule, strategy=strategy, exploration=0.1,
                     exploration_decay=0.002)
    frame = model.datacollector.get_model_vars_dataframe().iloc[steps // 2:]
    markups = model.fleet.strategy.current_markups() if strategy != "truthful" else np.zeros(1)
    return {"rule": rule, "strategy": strategy, "seed": seed, "price_per_hour": float(frame["price:tasks"].mean()),
            "welfare": float(frame.welfare.mean()), "throughput": float(frame.throughput.mean()),
            "markup": float(markups.mean())}


def collusion(out_dir: Path, seed: int = 0, trials: int = 10, workers: int = 1, steps: int = 2_000,
              progress: bool = False) -> list[Path]:
    """Write task-auction-collusion-runs.csv and task-auction-collusion.csv: per rule, truthful
    vs learning workers on the same seeds, the price per effort-hour, welfare and throughput over
    the second half of each run, with 95 % intervals and Welch's p against truthful."""
    jobs = [(rule, strategy, seed + k, steps) for rule in ("first", "second") for strategy in ("truthful", "qlearn")
            for k in range(trials)]
    runs = pd.DataFrame(run_jobs(_collusion_run, jobs, workers, "task-auction-collusion", progress))
    rows = []
    for (rule, strategy), group in runs.groupby(["rule", "strategy"], sort=False):
        truthful = runs[(runs.rule == rule) & (runs.strategy == "truthful")]
        for metric in ("price_per_hour", "welfare", "throughput", "markup"):
            mean, low, high = mean_ci(group[metric])
            rows.append({"rule": rule, "strategy": strategy, "metric": metric, "mean": mean, "ci_low": low,
                         "ci_high": high, "welch_p_vs_truthful": welch_p(group[metric], truthful[metric])
                         if strategy != "truthful" else np.nan})
    out_dir = Path(out_dir)
    return [write_table(runs, out_dir / "task-auction-collusion-runs.csv"),
            write_table(pd.DataFrame(rows), out_dir / "task-auction-collusion.csv")]


REPRODUCTIONS = {"learning-bne": learning_bne, "task-auction-collusion": collusion}
