"""LiveChart: a Vega-Lite chart widget for the dashboard that is drawn once and then only
fed new rows.

solara's own VegaLite widget embeds the whole chart again on every change (vega-lite
compiles the spec, vega builds and renders a new view): about 25 ms per chart per step in
the browser here, which with seven panels doubled the Step round trip. LiveChart keeps the
view and replaces the rows of its named datasets with vega's changeset API
(https://vega.github.io/vega/docs/api/view/#view_change); a new ``spec`` still rebuilds it.
"""

import ipyvuetify as v
import traitlets


class LiveChart(v.VuetifyTemplate):
    """``spec``: a Vega-Lite spec whose data are ``{"name": ...}`` references;
    ``datasets``: ``{name: [row, ...]}``, replaced in place when it changes."""

    template_file = (__file__, "live_chart.vue")
    spec = traitlets.Dict().tag(sync=True)
    datasets = traitlets.Dict().tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    @traitlets.default("cdn")
    def _cdn(self):
        import solara.settings

        return None if solara.settings.assets.proxy else solara.settings.assets.cdn
