"""A class session: one model shared by every seat, rounds run by an instructor, students in
their own browsers.

Everything a page shows comes from :meth:`ClassSession.student_view` (one seat's own numbers
and what is public) or :meth:`ClassSession.instructor_view` (everything, bids only once a round
has closed). Every change bumps a version counter that pages wait on (:meth:`ClassSession.wait`),
so an idle page costs nothing and a change reaches every page at once. One lock guards the
model: the instructor's clicks, the students' orders and the session's timer take turns.

A round: ``start_round`` (people who joined since take their seats, values are dealt, the
countdown starts) -> orders (``submit``) -> ``close_round`` (at the deadline, when every seat a
person holds has bid, or early by the instructor): the model steps, the market maker and the
ledger settle, one row per seat is recorded and the export rewritten.
"""

import math
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from dashboard.classroom import export
from dashboard.classroom.seated import ADAPTERS, finite
from model.ledger import to_credits
from model.params import ParameterError

#: Letters of a join code (no 0/O or 1/I).
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ABSENT = ("none", "bot")
NICKNAME_LENGTH = 24


@dataclass
class Seat:
    index: int
    role: str
    nickname: str = ""
    token: str = ""           # the seat's secret, in its page's URL
    browser: str = ""         # the browser session that holds it (one seat per browser)
    human: bool = False       # a person plays it this round
    joining: bool = False     # a person took it; they play from the next round
    pages: int = 0            # open pages of its person
    message: str = ""         # the last answer to its person
    history: list = field(default_factory=list)

    @property
    def connected(self) -> bool:
        return self.pages > 0


