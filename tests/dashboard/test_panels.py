"""Each panel's data, computed from a model without a browser."""

from dashboard.panels import SCENARIO_PANELS, panels_for
from dashboard.panels.combinatorial import _winners
from scenarios.combinatorial import CombinatorialModel
from scenarios.registry import SCENARIOS


def named_datasets(spec) -> set:
    """Every dataset a Vega-Lite spec reads by name (``{"data": {"name": ...}}``, at any depth)."""
    if isinstance(spec, dict):
        found = {spec["data"]["name"]} if isinstance(spec.get("data"), dict) and "name" in spec["data"] else set()
        return found.union(*(named_datasets(v) for k, v in spec.items() if k != "datasets"))
    if isinstance(spec, list):
        return set().union(*(named_datasets(v) for v in spec))
    return set()


def test_every_scenario_has_its_panels_and_they_compute():
    assert set(SCENARIO_PANELS) == set(SCENARIOS)
    for name, model_class in SCENARIOS.items():
        model = model_class(rng=0)
        model.step()
        for panel in panels_for(name):
            datasets = panel.datasets(model)
            assert datasets and all(isinstance(rows, list) for rows in datasets.values()), (name, panel.title)
            # The browser's chart refuses rows for a dataset it does not draw (harberger sent one
            # panel's data to two charts: "Unrecognized data set: owners").
            assert set(datasets) == named_datasets(panel.template), (name, panel.title)
            assert not hasattr(model, "_panel_history")   # the panel layer keeps its own history


def test_the_winners_panel_shows_value_bid_and_payment():
    # losers-collude with the ring: bidders 1 and 2 each value their good at 0.5, bid 2, pay 0.
    model = CombinatorialModel(rng=0, generator="losers-collude", collusion=True)
    model.step()
    table = _winners(model)["winners"].pivot(index="bidder", columns="what", values="credits")
    assert table.to_dict("index") == {"bidder 1": {"bid": 2.0, "payment": 0.0, "value": 0.5},
                                      "bidder 2": {"bid": 2.0, "payment": 0.0, "value": 0.5}}
