"""Experts who sell help sessions and juniors who are stuck (seed 001, Market 3).

Private numbers stay here, column-wise: an expert's true quality theta (the chance a session gets a
junior unstuck) and its cost of an hour's session; a junior's value of being unstuck this step (the
completion bonus it lets it earn). The platform (:class:`agents.help_market.HelpMarket`) sees
posted prices, the juniors' rankings of the experts and the ratings; the observer reads the truth
through the ``true_*`` methods.

Pricing (``pricing``):

* ``reputation``: post max(cost, markup x reputation x mean value), the share ``markup`` of what an
  average junior expects a session at that reputation to be worth (the mean value is public), never
  below one's cost; so a better-rated expert charges more (seed 001: "high-reputation agents can
  charge premium prices").
* ``learned``: the markup is learned per expert by EXP3 (:class:`agents.learners.EXP3`, Auer et al.
  2002) over a grid of markups, from the expert's own profit each step; a newcomer starts afresh.
"""

import mesa
import numpy as np

from agents.learners import EXP3
from model.columns import ColumnTable
from model.ledger import to_credits

PRICING = ("reputation", "learned")
#: The markups a learning expert chooses among.
MARKUPS = np.linspace(0.1, 1.0, 10)


class ExpertPool:
    """Every expert that has been in the market, one row each (ids for life); ``seat`` says which of
    the ``experts`` places a row holds, ``active`` whether it is still there."""

    def __init__(self, capacity: int, markup: float, mean_value: float, pricing: str, seats: int,
                 rng: np.random.Generator, reward_max: float):
        if pricing not in PRICING:
            raise ValueError(f"pricing must be one of {', '.join(PRICING)}; got {pricing!r}")
        self._t = ColumnTable({"quality": (float, 0.0), "cost": (float, 0.0), "seat": (np.int64, -1),
                               "active": (bool, True), "idle": (np.int64, 0), "ring": (bool, False),
                               "joined": (np.int64, 0), "markup": (float, markup)})
        self.capacity, self.mean_value, self.pricing = capacity, mean_value, pricing
        self.learner = (EXP3(seats, len(MARKUPS), gamma=0.1, reward_range=(0.0, reward_max))
                        if pricing == "learned" else None)
        self._rng = rng
        self._choice = np.zeros(seats, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._t)

    # public facts -------------------------------------------------------------------------------
    @property
    def active(self) -> np.ndarray:
        return np.flatnonzero(self._t.active)

    @property
    def seat(self) -> np.ndarray:
        return self._t.seat

    @property
    def idle(self) -> np.ndarray:
        return self._t.idle

    @property
    def ring(self) -> np.ndarray:
        """Who is in the rating ring (the ring's members know; the market does not use it)."""
        return self._t.ring

    def join(self, seat: int, quality: float, cost: float, ring: bool, now: int) -> int:
        if self.learner is not None:
            self.learner.log_weights[seat] = 0.0     # a newcomer learns its own price
        return int(self._t.append(1, quality=quality, cost=cost, seat=seat, ring=ring, joined=now)[0])

    def leave(self, expert: int) -> None:
        self._t.set(expert, active=False)

    # the experts' own reasoning ------------------------------------------------------------------
    def prices(self, experts: np.ndarray, reputation: np.ndarray) -> np.ndarray:
        """The price each expert posts this step, given its public reputation."""
        if self.learner is not None:
            seats = self._t.seat[experts]
            self._choice[seats] = self.learner.act(self._rng)[seats]
            self._t.set(experts, markup=MARKUPS[self._choice[seats]])
        markup = self._t.markup[experts]
        return np.maximum(self._t.cost[experts], markup * reputation * self.mean_value)

    def feedback(self, experts: np.ndarray, sessions: np.ndarray, prices: np.ndarray) -> None:
        """How the step went for each expert in the market: paid sessions sold at its price. A
        learning expert's reward is its profit, sessions x (price - cost) (>= 0: it never prices
        below cost); idle counts the steps since its last paid session."""
        self._t.set(experts, idle=np.where(sessions > 0, 0, self._t.idle[experts] + 1))
        if self.learner is not None:
            rewards = np.zeros(self.learner.n)
            seats = self._t.seat[experts]
            rewards[seats] = sessions * (prices - self._t.cost[experts])
            low, high = self.learner.reward_range
            self.learner.update(self._choice, np.clip(rewards, low, high))

    def sessions(self, experts: np.ndarray, draws: np.ndarray) -> np.ndarray:
        """Nature: a session with each expert succeeds when the junior's uniform draw is below the
        expert's true quality."""
        return draws < self._t.quality[experts]

    # the observer's view -------------------------------------------------------------------------
    def true_quality(self, experts=None) -> np.ndarray:
        return self._t.quality.copy() if experts is None else self._t.quality[experts]

    def true_cost(self, experts=None) -> np.ndarray:
        return self._t.cost.copy() if experts is None else self._t.cost[experts]


class Juniors:
    """The juniors' private values of being unstuck this step, and their choices."""

    def __init__(self, count: int, rng: np.random.Generator):
        self._value = np.zeros(count)
        self._draws = np.zeros(count)
        self.stuck = np.zeros(count, dtype=bool)    # public: who is asking for help this step
        self._rng = rng

    def __len__(self) -> int:
        return len(self._value)

    def get_stuck(self, stuck: np.ndarray, values: np.ndarray, draws: np.ndarray) -> None:
        """This step's stuck juniors, what being unstuck is worth to each (private), and each one's
        luck: a session works if its uniform draw is below the helper's quality (drawn per junior
        whoever helps, so that runs with different helpers share their luck)."""
        self.stuck, self._value = np.asarray(stuck, dtype=bool), np.asarray(values, dtype=float)
        self._draws = np.asarray(draws, dtype=float)

    def draws(self, juniors: np.ndarray) -> np.ndarray:
        """Nature's draws for the sessions of ``juniors`` (read only when they happen)."""
        return self._draws[juniors]

    def rankings(self, juniors: np.ndarray, prices: np.ndarray, reputation: np.ndarray, wallets: np.ndarray):
        """Each junior's order: the experts it would buy from, best first (-1 pads the row). A junior
        expects a session to work with the expert's public reputation and buys when value x
        reputation > price and it can pay; ties are broken at random."""
        surplus = self._value[juniors, None] * reputation[None, :] - prices[None, :]
        acceptable = (surplus > 0) & (prices[None, :] <= wallets[:, None])
        noise = self._rng.random(surplus.shape)
        order = np.lexsort((noise, -np.where(acceptable, surplus, -np.inf)), axis=1)
        return np.where(np.take_along_axis(acceptable, order, axis=1), order, -1)

    def true_values(self, juniors=None) -> np.ndarray:
        return self._value.copy() if juniors is None else self._value[juniors]


class Expert(mesa.Agent):
    """An expert's seat in the market: an account and the row of its current holder. A newcomer
    who takes a seat gets an account of its own (the one who left keeps its earnings)."""

    def __init__(self, model, seat: int):
        super().__init__(model)
        self.seat = seat
        self.row = -1
        self.account = -1

    def take(self, row: int, account: int) -> None:
        self.row, self.account = row, account

    @property
    def wealth(self) -> float:
        return to_credits(self.model.ledger.balance(self.account))


class Junior(mesa.Agent):
    """A junior: an account (its wallet pays for help; completion bonuses come in)."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index
        self.account = model.ledger.open_account(f"junior:{index}")
