"""Seed 001's answers to free riding and the tragedy of the commons, measured over many seeds.

``public-goods-claims`` runs the ``public-goods`` scenario (10 agents, values U[0, 10], a good
costing 40, 200 rounds a run, ``trials`` paired seeds: every mechanism sees the same values):

* the four mechanisms side by side, with truthful agents, with 30 % free riders, with shading
  (30 %) and with Hedge learners;
* voluntary contributions and the assurance contract as the share of free riders grows;
* the dominant assurance contract where every value is at least 4 (U[4, 10]): at unanimity and
  with a quorum of 8, with and without a free rider, the entrepreneur's profit per round against
  its closed form (:func:`~model.mechanisms.dominant_assurance_expected_profit`).

Per run: provision rate, efficient-provision rate, efficiency (welfare / optimum over the run),
the rate of wrong decisions (built when it should not be, or not built when it should), money
taken for goods not built, the largest gain any agent had from a random misreport, pledgers for
whom pledging did not beat abstaining, the mechanism's surplus (the entrepreneur's profit, the
Clarke taxes) and its spread. Per setting: mean and 95 % Student-t interval over the seeds.

``harberger-tradeoff`` runs the ``harberger`` scenario (10 agents, 20 modules, 3 each at most,
best-response owners, the tax paid back as a dividend so that it changes incentives only) over
tax rates x turnover rates, ``trials`` paired seeds each, 250 periods (the first 50 discarded):
allocative efficiency, maintenance against the first-best, net welfare (value of the allocation
minus maintenance), sales, and the sale probability at the true value theta (1 - F(v)) of the
current holders, Posner and Weyl's predicted balancing rate.
"""

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.runner import write_table
from experiments.stats import group_intervals, mean_ci
from reproductions.output import save_figure

MECHANISMS = ("voluntary", "assurance", "dominant-assurance", "clarke")
ROUNDS = 200
#: (setting, fixed parameters) compared across the four mechanisms.
SETTINGS = {
    "truthful": {},
    "30% free riders": {"free_riders": 0.3},
    "shading 0.3": {"strategy": "shade", "shading": 0.3},
    "Hedge learners": {"strategy": "hedge"},
}
FREE_RIDER_SHARES = (0.0, 0.1, 0.2, 0.3, 0.5)
#: The dominant assurance contract where values are U[4, 10] (all above the price's neighbourhood).
DAC_SETTINGS = {
    "unanimity": {"quorum": 0, "free_riders": 0.0},
    "unanimity, 1 free rider": {"quorum": 0, "free_riders": 0.1},
    "quorum 8": {"quorum": 8, "free_riders": 0.0},
    "quorum 8, 1 free rider": {"quorum": 8, "free_riders": 0.1},
}
TAX_RATES = (0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5)
TURNOVERS = (0.1, 0.2, 0.4)
PERIODS, BURN_IN = 250, 50


