"""The classroom's two pages: the instructor's console (``/teach``) and a student's seat
(``/join``), served by the dashboard's one server.

A page holds no model: it renders a view dict of its session (``student_view`` for a seat,
``instructor_view`` for the console) and re-renders when the session's version for it changes
(:func:`use_session`, a thread per page that sleeps on the session's condition). A student's page
is built from its own seat's view only, so the server never sends it another seat's numbers.
"""

import html
import json
import itertools
import math
import os
import secrets
import threading
from pathlib import Path
from urllib.parse import parse_qs, quote

import solara
import solara.lab

from dashboard.classroom import charts
from dashboard.classroom import session as sessions
from dashboard.classroom.countdown import Countdown
from dashboard.classroom.seated import ADAPTERS
from dashboard.components import ParamControl
from dashboard.live_panel import LivePanel
from model.params import ParameterError

#: The instructor's token: CATALLAXY_INSTRUCTOR_TOKEN, or one drawn when the server starts.
INSTRUCTOR_TOKEN = os.environ.get("CATALLAXY_INSTRUCTOR_TOKEN") or secrets.token_urlsafe(12)
#: Where sessions are exported.
EXPORT_DIR = Path(os.environ.get("CATALLAXY_CLASSROOM_DIR", "classroom-sessions"))


def token_ok(given: str) -> bool:
    return bool(given) and secrets.compare_digest(str(given), INSTRUCTOR_TOKEN)


def announce(host: str, port: str) -> str:
    """The start-up line with the instructor page's address."""
    return f"Catallaxy classroom: the instructor page is http://{host}:{port}/teach?token={INSTRUCTOR_TOKEN}"


def query(router) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(router.search or "").items()}


def use_session(session, keys: tuple[str, ...], on_open=None, on_close=None) -> int:
    """Re-render when the session's versions for ``keys`` change; ``on_open``/``on_close`` run
    when the page opens and when it closes (its kernel shuts down, or it moves on)."""
    version = solara.use_reactive(0)

    def watch():
        if session is None:
            return None
        stop = threading.Event()
        counter = itertools.count(1)

        def run():
            seen = session.snapshot(keys)
            while not stop.is_set():
                now = session.wait(keys, seen, timeout=5.0)
                if now != seen and not stop.is_set():
                    seen = now
                    version.set(next(counter))

        if on_open:
            on_open()
        threading.Thread(target=run, daemon=True, name="class-page").start()

        def cleanup():
            stop.set()
            if on_close:
                on_close()
        return cleanup

    solara.use_effect(watch, [session, keys])
    return version.value


def _money(x) -> str:
    return "—" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.4f}"


def _table(rows: list[dict], columns: list[str], classes: str = "") -> None:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(r.get(c)))}</td>" for c in columns) + "</tr>"
                   for r in rows)
    solara.HTML(tag="div", unsafe_innerHTML=f'<table class="catallaxy-table {classes}"><tr>{head}</tr>{body}</table>')


def _cell(x) -> str:
    if isinstance(x, bool):
        return "yes" if x else ""
    if isinstance(x, float):
        return "—" if not math.isfinite(x) else f"{x:.4f}"
    return "" if x is None else str(x)


# the student's page ---------------------------------------------------------------------------
@solara.component
def StudentPage():
    router = solara.use_router()
    args = query(router)
    found = sessions.find_seat(args.get("seat", ""))
    solara.Title("Catallaxy · class")
    with solara.AppBar():
        solara.AppBarTitle("Catallaxy · class")
    with solara.Column(style={"max-width": "560px"}):
        if found is None:
            JoinForm(args.get("code", ""), router)
        else:
            SeatView(*found)


