"""The building blocks of a dashboard panel: what a chart shows, as data computed from a model.

A :class:`Panel` pairs a function ``data(model) -> {name: DataFrame}`` with an altair
chart that reads those named datasets. The chart is built and converted to a Vega-Lite
spec once; each step only the datasets are sent (building altair objects costs ~15 ms a
chart here, swapping data under 1 ms), and the browser swaps the rows of the chart it
already drew (:mod:`dashboard.live_panel`).

Altair rather than matplotlib: a matplotlib figure is rendered to an image on the server
(~100 ms each here), which would cap Play far below 5 steps/s with seven panels.
Time series show a trailing window of steps, so the payload stays flat as a run grows.
Chart builders import altair when called: only the dashboard needs it, and importing it
at module level would add ~0.3 s to every CLI start.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import altair as alt


#: Steps shown by the time-series panels.
WINDOW = 300
WIDTH, HEIGHT = 320, 170


@dataclass(eq=False)
class Panel:
    """One dashboard panel.

    Attributes:
        title: heading; ``caption(model)`` may add a live figure (e.g. the Gini).
        data: model -> {dataset name: DataFrame} for this step.
        chart: builds the altair chart over ``alt.NamedData(dataset name)``.
    """

    title: str
    data: Callable[[object], dict[str, pd.DataFrame]]
    chart: Callable[[], alt.TopLevelMixin]
    caption: Callable[[object], str] | None = None
    _template: dict | None = field(default=None, repr=False)

    @property
    def template(self) -> dict:
        """The chart's Vega-Lite spec without data, built once."""
        if self._template is None:
            self._template = self.chart().to_dict(validate=False)
        return self._template

    def records(self, model) -> str:
        """This step's rows of every named dataset as the JSON text of ``{name: [row, ...]}``
        (pandas' ``to_json(orient="records")``; empty frames when there is nothing yet, so the
        chart in the browser keeps its shape). The page sends this text as it is."""
        return "{" + ",".join(f"{json.dumps(str(name))}:{frame.to_json(orient='records')}"
                              for name, frame in self.data(model).items()) + "}"

    def datasets(self, model) -> dict:
        """:meth:`records`, parsed: ``{name: [row, ...]}``."""
        return json.loads(self.records(model))

    def spec(self, model) -> dict:
        """The whole Vega-Lite spec for this step: the template with the data inlined."""
        return {**self.template, "datasets": self.datasets(model)}

    def heading(self, model) -> str:
        return f"{self.title} — {self.caption(model)}" if self.caption else self.title


#: Each model's recorded rows, kept here (not on the model) and rebuilt once per step.
_HISTORY: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def history(model, window: int = WINDOW) -> pd.DataFrame:
    """The model's recorded rows, last ``window`` steps (built once per step, then reused by
    every panel of that step; forgotten with the model)."""
    cached = _HISTORY.get(model)
    if cached is None or cached[0] != model.steps:
        frame = model.datacollector.get_model_vars_dataframe()
        cached = (model.steps, frame.iloc[-WINDOW:])
        _HISTORY[model] = cached
    return cached[1].iloc[-window:]


def series(frame: pd.DataFrame, columns: list[str], rename: dict | None = None) -> pd.DataFrame:
    """Long format (step, series, value) for a line chart: ``frame.melt(id_vars="step",
    value_vars=columns, var_name="series", value_name="value")`` with the series renamed, built
    directly (200 steps x 3 series, measured here while CI ran: melt and replace 1.5 ms, this
    0.4 ms; the rows are the same, tested).
    As melt does, a column listed twice is shown once; a name given twice is one series."""
    columns = list(dict.fromkeys(columns))
    names = [rename.get(c, c) for c in columns] if rename else list(columns)
    n = len(frame)
    # the same common type as melt's (it concatenates the columns the same way)
    values = pd.concat([frame[c] for c in columns], ignore_index=True)._values if columns else np.array([])
    kinds = pd.Index(list(dict.fromkeys(names)), dtype=object)   # a name given twice is one category
    codes = np.repeat(kinds.get_indexer(names), n)
    return pd.DataFrame({"step": np.tile(frame["step"].to_numpy(), len(columns)),
                         "series": pd.Categorical.from_codes(codes, categories=kinds), "value": values})


def lines(dataset: str, title: str, y: str) -> alt.Chart:
    """One line per series of a (step, series, value) dataset."""
    import altair as alt

    return (
        alt.Chart(alt.NamedData(dataset), title=title)
        .mark_line()
        .encode(x=alt.X("step:Q", title="step"), y=alt.Y("value:Q", title=y),
                color=alt.Color("series:N", legend=alt.Legend(orient="bottom", title=None)),
                tooltip=["step:Q", "series:N", "value:Q"])
        .properties(width=WIDTH, height=HEIGHT)
    )


def grouped_bars(dataset: str, x: str, x_title: str, order: list[str]) -> alt.Chart:
    """Bars of a (``x``, what, credits) dataset: one group per ``x`` (an altair field with its
    type, e.g. "bidder:O"), one bar per ``what`` in ``order`` (e.g. value, bid, payment)."""
    import altair as alt

    return (
        alt.Chart(alt.NamedData(dataset)).mark_bar()
        .encode(x=alt.X(x, title=x_title), xOffset=alt.XOffset("what:N", sort=order), y=alt.Y("credits:Q"),
                color=alt.Color("what:N", sort=order, legend=alt.Legend(orient="bottom")),
                tooltip=[x, "what:N", "credits:Q"])
        .properties(width=660, height=200)
    )


def pair(left: alt.Chart, right: alt.Chart) -> alt.HConcatChart:
    import altair as alt

    return alt.hconcat(left, right).resolve_scale(color="independent")
