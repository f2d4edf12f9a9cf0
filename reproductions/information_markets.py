"""Seed 001, Problem 3 (information asymmetry) and Market 3 (expertise), measured on the
``prediction-market`` and ``expertise`` scenarios over paired seeds.

``seed001-prediction-market``: the owner discounts asks by nothing, by the workers' claims taken at
face value, by the prediction market's price, or by the true chance, on the same seeds (the same
workers, tasks and hidden difficulties), for overpromiser shares 0, 0.3, 0.6 and 0.9; then the
market maker's loss against its bound b ln 2 for b = 0.25 ... 4, and the constant-product rule and
Kelly bettors beside the LMSR with myopic bettors at the defaults. Per run: the Brier score of the
forecast scored at delivery (closing price, or the forecast used), of the claims and of the truth;
the reliability counts; on-time rate; welfare (expected true surplus); the bettors' profits; the
market maker's mean and worst loss per market over its bound; the subsidy paid.

``seed001-expertise``: the same fleet with a beta reputation, with none (prices only), with a ring of
5 low-quality experts rating each other freely or through paid sessions, and with learned prices,
against the exact matching each step. Per run and over time: rank correlation of reputation with true
quality, the share of help from the better half of the quality range, welfare / the exact optimum.

Every figure is a mean over ``trials`` seeds with its 95% Student-t interval; differences between
forecasts or variants are paired (same seed), with the interval of the mean difference.
"""

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.runner import write_table
from experiments.stats import group_intervals, mean_ci
from reproductions.output import save_figure

STEPS = 200
SHARES = (0.0, 0.3, 0.6, 0.9)
FORECASTS = ("none", "claims", "market", "truth")
LIQUIDITY = (0.25, 0.5, 1.0, 2.0, 4.0)
BINS = 10
#: One colour per forecast in every panel.
COLOURS = {"none": "C7", "claims": "C0", "market": "C1", "truth": "C2"}


def _sweep(scenario, grid, trials, steps, seed, workers, progress, paired=(), **kwargs):
    from experiments.sweeps import sweep

    table = sweep(scenario, grid, seeds=trials, steps=steps, base_seed=seed, workers=workers, progress=progress,
                  paired=paired, **kwargs)
    if (table.status != "ok").any():
        raise RuntimeError(f"a {scenario} run failed: {table.error[table.status != 'ok'].iloc[0]}")
    return table