@solara.component
def JoinForm(code_given: str, router):
    code = solara.use_reactive(code_given)
    nickname = solara.use_reactive("")
    problem = solara.use_reactive("")

    def join():
        session = sessions.find(code.value)
        if session is None:
            problem.value = f"no class session has the code {code.value.strip().upper()!r}"
            return
        try:
            seat = session.join(nickname.value, browser=solara.get_session_id())
        except ValueError as err:
            problem.value = str(err)
            return
        router.push(f"/join?seat={quote(seat.token)}")

    with solara.Card("Join a class session"):
        solara.InputText("code", value=code, continuous_update=True)
        solara.InputText("nickname", value=nickname, continuous_update=True)
        solara.Button("Join", on_click=join, color="primary", classes=["catallaxy-join"])
        if problem.value:
            solara.Error(problem.value, classes=["catallaxy-problem"])


@solara.component
def SeatView(session, seat):
    keys = ("public", f"seat:{seat.index}")
    use_session(session, keys, on_open=lambda: session.attach(seat), on_close=lambda: session.detach(seat))
    view = session.student_view(seat)
    price = solara.use_reactive("")

    def send(text):
        session.submit(seat, text)

    role = view["role"]
    with solara.Card(f"{view['nickname']} · {role}"):
        state = {"lobby": "waiting for the first round", "open": f"round {view['round']} of {view['rounds']} is open",
                 "closed": f"round {view['round']} of {view['rounds']} has closed", "ended": "the session has ended"}
        with solara.Row():
            solara.Text(state[view["state"]] + (" (paused)" if view["paused"] else ""), classes=["catallaxy-state"])
            if view["state"] == "open" and view["remaining"] is not None:
                Countdown.element(seconds=view["remaining"], running=not view["paused"], stamp=seat_stamp(view))
        solara.Text(f"wallet: {view['wallet']:.4f}", classes=["catallaxy-wallet"])
        if view["joining"]:
            solara.Info("You have a seat: you play from the next round.")
        private = view.get("private")
        if private:
            solara.HTML(tag="div", unsafe_innerHTML=f"<b>{html.escape(private['label'])}: <span class='catallaxy-value'>"
                                                    f"{_money(private['value'])}</span></b>")
            if private.get("tasks"):
                _table(private["tasks"], ["task", "effort", "reserve", "break_even"], "catallaxy-tasks")
        if view["state"] in ("open", "closed") and view["playing"]:   # between rounds too: a late order is told why not
            rule = view["rule"]
            with solara.Row():
                solara.InputText(f"your {rule['side']} ({rule['low']:g} to {rule['high']:g})", value=price,
                                 continuous_update=True, classes=["catallaxy-order"])
                solara.Button(f"Submit {rule['side']}", on_click=lambda: send(price.value), color="primary",
                              classes=["catallaxy-submit"])
            if view["continuous"] and view["state"] == "open":
                Book(view, send)
            if view.get("my_order") is not None:
                solara.Text(f"your {rule['side']}: {view['my_order']:.4f}", classes=["catallaxy-my-order"])
        if view["message"]:
            solara.Text(view["message"], classes=["catallaxy-message"])
        if view["history"] and view["state"] != "open":
            last = view["history"][-1]
            solara.Text(f"Round {last['round']}: {'traded' if last['allocation'] else 'no trade'}"
                        f"{' (won)' if last['allocation'] > 0 and not view['continuous'] else ''}, paid "
                        f"{_money(last['payment'])}, profit {_money(last['profit'])}; the round's price "
                        f"{_money(view.get('last_price'))}", classes=["catallaxy-outcome"])
    if view["history"]:
        with solara.Card("Your rounds"):
            _table(view["history"], ["round", "value", "order", "allocation", "payment", "profit", "price"],
                   "catallaxy-history")


def seat_stamp(view) -> int:
    return int(view["round"] * 1000 + (0 if view["paused"] else 1))


@solara.component
def Book(view, send):
    public = view.get("public") or {}
    bid, ask = public.get("best_bid"), public.get("best_ask")
    prices = public.get("prices", [])
    solara.Text(f"best bid {_money(bid)} · best ask {_money(ask)} · trades this round: "
                + (", ".join(f"{p:.2f}" for p in prices) or "none"), classes=["catallaxy-book"])
    if view["role"] == "buyer" and ask is not None:
        solara.Button(f"Buy at the best ask ({ask:.2f})", on_click=lambda: send(ask), text=True)
    if view["role"] == "seller" and bid is not None:
        solara.Button(f"Sell at the best bid ({bid:.2f})", on_click=lambda: send(bid), text=True)


