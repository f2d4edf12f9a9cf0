"""public-goods' panels: this round's values, offers and payments; pledges against the threshold
round by round; where the money went."""

import pandas as pd

from dashboard.panels.base import Panel, grouped_bars, history, lines, series
from model.ledger import to_credits

#: The round panel shows at most this many agents.
PANEL_AGENTS = 20


def _round(model):
    """Each agent's true value for this round's good (the observer's view), its offer and what it
    paid in the end."""
    if model.steps == 0:
        return {"round": pd.DataFrame(columns=["agent", "what", "credits"])}
    values = model.population.true_values()[:PANEL_AGENTS]
    offers = to_credits(model.market.offers[:PANEL_AGENTS])
    paid = model.market.payments[:PANEL_AGENTS]
    rows = [(i, what, float(amount)) for i in range(len(values))
            for what, amount in (("value", values[i]), ("offer", offers[i]), ("paid", paid[i]))]
    return {"round": pd.DataFrame(rows, columns=["agent", "what", "credits"])}


def _threshold(model):
    frame = history(model).copy()
    frame["threshold"] = model.scenario.cost
    return {"threshold": series(frame, ["pledged", "total_value", "threshold"],
                                {"pledged": "pledged", "total_value": "sum of values", "threshold": "cost (threshold)"})}


def _money(model):
    return {"money": series(history(model), ["total_paid", "refunds", "bonus_paid", "budget_surplus"])}


def _caption(model) -> str:
    if model.steps == 0:
        return "no round yet"
    built = "built" if model.market.provided else "not built"
    efficient = "efficient" if model.efficient_provision else "not efficient"
    return f"{built} ({efficient}); pledged {model.market.pledged:.2f} for a cost of {model.scenario.cost:g}"


def public_goods_panels():
    """This round per agent; pledges vs values and the threshold, round by round; the money."""
    return [
        Panel("This round: value vs offer vs payment", _round,
              lambda: grouped_bars("round", "agent:O", "agent", ["value", "offer", "paid"]), caption=_caption),
        Panel("Pledges vs values and the threshold, per round", _threshold,
              lambda: lines("threshold", "offered, valued and needed", "credits")),
        Panel("Paid, refunded, bonuses and the mechanism's surplus", _money,
              lambda: lines("money", "per round", "credits")),
    ]
