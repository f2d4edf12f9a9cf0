"""Banchio and Skrzypacz, "Artificial Intelligence and Auction Design" (EC 2022; arXiv
2202.05947), reproduced: two Q-learning bidders with a common value of 1 in a repeated auction.

The setting (the issue's statement of the paper, secs. 2-4): bids k/20, k = 1..19; stateless
Q-learning, learning rate 0.05, discount 0.99, exploration eps_t = 0.025 exp(-0.0002 t) uniform
over the whole grid, optimistic initial Q; 10^6 periods, 1,000 sessions; the winner pays
(2 - a) highest + (a - 1) second-highest bid. The period loop is in
:mod:`reproductions.learning_sessions` (numpy reference) and :mod:`reproductions.learning_kernel`.

What the paper leaves open, and what this module takes, from where. The paper's text is not
among the stored sources; the facts below come from a reading of its arXiv v1 PDF and TeX
source by an independent reconstruction (ndouglas/SugarScape, docs/superpowers/specs/
2026-10-02-q-learning-auctions-{reading-notes,design}.md, which also reports that the authors'
simulator was not found):

- Optimistic initial Q: the paper gives no number. Taken: 1/(1 - discount) x value = 100, the
  discounted value of winning the whole good for free forever (above 95, the best discounted
  payoff on the grid). The initialisation is a parameter; ``-init.csv`` reports 100, 1 and 0.
- Ties: auction ties go to a fair coin; the learners' greedy ties go to the lowest bid
  (numpy.argmax); under disclosure a counterfactual tie earns its expected value, half of
  1 - price (the paper states none of these three).
- Convergence: both greedy bids, observed after each update, unchanged over the last 1,000
  periods (sec. 4); the paper's distributions and revenues are over converged sessions.
- Revenue: the price the final greedy bids would pay (the annotated counts of the paper's
  Figure 1 give mean revenue 0.2265 in first price and 0.9471 in second price; its text says
  0.24 and 0.95). The realised mean price over the last window is reported beside it.
- Collusive: the paper does not define it (its Figure 2 gives the shares 100, 100, 100, 100,
  86, 41, 15, 2, 0, 0, 0 % at a = 1.0 .. 2.0, from its TeX source). Taken: a converged
  session is collusive when its revenue lies below that of every pure Nash equilibrium of
  the stage game (0.90 in first price, where (0.90, 0.90) is a weak equilibrium beside
  (0.95, 0.95); 0.95 for a > 1). ``below_top_share`` (both bids under 0.95) is the other reading.
- Disclosure (sec. 5): the rival's bid is revealed and every bid's Q-value is updated with
  the reward it would have earned. The paper ran 500 sessions; here every setting has ``trials``.

All settings use the same seed and hence the same random numbers (common random numbers).
"""

import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.runner import write_table
from experiments.stats import mean_ci
from model.params import ParameterError
from reproductions.learning_figures import pair_figure, series_figure, share_figure
from reproductions.learning_sessions import GRID, Sessions, Setting, nash_profiles, payoffs, simulate
from reproductions.output import bar, save

A_GRID = tuple(round(1 + 0.1 * i, 1) for i in range(11))
#: Figure 2 of the paper (shares of collusive sessions, %), as read from its TeX source.
PAPER_COLLUSIVE = dict(zip(A_GRID, (100, 100, 100, 100, 86, 41, 15, 2, 0, 0, 0)))
FORMATS = (Setting("first price"), Setting("second price", a=2.0),
           Setting("first price, disclosure", disclosure=True),
           Setting("second price, disclosure", a=2.0, disclosure=True))
MIXED = tuple(Setting(f"a = {a:.1f}", a=a) for a in A_GRID)
INITS = tuple(Setting(f"{name}, Q0 = {label}", a=a, initial_q=q0) for a, name in ((1.0, "first price"),
              (2.0, "second price")) for q0, label in (("optimistic", "100"), (1.0, "1"), (0.0, "0")))
PAPER_FORMATS = {  # revenue as the text says it / as Figure 1's counts give it; sessions at the top pair
    "first price": {"paper_revenue": 0.24, "paper_figure_revenue": 0.2265, "paper_top_share": 0.0},
    "second price": {"paper_revenue": 0.95, "paper_figure_revenue": 0.9471, "paper_top_share": 0.994},
    "first price, disclosure": {"paper_revenue": 0.90, "paper_figure_revenue": 0.90, "paper_top_share": 0.0},
}
STABLE = 1000                                   # periods a converged session's greedy pair has held
TOP, NINETY = len(GRID) - 1, 17                 # grid positions of 0.95 and 0.90


def _key(setting: Setting) -> tuple:
    return setting.a, setting.disclosure, setting.initial_q


def _run(setting: Setting, sessions: int, periods: int, seed: int, window: int):
    start = time.perf_counter()
    result = simulate(setting, sessions, periods, seed, window)
    return result, time.perf_counter() - start


def _share(hits: np.ndarray) -> tuple[float, float, float]:
    """Share of True in ``hits`` with its 95% Wilson interval (scipy.stats)."""
    from scipy.stats import binomtest

    if len(hits) == 0:
        return (float("nan"),) * 3
    interval = binomtest(int(hits.sum()), len(hits)).proportion_ci(0.95, method="wilson")
    return float(hits.mean()), float(interval.low), float(interval.high)