# the instructor's page ------------------------------------------------------------------------
@solara.component
def InstructorPage():
    router = solara.use_router()
    given = solara.use_reactive(query(router).get("token", ""))
    typed = solara.use_reactive("")
    solara.Title("Catallaxy · instructor")
    with solara.AppBar():
        solara.AppBarTitle("Catallaxy · instructor")
    if not token_ok(given.value):
        with solara.Card("Instructor", style={"max-width": "560px"}):
            if given.value:
                solara.Error("That instructor token is wrong: nothing here opens without the right one.",
                             classes=["catallaxy-denied"])
            solara.InputText("instructor token", value=typed, password=True, continuous_update=True)
            solara.Button("Open", on_click=lambda: given.set(typed.value), color="primary")
        return
    Console()


@solara.component
def Console():
    code = solara.use_reactive("")
    current = sessions.find(code.value) if code.value else None
    with solara.Sidebar():
        with solara.Card("Class sessions"):
            for s in sessions.sessions():
                solara.Button(f"{s.code} · {s.adapter.name}", text=True,
                              on_click=lambda s=s: code.set(s.code))
            solara.Button("New session", on_click=lambda: code.set(""), text=True)
    if current is None:
        NewSession(lambda s: code.set(s.code))
    else:
        SessionConsole(current)


@solara.component
def NewSession(opened):
    scenario = solara.use_reactive(next(iter(ADAPTERS)))
    adapter = ADAPTERS[scenario.value]
    model_class = adapter.model_class
    values = solara.use_reactive({p.name: p.default for p in model_class.params})
    seats = solara.use_reactive("8")
    rounds = solara.use_reactive("10")
    mode = solara.use_reactive("countdown")
    seconds = solara.use_reactive("60")
    absent = solara.use_reactive("none")
    seed = solara.use_reactive("0")
    problem = solara.use_reactive("")

    def pick(name):
        scenario.value = name
        values.value = {p.name: p.default for p in ADAPTERS[name].model_class.params}

    def set_param(param, raw):
        try:
            values.value = {**values.value, param.name: param.coerce(raw)}
            problem.value = ""
        except ParameterError as err:
            problem.value = str(err)

    def create():
        try:
            count, length, start = _whole("seats", seats.value), _whole("rounds", rounds.value), _whole("seed", seed.value)
            countdown = None if mode.value != "countdown" else float(seconds.value)
            session = sessions.create(scenario.value, values.value, seats=count, rounds=length, seconds=countdown,
                                      absent=absent.value, seed=start, export_dir=EXPORT_DIR)
        except ValueError as err:
            problem.value = str(err)
            return
        problem.value = ""
        opened(session)

    with solara.Card("New class session"):
        solara.Select(label="scenario", values=list(ADAPTERS), value=scenario.value, on_value=pick)
        solara.Text(model_class.summary, style={"font-size": "0.85em"})
        with solara.Row():
            solara.InputText("seats (students and bots)", value=seats, continuous_update=True)
            solara.InputText("rounds", value=rounds, continuous_update=True)
            solara.InputText("seed", value=seed, continuous_update=True)
        with solara.Row():
            solara.Select(label="a round ends", values=["countdown", "when every seat has bid"], value=mode)
            solara.InputText("countdown (seconds)", value=seconds, continuous_update=True)
            solara.Select(label="a student who left", values=["none", "bot"], value=absent)
        solara.Text("Empty seats are played by bots with the scenario's strategy (any strategy, learners "
                    "too); 'a student who left' makes no bid (none) or is played by a bot until back.",
                    style={"font-size": "0.8em", "color": "grey"})
        for param in model_class.params:
            if param.name not in adapter.fixed:
                ParamControl(param, values.value[param.name], lambda raw, p=param: set_param(p, raw))
        if problem.value:
            solara.Error(problem.value, classes=["catallaxy-problem"])
        solara.Button("Create session", on_click=create, color="primary", classes=["catallaxy-create"])


