"""agents/developers.py on its own: what a developer knows of itself (the cost of clearing debt,
its pace), clearing and servicing debt with the hours it has, a step's work (a specialist
clears what it holds, oldest first; a feature agent pays what is due, then ships, sometimes
with a shortcut and a token), the queue cost it asks for taking more, and the takers' desk."""

import numpy as np
import pytest

from agents.developers import Developer, TakerDesk, queue_cost
from agents.strategies import Shade, Truthful
from model.debt import DebtBook
from model.ledger import to_units
from tests.agents.host import Host

SETTINGS = dict(hours=8.0, feature_hours=8.0, feature_value=10.0, principal=4.0, interest=0.1, maturity=20)


def team(shortcut=0.0, specialist=(2.0, 0.6), coupling=None):
    """A feature agent (1 principal hour an hour, 1.25 an hour) and a specialist (``specialist``:
    hours cleared per hour, cost per hour), sharing one debt book."""
    model = Host(rng=0, shortcut=shortcut, **SETTINGS)
    book = DebtBook()
    feature = Developer(model, "feature", 1.0, 1.25, book, coupling)
    expert = Developer(model, "specialist", *specialist, book)
    return model, book, feature, expert


def test_what_it_knows_of_itself():
    _, _, _, expert = team()
    # 5 principal hours at 2 an hour take 2.5 hours at 0.6: 1.5 credits. Two steps of 8 hours: 32.
    assert expert.cost_to_clear(5.0) == pytest.approx(1.5)
    assert expert.capacity(2.0) == 32.0
    assert expert.true_cost_per_hour() == 0.6


def test_clearing_a_token_spends_hours_at_its_own_pace():
    model, book, _, expert = team()
    token = book.issue(holder=expert.unique_id, hours=10.0, rate=0.0, maturity=9, now=0)
    expert.hours = 3.0
    assert expert.work_on(token, limit=4.0) == 4.0                  # 4 principal hours in 2 hours
    assert expert.work_on(token) == 2.0                             # the 1 hour left clears 2
    assert (expert.hours, expert.cleanup_hours, expert.cleared) == (0.0, 3.0, 6.0)
    assert book.outstanding[token] == 4.0


def test_servicing_interest_stops_when_the_hours_run_out():
    _, _, _, expert = team()
    expert.hours = 2.0
    assert expert.service(5.0) == 4.0 and expert.hours == 0.0      # 2 hours x 2 = 4 of the 5 due
    expert.hours = 2.0
    assert expert.service(1.0) == 1.0 and expert.hours == 1.5


def test_a_specialist_clears_the_tokens_it_holds_oldest_first():
    model, book, _, expert = team()
    old = book.issue(holder=expert.unique_id, hours=10.0, rate=0.0, maturity=9, now=0)
    new = book.issue(holder=expert.unique_id, hours=10.0, rate=0.0, maturity=9, now=0)
    expert.hours = 8.0                                              # 16 principal hours
    expert.step()
    assert book.outstanding[old] == 0.0 and book.outstanding[new] == 4.0
    assert model.ledger.minted == 0                                 # cleanup earns nothing itself


@pytest.mark.parametrize("shortcut, shipped, tokens", [(0.0, 1, 0), (1.0, 2, 2)])
def test_a_feature_agent_ships_and_a_shortcut_leaves_a_token(shortcut, shipped, tokens):
    # 8 hours: one feature done properly (8 hours), or two shortcuts (4 hours each), each minting
    # 10 credits; a shortcut leaves 4 hours of principal at 10 %, due 20 steps on, and calls the
    # coupling with the shipper and the principal.
    calls = []
    model, book, feature, _ = team(shortcut, coupling=lambda who, principal: calls.append((who, principal)))
    model.steps = 3
    feature.hours = 8.0
    feature.step()
    assert feature.shipped == shipped and feature.shipped_value == 10.0 * shipped
    assert model.units(feature.account) == to_units(10.0 * shipped)
    assert len(book.held_by(feature.unique_id)) == tokens and feature.held_debt() == 4.0 * tokens
    if tokens:
        assert book.maturity.tolist() == [23, 23] and book.rate.tolist() == [0.1, 0.1]
        assert calls == [(feature, 4.0)] * 2 and feature.benefit == 20.0
    else:
        assert calls == [] and feature.benefit == 0.0


def test_a_feature_agent_pays_what_is_due_before_it_ships():
    # A token of 3 hours due now takes 3 of its 8 hours; 5 hours are not enough for a proper feature
    # (8), so with no shortcuts it ships nothing; with shortcuts it ships one (4 hours).
    for shortcut, shipped in ((0.0, 0), (1.0, 1)):
        model, book, feature, _ = team(shortcut)
        model.steps = 5
        due = book.issue(holder=feature.unique_id, hours=3.0, rate=0.0, maturity=0, now=5)
        feature.hours = 8.0
        feature.step()
        assert book.outstanding[due] == 0.0 and feature.shipped == shipped


def test_the_cost_of_taking_debt_prices_the_wait_in_its_queue():
    # queue_cost: 4 hours onto a queue of 6, cleared 5 an hour-step, at 0.3 an hour, 10 % interest:
    # the wait is (6 + 4) / 5 = 2 steps, so 4 x (1 + 0.1 x 2) x 0.3 = 1.44.
    assert queue_cost(4.0, 6.0, 0.3, 5.0, 0.1) == pytest.approx(1.44)
    # The specialist clears 16 principal hours a step at 0.3 an hour: holding 12, taking 4 waits one
    # step: 4 x 1.1 x 0.3 = 1.32. Its truthful ask is that; shading 0.2 pads it to 1.584.
    _, _, _, expert = team()
    assert expert.cost_to_take(4.0, held=12.0, rate=0.1) == pytest.approx(1.32)
    rng = np.random.default_rng(0)
    assert expert.ask(4.0, 100.0, Truthful(), rng, held=12.0) == pytest.approx(1.32)
    assert expert.ask(4.0, 100.0, Shade(0.2), rng, held=12.0) == pytest.approx(1.2 * 1.32)


def test_the_desk_knows_each_takers_room():
    _, _, feature, expert = team()
    desk = TakerDesk([feature, expert])
    # two steps of work: 8 x 2 x 1 = 16 and 8 x 2 x 2 = 32 principal hours, minus what each holds
    assert desk.room(np.array([10.0, 0.0]), 2.0).tolist() == [6.0, 32.0]
