"""double-auction's panels: trade prices against the competitive equilibrium band, and the last
period's induced supply and demand with the trades."""

import numpy as np
import pandas as pd

from dashboard.panels.base import HEIGHT, WIDTH, Panel, history


def _prices(model):
    frame = history(model)
    return {"band": frame[["step", "ce_low", "ce_high"]].dropna(),
            "traded": frame[["step", "mean_price"]].dropna()}


def _prices_chart():
    import altair as alt

    band = (alt.Chart(alt.NamedData("band"), title="mean trade price vs the equilibrium band").mark_area(opacity=0.3)
            .encode(x=alt.X("step:Q", title="period"), y=alt.Y("ce_low:Q", title="price"), y2="ce_high:Q"))
    line = alt.Chart(alt.NamedData("traded")).mark_line(point=True).encode(x="step:Q", y="mean_price:Q",
                                                                          tooltip=["step:Q", "mean_price:Q"])
    return (band + line).properties(width=660, height=HEIGHT)


def _schedules(model):
    truth = model.induced.true_values()   # the observer's view: the dashboard shows the truth
    buyers = model.scenario.buyers
    demand, supply = np.sort(truth[:buyers])[::-1], np.sort(truth[buyers:])
    rows = [("demand", k, v) for k, v in enumerate(demand, 1)] + [("supply", k, c) for k, c in enumerate(supply, 1)]
    trades = model.market.last_trades if model.steps else []
    return {"schedules": pd.DataFrame(rows, columns=["schedule", "unit", "price"]),
            "trades": pd.DataFrame({"trade": np.arange(1, len(trades) + 1), "price": [p for _, _, p in trades]})}


def _schedules_chart():
    import altair as alt

    steps = (alt.Chart(alt.NamedData("schedules"), title="induced demand and supply").mark_line(interpolate="step-after")
             .encode(x=alt.X("unit:Q", title="units"), y=alt.Y("price:Q"), color="schedule:N"))
    trades = (alt.Chart(alt.NamedData("trades"), title="trade prices in order").mark_line(point=True)
              .encode(x=alt.X("trade:Q", title="trade"), y="price:Q"))
    return alt.hconcat(steps.properties(width=WIDTH, height=HEIGHT), trades.properties(width=WIDTH, height=HEIGHT))


def double_auction_panels():
    """Prices against the equilibrium band; the last period's schedules and trades."""
    return [Panel("Trade prices vs competitive equilibrium", _prices, _prices_chart,
                  caption=lambda m: f"efficiency {m.efficiency:.1%}, Smith's alpha {m.smith_alpha:.1f}"
                  if m.steps else "no period yet"),
            Panel("Last period: supply, demand and trades", _schedules, _schedules_chart)]
