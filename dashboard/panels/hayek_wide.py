"""hayek-wide's panel: the price of each good against the value of one more unit of it."""

from dashboard.panels.base import Panel, history, lines, series


def _prices(model):
    frame = history(model)
    return {"chain": series(frame, ["price:raw", "value:raw", "price:intermediate", "value:intermediate"])}


def wide_panels():
    """Prices of raw and intermediate goods against the value of one more unit of each."""
    return [Panel("Prices by backpropagation: price vs value of each good", _prices,
                  lambda: lines("chain", "price and value per unit", "credits"))]
