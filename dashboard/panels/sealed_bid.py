"""sealed-bid's panel: the last round, each bidder's value, bid and payment."""

import pandas as pd

from dashboard.panels.base import Panel, grouped_bars, history, lines, pair, series
from scenarios.sealed_bid import UTILITY_COLUMNS


def _last_round(model):
    auction = model.markets["item"]
    shown = model.bidders[:UTILITY_COLUMNS] if auction.last_clearing is not None else []
    paid = auction.last_clearing.payments if auction.last_clearing is not None else []
    rows = [(i, what, amount) for i, b in enumerate(shown)
            for what, amount in (("value", b.valuation), ("bid", b.last_bid), ("payment", paid[i]))]
    return {"round": pd.DataFrame(rows, columns=["bidder", "what", "credits"])}


def _last_round_chart():
    return grouped_bars("round", "bidder:O", "bidder", ["value", "bid", "payment"])


def sealed_bid_panels():
    """The last round: each bidder's value, bid and payment (the first 16 bidders)."""
    return [Panel("Last round: value vs bid vs payment", _last_round, _last_round_chart,
                  caption=lambda m: f"winner: bidder {m.winner}"), learning_panel()]


def _learning(model):
    frame = history(model)
    p = model.scenario
    theory = (p.bidders - 1) / p.bidders if p.rule == "first" else 1.0
    fractions = frame[["step", "greedy_fraction"]].assign(theory=theory)
    return {"fraction": series(fractions, ["greedy_fraction", "theory"],
                               {"greedy_fraction": "learners' mean greedy fraction",
                                "theory": "equilibrium fraction (BNE (n-1)/n, or 1 under Vickrey)"}),
            "regret": series(frame, ["regret:mean", "regret:max"])}


def learning_panel():
    """Learning bidders: the bid fraction they would play now against the equilibrium one, and
    their regret against the best fixed fraction in hindsight."""
    return Panel("Learning: greedy bid fraction vs theory; regret", _learning,
                 lambda: pair(lines("fraction", "bid / value", "fraction"), lines("regret", "regret", "credits")),
                 caption=lambda m: f"{sum(b.strategy.learns for b in m.bidders)} learning bidders")
