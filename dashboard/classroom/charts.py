"""The instructor's charts: prices over rounds against theory, efficiency, bids against values
(revealed once a round has closed), each a Vega-Lite spec built once and fed rows."""

import math

import pandas as pd

WIDTH, HEIGHT = 330, 190


def _clean(value):
    return None if isinstance(value, float) and not math.isfinite(value) else value


def records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def datasets(view: dict) -> dict[str, list[dict]]:
    """The rows of every chart, from :meth:`ClassSession.instructor_view`."""
    facts = view["facts"]
    prices = [{"round": r, "price": _clean(f.get("price")), "efficiency": _clean(f.get("efficiency"))}
              for r, f in enumerate(facts, 1)]
    band = []
    for r, f in enumerate(facts, 1):
        low = f.get("ce_low", f.get("theory_revenue"))
        high = f.get("ce_high", f.get("theory_revenue"))
        band.append({"round": r, "low": _clean(low), "high": _clean(high)})
    rows = pd.DataFrame(view["rows"])
    if rows.empty:
        scatter = []
    else:
        shown = rows.dropna(subset=["order"])
        scatter = records(shown.assign(who=shown.player.where(shown.player != "bot", "bot"))[
            ["round", "seat", "nickname", "who", "role", "value", "order"]])
    slope = facts[-1].get("theory_bid", 1.0) if facts else 1.0
    top = max([1.0] + [r["value"] for r in scatter if r["value"] is not None])
    return {"prices": prices, "band": band, "scatter": scatter,
            "line": [{"value": 0.0, "order": 0.0}, {"value": top, "order": slope * top}]}


def prices_chart():
    import altair as alt

    band = (alt.Chart(alt.NamedData("band")).mark_area(opacity=0.25, color="grey")
            .encode(x=alt.X("round:Q", title="round"), y=alt.Y("low:Q", title="price"), y2="high:Q"))
    rule = alt.Chart(alt.NamedData("band")).mark_line(strokeDash=[4, 4], color="grey").encode(x="round:Q", y="low:Q")
    seen = (alt.Chart(alt.NamedData("prices")).mark_line(point=True)
            .encode(x="round:Q", y="price:Q", tooltip=["round:Q", "price:Q"]))
    return (band + rule + seen).properties(title="price per round vs theory (grey)", width=WIDTH, height=HEIGHT)


def efficiency_chart():
    import altair as alt

    return (alt.Chart(alt.NamedData("prices"), title="efficiency per round").mark_line(point=True)
            .encode(x=alt.X("round:Q"), y=alt.Y("efficiency:Q", scale=alt.Scale(domain=[0, 1])))
            .properties(width=WIDTH, height=HEIGHT))


def scatter_chart():
    import altair as alt

    points = (alt.Chart(alt.NamedData("scatter")).mark_point(filled=True)
              .encode(x=alt.X("value:Q", title="private value (or cost)"), y=alt.Y("order:Q", title="bid (or ask)"),
                      color=alt.Color("who:N", legend=alt.Legend(orient="bottom", title=None)),
                      shape="role:N", tooltip=["round:Q", "nickname:N", "who:N", "value:Q", "order:Q"]))
    line = alt.Chart(alt.NamedData("line")).mark_line(color="grey").encode(x="value:Q", y="order:Q")
    return (points + line).properties(title="bids against values, closed rounds (line: theory)",
                                      width=WIDTH, height=HEIGHT)


#: Each chart and the datasets it draws.
CHARTS = ((prices_chart, ("band", "prices")), (efficiency_chart, ("prices",)), (scatter_chart, ("scatter", "line")))


def spec(chart) -> dict:
    return chart().to_dict(validate=False)


def leaderboard(view: dict) -> pd.DataFrame:
    """Profit so far by seat, highest first (bots named as such: the instructor's view)."""
    rows = pd.DataFrame(view["rows"])
    if rows.empty:
        return pd.DataFrame(columns=["nickname", "role", "profit", "rounds"])
    names = {s["seat"]: (s["nickname"] or f"bot {s['seat']}") for s in view["seats"]}
    table = rows.groupby("seat").agg(profit=("profit", "sum"), rounds=("round", "nunique"), role=("role", "last"))
    table.insert(0, "nickname", [names[i] for i in table.index])
    return table.sort_values("profit", ascending=False).reset_index(drop=True)