def _paired(runs, by, variant, base, against, metrics):
    """Per ``by`` group: the mean paired difference (same seed) of ``variant`` minus each of ``against``."""
    rows = []
    for key, group in runs.groupby(by, sort=False):
        indexed = group.set_index([variant, "replicate"])
        for other in against:
            for metric in metrics:
                diff = indexed.loc[base, metric] - indexed.loc[other, metric]
                mean, low, high = mean_ci(diff)
                rows.append({by: key, "metric": metric, "difference": f"{base} - {other}", "mean": mean,
                             "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


# -- the prediction market --------------------------------------------------------------------------------
def prediction_market(out_dir: Path, seed: int = 0, trials: int = 20, workers: int = 1, steps: int = STEPS,
                      shares=SHARES, liquidity=LIQUIDITY, progress: bool = False) -> list[Path]:
    """Run the comparison; write seed001-prediction-market{,-runs}.csv and seed001-prediction-market.png."""
    main = _sweep("prediction-market", {"overpromisers": list(shares), "forecast": list(FORECASTS)}, trials, steps,
                  seed, workers, progress, paired=("forecast",))
    depth = _sweep("prediction-market", {"liquidity": list(liquidity)}, trials, steps, seed, workers, progress,
                   paired=("liquidity",))
    rules = _sweep("prediction-market", {"market_maker": ["lmsr", "constant-product"], "betting": ["myopic", "kelly"]},
                   trials, steps, seed, workers, progress, paired=("market_maker", "betting"))
    runs = pd.concat([_pm_runs(main, steps).assign(study="forecast"),
                      _pm_runs(depth, steps).assign(study="liquidity", forecast="market"),
                      _pm_runs(rules, steps).assign(study="rule", forecast="market")], ignore_index=True)
    metrics = ["brier", "brier_claims", "brier_truth", "on_time_rate", "welfare", "realized_welfare",
               "overpromiser_wins", "profit_overpromisers", "profit_honest", "loss_ratio_mean", "loss_ratio_max",
               "subsidy"]
    summary = pd.concat([
        group_intervals(runs[runs.study == "forecast"], ["study", "overpromisers", "forecast"], metrics),
        group_intervals(runs[runs.study == "liquidity"], ["study", "liquidity"], metrics),
        group_intervals(runs[runs.study == "rule"], ["study", "market_maker", "betting"], metrics),
        _paired(runs[runs.study == "forecast"], "overpromisers", "forecast", "market", ["none", "claims", "truth"],
                ["brier", "welfare", "on_time_rate"]).assign(study="paired"),
    ], ignore_index=True)
    out_dir = Path(out_dir)
    paths = [write_table(runs, out_dir / "seed001-prediction-market-runs.csv"),
             write_table(summary, out_dir / "seed001-prediction-market.csv")]
    return [save_figure(_pm_plot(runs, summary, trials), out_dir / "seed001-prediction-market.png"), *paths]


def _pm_runs(table: pd.DataFrame, steps: int) -> pd.DataFrame:
    settled = table["mean:throughput"] * steps
    frame = pd.DataFrame({
        "seed": table.seed, "replicate": table.replicate,
        "overpromisers": table.get("overpromisers", 0.3), "forecast": table.get("forecast", "market"),
        "liquidity": table.get("liquidity", 1.0), "market_maker": table.get("market_maker", "lmsr"),
        "betting": table.get("betting", "myopic"),
        "brier": table["final:brier"], "brier_claims": table["final:brier_claims"],
        "brier_truth": table["final:brier_truth"], "on_time_rate": table["final:on_time_rate"],
        "welfare": table["mean:welfare"] * steps, "realized_welfare": table["mean:realized_welfare"] * steps,
        "overpromiser_wins": table["final:overpromiser_wins"],
        "profit_overpromisers": table["final:bet_profit_overpromisers"],
        "profit_honest": table["final:bet_profit_honest"],
        "subsidy": table["final:forecast_cost"], "loss_ratio_max": table["final:mm_loss_ratio_max"],
    })
    bound = frame.liquidity * np.log(2)
    frame["loss_ratio_mean"] = np.where(frame.forecast == "market", frame.subsidy / settled / bound, np.nan)
    for b in range(BINS):
        frame[f"calib_n:{b}"] = table[f"final:calib_n:{b}"]
        frame[f"calib_yes:{b}"] = table[f"final:calib_yes:{b}"]
    return frame


def _pm_plot(runs, summary, trials):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(15, 8), dpi=100)
    axes = figure.subplots(2, 3).ravel()
    main = summary[(summary.study == "forecast")]
    for ax, metric, label in ((axes[0], "brier", "Brier score of the forecast used"),
                              (axes[1], "welfare", "welfare (expected true surplus, 200 steps)"),
                              (axes[2], "on_time_rate", "share delivered on time")):
        for forecast, marker in zip(FORECASTS, "os^D"):
            rows = main[(main.metric == metric) & (main.forecast == forecast)]
            if rows["mean"].notna().any():
                ax.errorbar(rows.overpromisers, rows["mean"], marker=marker, capsize=3, label=forecast,
                            color=COLOURS[forecast], yerr=[rows["mean"] - rows.ci_low, rows.ci_high - rows["mean"]])
        ax.set_xlabel("share of overpromisers")
        ax.set_title(label, fontsize=10)
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=8)
    ax = axes[3]
    default = runs[(runs.study == "forecast") & np.isclose(runs.overpromisers, 0.3)]
    for forecast, marker in (("market", "o"), ("claims", "s"), ("truth", "^")):
        rows = default[default.forecast == forecast]
        counts = np.array([rows[f"calib_n:{b}"].sum() for b in range(BINS)])
        yes = np.array([rows[f"calib_yes:{b}"].sum() for b in range(BINS)])
        seen = counts > 0
        ax.plot(((np.arange(BINS) + 0.5) / BINS)[seen], yes[seen] / counts[seen], marker=marker, label=forecast,
                color=COLOURS[forecast])
    ax.plot([0, 1], [0, 1], "k--", lw=0.8)
    ax.set_xlabel("forecast (bin centre)")
    ax.set_ylabel("share on time")
    ax.set_title("reliability diagram (overpromisers 0.3, pooled)", fontsize=10)
    ax.legend(fontsize=8)
    ax = axes[4]
    market = main[main.forecast == "market"]
    for metric, marker in (("profit_overpromisers", "o"), ("profit_honest", "s")):
        rows = market[market.metric == metric]
        ax.errorbar(rows.overpromisers, rows["mean"], yerr=[rows["mean"] - rows.ci_low, rows.ci_high - rows["mean"]],
                    marker=marker, capsize=3, label=metric.replace("profit_", ""))
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xlabel("share of overpromisers")
    ax.set_title("betting profit per worker (closed bets), credits", fontsize=10)
    ax.legend(fontsize=8)
    ax = axes[5]
    depth = summary[summary.study == "liquidity"]
    for metric, marker in (("loss_ratio_mean", "o"), ("loss_ratio_max", "s")):
        rows = depth[depth.metric == metric]
        ax.errorbar(rows.liquidity, rows["mean"], yerr=[rows["mean"] - rows.ci_low, rows.ci_high - rows["mean"]],
                    marker=marker, capsize=3, label=metric.replace("loss_ratio_", "") + " loss per market / b ln 2")
    ax.axhline(1, color="k", lw=0.8, ls="--")
    ax.set_xscale("log")
    values = sorted(depth.liquidity.dropna().unique())
    ax.set_xticks(values, [f"{b:g}" for b in values])
    ax.minorticks_off()
    ax.set_xlabel("liquidity b")
    ax.set_title("market maker's loss against its bound", fontsize=10)
    ax.legend(fontsize=8)
    figure.suptitle(f"Seed 001, Problem 3: prediction markets on on-time delivery ({trials} paired seeds, 95% CI)",
                    fontsize=11)
    figure.tight_layout()
    return figure


