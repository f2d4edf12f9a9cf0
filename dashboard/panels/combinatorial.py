"""combinatorial's panel: each winner's value, winning bid and payment."""

import pandas as pd

from agents.package_market import amount_paid, goods_won
from dashboard.panels.base import Panel, grouped_bars


#: The panel shows at most this many winners.
PANEL_WINNERS = 16


def _winners(model):
    """Each winning bidder this step (all its names together): the true value of the goods it
    won, its winning bids and its payments."""
    market, rows = model.market, []
    if market.outcome is not None:
        bid = {market.cleared_bids[j][0]: market.cleared_bids[j][2] for j in market.outcome.winning_bids}
        winners = [b for b in model.bidders if any(a in bid for a in b.accounts)][:PANEL_WINNERS]
        for b in winners:
            for what, amount in (("value", b.true_value(goods_won(market.outcome, b.accounts))),
                                 ("bid", sum(bid.get(a, 0.0) for a in b.accounts)),
                                 ("payment", amount_paid(market.outcome, b.accounts))):
                rows.append((f"bidder {model.bidders.index(b)}", what, amount))
    return {"winners": pd.DataFrame(rows, columns=["bidder", "what", "credits"])}


def _winners_chart():
    return grouped_bars("winners", "bidder:N", "winning bidder", ["value", "bid", "payment"])


def combinatorial_panels():
    """This step's winners: value of the goods won vs winning bid vs payment."""
    return [Panel("Winners: value vs bid vs payment", _winners, _winners_chart,
                  caption=lambda m: f"revenue {m.revenue:.2f}, welfare {m.welfare:.2f} of {m.optimum:.2f}")]
