"""The dashboard's Solara components: a control generated from a parameter declaration, the
step counter, one panel, the ledger table."""

import solara
from mesa.visualization.utils import update_counter

from dashboard.live_chart import LiveChart
from dashboard.panels import ledger_entries

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
def StepCounter(model):
    update_counter.get()
    solara.Text(f"Step {model.steps}", classes=["catallaxy-step"])


@solara.component
def PanelView(model, panel):
    """One panel, redrawn every step."""
    update_counter.get()
    datasets = panel.datasets(model)
    with solara.Column(classes=["catallaxy-panel", f"step-{model.steps}"]):
        solara.Markdown(f"**{panel.heading(model)}**")
        LiveChart.element(spec=panel.template, datasets=datasets)


@solara.component
def LedgerTable(model):
    update_counter.get()
    table = ledger_entries(model).to_html(index=False, float_format=lambda x: f"{x:.4g}", border=0)
    with solara.Column(classes=["catallaxy-panel", f"step-{model.steps}"]):
        solara.Markdown("**Latest ledger entries**")
        solara.HTML(tag="div", unsafe_innerHTML=table)
