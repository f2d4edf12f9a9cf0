"""efficiency's panel: market, naive planner and exact optimum, step by step."""

from dashboard.panels.base import Panel, history, lines, series


def _allocators(model):
    renamed = {"welfare": "market", "naive_welfare": "naive planner"}
    return {"allocators": series(history(model), ["optimum", "welfare", "naive_welfare"], renamed)}


def efficiency_panels():
    """Market, naive planner and exact optimum, step by step."""
    return [Panel("Market vs naive planner vs optimum", _allocators, lambda: lines("allocators", "welfare", "credits"))]
