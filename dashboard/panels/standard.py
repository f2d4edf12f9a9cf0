"""The panels every scenario shows: prices, welfare against the optimum, money, wealth, the
ledger's latest entries and the trade network."""

import networkx as nx
import numpy as np
import pandas as pd

from dashboard.panels.base import WIDTH, HEIGHT, Panel, history, lines, pair, series

def _prices(model):
    frame = history(model)
    return {"prices": series(frame, [c for c in frame.columns if c.startswith("price:")])}


def _welfare(model):
    frame = history(model)
    return {"welfare": series(frame, ["welfare", "optimum"]), "efficiency": series(frame, ["efficiency"])}


def _money(model):
    frame = history(model)
    return {"revenue": series(frame, ["revenue"]), "supply": series(frame, ["money_supply"])}


def _wealth(model):
    balances = np.sort(model.trader_balances())
    total = balances.sum()
    share = np.concatenate([[0.0], np.cumsum(balances) / total]) if total > 0 else np.linspace(0, 1, len(balances) + 1)
    keep = np.unique(np.linspace(0, len(share) - 1, min(len(share), 200)).astype(int))
    population = np.linspace(0, 1, len(share))[keep]
    counts, edges = np.histogram(balances, bins=30)  # binned here: the payload does not grow with agents
    return {"balances": pd.DataFrame({"low": edges[:-1], "high": edges[1:], "traders": counts}),
            "lorenz": pd.DataFrame({"population": population, "wealth": share[keep], "equality": population})}


def _wealth_chart():
    import altair as alt

    hist = (
        alt.Chart(alt.NamedData("balances"), title="Wallet balances").mark_bar()
        .encode(x=alt.X("low:Q", title="balance, credits"), x2="high:Q", y=alt.Y("traders:Q", title="traders"),
                tooltip=["low:Q", "high:Q", "traders:Q"])
        .properties(width=WIDTH, height=HEIGHT)
    )
    base = alt.Chart(alt.NamedData("lorenz"), title="Lorenz curve").encode(
        x=alt.X("population:Q", title="share of traders"))
    lorenz = (base.mark_line().encode(y=alt.Y("wealth:Q", title="share of wealth"))
              + base.mark_line(strokeDash=[4, 4], color="grey").encode(y="equality:Q"))
    return alt.hconcat(hist, lorenz.properties(width=WIDTH, height=HEIGHT))


def ledger_entries(model, last: int = 12) -> pd.DataFrame:
    """The latest ledger entries, newest first: who paid whom, what for, how much."""
    frame = model.ledger.to_frame(last=last)
    return frame[["step", "payer", "payee", "market", "quantity", "amount", "kind"]].iloc[::-1]


def trade_graph(model, window: int = 20, max_nodes: int = 40) -> nx.DiGraph:
    """Who paid whom over the last ``window`` steps, weight = volume in credits
    (the busiest ``max_nodes`` accounts)."""
    entries = model.ledger.to_frame(since=model.steps - window + 1)
    entries = entries[(entries.payer != "mint") & (entries.payee != "burn")]
    volume = entries.groupby(["payer", "payee"], as_index=False).amount.sum()
    graph = nx.DiGraph()
    graph.add_weighted_edges_from(volume.itertuples(index=False, name=None))
    busiest = sorted(graph.degree(weight="weight"), key=lambda d: -d[1])[:max_nodes]
    return graph.subgraph(n for n, _ in busiest).copy()


def _network(model):
    graph = trade_graph(model)
    if graph.number_of_nodes() == 0:
        return {"nodes": pd.DataFrame(columns=["name", "x", "y", "volume"]),
                "edges": pd.DataFrame(columns=["x", "y", "x2", "y2", "volume"])}
    position = nx.spring_layout(graph, seed=0, weight=None, iterations=20)
    nodes = pd.DataFrame([(n, *position[n], graph.degree(n, weight="weight")) for n in graph],
                         columns=["name", "x", "y", "volume"])
    edges = pd.DataFrame([(*position[a], *position[b], w) for a, b, w in graph.edges(data="weight")],
                         columns=["x", "y", "x2", "y2", "volume"])
    return {"nodes": nodes, "edges": edges}


def _network_chart():
    import altair as alt

    axis = alt.Axis(labels=False, ticks=False, title=None, grid=False, domain=False)
    edges = alt.Chart(alt.NamedData("edges")).mark_rule(opacity=0.5).encode(
        x=alt.X("x:Q", axis=axis), y=alt.Y("y:Q", axis=axis), x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth("volume:Q", legend=None, scale=alt.Scale(range=[0.5, 6])))
    nodes = alt.Chart(alt.NamedData("nodes")).mark_circle().encode(
        x="x:Q", y="y:Q", size=alt.Size("volume:Q", legend=None), tooltip=["name:N", "volume:Q"])
    return (edges + nodes).properties(width=2 * WIDTH, height=HEIGHT + 60)


def standard_panels() -> list[Panel]:
    """Fresh standard panels (each keeps its own cached spec)."""
    return [
        Panel("Price ticker", _prices, lambda: lines("prices", "last traded unit price", "price")),
        Panel("Welfare vs exact optimum", _welfare,
              lambda: pair(lines("welfare", "welfare and optimum", "credits"),
                           lines("efficiency", "efficiency", "welfare / optimum")),
              caption=lambda m: f"efficiency {history(m).efficiency.mean():.3f} (mean over the window)"),
        Panel("Revenue and money supply", _money,
              lambda: pair(lines("revenue", "revenue per step", "credits"),
                           lines("supply", "money supply", "credits"))),
        Panel("Wealth distribution", _wealth, _wealth_chart,
              caption=lambda m: f"Gini {m.wallet_gini:.3f}"),
    ]


def network_panel() -> Panel:
    return Panel("Trade network (last 20 steps, edge width = volume)", _network, _network_chart)
