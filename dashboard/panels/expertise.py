"""expertise's panels: each expert's reputation against its true quality; how well reputations rank
the experts and how much help goes to the good ones, step by step."""

import pandas as pd

from dashboard.panels.base import HEIGHT, WIDTH, Panel, history, lines, pair, series


def _experts(model):
    pool = model.pool
    active = pool.active
    standing = model.market.standing(active)
    ratings = model.reputation.ratings(active) if model.reputation is not None else 0.0
    return {"experts": pd.DataFrame({"quality": pool.true_quality(active), "reputation": standing,
                                     "ratings": ratings, "ring": pool.ring[active],
                                     "expert": [f"expert {r}" for r in active]}),
            "diagonal": pd.DataFrame({"quality": [0.0, 1.0], "reputation": [0.0, 1.0]})}


def _experts_chart():
    import altair as alt

    scale = alt.Scale(domain=[0, 1])
    points = alt.Chart(alt.NamedData("experts")).mark_circle().encode(
        x=alt.X("quality:Q", scale=scale, title="true quality"),
        y=alt.Y("reputation:Q", scale=scale, title="reputation (posterior mean)"),
        size=alt.Size("ratings:Q", legend=None), color=alt.Color("ring:N", legend=alt.Legend(orient="bottom")),
        tooltip=["expert:N", "quality:Q", "reputation:Q", "ratings:Q", "ring:N"])
    diagonal = alt.Chart(alt.NamedData("diagonal")).mark_line(strokeDash=[4, 4], color="grey").encode(
        x="quality:Q", y="reputation:Q")
    return (diagonal + points).properties(width=2 * WIDTH, height=HEIGHT + 40)


def _ranking(model):
    frame = history(model)
    return {"rank": series(frame, ["rank_correlation", "high_quality_share"]),
            "quality": series(frame, ["mean_quality", "success_rate"])}


def expertise_panels():
    """Reputation against true quality, and the ranking and the share of good help over time."""
    return [
        Panel("Experts: reputation vs true quality (size: ratings)", _experts, _experts_chart,
              caption=lambda m: f"{m.exits} experts left so far"),
        Panel("Reputation at work", _ranking,
              lambda: pair(lines("rank", "rank correlation; share of help from the better half", "share"),
                           lines("quality", "mean quality in the market; sessions that worked", "share"))),
    ]
