"""Catallaxy's dashboard: `solara run app.py`.

Pick a scenario, set its parameters (controls generated from the scenario's
declaration), step or play it with Mesa's ModelController, and watch prices,
welfare, money and wealth move. Every browser session builds its own model.
"""

import solara
from mesa.visualization.solara_viz import ModelController

from dashboard.components import LedgerTable, PanelView, ParamControl, StepCounter
from dashboard.panels import panels_for
from model.params import ParameterError
from scenarios.registry import DEFAULT_SCENARIO, SCENARIOS


def build(name: str, values: dict, seed: int):
    """A fresh model of scenario ``name``; raises ParameterError on bad values."""
    return SCENARIOS[name](rng=seed, **values)



@solara.component
def Page():
    name = solara.use_reactive(DEFAULT_SCENARIO)
    values = solara.use_reactive({p.name: p.default for p in SCENARIOS[DEFAULT_SCENARIO].params})
    seed = solara.use_reactive(0)
    problem = solara.use_reactive(None)
    first = solara.use_memo(lambda: build(name.value, values.value, seed.value), [])
    model = solara.use_reactive(first)  # per session: every page builds its own
    play_interval = solara.use_reactive(100)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)  # Mesa's controller reads these as reactives
    reset_params = solara.use_reactive({"rng": 0, **values.value})

    def rebuild(new_name, new_values, new_seed):
        try:
            fresh = build(new_name, new_values, new_seed)
        except ValueError as err:  # ParameterError and any other input the model refuses
            problem.value = str(err)
            return
        problem.value = None
        name.value, values.value, seed.value = new_name, new_values, new_seed
        reset_params.value = {"rng": new_seed, **new_values}
        model.value = fresh

    def pick(new_name):
        rebuild(new_name, {p.name: p.default for p in SCENARIOS[new_name].params}, seed.value)

    def set_param(param, raw):
        try:
            checked = param.coerce(raw)
        except ParameterError as err:
            problem.value = str(err)
            return
        rebuild(name.value, {**values.value, param.name: checked}, seed.value)

    def set_seed(raw):
        try:
            new_seed = int(raw)
            if new_seed < 0:
                raise ValueError
        except (TypeError, ValueError):
            problem.value = f"seed must be a whole number >= 0; got {raw!r}"
            return
        rebuild(name.value, values.value, new_seed)

    current = type(model.value)
    # Panel objects cache their chart spec: one set per session and scenario.
    shown = solara.use_memo(lambda: panels_for(current.name), [current])
    solara.Title("Catallaxy")
    with solara.AppBar():
        solara.AppBarTitle(f"Catallaxy · {current.name}")

    with solara.Sidebar():
        with solara.Card("Scenario"):
            solara.Select(label="scenario", values=list(SCENARIOS), value=name.value, on_value=pick)
            solara.Text(current.summary, style={"font-size": "0.85em"})
        with solara.Card("Run"):
            ModelController(model, model_parameters=reset_params, play_interval=play_interval,
                            render_interval=render_interval, use_threads=use_threads)
            solara.SliderInt("play interval (ms)", value=play_interval, min=50, max=1000, step=50)
            StepCounter(model.value)
        with solara.Card("Parameters"):
            if problem.value:
                solara.Error(problem.value, classes=["catallaxy-problem"])
            solara.InputText("seed", value=str(seed.value), on_value=set_seed, continuous_update=False)
            for param in current.params:
                ParamControl(param, values.value[param.name], lambda raw, p=param: set_param(p, raw))

    with solara.Column():
        with solara.Card("How this market works"):
            solara.Markdown(current.explanation)
        for panel in shown:
            with solara.Card(margin=0):
                PanelView(model.value, panel)
        with solara.Card(margin=0):
            LedgerTable(model.value)
