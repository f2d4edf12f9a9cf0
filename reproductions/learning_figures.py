"""The figures of :mod:`reproductions.learning_auctions` (matplotlib Figures, saved by
:func:`reproductions.output.save`)."""

import numpy as np
import pandas as pd

from reproductions.learning_sessions import GRID


def _figure(width: float, height: float):
    from matplotlib.figure import Figure  # imported on use

    return Figure(figsize=(width, height), dpi=120)


def pair_figure(pairs: pd.DataFrame, settings, trials: int, periods: int):
    """Where the converged sessions' greedy bids ended: one count heatmap per setting."""
    from matplotlib.colors import LogNorm

    figure = _figure(9, 8.4)
    index = {round(b, 2): i for i, b in enumerate(GRID)}
    for n, setting in enumerate(settings):
        axes = figure.add_subplot(2, 2, n + 1)
        counts = np.zeros((len(GRID), len(GRID)))
        rows = pairs[pairs.setting == setting.name]
        for b1, b2, c in zip(rows.bid_1, rows.bid_2, rows.sessions):
            counts[index[round(b2, 2)], index[round(b1, 2)]] += c
        axes.imshow(np.where(counts > 0, counts, np.nan), origin="lower", cmap="Blues",
                    norm=LogNorm(0.5, max(1.0, counts.max())), extent=(0.025, 0.975, 0.025, 0.975))
        for (i, j), c in np.ndenumerate(counts):
            if c:
                axes.text(GRID[j], GRID[i], f"{int(c)}", ha="center", va="center", fontsize=6,
                          color="white" if c > counts.max() ** 0.5 else "black")
        axes.set_xticks(GRID[1::2])
        axes.set_yticks(GRID[1::2])
        axes.tick_params(labelsize=7)
        axes.set_xlabel("bidder 1's final greedy bid", fontsize=8)
        axes.set_ylabel("bidder 2's final greedy bid", fontsize=8)
        axes.set_title(f"{setting.name}: {int(rows.sessions.sum())} of {trials} converged", fontsize=9)
        axes.grid(alpha=0.2)
    figure.suptitle(f"Final bid pairs of Q-learning bidders ({periods:,} periods)", fontsize=10)
    figure.tight_layout()
    return figure


def share_figure(mixed: pd.DataFrame, trials: int, periods: int):
    """Collusive share and revenue against the format a, with 95% intervals and the paper's shares."""
    figure = _figure(10, 4.2)
    left, right = figure.add_subplot(1, 2, 1), figure.add_subplot(1, 2, 2)
    for name, label in (("collusive", "collusive (revenue below every Nash equilibrium's)"),
                        ("below_top", "both bids below 0.95")):
        share = mixed[f"{name}_share"]
        error = [share - mixed[f"{name}_ci_low"], mixed[f"{name}_ci_high"] - share]
        left.errorbar(mixed.a, share, yerr=error, marker="o", capsize=3, label=label)
    left.plot(mixed.a, mixed.paper_collusive_share, "k^--", label="Banchio and Skrzypacz, Figure 2")
    left.set_xlabel("a: the winner pays (2 - a) highest + (a - 1) second bid")
    left.set_ylabel("share of converged sessions")
    left.legend(fontsize=7, loc="lower left")
    error = [mixed.revenue - mixed.revenue_ci_low, mixed.revenue_ci_high - mixed.revenue]
    right.errorbar(mixed.a, mixed.revenue, yerr=error, marker="o", capsize=3)
    right.set_xlabel("a")
    right.set_ylabel("revenue, converged sessions")
    right.set_ylim(0, 1)
    for axes in (left, right):
        axes.grid(alpha=0.3)
    figure.suptitle(f"From first to second price: {trials} sessions of {periods:,} periods per point",
                    fontsize=10)
    figure.tight_layout()
    return figure


def series_figure(curves: pd.DataFrame, trials: int):
    """The winning bid over time: mean over sessions per window, with the 10-90% band across sessions."""
    figure = _figure(8, 4.5)
    axes = figure.add_subplot()
    for name, rows in curves.groupby("setting", sort=False):
        line, = axes.plot(rows.period, rows.winning_bid, label=name)
        axes.fill_between(rows.period, rows.q10, rows.q90, color=line.get_color(), alpha=0.2)
    axes.set_xscale("log")
    axes.set_ylim(0, 1)
    axes.set_xlabel("period (log scale; each point a window of periods)")
    axes.set_ylabel("winning bid (mean over sessions; band 10-90%)")
    axes.set_title(f"Winning bid over time, {trials} sessions", fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    return figure
