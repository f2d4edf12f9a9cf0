"""Seed 002's evolution layer (sections 7-9) measured on the ``evolution`` scenario: the gate on
(either context rule) and off, across upgrade thresholds C_dev and gold dataset sizes, paired
seeds (every run of a replicate sees the same fleet, the same tasks and the same gold cases).

Per run (200 steps, 40 agents): welfare (true surplus of the tasks, mean per step), economic
agency against the same fleet without the evolution layer (final, mean over agents) and the
share of agents who lose by it, true quality per axis at the end, regressions deployed on G
(Theorem 4: zero with the gate) and in truth, Goodhart shortcuts shipped, the gate's false
rejections (candidates no worse on any axis, rejected) over the sound candidates and its
missed regressions (candidates worse on an axis, shipped) over the regressing ones, cycles,
licences and royalties. Per configuration: mean and Student-t 95 % interval.

Beside it, the reason the hard axes reject sound candidates more as G grows: a first version
with true structure s and anti-hallucination h (both U[0.97, 1]) passes all K cases of both
with probability E[s^K] E[h^K], E[q^K] = (1 - 0.97^(K+1)) / (0.03 (K+1)); the measured share of
first versions that fail G's hard rules is set against it (``evolution-gold.csv``). And the
Pareto frontier of the sweep: welfare and agency up, true regressions down.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.grid import run_seed
from experiments.pareto import front_of, pareto_points, plot_pareto
from experiments.runner import run, write_table
from experiments.stats import mean_ci
from reproductions.output import bar, save_figure

THRESHOLDS = (30.0, 60.0, 120.0)
GOLD = (5, 25, 100, 400)
RULES = ("higher", "not-lower")
STEPS = 200
#: The configurations drawn over time (threshold 60, gold 25).
TRACES = {"gate on, F1 higher": dict(gate="on", context_rule="higher"),
          "gate on, F1 not lower": dict(gate="on", context_rule="not-lower"),
          "gate off": dict(gate="off")}
METRICS = ("welfare", "agency", "agency_losers", "proxy", "structure", "business", "context", "hallucination",
           "regressions_on_gold", "true_regressions", "goodhart_shipped", "false_rejection_rate",
           "missed_regression_rate", "cycles", "licences", "royalties", "validation")
OBJECTIVES = {"maximize": ["welfare", "agency"], "minimize": ["true_regressions"]}


def evolution(out_dir: Path, seed: int = 0, trials: int = 10, workers: int = 1, progress: bool = False,
              quick: bool = False) -> list[Path]:
    """Run the sweep; write evolution-runs.csv, evolution.csv, evolution-gold.csv,
    evolution-pareto.csv, evolution.png and evolution-pareto.png."""
    from experiments.sweeps import sweep

    thresholds, gold, steps = ((60.0,), (5, 25, 100), 100) if quick else (THRESHOLDS, GOLD, STEPS)
    trials = min(trials, 3) if quick else trials
    grids = [{"gate": ["on"], "upgrade_threshold": list(thresholds), "gold_size": list(gold),
              "context_rule": list(RULES)},
             {"gate": ["off"], "upgrade_threshold": list(thresholds)}]
    tables = [sweep("evolution", grid, seeds=trials, steps=steps, base_seed=seed, workers=workers,
                    progress=progress, paired=tuple(grid)) for grid in grids]
    table = pd.concat(tables, ignore_index=True)
    if (table.status != "ok").any():
        raise RuntimeError(f"an evolution run failed: {table.error[table.status != 'ok'].iloc[0]}")
    runs = per_run(table, steps)
    summary = summarize(runs)
    gold_table = hard_axes(gold, trials * 20, seed)
    traces = trace_runs(trials, steps, seed, progress)
    points = pareto_points(runs, **OBJECTIVES, by=["gate", "context_rule", "upgrade_threshold", "gold_size"])
    out_dir = Path(out_dir)
    written = [write_table(runs, out_dir / "evolution-runs.csv"), write_table(summary, out_dir / "evolution.csv"),
               write_table(gold_table, out_dir / "evolution-gold.csv"),
               write_table(front_of(points), out_dir / "evolution-pareto.csv")]
    figures = [save_figure(plot(summary, traces, gold_table, trials, steps), out_dir / "evolution.png"),
               save_figure(plot_pareto(points, title=f"evolution: welfare and agency (max) vs true regressions "
                                                     f"deployed (min), {trials} paired seeds"),
                           out_dir / "evolution-pareto.png")]
    return [*figures, *written]


def per_run(table: pd.DataFrame, steps: int) -> pd.DataFrame:
    """One row per run, in the units of the report (totals over the run where they count)."""
    gate_off = table.gate == "off"
    final, mean = (lambda c: table[f"final:{c}"]), (lambda c: table[f"mean:{c}"])
    return pd.DataFrame({
        "gate": table.gate, "context_rule": np.where(gate_off, "-", table.context_rule),
        "upgrade_threshold": table.upgrade_threshold,
        "gold_size": np.where(gate_off, 0, table.gold_size.fillna(0)).astype(int), "seed": table.seed,
        "welfare": mean("welfare"), "agency": final("agency"), "agency_losers": final("agency_losers"),
        "proxy": final("proxy"),
        **{axis: final(f"quality:{axis}") for axis in ("structure", "business", "context", "hallucination")},
        "regressions_on_gold": final("regressions_deployed"),
        "true_regressions": final("true_regressions_deployed"),
        "goodhart_shipped": final("goodhart_deployed"),
        "false_rejection_rate": final("false_rejections") / final("sound_submitted").replace(0, np.nan),
        "missed_regression_rate": final("missed_regressions") / final("regressions_submitted").replace(0, np.nan),
        "cycles": mean("upgrades") * steps, "licences": mean("licences") * steps,
        "royalties": mean("royalties") * steps, "validation": mean("validation_spend") * steps,
    })


def summarize(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% t-interval (experiments.stats.mean_ci) of every metric, per gate, context rule, threshold and
    gold size."""
    rows = []
    keys = ["gate", "context_rule", "upgrade_threshold", "gold_size"]
    for point, group in runs.groupby(keys, sort=False):
        for metric in METRICS:
            m, low, high = mean_ci(group[metric])
            rows.append({**dict(zip(keys, point)), "metric": metric, "runs": int(group[metric].notna().sum()),
                         "mean": m, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def hard_axes(gold_sizes, samples: int, seed: int) -> pd.DataFrame:
    """Share of first versions failing G's all-pass axes (structure, anti-hallucination), measured
    over ``samples`` fleets against E[s^K] E[h^K] for s, h ~ U[0.97, 1]."""
    from model.gold import report
    from scenarios.evolution import FIRST_VERSION, EvolutionModel

    low = FIRST_VERSION[0][0]
    assert FIRST_VERSION[3] == FIRST_VERSION[0] == (low, 1.0)
    rows = []
    for k in gold_sizes:
        shares = []
        for r in range(samples):
            model = EvolutionModel(rng=run_seed(seed, {"hard_axes": k}, r), gold_size=k)
            passes = report(model.artifacts.answers(model.first, model.gate.gold))
            shares.append(float(((passes[:, 0] < k) | (passes[:, 3] < k)).mean()))
        moment = (1 - low ** (k + 1)) / ((1 - low) * (k + 1))
        m, lo, hi = mean_ci(shares)
        rows.append({"gold_size": k, "fleets": samples, "predicted": 1 - moment**2, "measured": m, "ci_low": lo,
                     "ci_high": hi})
    return pd.DataFrame(rows)


def trace_runs(trials: int, steps: int, seed: int, progress: bool) -> dict[str, pd.DataFrame]:
    """Per-step means over the paired seeds of the configurations in TRACES."""
    traces = {}
    for name, params in bar(list(TRACES.items()), "evolution traces", progress):
        frames = [run("evolution", steps=steps, seed=run_seed(seed, {}, r), **params) for r in range(trials)]
        traces[name] = pd.concat(frames).groupby("step").mean(numeric_only=True)
    return traces


def plot(summary: pd.DataFrame, traces: dict, gold_table: pd.DataFrame, trials: int, steps: int):
    """The evolution figure: true quality and reward against true surplus over time, the gate's errors by gold
    size, and the regressions shipped with and without the gate (95% CI)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(15, 8.5), dpi=100)
    axes = figure.subplots(2, 3).ravel()
    for (name, frame), colour in zip(traces.items(), ("C0", "C2", "C3")):
        axes[0].plot(frame.index, frame["quality:hallucination"], color=colour, label=f"{name}: anti-hallucination")
        axes[0].plot(frame.index, frame["quality:context"], color=colour, ls="--", label=f"{name}: context")
        axes[1].plot(frame.index, frame["paid_reward"], color=colour, label=f"{name}: reward paid")
        axes[1].plot(frame.index, frame["welfare"] / 40, color=colour, ls=":", label=f"{name}: true surplus")
    axes[0].set_title("true quality of the deployed artifacts (unseen axes)", fontsize=9)
    axes[1].set_title("per task, credits: reward paid vs true surplus", fontsize=9)
    gated = summary[(summary.gate == "on") & (summary.upgrade_threshold == 60.0)]
    off = summary[(summary.gate == "off") & (summary.upgrade_threshold == 60.0)]
    panels = [(2, "false_rejection_rate", "missed_regression_rate", "the gate's errors vs gold cases per axis"),
              (3, "agency", None, "economic agency vs no evolution layer (credits)"),
              (4, "welfare", None, "welfare per step (true surplus)")]
    for index, metric, second, title in panels:
        ax = axes[index]
        for rule, marker in zip(RULES, "os"):
            for m, ls in ((metric, "-"), (second, "--")):
                if m is None:
                    continue
                rows = gated[(gated.context_rule == rule) & (gated.metric == m)]
                error = [rows["mean"] - rows.ci_low, rows.ci_high - rows["mean"]]
                ax.errorbar(rows.gold_size, rows["mean"], yerr=error, marker=marker, ls=ls, capsize=3,
                            label=f"F1 {rule}: {m.replace('_', ' ')}")
        level = off[off.metric == metric]
        if len(level) and index != 2:
            ax.axhspan(level.ci_low.iloc[0], level.ci_high.iloc[0], color="C3", alpha=0.2, label="gate off")
        ax.set_xscale("log")
        ax.set_xlabel("gold cases per axis")
        ax.set_title(title, fontsize=9)
    axes[2].plot(gold_table.gold_size, gold_table.predicted, "k:",
                 label="first versions failing G's hard axes (theory)")
    axes[2].plot(gold_table.gold_size, gold_table.measured, "kx", label="... measured")
    shown = ["regressions_on_gold", "true_regressions", "goodhart_shipped"]
    bars = summary[(summary.upgrade_threshold == 60.0) & summary.metric.isin(shown)]
    labels = [f"{g}{'' if g == 'off' else ', ' + r + ', K=' + str(k)}"
              for g, r, k in bars[["gate", "context_rule", "gold_size"]].drop_duplicates().itertuples(index=False)]
    width = 0.27
    for j, metric in enumerate(shown):
        rows = bars[bars.metric == metric]
        axes[5].bar(np.arange(len(rows)) + (j - 1) * width, rows["mean"], width, label=metric.replace("_", " "))
    axes[5].set_xticks(np.arange(len(labels)), labels, rotation=60, ha="right", fontsize=6)
    axes[5].set_title("deployments that regress: on G, in truth, Goodhart shortcuts", fontsize=9)
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6)
    figure.suptitle(f"Seed 002's evolution layer: 40 agents, {steps} steps, {trials} paired seeds, threshold 60 "
                    f"(95 % CI)", fontsize=10)
    figure.tight_layout()
    return figure


REPRODUCTIONS = {"evolution": evolution}
