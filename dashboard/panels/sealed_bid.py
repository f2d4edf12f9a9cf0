"""sealed-bid's panel: the last round, each bidder's value, bid and payment."""

import pandas as pd

from dashboard.panels.base import Panel, grouped_bars
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
                  caption=lambda m: f"winner: bidder {m.winner}")]
