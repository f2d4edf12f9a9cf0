"""resource-trading's panels: utilisation per resource; minted, burned and runaway spend."""

from dashboard.panels.base import Panel, history, lines, series


def _utilisation(model):
    frame = history(model)
    return {"util": series(frame, [c for c in frame.columns if c.startswith("util:")])}


def _runaway(model):
    return {"spend": series(history(model), ["runaway_spend", "minted", "burned"])}


def resource_panels():
    """Utilisation per resource, and what the treasury minted, what was burned and what runaways spent."""
    return [Panel("Utilisation (units used / capacity)", _utilisation, lambda: lines("util", "utilisation", "share")),
            Panel("Money: minted, burned, runaway spend", _runaway, lambda: lines("spend", "per step", "credits"))]
