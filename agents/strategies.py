"""Bidding strategies: how a trader turns its private value into a bid, or its private
cost into an ask.

A strategy sees the trader's own value, the number of bidders (public) and a
random stream; never anyone else's value. Each ``bid`` returns credits per unit;
``bids`` does the same for a whole array of values at once (numpy).
``ask`` is the seller's side (procurement): given the sellers' true costs and the
buyer's public ceiling (its reserve), it returns asks, vectorised over numpy arrays.

Every strategy follows the :class:`Strategy` protocol. The scripted ones here ignore what
happens after a round (their ``feedback`` does nothing); the learners of
:mod:`agents.learning_bidders` update on it.
"""

import math
from dataclasses import dataclass
from random import Random
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Strategy(Protocol):
    """How a participant decides, and what it may learn from.

    Attributes:
        name: the strategy's name (the ``strategy`` parameter's value).
        learns: whether ``feedback`` changes later bids (scripted strategies: False).
        misreads: whether the participant believes a misread value (it then also chooses by
            it, e.g. which resource to use), as the noisy strategy does.
    """

    name: str
    learns: bool
    misreads: bool

    def bid(self, value: float, bidders: int, random: Random, member: int = 0) -> float:
        """One participant's bid per unit for its private ``value``; ``member`` is the index
        ``join`` gave it (a learning population keeps one row per member)."""

    def bids(self, values: np.ndarray, bidders: int, rng: np.random.Generator) -> np.ndarray:
        """Bids for a whole array of values at once."""

    def ask(self, cost: np.ndarray, ceiling: np.ndarray, rng: np.random.Generator, members=None) -> np.ndarray:
        """Asks of sellers with true ``cost`` facing the buyer's public ``ceiling``; ``members``
        says whose ask each entry is (a learning population's rows; scripted ones ignore it)."""

    def join(self) -> int:
        """Add a participant using this strategy; return its member index."""

    def feedback(self, members, utility, price: float = float("nan"), highest_other=float("nan")) -> None:
        """After a round, from the participants themselves: each member's realised utility
        (its value of what it got minus what it paid, or what it was paid minus its cost),
        the price the market disclosed (NaN if none) and, where bids are disclosed, the
        highest competing bid each member faced (NaN otherwise). ``members`` and the arrays
        may be one member's scalars. Never another participant's value."""


class Scripted:
    """The shared part of scripted strategies: they ignore feedback."""

    learns = False
    misreads = False

    def join(self) -> int:
        """Scripted strategies keep no rows: every member is 0."""
        return 0

    def feedback(self, members, utility, price=float("nan"), highest_other=float("nan")) -> None:
        """Nothing: a scripted strategy's bid is a fixed function of the value."""


@dataclass(frozen=True)
class Truthful(Scripted):
    """Bid the true value: the dominant strategy in a Vickrey auction."""

    name = "truthful"

    def bid(self, value: float, bidders: int, random: Random, member: int = 0) -> float:
        """The value itself."""
        return value

    def bids(self, values: np.ndarray, bidders: int, rng: np.random.Generator) -> np.ndarray:
        """The values themselves (a copy: a participant's private values never leave as the array itself)."""
        return np.array(values, dtype=float)

    def ask(self, cost: np.ndarray, ceiling: np.ndarray, rng: np.random.Generator, members=None) -> np.ndarray:
        """Ask the true cost: dominant in a procurement Vickrey auction."""
        return np.array(cost, dtype=float)   # a copy: never the private array itself


@dataclass(frozen=True)
class Shade(Scripted):
    """Bid (1 - shading) * value: a fixed fraction below the true value."""

    shading: float
    name = "shade"

    def bid(self, value: float, bidders: int, random: Random, member: int = 0) -> float:
        """(1 - shading) x the value."""
        return (1.0 - self.shading) * value

    def bids(self, values: np.ndarray, bidders: int, rng: np.random.Generator) -> np.ndarray:
        """(1 - shading) x each value."""
        return (1.0 - self.shading) * np.asarray(values, dtype=float)

    def ask(self, cost: np.ndarray, ceiling: np.ndarray, rng: np.random.Generator, members=None) -> np.ndarray:
        """Pad the ask: (1 + shading) * cost."""
        return (1.0 + self.shading) * np.asarray(cost, dtype=float)


