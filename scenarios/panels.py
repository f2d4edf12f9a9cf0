"""Dashboard panels as pure functions: model -> altair chart (drawn in the browser).

Altair rather than matplotlib: a matplotlib figure is rendered to an image on the
server (~100 ms each here), which would cap Play far below 5 steps/s with seven
panels; an altair chart is a small JSON spec the browser draws with vega. Each
chart shows a trailing window of steps, so the payload stays flat as a run grows.
"""

import altair as alt
import networkx as nx
import numpy as np
import pandas as pd

from model.ledger import to_credits
from model.metrics import gini

#: Steps shown by the time-series panels.
WINDOW = 300
WIDTH, HEIGHT = 320, 170


def history(model, window: int = WINDOW) -> pd.DataFrame:
    """The model's recorded rows, last ``window`` steps."""
    frame = model.datacollector.get_model_vars_dataframe()
    return frame.iloc[-window:]


def lines(frame: pd.DataFrame, columns: list[str], title: str, y: str = "value") -> alt.Chart:
    """One line per column over ``step``."""
    long = frame.melt(id_vars="step", value_vars=columns, var_name="series", value_name=y)
    return (
        alt.Chart(long, title=title)
        .mark_line()
        .encode(x=alt.X("step:Q", title="step"), y=alt.Y(f"{y}:Q", title=y),
                color=alt.Color("series:N", legend=alt.Legend(orient="bottom", title=None)),
                tooltip=["step", "series", y])
        .properties(width=WIDTH, height=HEIGHT)
    )


def prices(model) -> alt.Chart:
    frame = history(model)
    return lines(frame, [c for c in frame.columns if c.startswith("price:")], "Price ticker", "price")


def welfare(model) -> alt.Chart:
    frame = history(model)
    left = lines(frame, ["welfare", "optimum"], "Welfare vs exact optimum", "credits")
    mean = frame.efficiency.mean()
    right = lines(frame, ["efficiency"], f"Efficiency (mean {mean:.3f})", "welfare / optimum")
    return alt.hconcat(left, right)


def money(model) -> alt.Chart:
    frame = history(model)
    return alt.hconcat(lines(frame, ["revenue"], "Revenue per step", "credits"),
                       lines(frame, ["money_supply"], "Money supply", "credits"))


def wealth(model) -> alt.Chart:
    """Histogram of trader balances and their Lorenz curve, with the Gini coefficient."""
    balances = np.sort(to_credits(model.ledger.balances[model.trader_accounts]))
    g = gini(balances)
    hist = (
        alt.Chart(pd.DataFrame({"balance": balances}), title=f"Wallets (Gini {g:.3f})")
        .mark_bar()
        .encode(x=alt.X("balance:Q", bin=alt.Bin(maxbins=30), title="balance, credits"),
                y=alt.Y("count():Q", title="traders"))
        .properties(width=WIDTH, height=HEIGHT)
    )
    total = balances.sum()
    share = np.concatenate([[0.0], np.cumsum(balances) / total]) if total > 0 else np.linspace(0, 1, len(balances) + 1)
    population = np.linspace(0, 1, len(share))
    keep = np.unique(np.linspace(0, len(share) - 1, min(len(share), 200)).astype(int))
    curve = pd.DataFrame({"population": population[keep], "wealth": share[keep]})
    lorenz = (
        alt.Chart(curve, title="Lorenz curve").mark_line()
        .encode(x=alt.X("population:Q", title="share of traders"), y=alt.Y("wealth:Q", title="share of wealth"))
        .properties(width=WIDTH, height=HEIGHT)
    )
    diagonal = alt.Chart(pd.DataFrame({"population": [0, 1], "wealth": [0, 1]})).mark_line(
        strokeDash=[4, 4], color="grey").encode(x="population:Q", y="wealth:Q")
    return alt.hconcat(hist, lorenz + diagonal)


def ledger_entries(model, last: int = 12) -> pd.DataFrame:
    """The latest ledger entries: who paid whom, what for, how much."""
    frame = model.ledger.to_frame(last=last)
    return frame[["step", "payer", "payee", "market", "quantity", "amount", "kind"]].iloc[::-1]


def trade_network(model, window: int = 20, max_nodes: int = 40) -> alt.Chart | None:
    """Who paid whom over the last ``window`` steps; edge width = volume (networkx layout)."""
    entries = model.ledger.to_frame(last=5_000)
    entries = entries[(entries.step > model.steps - window) & (entries.payer != "mint")]
    if entries.empty:
        return None
    volume = entries.groupby(["payer", "payee"], as_index=False).amount.sum()
    graph = nx.DiGraph()
    graph.add_weighted_edges_from(volume.itertuples(index=False, name=None))
    busiest = sorted(graph.degree(weight="weight"), key=lambda d: -d[1])[:max_nodes]
    graph = graph.subgraph(n for n, _ in busiest)
    position = nx.spring_layout(graph, seed=0, weight=None)
    nodes = pd.DataFrame([(n, *position[n], graph.degree(n, weight="weight")) for n in graph],
                         columns=["name", "x", "y", "volume"])
    edges = pd.DataFrame([(*position[a], *position[b], w) for a, b, w in graph.edges(data="weight")],
                         columns=["x", "y", "x2", "y2", "volume"])
    axis = alt.Axis(labels=False, ticks=False, title=None, grid=False, domain=False)
    lines_ = alt.Chart(edges).mark_rule(opacity=0.5).encode(
        x=alt.X("x:Q", axis=axis), y=alt.Y("y:Q", axis=axis), x2="x2", y2="y2",
        strokeWidth=alt.StrokeWidth("volume:Q", legend=None, scale=alt.Scale(range=[0.5, 6])))
    dots = alt.Chart(nodes).mark_circle().encode(
        x="x:Q", y="y:Q", size=alt.Size("volume:Q", legend=None), tooltip=["name", "volume"])
    return (lines_ + dots).properties(width=2 * WIDTH, height=HEIGHT + 60,
                                      title=f"Trade network, last {window} steps")


STANDARD_PANELS = {
    "prices": prices,
    "welfare": welfare,
    "money": money,
    "wealth": wealth,
}
