"""evolution's panels: true quality per axis against the paid proxy; regressions deployed;
registry sales and royalties."""

from dashboard.panels.base import Panel, history, lines, pair, series

AXES = ["quality:structure", "quality:business", "quality:context", "quality:hallucination"]


def _quality(model):
    frame = history(model)
    paid = frame.assign(paid=frame["paid_reward"] / model.scenario.task_budget)
    return {"quality": series(frame, AXES, {a: a.split(":")[1] for a in AXES}),
            "proxy": series(paid, ["paid"], {"paid": "reward paid / T"})}


def _regressions(model):
    return {"regressions": series(history(model), ["regressions_deployed", "true_regressions_deployed",
                                                   "goodhart_deployed", "false_rejections"],
                                  {"regressions_deployed": "regressions on G", "true_regressions_deployed":
                                   "true regressions", "goodhart_deployed": "Goodhart shipped",
                                   "false_rejections": "false rejections"})}


def _sales(model):
    return {"sales": series(history(model), ["licences", "licence_fees", "royalties"])}


def evolution_panels():
    """Quality per axis vs the reward paid; regressions deployed (cumulative); registry sales."""
    return [Panel("True quality per axis vs the paid proxy", _quality,
                  lambda: pair(lines("quality", "true quality of deployed artifacts", "share"),
                               lines("proxy", "reward paid per task / T", "share"))),
            Panel("Regressions deployed (cumulative)", _regressions,
                  lambda: lines("regressions", "on G, true, Goodhart, false rejections", "count"),
                  caption=lambda m: f"gate {m.scenario.gate}, {m.scenario.gold_size} gold cases per axis"),
            Panel("Registry: licences sold, fees and royalties", _sales,
                  lambda: lines("sales", "per step", "count / credits"))]
