"""Each panel's data, computed from a model without a browser."""

from dashboard.panels import SCENARIO_PANELS, panels_for
from dashboard.panels.combinatorial import _winners
from scenarios.combinatorial import CombinatorialModel
from scenarios.registry import SCENARIOS


def test_every_scenario_has_its_panels_and_they_compute():
    assert set(SCENARIO_PANELS) == set(SCENARIOS)
    for name, model_class in SCENARIOS.items():
        model = model_class(rng=0)
        model.step()
        for panel in panels_for(name):
            datasets = panel.datasets(model)
            assert datasets and all(isinstance(rows, list) for rows in datasets.values()), (name, panel.title)
            assert not hasattr(model, "_panel_history")   # the panel layer keeps its own history


def test_the_winners_panel_shows_value_bid_and_payment():
    # losers-collude with the ring: bidders 1 and 2 each value their good at 0.5, bid 2, pay 0.
    model = CombinatorialModel(rng=0, generator="losers-collude", collusion=True)
    model.step()
    table = _winners(model)["winners"].pivot(index="bidder", columns="what", values="credits")
    assert table.to_dict("index") == {"bidder 1": {"bid": 2.0, "payment": 0.0, "value": 0.5},
                                      "bidder 2": {"bid": 2.0, "payment": 0.0, "value": 0.5}}
