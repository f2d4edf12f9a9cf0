"""Developers of a shared codebase: feature agents who ship (and take shortcuts), and refactoring
specialists who clean up. Each has a wallet, hours to work each step, and two private
numbers: how many hours of cleanup (principal) an hour of its work clears, and what an hour
of its work costs it.
"""

import mesa
import numpy as np

from model.ledger import to_units


class Developer(mesa.Agent):
    """A feature agent (``role="feature"``) or a refactoring specialist (``role="specialist"``).

    Each step it first services the interest of the debt it holds and does any crisis work it
    owes (the model hands it those hours), then: a specialist clears the tokens it holds,
    oldest first; a feature agent pays down its tokens past maturity, then ships features with
    the hours left, each one fast (half the time, and a debt token) with chance ``shortcut``.
    """

    def __init__(self, model, role: str, efficiency: float, cost_per_hour: float, book, coupling=None):
        """``book``: the codebase's DebtBook; ``coupling``: called as coupling(shipper, principal)
        when it ships a shortcut (the scenario's coupling tax), or None."""
        super().__init__(model)
        self.role = role
        self.book, self.coupling = book, coupling
        self.account = model.ledger.open_account(f"{role}:{self.unique_id}")
        self._efficiency = efficiency        # principal hours cleared per hour (private)
        self._cost = cost_per_hour           # what an hour of work costs it (private)
        self.hours = 0.0                     # hours left this step
        self.benefit = 0.0                   # value earned from features shipped with a shortcut
        self.cleanup_hours = self.cleared = 0.0
        self.shipped = 0
        self.shipped_value = 0.0             # credits earned by features shipped this step

    # what it knows of itself ---------------------------------------------------------------------
    def cost_to_clear(self, hours: float) -> float:
        """Credits it would spend clearing ``hours`` of principal (its private reservation)."""
        return hours / self._efficiency * self._cost

    def capacity(self, horizon: float) -> float:
        """Principal hours it could clear over ``horizon`` steps of work."""
        return self.model.scenario.hours * horizon * self._efficiency

    def work_on(self, token: int, limit: float | None = None) -> float:
        """Spend hours clearing ``token`` (at most ``limit`` principal hours); return hours cleared."""
        book = self.book
        wanted = float(book.outstanding[token]) if limit is None else min(limit, float(book.outstanding[token]))
        cleared = book.pay(token, min(wanted, self.hours * self._efficiency))
        spent = cleared / self._efficiency
        self.hours -= spent
        self.cleanup_hours += spent
        self.cleared += cleared
        return cleared

    def service(self, due: float) -> float:
        """Work on ``due`` hours of interest (principal hours, at its own pace) with the hours it
        has; return the principal hours serviced."""
        serviced = min(due, self.hours * self._efficiency)
        self.hours -= serviced / self._efficiency
        self.cleanup_hours += serviced / self._efficiency
        return serviced

    def step(self) -> None:
        """Work the hours left: a specialist clears the tokens it holds, oldest first; a feature
        agent pays down its due tokens, then ships features (each a shortcut with chance
        ``shortcut``)."""
        model, p = self.model, self.model.scenario
        held = self.book.held_by(self.unique_id)
        if self.role == "specialist":
            for token in held:
                if self.hours <= 1e-9:
                    break
                self.work_on(int(token))
            return
        for token in held[self.book.maturity[held] <= model.steps]:  # due: pay it down first
            if self.hours <= 1e-9:
                break
            self.work_on(int(token))
        while self.hours > 1e-9:
            fast = model.rng.random() < p.shortcut
            needed = p.feature_hours / 2 if fast else p.feature_hours
            if self.hours < needed:
                break
            self.hours -= needed
            self.shipped += 1
            model.ledger.mint(self.account, to_units(p.feature_value), market="features", kind="revenue")
            self.shipped_value += p.feature_value
            if fast:
                self.benefit += p.feature_value
                self.book.issue(self.unique_id, p.principal, p.interest, p.maturity, model.steps)
                if self.coupling is not None:
                    self.coupling(self, p.principal)

    def held_debt(self) -> float:
        """Principal hours of the tokens it holds."""
        return float(self.book.outstanding[self.book.held_by(self.unique_id)].sum())

    def true_cost_per_hour(self) -> float:
        """What an hour of its work costs it (for the observer's welfare only)."""
        return self._cost

    def cost_to_take(self, hours: float, held: float | None = None, rate: float | None = None) -> float:
        """What taking ``hours`` of someone's debt at ``rate`` (default: the scenario's interest)
        would cost it, holding ``held`` (default: what it holds now); see :func:`queue_cost`."""
        held = self.held_debt() if held is None else held
        rate = self.model.scenario.interest if rate is None else rate
        return float(queue_cost(hours, held, self.cost_to_clear(1.0), self.capacity(1.0), rate))

    def ask(self, hours: float, ceiling: float, strategy, rng, held: float | None = None) -> float:
        """What it asks to take ``hours`` of principal off someone's hands: its strategy applied
        to its cost of taking them (truthful: exactly that cost)."""
        return float(strategy.ask(np.array([self.cost_to_take(hours, held)]), np.array([ceiling]), rng)[0])


def queue_cost(hours, held, per_hour, per_step, interest: float):
    """Cost of taking ``hours`` of principal onto a queue already holding ``held``: clearing
    them at ``per_hour`` credits an hour of principal, plus the interest they accrue while they
    wait, (held + hours) / per_step steps at ``interest`` a step. Scalars or numpy arrays."""
    wait = (held + hours) / np.maximum(per_step, 1e-12)
    return hours * (1.0 + interest * wait) * per_hour


class TakerDesk:
    """The takers' side of the debt auctions, priced in bulk: every developer's ask for a token,
    one numpy call per token. It holds the developers' private cost per hour of principal and
    pace, and stays in this module: the market maker receives the asks alone."""

    def __init__(self, developers: list[Developer]):
        self._per_hour = np.array([d.cost_to_clear(1.0) for d in developers])
        self._per_step = np.array([d.capacity(1.0) for d in developers])

    def room(self, held: np.ndarray, horizon: float) -> np.ndarray:
        """Principal hours each will still take on, holding ``held``: ``horizon`` steps of work."""
        return self._per_step * horizon - held

    def asks(self, hours: float, held: np.ndarray, bidding: np.ndarray, ceiling: float, interest: float,
             strategy, rng) -> np.ndarray:
        """Each developer's ask to take ``hours``; NaN for those not ``bidding`` (a mask)."""
        out = np.full(len(held), np.nan)
        costs = queue_cost(hours, held[bidding], self._per_hour[bidding], self._per_step[bidding], interest)
        out[bidding] = strategy.ask(costs, np.full(len(costs), ceiling), rng)
        return out
