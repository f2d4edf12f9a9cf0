"""Each panel's data, computed from a model without a browser."""

import json

import numpy as np
import pandas as pd

from dashboard.panels import SCENARIO_PANELS, panels_for
from dashboard.panels.base import series
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


def melted(frame, columns, rename=None):
    """What series() replaced: pandas' melt, then the series renamed."""
    long = frame.melt(id_vars="step", value_vars=columns, var_name="series", value_name="value")
    return long.replace({"series": rename}) if rename else long


def test_series_gives_the_rows_melt_gives():
    frame = pd.DataFrame({"step": np.arange(3, 9), "price:a": [1.5, np.nan, 3, 4, 5, 6],
                          "count": [1, 2, 3, 4, 5, 6], "share": [0.1, 0.2, np.nan, 0.4, 0.5, 0.6]})
    cases = [(["price:a", "count"], None), (["count"], {"count": "traders"}),
             (["price:a", "count", "share"], {"price:a": "same", "share": "same"}),   # a name given twice
             (["share", "share"], None), ([], None)]                                   # a column given twice
    for part in (frame, frame.iloc[-2:], frame.iloc[:0]):
        for columns, rename in cases:
            expected, got = melted(part, columns, rename), series(part, columns, rename)
            assert got.to_json(orient="records") == expected.to_json(orient="records"), (columns, rename)
            assert list(got["series"].astype(object)) == list(expected["series"].astype(object))
            assert got["value"].dtype == expected["value"].dtype and got["step"].dtype == expected["step"].dtype


def test_records_is_the_json_the_chart_reads():
    model = SCENARIOS["sealed-bid"](rng=0)
    for _ in range(3):
        model.step()
    for panel in panels_for("sealed-bid"):
        frames = panel.data(model)
        assert json.loads(panel.records(model)) == {name: json.loads(frame.to_json(orient="records"))
                                                    for name, frame in frames.items()}
