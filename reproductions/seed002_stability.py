"""Seed 002's stability of the coupled price-demand dynamics (section 6), measured on the
``resource-trading`` scenario's AMM with two resources.

N agents each want one unit a step of resource A or B, worth R_A and R_B (no noise, no
bursts, wallets that never bind), and choose by logit with slope tau; the AMM posts
P = P_base (1 + k U / L) smoothed by omega. For every (k, omega, tau) of a grid the run's
last ``WINDOW`` steps decide: it oscillates if the share choosing A moves with a standard
deviation above three times what sampling alone gives at a rest point, sqrt(p (1 - p) / N).

Drawn over the measured region: seed 002's sufficient condition (7),
omega tau k (P_A/L_A + P_B/L_B) N / 4 < 1, and the exact local condition of the mean-field
map at the symmetric point, the same expression < 2 - omega (the price difference moves by
the factor (1 - omega) - omega tau k (P_A/L_A + P_B/L_B) N s(1 - s), s the logit share).
A second figure sets the interior equilibrium U*_A of the indifference condition (5)
against the simulated long-run usage and the mean-field logit rest point.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from model.mechanisms.congestion import congestion_price, interior_equilibrium, stability_index
from experiments.grid import run_seed
from experiments.runner import run, write_table
from reproductions.output import bar, save_figure

AGENTS, CAPACITY, BASE = 100, 100, 1.0
REWARD_A, REWARD_B = 20.5, 20.0      # high enough that every agent buys a unit every step
K = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
OMEGA = tuple(round(0.1 * i, 1) for i in range(1, 11))
TAU = (0.5, 1.0, 2.0)
STEPS, WINDOW = 240, 80


def scenario(k: float, omega: float, tau: float) -> dict:
    """The resource-trading parameters of one point of the grid."""
    return dict(agents=AGENTS, resources=f"A:{CAPACITY},B:{CAPACITY}", mechanism="amm", k=k, omega=omega, tau=tau,
                base_price=BASE, activity=1.0, need_max=1, value_mean=REWARD_B, value_spread=0.0,
                value_premium=REWARD_A - REWARD_B, value_noise=0.0, burst=0.0, fiat_budget=1e6,
                exact_optimum=False)


def logit_rest_point(k: float, tau: float) -> float:
    """U_A at which the logit population and the prices it causes agree (mean field)."""
    from scipy.optimize import brentq

    def gap(u):
        net = (REWARD_A - congestion_price(BASE, k, u, CAPACITY)) - (REWARD_B - congestion_price(BASE, k, AGENTS - u,
                                                                                                  CAPACITY))
        return u - AGENTS / (1.0 + np.exp(-tau * net))

    return float(brentq(gap, 0.0, AGENTS))


def stability(out_dir: Path, seed: int = 0, trials: int = 1, grid_k=K, grid_omega=OMEGA, grid_tau=TAU,
              steps: int = STEPS, progress: bool = False) -> list[Path]:
    """Run the grid (``trials`` seeds a point); write seed002-stability.csv and two PNGs."""
    rows = []
    for k in bar(grid_k, "seed002-stability", progress):
        for omega in grid_omega:
            for tau in grid_tau:
                for trial in range(trials):
                    point_seed = run_seed(seed, {"k": k, "omega": omega, "tau": tau}, trial)
                    frame = run("resource-trading", steps=steps, seed=point_seed, **scenario(k, omega, tau))
                    share = frame["util:A"].to_numpy()[-WINDOW:] * CAPACITY / AGENTS
                    p = float(np.clip(share.mean(), 1e-3, 1 - 1e-3))
                    spread = float(share.std())
                    index = stability_index(omega, tau, k, BASE, CAPACITY, BASE, CAPACITY, AGENTS)
                    rows.append({"k": k, "omega": omega, "tau": tau, "trial": trial, "condition_7": index,
                                 "stable_by_7": index < 1, "stable_linear": index < 2 - omega,
                                 "share_sd": spread, "noise_sd": float(np.sqrt(p * (1 - p) / AGENTS)),
                                 "oscillating": spread > 3 * np.sqrt(p * (1 - p) / AGENTS),
                                 "mean_usage_A": float(share.mean() * AGENTS),
                                 "indifference_U_A": interior_equilibrium(REWARD_A, REWARD_B, BASE, BASE, CAPACITY,
                                                                          CAPACITY, k, AGENTS),
                                 "logit_U_A": logit_rest_point(k, tau)})
    table = pd.DataFrame(rows)
    out_dir = Path(out_dir)
    csv = write_table(table, out_dir / "seed002-stability.csv")
    region = save_figure(plot_region(table, grid_tau), out_dir / "seed002-stability.png")
    usage = save_figure(plot_usage(table, grid_tau), out_dir / "seed002-equilibrium.png")
    return [region, usage, csv]


def plot_region(table: pd.DataFrame, taus=TAU):
    """One panel per tau: measured stable (o) or oscillating (x) points over (k, omega)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(13, 4.2), dpi=110)
    c = (BASE / CAPACITY + BASE / CAPACITY) * AGENTS / 4
    ks = np.geomspace(table.k.min() / 1.5, table.k.max() * 1.5, 200)
    for axes, tau in zip(np.atleast_1d(figure.subplots(1, len(taus), sharey=True)), taus):
        points = table[table.tau == tau].groupby(["k", "omega"], as_index=False).oscillating.mean()
        for oscillating, marker, colour, label in ((False, "o", "tab:green", "measured stable"),
                                                   (True, "x", "tab:red", "measured oscillating")):
            chosen = points[(points.oscillating >= 0.5) == oscillating]
            axes.scatter(chosen.k, chosen.omega, marker=marker, color=colour, label=label)
        axes.plot(ks, np.minimum(1 / (tau * ks * c), 1.05), "k--", label="condition (7): ωτk(..)N/4 = 1")
        axes.plot(ks, np.minimum(2 / (tau * ks * c + 1), 1.05), "b:", label="exact linear: = 2 − ω")
        axes.set_xscale("log")
        axes.set_ylim(0.05, 1.05)
        axes.set_xlabel("k (price sensitivity)")
        axes.set_title(f"τ = {tau:g}", fontsize=10)
        axes.grid(alpha=0.3)
    figure.axes[0].set_ylabel("ω (smoothing weight)")
    figure.axes[0].legend(fontsize=7, loc="lower left")
    figure.suptitle(f"Seed 002, §6: two-resource AMM, N = {AGENTS}, L = {CAPACITY}, P_base = {BASE:g}; "
                    "region below each curve is predicted stable", fontsize=10)
    figure.tight_layout()
    return figure