def summarize(setting: Setting, result: Sessions) -> dict:
    """One row: convergence, revenue with 95% intervals, collusive share, where the bids ended."""
    converged = result.converged(STABLE)
    high, low = result.greedy.max(axis=1), result.greedy.min(axis=1)
    table = payoffs(setting.a)
    revenue = table.price[high, low]
    least_nash = min(table.price[max(i, j), min(i, j)] for i, j in nash_profiles(setting.a))
    end = result.window_means(result.price_sum)[-1]
    row = {"setting": setting.name, "a": setting.a, "disclosure": setting.disclosure,
           "initial_q": str(setting.initial_q), "sessions": len(converged), "periods": result.periods,
           "converged": int(converged.sum())}
    for name, values in (("converged", converged), ("collusive", revenue[converged] < least_nash - 1e-12),
                         ("below_top", high[converged] < TOP), ("top_pair", low[converged] == TOP),
                         ("pair_090", (high[converged] == NINETY) & (low[converged] == NINETY)),
                         ("diagonal", high[converged] == low[converged])):
        row[f"{name}_share"], row[f"{name}_ci_low"], row[f"{name}_ci_high"] = _share(values)
    for name, values in (("revenue", revenue[converged]), ("revenue_all", revenue),
                         ("realized_revenue_end", end)):
        row[name], row[f"{name}_ci_low"], row[f"{name}_ci_high"] = mean_ci(values)
    bids = GRID[result.greedy[converged]]
    row["bid_min"], row["bid_median"], row["bid_max"] = (float(np.min(bids)), float(np.median(bids)),
                                                         float(np.max(bids))) if bids.size else (np.nan,) * 3
    row["least_nash_revenue"] = float(least_nash)
    return row


def pair_counts(setting: Setting, result: Sessions) -> pd.DataFrame:
    """Converged sessions by final greedy bid pair (bidder 1, bidder 2)."""
    bids = result.greedy[result.converged(STABLE)]
    pairs, counts = np.unique(bids, axis=0, return_counts=True)
    return pd.DataFrame({"setting": setting.name, "bid_1": GRID[pairs[:, 0]], "bid_2": GRID[pairs[:, 1]],
                         "sessions": counts, "share": counts / max(1, counts.sum())})


def series(setting: Setting, result: Sessions) -> pd.DataFrame:
    """The winning bid over time: per window, its mean over sessions and the 10-90% band."""
    means = result.window_means(result.winning_sum)
    ends = np.minimum((np.arange(len(means)) + 1) * result.window, result.periods)
    ends[-1] = result.periods
    return pd.DataFrame({"setting": setting.name, "period": ends, "winning_bid": means.mean(axis=1),
                         "q10": np.quantile(means, 0.1, axis=1), "q90": np.quantile(means, 0.9, axis=1)})


def learning_auctions(out_dir: Path, seed: int = 0, trials: int | None = None, periods: int = 1_000_000,
                      quick: bool = False, workers: int = 1, progress: bool = False) -> list[Path]:
    """Run every setting, ``trials`` sessions of ``periods`` periods each (default: the paper's
    1,000 sessions, or 100 when ``quick``), on ``workers`` processes; write the tables and
    figures and return their paths.

    ``quick`` keeps the paper's 10^6 periods and takes fewer sessions: a shorter horizon
    changes the answer, not only its precision (second-price sessions make their last greedy
    change after a median of about 830,000 periods, long after exploration has died out)."""
    trials = trials if trials is not None else 100 if quick else 1000
    if trials < 1 or periods < STABLE or workers < 1:
        raise ParameterError(f"need trials >= 1, periods >= {STABLE} and workers >= 1; "
                             f"got {trials}, {periods} and {workers}")
    window = max(1, periods // 1000)
    runs = {}
    for setting in FORMATS + MIXED + INITS:
        runs.setdefault(_key(setting), setting)
    results, seconds = {}, {}
    if workers > 1:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            futures = {key: pool.submit(_run, s, trials, periods, seed, window) for key, s in runs.items()}
            for key in bar(list(futures), "learning-auctions", progress):
                results[key], seconds[key] = futures[key].result()
    else:
        for key in bar(list(runs), "learning-auctions", progress):
            results[key], seconds[key] = _run(runs[key], trials, periods, seed, window)
    for key, s in seconds.items():   # wall time is not a result: stderr, not the tables
        print(f"timing: {runs[key].name}: {s:.1f} s", file=sys.stderr)

    def table(settings, extra=lambda s: {}):
        return pd.DataFrame([{**summarize(s, results[_key(s)]), **extra(s)} for s in settings])

    out_dir = Path(out_dir)
    formats = table(FORMATS, lambda s: PAPER_FORMATS.get(s.name, {}))
    mixed = table(MIXED, lambda s: {"paper_collusive_share": PAPER_COLLUSIVE[s.a] / 100})
    pairs = pd.concat([pair_counts(s, results[_key(s)]) for s in FORMATS], ignore_index=True)
    curves = pd.concat([series(s, results[_key(s)]) for s in FORMATS[:3]], ignore_index=True)
    paths = [write_table(formats, out_dir / "learning-auctions.csv")]
    paths += save(out_dir, "learning-auctions-pairs", pairs, pair_figure(pairs, FORMATS, trials, periods))
    paths += save(out_dir, "learning-auctions-mixed", mixed, share_figure(mixed, trials, periods))
    paths += save(out_dir, "learning-auctions-winning-bid", curves, series_figure(curves, trials))
    paths.append(write_table(table(INITS), out_dir / "learning-auctions-init.csv"))
    return paths


REPRODUCTIONS = {"learning-auctions": learning_auctions}
