"""prediction-market's panels: each market's price over time against its outcome; calibration and
Brier scores; the bettors' profits and the market maker's loss against its bound."""

import numpy as np
import pandas as pd

from agents.prediction_market import SETTLED
from dashboard.panels.base import HEIGHT, WIDTH, Panel, history, lines, pair, series
from scenarios.prediction_market import BINS

#: Markets drawn in the price panel: the most recent ones.
SHOWN = 12


def _paths(model):
    """The YES price of the latest markets, step by step, and how each ended (open, on time, late)."""
    pm = model.predictions
    if pm is None or not pm.ticks:
        return {"paths": pd.DataFrame(columns=["step", "market", "price", "outcome"])}
    ticks = pd.DataFrame(list(pm.ticks), columns=["step", "market", "price"])
    shown = ticks.market.drop_duplicates().iloc[-SHOWN:]
    ticks = ticks[ticks.market.isin(shown)].copy()
    t = pm.table
    ids = ticks.market.to_numpy()
    ticks["outcome"] = np.where(t.state[ids] != SETTLED, "open", np.where(t.outcome[ids] == 1, "on time", "late"))
    ticks["market"] = ticks.market.map(lambda m: f"task {t.task[m]} by worker {t.worker[m]}")
    return {"paths": ticks}


def _paths_chart():
    import altair as alt

    return (alt.Chart(alt.NamedData("paths"), title="YES price of the latest markets (colour: how each ended)")
            .mark_line(point=True)
            .encode(x=alt.X("step:Q"), y=alt.Y("price:Q", scale=alt.Scale(domain=[0, 1]), title="P(on time)"),
                    detail="market:N",
                    color=alt.Color("outcome:N", scale=alt.Scale(domain=["open", "on time", "late"],
                                                                 range=["#999999", "#2ca02c", "#d62728"]),
                                    legend=alt.Legend(orient="bottom", title=None)),
                    tooltip=["market:N", "step:Q", "price:Q", "outcome:N"])
            .properties(width=2 * WIDTH, height=HEIGHT))


def _calibration(model):
    """The reliability diagram of the forecasts scored so far (closing prices, or the forecast the
    owner used), and the Brier scores of the forecast, the workers' claims and the truth."""
    counts, yes = model.calibration
    seen = counts > 0
    centre = (np.arange(BINS) + 0.5) / BINS
    diagram = pd.DataFrame({"forecast": centre[seen], "observed": yes[seen] / counts[seen], "markets": counts[seen]})
    return {"diagram": diagram, "diagonal": pd.DataFrame({"forecast": [0.0, 1.0], "observed": [0.0, 1.0]}),
            "brier": series(history(model), ["brier", "brier_claims", "brier_truth"])}


def _calibration_chart():
    import altair as alt

    axis = alt.Scale(domain=[0, 1])
    points = alt.Chart(alt.NamedData("diagram")).mark_circle().encode(
        x=alt.X("forecast:Q", scale=axis, title="forecast (bin centre)"),
        y=alt.Y("observed:Q", scale=axis, title="share delivered on time"),
        size=alt.Size("markets:Q", legend=None), tooltip=["forecast:Q", "observed:Q", "markets:Q"])
    diagonal = alt.Chart(alt.NamedData("diagonal")).mark_line(strokeDash=[4, 4], color="grey").encode(
        x="forecast:Q", y="observed:Q")
    reliability = (diagonal + points).properties(width=WIDTH, height=HEIGHT, title="reliability diagram")
    return alt.hconcat(reliability, lines("brier", "Brier score (cumulative)", "mean squared error"))


def _money(model):
    frame = history(model)
    return {"profit": series(frame, ["bet_profit_overpromisers", "bet_profit_honest"]),
            "loss": series(frame.assign(bound=1.0), ["mm_loss_ratio_max", "bound"],
                           {"mm_loss_ratio_max": "worst market's loss / bound", "bound": "bound (b ln 2)"})}


def prediction_market_panels():
    """Prices against outcomes; calibration and Brier; bettors' profits and the market maker's loss."""
    return [
        Panel("Delivery markets: price over time against the outcome", _paths, _paths_chart,
              caption=lambda m: f"on time {m.on_time_total} of {m.delivered_total} delivered"),
        Panel("Calibration and Brier score", _calibration, _calibration_chart),
        Panel("Betting profit per worker; market maker's worst loss", _money,
              lambda: pair(lines("profit", "overpromisers vs honest workers (closed bets)", "credits"),
                           lines("loss", "worst loss / worst case", "share")),
              caption=lambda m: f"subsidy paid so far {m.forecast_cost:.2f} credits"),
    ]
