"""Dashboard panels: the standard ones every scenario shows and each scenario's own.

A panel pairs ``data(model) -> {dataset: DataFrame}`` with an altair chart over those
datasets (:mod:`dashboard.panels.base`). ``SCENARIO_PANELS`` maps a scenario's name to a
function returning fresh panels (a function, so each dashboard session gets its own, with
its own cached chart spec). Models know nothing of panels: this package reads them.
"""

from dashboard.panels.base import Panel
from dashboard.panels.combinatorial import combinatorial_panels
from dashboard.panels.debt_tokens import debt_panels
from dashboard.panels.double_auction import double_auction_panels
from dashboard.panels.efficiency import efficiency_panels
from dashboard.panels.evolution import evolution_panels
from dashboard.panels.expertise import expertise_panels
from dashboard.panels.harberger import harberger_panels
from dashboard.panels.hayek_machine import hayek_panels
from dashboard.panels.hayek_wide import wide_panels
from dashboard.panels.prediction_market import prediction_market_panels
from dashboard.panels.public_goods import public_goods_panels
from dashboard.panels.resource_trading import resource_panels
from dashboard.panels.sealed_bid import sealed_bid_panels
from dashboard.panels.standard import ledger_entries, network_panel, standard_panels, trade_graph
from dashboard.panels.task_auction import task_auction_panels

SCENARIO_PANELS = {
    "sealed-bid": sealed_bid_panels,
    "efficiency": efficiency_panels,
    "double-auction": double_auction_panels,
    "task-auction": task_auction_panels,
    "resource-trading": resource_panels,
    "debt-tokens": debt_panels,
    "hayek-machine": hayek_panels,
    "hayek-wide": wide_panels,
    "combinatorial": combinatorial_panels,
    "public-goods": public_goods_panels,
    "harberger": harberger_panels,
    "prediction-market": prediction_market_panels,
    "expertise": expertise_panels,
    "evolution": evolution_panels,
}

def panels_for(scenario: str) -> list[Panel]:
    """Fresh panels for a scenario's page: the standard ones, its own, then the trade network."""
    own = SCENARIO_PANELS.get(scenario, list)
    return [*standard_panels(), *own(), network_panel()]


__all__ = ["SCENARIO_PANELS", "Panel", "ledger_entries", "panels_for", "trade_graph"]
