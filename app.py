"""Catallaxy's dashboard: `solara run app.py`.

Three pages on one server:

* ``/`` — pick a scenario, set its parameters (controls generated from the scenario's
  declaration), step or play it, and watch prices, welfare, money and wealth move. Every
  browser tab builds its own model; its steps run off the page's thread (dashboard.runner), so
  a failing step shows a message and keeps the page, a long step can be stopped, and the work
  ends when the tab closes.
* ``/teach`` — the instructor's console of a class session (the token printed at start-up,
  or CATALLAXY_INSTRUCTOR_TOKEN).
* ``/join`` — a student's seat in a class session.

CATALLAXY_EXTRA_SCENARIOS="module:Class,..." adds scenarios to the picker (plug-ins, tests);
CATALLAXY_DASHBOARD_PROBE=FILE writes the server side's timings to FILE (dashboard.probe).
"""

import importlib
import itertools
import os
import sys

import solara

from dashboard.classroom.pages import InstructorPage, StudentPage, announce
from dashboard.components import LedgerTable, PanelView, ParamControl, RunStatus, StepCounter
from dashboard.panels import panels_for
from dashboard.runner import ModelRunner
from model.params import ParameterError
from scenarios.registry import DEFAULT_SCENARIO, SCENARIOS

if os.environ.get("CATALLAXY_DASHBOARD_PROBE"):   # timings for benchmarks.dashboard --profile
    from dashboard.probe import install

    install(os.environ["CATALLAXY_DASHBOARD_PROBE"])

for entry in filter(None, os.environ.get("CATALLAXY_EXTRA_SCENARIOS", "").split(",")):
    module, _, attribute = entry.strip().partition(":")
    extra = getattr(importlib.import_module(module), attribute)
    SCENARIOS.setdefault(extra.name, extra)

def _cli_option(name: str, default: str) -> str:
    """An option of the `solara run` command line this server was started with."""
    args = sys.argv
    return next((args[i + 1] for i, a in enumerate(args[:-1]) if a == name), default)


print(announce(_cli_option("--host", "localhost"), _cli_option("--port", "8765")), flush=True)


def build(name: str, values: dict, seed: int):
    """A fresh model of scenario ``name``; raises ParameterError on bad values."""
    return SCENARIOS[name](rng=seed, **values)


def page_connected():
    """Whether the current page still has an open connection (Play stops when it has none)."""
    from solara.server import kernel_context

    if not kernel_context.has_current_context():   # rendered outside a server (tests)
        return lambda: True
    context = kernel_context.get_current_context()
    return lambda: not context.closed_event.is_set() and kernel_context.PageStatus.CONNECTED in \
        context.page_status.values()


@solara.component
def Page():
    name = solara.use_reactive(DEFAULT_SCENARIO)
    values = solara.use_reactive({p.name: p.default for p in SCENARIOS[DEFAULT_SCENARIO].params})
    seed = solara.use_reactive(0)
    problem = solara.use_reactive(None)
    first = solara.use_memo(lambda: build(name.value, values.value, seed.value), [])
    model = solara.use_reactive(first)  # per session: every page builds its own
    play_interval = solara.use_reactive(100)
    changes = solara.use_reactive(0)
    connected = solara.use_memo(page_connected, [])
    counter = solara.use_memo(lambda: itertools.count(1), [])
    runner = solara.use_memo(lambda: ModelRunner(model.value, on_change=lambda: changes.set(next(counter)),
                                                 connected=connected), [model.value])
    latest = solara.use_ref(runner)
    latest.current = runner
    solara.use_effect(lambda: (lambda: latest.current.close()), [])   # the page closed: its work stops

    def rebuild(new_name, new_values, new_seed):
        try:
            fresh = build(new_name, new_values, new_seed)
        except ValueError as err:  # ParameterError and any other input the model refuses
            problem.value = str(err)
            return
        problem.value = None
        runner.close()   # a step still running for the old model stops
        name.value, values.value, seed.value = new_name, new_values, new_seed
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
            RunCard(runner, changes, play_interval, lambda: rebuild(name.value, values.value, seed.value))
        with solara.Card("Parameters"):
            if problem.value:
                solara.Error(problem.value, classes=["catallaxy-problem"])
            solara.InputText("seed", value=str(seed.value), on_value=set_seed, continuous_update=False)
            for param in current.params:
                ParamControl(param, values.value[param.name], lambda raw, p=param: set_param(p, raw))

    with solara.Column():
        with solara.Card("How this market works"):
            solara.Markdown(current.explanation)
        Panels(model.value, shown, runner, changes)


@solara.component
def RunCard(runner, changes, play_interval, reset):
    """Reset, Play/Pause, Step, the runner's status and the step counter (re-rendered on the
    runner's reports, without the rest of the page)."""
    changes.value  # read: the runner's reports re-render this card  # noqa: B018
    with solara.Row(justify="space-between"):
        solara.Button("Reset", color="primary", on_click=reset)
        solara.Button("❚❚" if runner.playing else "▶", color="primary",
                      on_click=runner.pause if runner.playing else lambda: runner.play(play_interval.value / 1000),
                      disabled=runner.failed or (runner.busy and not runner.playing))
        solara.Button("Step", color="primary", on_click=runner.step, disabled=runner.failed or runner.busy)
    RunStatus(runner, changes.value)
    solara.SliderInt("play interval (ms)", value=play_interval, min=50, max=1000, step=50)
    StepCounter(runner.good_steps)


@solara.component
def Panels(model, shown, runner, changes):
    """Every panel and the ledger, drawn for the runner's last completed step."""
    changes.value  # read: a completed step redraws the panels  # noqa: B018
    steps = runner.good_steps
    solara.use_effect(runner.shown, [runner, steps])   # drawn: Play may take the next step
    for panel in shown:
        with solara.Card(margin=0):
            PanelView(model, panel, steps)
    with solara.Card(margin=0):
        LedgerTable(model, steps)


@solara.component
def Layout(children=[]):
    return solara.AppLayout(children=children, navigation=False)


routes = [
    solara.Route(path="/", component=Page, label="Dashboard", layout=Layout),
    solara.Route(path="teach", component=InstructorPage, label="Instructor"),
    solara.Route(path="join", component=StudentPage, label="Join"),
]