@dataclass(frozen=True)
class BayesNash(Scripted):
    """The symmetric Bayes-Nash equilibrium bid of a first-price auction.

    With n risk-neutral bidders whose values are i.i.d. uniform on [0, 1],
    b(v) = (n - 1) / n * v (Krishna, *Auction Theory*, 2010, sec. 2.3); then the
    expected revenue is (n - 1) / (n + 1), the same as Vickrey's. The seller's mirror image
    (first-price procurement, n sellers with costs i.i.d. uniform on [0, ceiling]) asks
    a(c) = c + (ceiling - c) / n.
    """

    name = "bne"

    def bid(self, value: float, bidders: int, random: Random, member: int = 0) -> float:
        """(n - 1) / n x the value."""
        return (bidders - 1) / bidders * value

    def bids(self, values: np.ndarray, bidders: int, rng: np.random.Generator) -> np.ndarray:
        """(n - 1) / n x each value."""
        return (bidders - 1) / bidders * np.asarray(values, dtype=float)

    def ask(self, cost: np.ndarray, ceiling: np.ndarray, rng: np.random.Generator, members=None,
            sellers: int = 2) -> np.ndarray:
        """a(c) = c + (ceiling - c) / sellers, never below cost (Krishna 2010, sec. 2.3, mirrored)."""
        cost = np.asarray(cost, dtype=float)
        return cost + np.maximum(np.asarray(ceiling, dtype=float) - cost, 0.0) / sellers


@dataclass(frozen=True)
class ZeroIntelligence(Scripted):
    """Zero-intelligence constrained (ZI-C): a uniform random bid in [0, value].

    Never bids above value, otherwise random (Gode and Sunder, "Allocative
    efficiency of markets with zero-intelligence traders", JPE 101(1), 1993).
    """

    name = "zic"

    def bid(self, value: float, bidders: int, random: Random, member: int = 0) -> float:
        """A uniform draw on [0, value]."""
        return random.uniform(0.0, value)

    def bids(self, values: np.ndarray, bidders: int, rng: np.random.Generator) -> np.ndarray:
        """A uniform draw on [0, value] for each value."""
        values = np.asarray(values, dtype=float)
        return rng.random(values.shape) * values

    def ask(self, cost: np.ndarray, ceiling: np.ndarray, rng: np.random.Generator, members=None) -> np.ndarray:
        """A ZI-C seller: uniform between its cost and the buyer's ceiling (its cost
        when the ceiling is lower), never below cost (Gode and Sunder, 1993)."""
        cost = np.asarray(cost, dtype=float)
        return cost + rng.random(cost.shape) * np.maximum(np.asarray(ceiling, dtype=float) - cost, 0.0)


@dataclass(frozen=True)
class Noisy(Scripted):
    """Bid a misread value: v * exp(sigma * Z - sigma^2 / 2), Z standard normal.

    The multiplicative noise has mean one, so the bid is right on average but
    can exceed the true value: a "hallucinated valuation" (seed 000, footnote 2).
    """

    sigma: float
    name = "noisy"
    misreads = True  # the agent believes the misread value (it chooses by it, too)

    def bid(self, value: float, bidders: int, random: Random, member: int = 0) -> float:
        """The value times mean-one log-normal noise."""
        return value * math.exp(self.sigma * random.gauss(0.0, 1.0) - self.sigma**2 / 2)

    def bids(self, values: np.ndarray, bidders: int, rng: np.random.Generator) -> np.ndarray:
        """Each value times mean-one log-normal noise."""
        values = np.asarray(values, dtype=float)
        return values * np.exp(self.sigma * rng.standard_normal(values.shape) - self.sigma**2 / 2)

    def ask(self, cost: np.ndarray, ceiling: np.ndarray, rng: np.random.Generator, members=None) -> np.ndarray:
        """A misread cost: cost * exp(sigma * Z - sigma^2 / 2); it can ask below cost."""
        cost = np.asarray(cost, dtype=float)
        return cost * np.exp(self.sigma * rng.standard_normal(cost.shape) - self.sigma**2 / 2)


STRATEGIES = {s.name: s for s in (Truthful, Shade, BayesNash, ZeroIntelligence, Noisy)}


def make_strategy(name: str, *, shading: float = 0.0, noise: float = 0.0):
    """Build a strategy by name, passing only the parameter it uses (``shading`` to shade,
    ``noise`` to noisy)."""
    if name == "shade":
        return Shade(shading)
    if name == "noisy":
        return Noisy(noise)
    try:
        return STRATEGIES[name]()
    except KeyError:
        raise ValueError(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)}") from None