def _whole(name: str, text: str) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        raise ValueError(f"{name} must be a whole number; got {text!r}") from None


@solara.component
def SessionConsole(session):
    use_session(session, ("instructor",))
    view = session.instructor_view()
    specs = solara.use_memo(lambda: [(charts.spec(chart), names) for chart, names in charts.CHARTS], [])
    problem = solara.use_reactive("")

    def act(action):
        try:
            action()
            problem.value = ""
        except ValueError as err:
            problem.value = str(err)

    host = (solara.lab.headers.value or {}).get("host", ["127.0.0.1:8765"])[0]
    url = f"http://{host}/join?code={view['code']}"
    with solara.Row():
        with solara.Card("Join"):
            solara.Markdown(f"## code <span class='catallaxy-code'>{view['code']}</span>\n\n{url}")
            solara.HTML(tag="div", unsafe_innerHTML=qr_svg(url), classes=["catallaxy-qr"])
        with solara.Card(f"{view['scenario']} · round {view['round']} of {view['rounds']} · {view['state']}"):
            with solara.Row():
                solara.Button("Start round", on_click=lambda: act(session.start_round), color="primary",
                              disabled=view["state"] not in ("lobby", "closed"))
                solara.Button("Close round now", on_click=lambda: act(session.close_round),
                              disabled=view["state"] != "open")
                solara.Button("Resume" if view["paused"] else "Pause",
                              on_click=lambda: act(session.resume if view["paused"] else session.pause),
                              disabled=view["state"] != "open" or view["remaining"] is None)
                solara.Button("End session", on_click=lambda: act(session.end), disabled=view["state"] == "ended")
                solara.Button("Export now", on_click=lambda: act(session.save))
            if view["state"] == "open" and view["remaining"] is not None:
                Countdown.element(seconds=view["remaining"], running=not view["paused"],
                                  stamp=seat_stamp(view))
            if view["public"]:
                solara.Text(f"book: best bid {_money(view['public'].get('best_bid'))}, best ask "
                            f"{_money(view['public'].get('best_ask'))}, trades "
                            + ", ".join(f"{p:.2f}" for p in view["public"].get("prices", [])))
            if problem.value:
                solara.Error(problem.value, classes=["catallaxy-problem"])
            with solara.Column(gap="0px"):
                if view["paths"]:
                    solara.Text("exported: " + view["paths"].get("csv", ""), style={"font-size": "0.8em"},
                                classes=["catallaxy-export"])
                if view["close_seconds"] is not None:
                    solara.Text(f"the last round cleared and was exported in {view['close_seconds'] * 1e3:.0f} ms",
                                style={"font-size": "0.8em"}, classes=["catallaxy-cleared"])
    with solara.Card("Seats (bids stay hidden until the round closes)"):
        _table(view["seats"], ["seat", "role", "nickname", "player", "connected", "has_bid"], "catallaxy-seats")
    if view["facts"]:
        data = charts.datasets(view)
        with solara.Row():
            for spec, names in specs:
                LivePanel.element(spec=spec, records=json.dumps({name: data[name] for name in names}))
        last = [r for r in view["rows"] if r["round"] == view["round"]] if view["state"] != "open" else \
            [r for r in view["rows"] if r["round"] == view["round"] - 1]
        with solara.Card("Last closed round: every seat"):
            _table(last, ["seat", "nickname", "player", "strategy", "value", "order", "allocation", "payment",
                          "profit"], "catallaxy-results")
        with solara.Card("Leaderboard"):
            _table(charts.records(charts.leaderboard(view)), ["nickname", "role", "profit", "rounds"],
                   "catallaxy-leaderboard")


def qr_svg(url: str) -> str:
    """The join URL as a QR code, an inline SVG drawn on the page (no request leaves it)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=4)