# -- expertise ---------------------------------------------------------------------------------------------
VARIANTS = {
    "reputation": {"reputation": "beta"},
    "no reputation": {"reputation": "none"},
    "ring, free ratings": {"reputation": "beta", "ring": 5},
    "ring, paid ratings": {"reputation": "beta", "ring": 5, "verified": True},
    "learned prices": {"reputation": "beta", "pricing": "learned"},
}


def expertise(out_dir: Path, seed: int = 0, trials: int = 20, workers: int = 1, steps: int = STEPS,
              progress: bool = False) -> list[Path]:
    """Run the variants; write seed001-expertise{,-runs,-steps}.csv and seed001-expertise.png."""
    runs, steps_rows = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for name, point in VARIANTS.items():
            out = Path(scratch) / f"{len(runs)}.parquet"
            # paired on every name: each variant's replicate r runs on the same seed (the same juniors,
            # values and luck, the same first experts)
            table = _sweep("expertise", {k: [v] for k, v in point.items()}, trials, steps, seed, workers, progress,
                           paired=tuple(point), out=out, per_step=True)
            per_step = pd.read_parquet(out.with_name(out.stem + ".steps.parquet"))
            per_step = per_step.merge(table[["run_id", "replicate"]], on="run_id")
            totals = per_step.groupby("replicate")[["welfare", "optimum", "realized_welfare"]].sum()
            late = per_step[per_step.step > steps - 50].groupby("replicate")
            runs.append(pd.DataFrame({
                "variant": name, "replicate": totals.index, "efficiency": totals.welfare / totals.optimum,
                "welfare": totals.welfare, "realized_welfare": totals.realized_welfare,
                "rank_correlation_late": late.rank_correlation.mean(),
                "high_quality_share": per_step.groupby("replicate").high_quality_share.mean(),
                "high_quality_share_late": late.high_quality_share.mean(),
                "mean_quality_final": per_step[per_step.step == steps].set_index("replicate").mean_quality,
                "exits": per_step[per_step.step == steps].set_index("replicate").exits,
                "ring_share": per_step.groupby("replicate").ring_share.mean(),
            }).reset_index(drop=True))
            window = (per_step.step - 1) // 10 * 10 + 10     # steps 1-10, 11-20, ...
            by_window = per_step.assign(window=window).groupby(["window", "replicate"])[
                ["rank_correlation", "high_quality_share", "efficiency"]].mean().reset_index()
            for (w, metric), group in by_window.melt(id_vars=["window", "replicate"]).groupby(["window", "variable"]):
                mean, low, high = mean_ci(group.value)
                steps_rows.append({"variant": name, "window_end": w, "metric": metric, "mean": mean,
                                   "ci_low": low, "ci_high": high})
    runs = pd.concat(runs, ignore_index=True)
    metrics = ["efficiency", "welfare", "realized_welfare", "rank_correlation_late", "high_quality_share",
               "high_quality_share_late", "mean_quality_final", "exits", "ring_share"]
    summary = group_intervals(runs, ["variant"], metrics)
    paired = _paired(runs.assign(group="all"), "group", "variant", "reputation",
                     [v for v in VARIANTS if v != "reputation"], ["efficiency", "welfare"])
    summary = pd.concat([summary, paired.drop(columns="group").assign(variant="paired")], ignore_index=True)
    over_time = pd.DataFrame(steps_rows)
    out_dir = Path(out_dir)
    paths = [write_table(runs, out_dir / "seed001-expertise-runs.csv"),
             write_table(summary, out_dir / "seed001-expertise.csv"),
             write_table(over_time, out_dir / "seed001-expertise-steps.csv")]
    return [save_figure(_ex_plot(summary, over_time, trials), out_dir / "seed001-expertise.png"), *paths]


