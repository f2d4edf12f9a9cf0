"""The dashboard's Solara components: a control generated from a parameter declaration, the
step counter, the runner's status, one panel, the ledger table (each panel and the ledger one
:class:`~dashboard.live_panel.LivePanel` widget).

Panels and the ledger table are computed for ``steps``, the last step that completed: while a
step runs in the background (dashboard.runner) the page keeps what it drew, and a step that
failed half-way is never drawn.
"""

import solara

from dashboard.classroom.countdown import Countdown
from dashboard.live_panel import LivePanel
from dashboard.panels import ledger_entries
from dashboard.runner import SLOW_STEP

#: Numeric parameters get a slider when their range has at most this many steps.
SLIDER_STEPS = 1_000


@solara.component
def ParamControl(param, value, on_value):
    """A control generated from one Param declaration."""
    if param.choices:
        solara.Select(label=param.name, values=list(param.choices), value=value, on_value=on_value)
    elif param.kind is bool:
        solara.Checkbox(label=param.name, value=value, on_value=on_value)
    else:
        span = (param.high - param.low) if param.low is not None and param.high is not None else None
        if param.kind is int and span is not None and span <= SLIDER_STEPS:
            solara.SliderInt(param.name, value=value, min=int(param.low), max=int(param.high), on_value=on_value)
        elif param.kind is float and span is not None and span <= 10:
            solara.SliderFloat(param.name, value=value, min=param.low, max=param.high, step=span / 100,
                               on_value=on_value)
        else:
            solara.InputText(param.name, value=str(value), on_value=on_value, continuous_update=False)
    solara.Text(param.help, style={"font-size": "0.75em", "color": "grey"})


@solara.component
def StepCounter(steps: int):
    solara.Text(f"Step {steps}", classes=["catallaxy-step"])


@solara.component
def RunStatus(runner, version: int):
    """A failure (with Reset offered), or a step that is taking long (with Stop); ``version`` is the
    runner's report count (a new one redraws this)."""
    if runner.error:
        solara.Error(f"{runner.error}. Step and Play are off for this model: Reset starts it again.",
                     classes=["catallaxy-run-error"])
        return
    if runner.running_for() > SLOW_STEP:
        last = f" (the last step took {runner.last_seconds:.1f} s)" if runner.last_seconds else ""
        with solara.Row(classes=["catallaxy-running"]):
            solara.Text(f"step {runner.good_steps + 1} is running{last}: ")
            Countdown.element(seconds=runner.running_for(), running=True, direction=1, stamp=runner.good_steps)
            solara.Button("Stop", on_click=runner.interrupt, text=True, classes=["catallaxy-stop"])


@solara.component
def PanelView(model, panel, steps: int):
    """One panel, drawn for the last completed step: one widget, one message a step (LivePanel)."""
    records, heading = solara.use_memo(lambda: (panel.records(model), panel.heading(model)), [model, panel, steps])
    LivePanel.element(heading=heading, steps=steps, spec=panel.template, records=records)


@solara.component
def LedgerTable(model, steps: int):
    table = solara.use_memo(lambda: ledger_entries(model).to_html(index=False, float_format=lambda x: f"{x:.4g}",
                                                                  border=0), [model, steps])
    LivePanel.element(heading="Latest ledger entries", steps=steps, html=table)
