"""hayek-machine's panel: returns against the optimum and the bid gap."""

from dashboard.panels.base import Panel, history, lines, pair, series


def _learning(model):
    return {"returns": series(history(model), ["episode_return", "greedy_return", "optimal_return"]),
            "gap": series(history(model), ["bid_gap"])}


def hayek_panels():
    """Returns against the optimum, and how far winning bids are from V*."""
    return [Panel("Learning: returns and bid gap", _learning,
                  lambda: pair(lines("returns", "episode and greedy return vs optimal", "return"),
                               lines("gap", "mean |winning bid - V*(s)|", "credits")))]