def plot_usage(table: pd.DataFrame, taus=TAU):
    """U*_A from the indifference condition (5) vs the simulated long-run usage (stable runs)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 4.2), dpi=110)
    axes = figure.add_subplot()
    stable = table[~table.oscillating]
    ks = np.geomspace(table.k.min(), table.k.max(), 100)
    axes.plot(ks, [interior_equilibrium(REWARD_A, REWARD_B, BASE, BASE, CAPACITY, CAPACITY, k, AGENTS) for k in ks],
              "k-", label="U*_A from indifference (5)")
    for tau, colour in zip(taus, ("tab:blue", "tab:orange", "tab:green", "tab:purple")):
        axes.plot(ks, [logit_rest_point(k, tau) for k in ks], ":", color=colour, label=f"logit rest point, τ = {tau:g}")
        mean = stable[stable.tau == tau].groupby("k").mean_usage_A.mean()
        axes.scatter(mean.index, mean.to_numpy(), color=colour, label=f"simulated (stable runs), τ = {tau:g}")
    axes.set_xscale("log")
    axes.set_xlabel("k")
    axes.set_ylabel("long-run usage of A (agents)")
    axes.axhline(AGENTS / 2, color="grey", lw=0.5)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7)
    axes.set_title(f"Interior equilibrium: R_A = {REWARD_A:g}, R_B = {REWARD_B:g}", fontsize=10)
    figure.tight_layout()
    return figure


REPRODUCTIONS = {"seed002-stability": stability}