def swept_steps(scenario: str, grid: dict, trials: int, steps: int, seed: int, workers: int, progress: bool,
                paired: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every step's row of a sweep, with the run's seed and grid values beside it (as ``set:<name>``,
    apart from the scenario's own columns: public-goods reports ``free_riders`` too)."""
    from experiments.sweeps import sweep

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "sweep.parquet"
        runs = sweep(scenario, grid, seeds=trials, steps=steps, base_seed=seed, workers=workers, progress=progress,
                     paired=paired, out=out, per_step=True)
        if (runs.status != "ok").any():
            raise RuntimeError(f"a {scenario} run failed: {runs.error[runs.status != 'ok'].iloc[0]}")
        rows = pd.read_parquet(out.with_name("sweep.steps.parquet"))
    keys = runs[["run_id", "seed", *grid]].rename(columns={name: f"set:{name}" for name in grid})
    return rows.merge(keys, on="run_id").sort_values(["run_id", "step"], ignore_index=True)


# public goods ------------------------------------------------------------------------------------
def _per_run(steps: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    def summary(g):
        return pd.Series({
            "provision": g.provided.mean(), "efficient_provision": g.efficient_provision.mean(),
            "efficiency": g.welfare.sum() / g.optimum.sum() if g.optimum.sum() > 0 else np.nan,
            "wrong_decisions": g.wrong_decision.mean(), "paid_unbuilt": g.paid_unbuilt.sum(),
            "misreport_gain_max": g.misreport_gain.max(), "dominance_violations": g.dominance_violations.sum(),
            "surplus_per_round": g.budget_surplus.mean(), "surplus_sd": g.budget_surplus.std(),
            "loss_rounds": (g.budget_surplus < 0).mean(), "paid_per_round": g.total_paid.mean(),
            "bonus_per_round": g.bonus_paid.mean(), "free_riders": g.free_riders.mean()})
    return steps.groupby([*by, "seed"], sort=False).apply(summary, include_groups=False).reset_index()


def public_goods_claims(out_dir: Path, seed: int = 0, trials: int = 20, workers: int = 1, rounds: int = ROUNDS,
                        settings=None, free_rider_shares=FREE_RIDER_SHARES, dac_settings=None,
                        progress: bool = False) -> list[Path]:
    """Run the comparisons; write public-goods-claims.png, public-goods-claims.csv (mean and
    interval per setting and metric) and public-goods-runs.csv (one row per run). ``settings``,
    ``free_rider_shares`` and ``dac_settings`` default to the module's SETTINGS,
    FREE_RIDER_SHARES and DAC_SETTINGS (a test passes fewer)."""
    from model.mechanisms import dominant_assurance_expected_profit

    settings = SETTINGS if settings is None else settings
    dac_settings = DAC_SETTINGS if dac_settings is None else dac_settings
    parts = []
    for setting, fixed in settings.items():
        grid = {"mechanism": list(MECHANISMS), **{k: [v] for k, v in fixed.items()}}
        steps = swept_steps("public-goods", grid, trials, rounds, seed, workers, progress, paired=("mechanism",))
        parts.append(_per_run(steps, ["set:mechanism"]).assign(study="mechanisms", setting=setting))
    grid = {"mechanism": ["voluntary", "assurance"], "free_riders": list(free_rider_shares)}
    steps = swept_steps("public-goods", grid, trials, rounds, seed, workers, progress, paired=("mechanism",))
    shares = _per_run(steps, ["set:mechanism", "set:free_riders"])
    parts.append(shares.assign(study="free riders",
                               setting=shares["set:free_riders"].map(lambda f: f"{f:.0%} free riders"))
                 .drop(columns="set:free_riders"))
    for setting, fixed in dac_settings.items():
        grid = {"mechanism": ["dominant-assurance"], "value_low": [4.0], **{k: [v] for k, v in fixed.items()}}
        steps = swept_steps("public-goods", grid, trials, rounds, seed, workers, progress)
        parts.append(_per_run(steps, ["set:mechanism"]).assign(study="dominant assurance, values U[4, 10]",
                                                               setting=setting))
    runs = pd.concat(parts, ignore_index=True).rename(columns={"set:mechanism": "mechanism"})
    metrics = ["provision", "efficient_provision", "efficiency", "wrong_decisions", "paid_unbuilt",
               "misreport_gain_max", "dominance_violations", "surplus_per_round", "surplus_sd", "loss_rounds",
               "paid_per_round", "bonus_per_round", "free_riders"]
    summary = group_intervals(runs, ["study", "setting", "mechanism"], metrics)
    # The entrepreneur's expected profit per round, closed form: truthful pledgers pledge iff v >= p.
    n, cost, markup, bonus = 10, 40.0, 0.2, 0.5
    predicted = []
    for setting, fixed in dac_settings.items():
        quorum = fixed["quorum"] or n
        price = np.ceil((1 + markup) * cost * 1e6 / quorum) / 1e6
        pledging = n - round(fixed["free_riders"] * n)
        q = (10.0 - price) / (10.0 - 4.0)
        predicted.append({"study": "dominant assurance, values U[4, 10]", "setting": setting,
                          "mechanism": "dominant-assurance", "metric": "surplus_per_round (closed form)",
                          "mean": dominant_assurance_expected_profit(pledging, q, price, cost, quorum, bonus),
                          "ci_low": np.nan, "ci_high": np.nan, "runs": 0})
    summary = pd.concat([summary, pd.DataFrame(predicted)], ignore_index=True)
    out_dir = Path(out_dir)
    paths = [write_table(runs, out_dir / "public-goods-runs.csv"),
             write_table(summary, out_dir / "public-goods-claims.csv")]
    figure = plot_public_goods(summary, trials, rounds, list(settings), list(dac_settings))
    return [save_figure(figure, out_dir / "public-goods-claims.png"), *paths]


def _bars(axes, rows: pd.DataFrame, groups, series, label):
    width = 0.8 / len(series)
    for k, name in enumerate(series):
        pick = rows[rows.mechanism == name].set_index("setting").reindex(groups)
        x = np.arange(len(groups)) + (k - (len(series) - 1) / 2) * width
        axes.bar(x, pick["mean"], width, yerr=[pick["mean"] - pick.ci_low, pick.ci_high - pick["mean"]], capsize=2,
                 label=name)
    axes.set_xticks(np.arange(len(groups)), groups, fontsize=7)
    axes.set_title(label, fontsize=9)
    axes.grid(alpha=0.3, axis="y")


def plot_public_goods(summary: pd.DataFrame, trials: int, rounds: int, groups: list[str], dac_groups: list[str]):
    """The public-goods figure: provision and efficiency by mechanism, free riding, and the dominant assurance
    contract's measured profit against its closed form (95% CI)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(15, 4.2), dpi=110)
    a, b, c, d = figure.subplots(1, 4)
    mech = summary[summary.study == "mechanisms"]
    _bars(a, mech[mech.metric == "provision"], groups, MECHANISMS, "provision rate (line: efficient rate)")
    efficient = mech[(mech.metric == "efficient_provision") & (mech.mechanism == "clarke")].set_index("setting")
    a.hlines(efficient.reindex(groups)["mean"], np.arange(len(groups)) - 0.45, np.arange(len(groups)) + 0.45,
             colors="black", linewidth=1)
    a.legend(fontsize=7, loc="center right")
    _bars(b, mech[mech.metric == "efficiency"], groups, MECHANISMS, "efficiency (welfare / optimum)")
    shares = summary[summary.study == "free riders"]
    for name, marker in (("voluntary", "o"), ("assurance", "s")):
        for metric, style in (("efficiency", "-"), ("provision", "--")):
            rows = shares[(shares.mechanism == name) & (shares.metric == metric)]
            x = [float(s.split("%")[0]) / 100 for s in rows.setting]
            c.errorbar(x, rows["mean"], yerr=[rows["mean"] - rows.ci_low, rows.ci_high - rows["mean"]], marker=marker,
                       linestyle=style, capsize=3, label=f"{name}: {metric}")
    eff = shares[(shares.metric == "efficient_provision") & (shares.mechanism == "voluntary")]["mean"].mean()
    c.axhline(eff, color="black", linewidth=1, label="efficient provision rate")
    c.set_xlabel("share of free riders")
    c.set_title("free riding: efficiency (solid), provision (dashed)", fontsize=9)
    c.legend(fontsize=6)
    c.grid(alpha=0.3)
    dac = summary[summary.study.str.startswith("dominant")]
    measured = dac[dac.metric == "surplus_per_round"].set_index("setting").reindex(dac_groups)
    closed = dac[dac.metric == "surplus_per_round (closed form)"].set_index("setting").reindex(dac_groups)
    x = np.arange(len(dac_groups))
    d.bar(x - 0.2, measured["mean"], 0.4, yerr=[measured["mean"] - measured.ci_low, measured.ci_high - measured["mean"]],
          capsize=2, label="measured")
    d.bar(x + 0.2, closed["mean"], 0.4, label="closed form")
    d.axhline(0, color="black", linewidth=0.8)
    d.set_xticks(x, dac_groups, fontsize=7, rotation=10)
    d.set_title("dominant assurance (U[4, 10]): profit a round", fontsize=9)
    d.legend(fontsize=7)
    d.grid(alpha=0.3, axis="y")
    figure.suptitle(f"Public goods (seed 001): {trials} paired seeds x {rounds} rounds, 10 agents, values U[0, 10], "
                    "cost 40; 95% CI", fontsize=10)
    figure.tight_layout()
    return figure


# harberger -----------------------------------------------------------------------------------------
def harberger_tradeoff(out_dir: Path, seed: int = 0, trials: int = 8, workers: int = 1, tax_rates=TAX_RATES,
                       turnovers=TURNOVERS, periods: int = PERIODS, burn_in: int = BURN_IN,
                       progress: bool = False) -> list[Path]:
    """Sweep the tax rate and the turnover rate; write harberger-tradeoff.png, harberger-tradeoff.csv
    (per turnover and tax rate: mean and interval of each metric) and harberger-tradeoff-runs.csv."""
    grid = {"tax_rate": list(tax_rates), "turnover": list(turnovers), "fund": ["dividend"]}
    steps = swept_steps("harberger", grid, trials, periods, seed, workers, progress, paired=("tax_rate",))
    steps = steps[steps.step > burn_in]
    steps = steps.drop(columns=["set:fund"]).rename(columns={"set:tax_rate": "tax_rate"})
    steps["turnover_rate"] = steps.pop("set:turnover")
    runs = steps.groupby(["turnover_rate", "tax_rate", "seed"]).agg(
        allocative_efficiency=("allocative_efficiency", "mean"), top_holder_share=("top_holder_share", "mean"),
        investment_ratio=("investment_ratio", "mean"), net_welfare=("net_welfare", "mean"),
        health=("health", "mean"), sales_per_module=("turnover", "mean"), sale_chance=("sale_chance", "mean"),
        assessment_ratio=("assessment_ratio", "mean"), tax_revenue=("tax_revenue", "mean"),
        capped=("capped", "mean")).reset_index().rename(columns={"turnover_rate": "turnover"})
    from scenarios.registry import get_scenario

    runs["sales_per_module"] /= get_scenario("harberger").defaults()["modules"]
    metrics = ["allocative_efficiency", "top_holder_share", "investment_ratio", "net_welfare", "health",
               "sales_per_module", "sale_chance", "assessment_ratio", "tax_revenue", "capped"]
    summary = pd.concat([group_intervals(runs, ["turnover", "tax_rate"], metrics), paired_differences(runs)],
                        ignore_index=True)
    out_dir = Path(out_dir)
    paths = [write_table(runs, out_dir / "harberger-tradeoff-runs.csv"),
             write_table(summary, out_dir / "harberger-tradeoff.csv")]
    return [save_figure(plot_harberger(summary, trials, periods, burn_in), out_dir / "harberger-tradeoff.png"), *paths]


def paired_differences(runs: pd.DataFrame, metrics=("allocative_efficiency", "investment_ratio", "net_welfare")):
    """Each tax rate against no tax on the same seeds (the runs are paired): the mean difference
    per seed and its 95% interval, as metric "<metric> minus untaxed"."""
    rows = []
    for theta, group in runs.groupby("turnover"):
        untaxed = group[group.tax_rate == 0].set_index("seed")
        if untaxed.empty:
            continue
        for tau, taxed in group[group.tax_rate > 0].groupby("tax_rate"):
            taxed = taxed.set_index("seed")
            for metric in metrics:
                mean, low, high = mean_ci(taxed[metric] - untaxed[metric].reindex(taxed.index))
                rows.append({"turnover": theta, "tax_rate": tau, "metric": f"{metric} minus untaxed", "mean": mean,
                             "ci_low": low, "ci_high": high, "runs": len(taxed)})
    return pd.DataFrame(rows)


def best_rates(summary: pd.DataFrame) -> pd.DataFrame:
    """Per turnover rate: the tax rate with the best allocative efficiency, the one with the best
    net welfare, and the predicted balancing rate (the holders' sale probability at their value,
    measured at the allocatively best rate)."""
    rows = []
    for theta, group in summary.groupby("turnover"):
        table = group[~group.metric.str.endswith("minus untaxed")].pivot(index="tax_rate", columns="metric",
                                                                          values="mean")
        allocation = float(table.allocative_efficiency.idxmax())
        rows.append({"turnover": theta, "best_for_allocation": allocation,
                     "best_for_welfare": float(table.net_welfare.idxmax()),
                     "predicted": float(table.sale_chance.loc[allocation])})
    return pd.DataFrame(rows)


def plot_harberger(summary: pd.DataFrame, trials: int, periods: int, burn_in: int):
    """The Harberger figure: allocative efficiency, maintenance against the first best, net welfare and
    assessment over value, against the tax rate for each turnover (95% CI)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(15, 4.2), dpi=110)
    panels = dict(zip(("allocative_efficiency", "investment_ratio", "net_welfare", "assessment_ratio"),
                      figure.subplots(1, 4)))
    titles = {"allocative_efficiency": "allocative efficiency (vs best assignment)",
              "investment_ratio": "maintenance / first-best", "net_welfare": "net welfare per period",
              "assessment_ratio": "assessed price / owner's value"}
    marks = best_rates(summary).set_index("turnover")
    for theta, group in summary.groupby("turnover"):
        for metric, axes in panels.items():
            rows = group[group.metric == metric]
            line = axes.errorbar(rows.tax_rate, rows["mean"], yerr=[rows["mean"] - rows.ci_low,
                                                                    rows.ci_high - rows["mean"]],
                                 marker="o", markersize=3, capsize=2, label=f"turnover {theta:g}")
            axes.axvline(marks.loc[theta, "predicted"], color=line[0].get_color(), linestyle=":", linewidth=1)
    for metric, axes in panels.items():
        axes.set_xlabel("tax rate per period")
        axes.set_title(titles[metric], fontsize=9)
        axes.grid(alpha=0.3)
    panels["assessment_ratio"].axhline(1, color="black", linewidth=0.8)
    panels["allocative_efficiency"].legend(fontsize=7)
    figure.suptitle(f"Harberger tax: {trials} paired seeds, periods {burn_in + 1}-{periods}; dotted: predicted "
                    "balancing rate theta (1 - F(v)) of the holders; 95% CI", fontsize=10)
    figure.tight_layout()
    return figure


REPRODUCTIONS = {"public-goods-claims": public_goods_claims, "harberger-tradeoff": harberger_tradeoff}