def _ex_plot(summary, over_time, trials):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(15, 4.2), dpi=100)
    axes = figure.subplots(1, 3)
    for ax, metric, label in ((axes[0], "rank_correlation", "rank correlation: reputation vs true quality"),
                              (axes[1], "high_quality_share", "share of help from the better half")):
        for name, colour in zip(VARIANTS, ("C0", "C1", "C2", "C3", "C4")):
            rows = over_time[(over_time.variant == name) & (over_time.metric == metric)]
            if rows["mean"].notna().any():
                line, = ax.plot(rows.window_end, rows["mean"], label=name, color=colour)
                ax.fill_between(rows.window_end, rows.ci_low, rows.ci_high, alpha=0.15, color=line.get_color())
        ax.set_xlabel("step (10-step windows)")
        ax.set_title(label, fontsize=10)
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=8)
    rows = summary[summary.metric == "efficiency"].set_index("variant").loc[list(VARIANTS)]
    axes[2].bar(range(len(rows)), rows["mean"], yerr=[rows["mean"] - rows.ci_low, rows.ci_high - rows["mean"]],
                capsize=4)
    axes[2].set_xticks(range(len(rows)), [v.replace(", ", ",\n") for v in rows.index], fontsize=8)
    axes[2].set_title("welfare / exact matching (200 steps)", fontsize=10)
    axes[2].set_ylim(0, 1)
    figure.suptitle(f"Seed 001, Market 3: help sessions and reputation ({trials} paired seeds, 95% CI)", fontsize=11)
    figure.tight_layout()
    return figure


REPRODUCTIONS = {"seed001-prediction-market": prediction_market, "seed001-expertise": expertise}
