"""harberger's panels: who owns what, assessed vs true values, the commons fund, and the
allocation-investment trade-off as it runs."""

import pandas as pd

from dashboard.panels.base import HEIGHT, Panel, grouped_bars, history, lines, series

#: The ownership panels show at most this many modules.
PANEL_MODULES = 24


def _ownership(model):
    """Per module: its owner and whether the owner is the agent who values it most; the posted
    price, the owner's true value and the best value anyone has (the observer's view)."""
    market, m = model.market, min(PANEL_MODULES, len(model.market.owner))
    base = model.owners.true_base()[:, :m] * market.health[:m]
    owner = market.owner[:m]
    top = base.argmax(axis=0)
    owners = pd.DataFrame({"module": range(m), "owner": owner, "top holder": owner == top})
    rows = [(j, what, float(amount)) for j in range(m)
            for what, amount in (("assessed", market.assessment[j]), ("owner's value", base[owner[j], j]),
                                 ("best value", base[top[j], j]))]
    return {"owners": owners, "values": pd.DataFrame(rows, columns=["module", "what", "credits"])}


def _owners(model):
    # Each chart is sent only the datasets it draws: the browser's chart refuses rows for a
    # dataset it does not have ("Unrecognized data set").
    return {"owners": _ownership(model)["owners"]}


def _values(model):
    return {"values": _ownership(model)["values"]}


def _owners_chart():
    import altair as alt

    return (alt.Chart(alt.NamedData("owners"), title="who owns what (filled: the agent who values it most)")
            .mark_point(size=80, filled=True)
            .encode(x=alt.X("module:O"), y=alt.Y("owner:O", title="owner (agent)"),
                    color=alt.Color("top holder:N", legend=alt.Legend(orient="bottom")),
                    tooltip=["module:O", "owner:O", "top holder:N"])
            .properties(width=660, height=HEIGHT))


def _fund(model):
    return {"fund": series(history(model), ["tax_revenue", "dividend", "fund_hours", "turnover"],
                           {"tax_revenue": "tax revenue", "dividend": "dividend", "fund_hours": "hours the fund bought",
                            "turnover": "sales"})}


def _tradeoff(model):
    return {"tradeoff": series(history(model), ["allocative_efficiency", "top_holder_share", "investment_ratio",
                                                "health"],
                               {"allocative_efficiency": "allocative efficiency", "top_holder_share": "top-holder share",
                                "investment_ratio": "maintenance / first-best", "health": "mean health"})}


def harberger_panels():
    """Ownership; assessed vs true values; the commons fund; allocation vs investment."""
    return [
        Panel("Who owns what", _owners, _owners_chart,
              caption=lambda m: f"{m.market.sales} sold this period at the posted price"),
        Panel("Assessed vs true values", _values,
              lambda: grouped_bars("values", "module:O", "module", ["assessed", "owner's value", "best value"])),
        Panel("The commons fund and sales", _fund, lambda: lines("fund", "what the tax raised and bought", "credits")),
        Panel("Allocation vs investment", _tradeoff, lambda: lines("tradeoff", "shares of the best", "share")),
    ]