class ClassSession:
    """One class session.

    Args:
        scenario: a name in ``seated.ADAPTERS``.
        values: the scenario's parameters (the seat counts are set from ``seats``).
        seats: number of seats (students and bots together).
        rounds: rounds in the session.
        seconds: a round's countdown, or None to close when every seat a person holds has bid.
        absent: what a seat whose person has closed their page does: "none" (no bid) or "bot".
        seed: the model's seed.
        export_dir: where the session's folder is written.
        bot_interval: on an open book, seconds between two bots' orders.
        timer: run the session's own clock thread (tests drive ``tick`` themselves instead).
    """

    def __init__(self, scenario: str, values: dict, *, seats: int, rounds: int, seconds: float | None,
                 absent: str = "none", seed: int = 0, export_dir: Path = Path("classroom-sessions"),
                 bot_interval: float = 1.0, timer: bool = True, clock=time.monotonic):
        if scenario not in ADAPTERS:
            raise ParameterError(f"scenario must be one with human seats: {', '.join(ADAPTERS)}; got {scenario!r}")
        if not 1 <= int(seats) <= 500:
            raise ParameterError(f"seats must be a whole number from 1 to 500; got {seats!r}")
        if not 1 <= int(rounds) <= 1000:
            raise ParameterError(f"rounds must be a whole number from 1 to 1000; got {rounds!r}")
        if seconds is not None and not 5 <= seconds <= 3600:
            raise ParameterError(f"a round's countdown must be 5 to 3600 seconds; got {seconds!r}")
        if absent not in ABSENT:
            raise ParameterError(f"absent must be one of {', '.join(ABSENT)}; got {absent!r}")
        self.adapter = ADAPTERS[scenario]
        self.values = {k: v for k, v in values.items() if k not in self.adapter.fixed}
        self.model = self.adapter.build(self.values, int(seats), int(seed))
        self.rounds, self.seconds, self.absent, self.seed = int(rounds), seconds, absent, int(seed)
        self.bot_interval, self._clock = bot_interval, clock
        self.code = "".join(secrets.choice(CODE_LETTERS) for _ in range(5))
        self.created = datetime.now()
        self.folder = Path(export_dir) / f"{self.created:%Y%m%d-%H%M%S}-{self.code}"
        self.seats = [Seat(i, role) for i, role in enumerate(self.adapter.roles(self.model))]
        self.state, self.round = "lobby", 0
        self.deadline: float | None = None
        self.paused_left: float | None = None
        self.orders: dict[int, float] = {}
        self.rows: list[dict] = []
        self.facts: list[dict] = []
        self.paths: dict[str, Path] = {}
        self._wallets: list[int] = []
        self._next_bot = 0.0
        self.close_seconds: float | None = None   # wall-clock of the last close (shown, never exported)
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self.versions: defaultdict[str, int] = defaultdict(int)
        self._stop = threading.Event()
        if timer:
            thread = threading.Thread(target=self._run_timer, daemon=True, name=f"class-{self.code}")
            thread.current_context = None   # not a page's: solara's patched Thread would capture one
            thread.start()

    # waiting for changes ----------------------------------------------------------------------
    def _bump(self, *keys: str) -> None:
        for key in ("instructor", *keys):
            self.versions[key] += 1
        self._changed.notify_all()

    def _bump_everyone(self) -> None:
        self._bump("public", *(f"seat:{s.index}" for s in self.seats))

    def snapshot(self, keys: tuple[str, ...]) -> tuple[int, ...]:
        with self.lock:
            return tuple(self.versions[k] for k in keys)

    def wait(self, keys: tuple[str, ...], seen: tuple[int, ...], timeout: float) -> tuple[int, ...]:
        """Block until one of the ``keys``' versions differs from ``seen`` (or ``timeout``)."""
        with self._changed:
            self._changed.wait_for(lambda: self.snapshot(keys) != seen or self._stop.is_set(), timeout)
            return self.snapshot(keys)

    # seats --------------------------------------------------------------------------------------
    def join(self, nickname: str, browser: str = "") -> Seat:
        """Give a person a seat (their browser's, if it has one already); raises ValueError."""
        nickname = " ".join(str(nickname).split())[:NICKNAME_LENGTH]
        with self.lock:
            if browser and (mine := next((s for s in self.seats if s.browser == browser), None)):
                return mine
            if not nickname:
                raise ValueError("enter a nickname")
            if self.state == "ended":
                raise ValueError("this session has ended")
            free = [i for i in self.adapter.join_order(self.model) if not self.seats[i].token]
            if not free:
                raise ValueError("this session is full: every seat is taken")
            seat = self.seats[free[0]]
            seat.nickname, seat.token, seat.browser, seat.joining = nickname, secrets.token_urlsafe(9), browser, True
            seat.message = "you have a seat: you play from the next round"
            self._bump(f"seat:{seat.index}")
            return seat

    def seat(self, token: str) -> Seat | None:
        with self.lock:
            return next((s for s in self.seats if token and secrets.compare_digest(s.token, token)), None)

    def attach(self, seat: Seat) -> None:
        """A page of the seat's person opened."""
        with self.lock:
            seat.pages += 1
            if seat.human and self.absent == "bot":
                self.adapter.set_away(self.model, seat.index, False)
            self._bump()

    def detach(self, seat: Seat) -> None:
        """A page of the seat's person closed: with none left, the seat makes no bid or its bot
        plays, as the instructor chose, until the person is back."""
        with self.lock:
            seat.pages = max(0, seat.pages - 1)
            if not seat.pages and seat.human and self.absent == "bot":
                self.adapter.set_away(self.model, seat.index, True)
            self._bump()

    # rounds -------------------------------------------------------------------------------------
    def start_round(self) -> None:
        with self.lock:
            if self.state not in ("lobby", "closed"):
                raise ValueError("a round is already running" if self.state == "open" else "the session has ended")
            for seat in self.seats:
                if seat.joining:
                    seat.joining, seat.human = False, True
                    self.adapter.set_human(self.model, seat.index, True)
                    self.adapter.set_away(self.model, seat.index, self.absent == "bot" and not seat.connected)
                seat.message = ""
            for seats in {id(s): s for s in (self.adapter.seats_of(self.model, i)[0] for i in range(len(self.seats)))}.values():
                seats.clear()
            self.adapter.open_round(self.model)
            self._wallets = [self._wallet_units(i) for i in range(len(self.seats))]
            self.round += 1
            self.orders = {}
            self.state = "open"
            self.deadline = None if self.seconds is None else self._clock() + self.seconds
            self.paused_left = None
            self._next_bot = self._clock() + self.bot_interval
            self._bump_everyone()

    def pause(self) -> None:
        with self.lock:
            if self.state == "open" and self.paused_left is None and self.deadline is not None:
                self.paused_left = max(0.0, self.deadline - self._clock())
                self._bump_everyone()

    def resume(self) -> None:
        with self.lock:
            if self.paused_left is not None:
                self.deadline, self.paused_left = self._clock() + self.paused_left, None
                self._bump_everyone()

    def submit(self, seat: Seat, text) -> tuple[bool, str]:
        """A person's order; returns (accepted, the message for them). Nothing changes if refused."""
        with self.lock:
            try:
                price = float(str(text).strip())
            except ValueError:
                return self._answer(seat, False, f"{text!r} is not a number")
            if self.state != "open":
                return self._answer(seat, False, "the round is closed: your order was not taken"
                                    if self.round else "the first round has not started yet")
            if self.paused_left is not None:
                return self._answer(seat, False, "the round is paused: try again when it resumes")
            if not seat.human:
                return self._answer(seat, False, "you play from the next round")
            try:
                message = self.adapter.submit(self.model, seat.index, price)
            except ValueError as err:
                return self._answer(seat, False, f"refused: {err}")
            self.orders[seat.index] = price
            accepted = self._answer(seat, True, message, public=self.adapter.continuous)
            if self.seconds is None and all(s.index in self.orders for s in self.seats if s.human and s.connected):
                self.close_round()
            return accepted

    def _answer(self, seat: Seat, ok: bool, message: str, public: bool = False) -> tuple[bool, str]:
        seat.message = message
        self._bump(f"seat:{seat.index}", *(("public",) if public else ()))
        return ok, message

    def tick(self) -> None:
        """The session's clock: close a round at its deadline; on an open book, let a bot act."""
        with self.lock:
            if self.state != "open" or self.paused_left is not None:
                return
            now = self._clock()
            if self.deadline is not None and now >= self.deadline:
                self.close_round()
            elif self.adapter.continuous and now >= self._next_bot:
                self._next_bot = now + self.bot_interval
                before = self.adapter.public(self.model)
                self.adapter.tick(self.model)
                if self.adapter.public(self.model) != before:
                    self._bump("public")

    def close_round(self) -> None:
        """Close the running round now: step the model, record every seat, rewrite the export."""
        with self.lock:
            if self.state != "open":
                raise ValueError("no round is running")
            started = time.perf_counter()
            self.model.step()
            facts = self.adapter.round_facts(self.model)
            self.facts.append(facts)
            for seat in self.seats:
                row = self._row(seat, facts)
                self.rows.append(row)
                if seat.human:
                    seat.history.append(row)
            self.state = "ended" if self.round >= self.rounds else "closed"
            self.deadline = self.paused_left = None
            self.save()
            self.close_seconds = time.perf_counter() - started
            self._bump_everyone()

    def end(self) -> None:
        with self.lock:
            if self.state == "open":
                self.close_round()
            self.state = "ended"
            self.save()
            self._bump_everyone()

    def stop(self) -> None:
        """Stop the session's clock (the session stays readable)."""
        self._stop.set()
        with self._changed:
            self._changed.notify_all()

    def _run_timer(self) -> None:
        while not self._stop.wait(0.2):
            if self.state == "ended":
                return
            try:
                self.tick()
            except Exception as err:   # a failing step must not kill the clock silently
                with self.lock:
                    self.state, self.deadline = "closed", None
                    for seat in self.seats:
                        seat.message = f"the round could not close: {err}"
                    self._bump_everyone()

    def _wallet_units(self, seat: int) -> int:
        from model.ledger import to_units

        return to_units(self.adapter.wallet(self.model, seat))

    def _row(self, seat: Seat, facts: dict) -> dict:
        i = seat.index
        change = self._wallet_units(i) - self._wallets[i]
        outcome = self.adapter.outcome(self.model, i)
        player = self.adapter.player(self.model, i)
        if self.adapter.continuous and player in ("human", "none"):   # orders went to the book, not the seat
            player = "human" if i in self.orders else "none"
        by_person = player in ("human", "none")
        order = self.orders.get(i) if self.adapter.continuous or by_person else outcome.get("order")
        payment, profit = self.adapter.money(self.model, i, to_credits(change), outcome)
        return {"round": self.round, "seat": i, "nickname": seat.nickname if seat.human else "", "role": seat.role,
                "player": "human" if player == "human" else ("none" if player == "none" else "bot"),
                "strategy": "" if by_person else player, "value": self.adapter.private(self.model, i)["value"],
                "order": math.nan if order is None or player == "none" else order,
                "allocation": outcome["allocation"], "payment": payment, "profit": profit,
                "wallet_change": to_credits(change), "wallet": self.adapter.wallet(self.model, i),
                "price": facts.get("price", math.nan)}

    def save(self) -> dict:
        """Rewrite the session's files (CSV and Parquet rounds, summary, ledger, settings)."""
        with self.lock:
            meta = {"code": self.code, "scenario": self.adapter.name, "parameters": dict(self.model.scenario),
                    "seats": len(self.seats), "rounds": self.rounds, "rounds_played": self.round,
                    "seconds": self.seconds, "absent": self.absent, "seed": self.seed,
                    "created": self.created.isoformat(), "state": self.state}
            self.paths = export.write(self.folder, self.rows, meta, self.model.ledger.to_frame())
            return self.paths

    # what pages see ---------------------------------------------------------------------------
    def remaining(self) -> float | None:
        if self.paused_left is not None:
            return self.paused_left
        return None if self.deadline is None else max(0.0, self.deadline - self._clock())

    def student_view(self, seat: Seat) -> dict:
        """Everything one student's page shows: this seat's own numbers and what is public.
        Nothing here is another seat's: no values, no orders, not who is a bot."""
        with self.lock:
            i, live = seat.index, self.state == "open"
            view = {"code": self.code, "state": self.state, "round": self.round, "rounds": self.rounds,
                    "remaining": self.remaining(), "paused": self.paused_left is not None,
                    "seat": i, "role": seat.role, "nickname": seat.nickname, "playing": seat.human,
                    "joining": seat.joining, "message": seat.message, "continuous": self.adapter.continuous,
                    "wallet": self.adapter.wallet(self.model, i)}
            if seat.human and (live or self.round):
                view["private"] = {k: v for k, v in self.adapter.private(self.model, i).items()}
                view["rule"] = self.adapter.order_rule(self.model, i)
            if live and seat.human:
                view["my_order"] = self.orders.get(i)
                view["public"] = self.adapter.public(self.model)
            if self.facts:
                view["last_price"] = finite(self.facts[-1].get("price"))
            keep = ("round", "value", "order", "allocation", "payment", "profit", "wallet", "price")
            view["history"] = [{k: row[k] for k in keep} for row in seat.history]
            return view

    def instructor_view(self) -> dict:
        """Everything: seats (who is a bot, who is connected, who has bid), every closed round's
        rows and facts; the running round's orders are not in it (only who has placed one)."""
        with self.lock:
            seats = [{"seat": s.index, "role": s.role, "nickname": s.nickname, "human": s.human,
                      "joining": s.joining, "connected": s.connected, "has_bid": s.index in self.orders,
                      "player": "person" if s.human else ("joins next round" if s.joining else
                                                            f"bot ({self.adapter.player(self.model, s.index)})")}
                     for s in self.seats]
            return {"code": self.code, "scenario": self.adapter.name, "state": self.state, "round": self.round,
                    "rounds": self.rounds, "remaining": self.remaining(), "paused": self.paused_left is not None,
                    "seats": seats, "rows": list(self.rows), "facts": list(self.facts),
                    "public": self.adapter.public(self.model) if self.state == "open" else {},
                    "paths": {k: str(v) for k, v in self.paths.items()}, "close_seconds": self.close_seconds}


# the server's sessions -------------------------------------------------------------------------
_SESSIONS: dict[str, ClassSession] = {}
_REGISTRY_LOCK = threading.Lock()


def create(*args, **kwargs) -> ClassSession:
    session = ClassSession(*args, **kwargs)
    with _REGISTRY_LOCK:
        _SESSIONS[session.code] = session
    return session


def find(code: str) -> ClassSession | None:
    with _REGISTRY_LOCK:
        return _SESSIONS.get(str(code).strip().upper())


def find_seat(token: str) -> tuple[ClassSession, Seat] | None:
    with _REGISTRY_LOCK:
        sessions = list(_SESSIONS.values())
    for session in sessions:
        seat = session.seat(token)
        if seat is not None:
            return session, seat
    return None


def sessions() -> list[ClassSession]:
    with _REGISTRY_LOCK:
        return list(_SESSIONS.values())
