"""LivePanel: one whole dashboard panel as one widget (its heading, its step marker and its chart,
or for the ledger an HTML table), so that a step reaches the browser as one message per panel;
the classroom's charts use it without a heading.

solara's own VegaLite widget embeds the whole chart again on every change (vega-lite compiles
the spec, vega builds and renders a new view: ~25 ms per chart per step here). This widget draws
the chart once and then replaces the rows of its named datasets with vega's changeset API
(https://vega.github.io/vega/docs/api/view/#view_change); a new ``spec`` still rebuilds it.
Drawn as three widgets (a solara.Column carrying the step marker, a solara.Markdown heading and
the chart), a panel cost three messages a step and a heading that changed (a caption: the Gini,
the winner) a fresh Markdown widget each time, compiled again in the browser. The rows travel
as the JSON text of ``{name: [row, ...]}`` (``Panel.records``), so the server neither parses
them back into Python objects nor compares them row by row. The heading is plain text
(escaped), not Markdown.
"""

import ipyvuetify as v
import traitlets


class LivePanel(v.VuetifyTemplate):
    """``heading``: the panel's heading; ``steps``: the step drawn (the ``step-N`` class on the
    panel); ``spec``: a Vega-Lite spec whose data are ``{"name": ...}`` references; ``records``: the
    JSON text of ``{name: [row, ...]}``, swapped into the chart in place when it changes;
    ``html``: an HTML body to show instead of a chart (the ledger table)."""

    template_file = (__file__, "live_panel.vue")
    heading = traitlets.Unicode("").tag(sync=True)
    steps = traitlets.Int(0).tag(sync=True)
    spec = traitlets.Dict().tag(sync=True)
    records = traitlets.Unicode("{}").tag(sync=True)
    html = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    @traitlets.default("cdn")
    def _cdn(self):
        import solara.settings

        return None if solara.settings.assets.proxy else solara.settings.assets.cdn
