"""What the agent modules' tests build their agents in: a bare Mesa model with a ledger (no
scenario around it), and a proxy that hides an object's private and observer-only names, to
show that a market maker works without them (the information barrier)."""

import mesa
from mesa.experimental.scenarios import Scenario

from model.ledger import Ledger, to_units


class Host(mesa.Model):
    """The least an agent needs of its model: ``ledger`` (stamped with ``steps``), ``rng``, and
    ``scenario`` holding whatever parameters the agent reads (given as keywords)."""

    def __init__(self, rng=0, **params):
        super().__init__(scenario=Scenario(rng=rng, **params))
        self.ledger = Ledger(clock=lambda: self.steps)

    def fund(self, account: int, credits: float) -> None:
        """Mint ``credits`` into ``account``."""
        self.ledger.mint(account, to_units(credits))

    def units(self, account: int) -> int:
        """An account's balance in minor units."""
        return self.ledger.balance(account)


class BarrierBreached(AssertionError):
    """A market maker read a name the information barrier keeps from it."""


class Sealed:
    """Forwards every public name of ``inner`` except those starting with ``_`` or ``true_``
    (and any in ``hidden``), which raise BarrierBreached: what a market maker may not read."""

    def __init__(self, inner, hidden=()):
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_hidden", frozenset(hidden))

    def __getattr__(self, name):
        if name.startswith("_") or name.startswith("true_") or name in self._hidden:
            raise BarrierBreached(f"the market read {name!r}, which the information barrier keeps from it")
        return getattr(self._inner, name)

    def __setattr__(self, name, value):
        setattr(self._inner, name, value)

    def __len__(self):
        return len(self._inner)
