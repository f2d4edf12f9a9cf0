"""Countdown: a clock drawn and advanced by the browser (one message when it starts, none per
second), so that sixty students' countdowns cost the server nothing between changes."""

import ipyvuetify as v
import traitlets


class Countdown(v.VuetifyTemplate):
    """``seconds`` left (None: no clock) when the widget was last sent; ``running``: ticking;
    ``direction``: -1 counts down, +1 counts up (a step's running time); ``stamp``: changed by
    the server to restart the clock from ``seconds``."""

    template_file = (__file__, "countdown.vue")
    seconds = traitlets.Float(None, allow_none=True).tag(sync=True)
    running = traitlets.Bool(False).tag(sync=True)
    direction = traitlets.Int(-1).tag(sync=True)
    stamp = traitlets.Int(0).tag(sync=True)
