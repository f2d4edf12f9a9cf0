"""debt-tokens' panel: outstanding debt, the specialists' share and codebase health."""

from dashboard.panels.base import Panel, history, lines, pair, series


def _debt(model):
    return {"debt": series(history(model), ["debt_outstanding"]),
            "share": series(history(model), ["specialist_share", "health"])}


def debt_panels():
    """Outstanding debt, and the share of it specialists hold, with the codebase's health."""
    return [Panel("Debt outstanding; specialists' share and codebase health", _debt,
                  lambda: pair(lines("debt", "outstanding principal", "hours"),
                               lines("share", "share held by specialists, health", "share")))]
