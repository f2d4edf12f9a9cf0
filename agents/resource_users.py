"""Users of a fleet's shared resources: jobs that come and go, private values per resource
that move every step, and wallets.

Each step an agent has a job with chance ``activity``: it needs 1..need_max units, from any
resource (its value per unit differs by resource: a job may run on a tool slot, against a
rate-limited API or on GPU quota, and is worth more on some). Values are private: a fixed
base per agent and resource, times log-normal noise, times 3 in a burst. In a double
auction every agent also holds a quota of each resource, and a unit it keeps idle is worth
a little to it (its private idle value). Runaway agents value nothing, want everything and
spend whatever they hold (seed 000, Proposition 3).

The arrays are kept column-wise for numpy and read only here: exchanges receive orders,
requests and demands; the observer reads the truth through ``true_*`` names.
"""

import mesa
import numpy as np

from model.mechanisms import logit_shares

#: The default range of base values per unit, U[VALUE_LOW, VALUE_HIGH] (the scenario sets it).
VALUE_LOW, VALUE_HIGH = 0.5, 2.0
#: A burst multiplies a value by this much.
BURST = 3.0
#: A unit of one's own quota kept idle is worth U[0, IDLE_HIGH] (double auction only).
IDLE_HIGH = 0.5
#: The top of the price range: ZI-C sellers ask below it; runaways bid it in a double auction.
PRICE_CEILING = VALUE_HIGH * BURST


class Users:
    """The fleet's private needs and values, one row per agent, one column per resource.

    Args:
        agents: ordinary agents; ``runaway`` more are appended (rows agents..).
        world: the model's random stream (jobs and values: the same for every mechanism).
        own: the agents' own stream (their random bids and choices).
        value_range: base values per unit are drawn from U[low, high].
        premium: added to every agent's base value of the first resource.
    """

    def __init__(self, agents: int, runaway: int, resources: int, strategy, world, own,
                 value_range=(VALUE_LOW, VALUE_HIGH), premium: float = 0.0):
        n = agents + runaway
        self.runaway = np.arange(n) >= agents
        self.strategy = strategy
        self._world, self._own = world, own
        self._base = world.uniform(*value_range, (n, resources))
        self._base[:, 0] += premium  # the first resource may be worth more to everyone
        self.need = np.zeros(n)
        self._value = np.zeros((n, resources))
        self._idle = np.zeros((n, resources))
        self._bids = np.zeros((n, resources))
        self._believed = self._bids

    def __len__(self) -> int:
        return len(self.runaway)

    def draw(self, activity: float, need_max: int, noise: float, burst: float) -> None:
        """This step's jobs and values (private)."""
        n, r = self._base.shape
        rng = self._world
        active = (rng.random(n) < activity) & ~self.runaway
        self.need = np.where(active, rng.integers(1, need_max + 1, n), 0).astype(float)
        spikes = np.where(rng.random((n, r)) < burst, BURST, 1.0)
        value = self._base * np.exp(noise * rng.standard_normal((n, r)) - noise**2 / 2) * spikes
        self._value = np.where(self.runaway[:, None], 0.0, value)
        self._idle = rng.uniform(0.0, IDLE_HIGH, (n, r))
        self._bids = self.strategy.bids(self._value, n, self._own)
        # What the agent believes its values are: a noisy agent misreads them; the others
        # know them and only bid strategically.
        self._believed = self._bids if self.strategy.misreads else self._value

    # orders, requests and demands -------------------------------------------------------
    def logit_requests(self, prices, tau: float, capacity, wallets):
        """Posted prices (AMM): each agent with a job picks a resource with logit
        probabilities over its reported net value per unit, then asks for its whole need
        there if the price is within its bid and its wallet; runaways ask for everything.

        Returns:
            Units requested, an (agents x resources) table.
        """
        n, r = self._bids.shape
        shares = logit_shares(self._bids - prices, tau)
        choice = (shares.cumsum(axis=1) < self._own.random((n, 1))).sum(axis=1).clip(0, r - 1)
        units = np.zeros((n, r))
        rows = np.flatnonzero(self.need > 0)
        price = prices[choice[rows]]
        wants = self._bids[rows, choice[rows]] >= price
        affordable = np.floor(wallets[rows] / np.maximum(price, 1e-12))
        units[rows, choice[rows]] = np.where(wants, np.minimum(self.need[rows], affordable), 0.0)
        units[self.runaway] = self._runaway_demand(prices, capacity, wallets[self.runaway])
        return units

    def demand(self, prices, capacity, wallets) -> np.ndarray:
        """Units each agent demands of each resource at ``prices`` (tâtonnement, density):
        its whole need of the resource with the best reported net value, if positive and
        affordable; runaways everything their wallet buys. An (agents x resources) table."""
        n, r = self._bids.shape
        units = np.zeros((n, r))
        net = self._bids - prices
        best = net.argmax(axis=1)
        rows = np.flatnonzero((self.need > 0) & (net[np.arange(n), best] > 0))
        price = prices[best[rows]]
        units[rows, best[rows]] = np.minimum(self.need[rows], np.floor(wallets[rows] / np.maximum(price, 1e-12)))
        units[self.runaway] = self._runaway_demand(prices, capacity, wallets[self.runaway])
        return units

    def unit_bids(self) -> np.ndarray:
        """Reported value per unit of each resource (agents x resources); runaways bid their wallet."""
        return self._bids

    def _runaway_demand(self, prices, capacity, wallets) -> np.ndarray:
        """Everything of every resource, in order, until the wallet is spent."""
        left = wallets.astype(float).copy()
        units = np.zeros((len(left), len(prices)))
        for r, price in enumerate(prices):
            units[:, r] = capacity[r] if price <= 0 else np.minimum(capacity[r], np.floor(left / price))
            left -= units[:, r] * price
        return units

    # a double auction ---------------------------------------------------------------------
    def quotas(self, capacity) -> np.ndarray:
        """Each resource's capacity split into whole-unit quotas, as evenly as possible (the
        remainder to agents drawn from the world's stream)."""
        n = len(self)
        quota = np.zeros((n, len(capacity)))
        for r, units in enumerate(capacity):
            quota[:, r] = units // n
            quota[self._world.permutation(n)[: int(units % n)], r] += 1
        return quota

    def favourite(self) -> np.ndarray:
        """The resource each agent would run its job on: the one it believes worth most."""
        return self._believed.argmax(axis=1)

    def orders(self, held: np.ndarray, resource: int):
        """What each agent trades of ``resource`` in a double auction, given what it holds now:
        units it wants to buy (its job's need beyond its holding, on its favourite resource),
        units it offers, and the reservation value of the units offered. Idle units go first,
        at the idle value; an agent with none left offers the units it would use at its job
        value (while still bidding, below that value, for the rest of its need), so a unit
        can move on from a low-value holder to a higher-value buyer.
        Runaways neither sell nor buy here (the exchange lets them buy all they can pay).

        Returns:
            (buy, offer, reservation, need): vectors over agents; ``need`` is the job's need
            of this resource (0 if it runs elsewhere), to recompute ``buy`` and ``offer``
            as holdings change.
        """
        need = np.where(self.favourite() == resource, self.need, 0.0)
        holding = held[:, resource]
        buy = np.maximum(need - holding, 0.0)
        idle = np.maximum(holding - need, 0.0)
        offer = np.where(idle > 0, idle, holding)
        reservation = np.where(idle > 0, self._idle[:, resource], self._value[:, resource])
        buy[self.runaway] = 0.0
        offer[self.runaway] = 0.0
        return buy, offer, reservation, need

    def limit_prices(self, side: str, rows, resource: int, reservation=None) -> np.ndarray:
        """Fresh limit prices for one round: bids from the strategy below the reported value
        (ZI-C: uniform on [0, value]); asks from the strategy above the reservation value of
        the units offered, up to the public ceiling; runaways bid the ceiling."""
        if side == "buy":
            prices = self.strategy.bids(self._value[rows, resource], len(self), self._own)
            return np.where(self.runaway[rows], PRICE_CEILING, prices)
        asks = self.strategy.ask(reservation[rows], np.full(len(rows), PRICE_CEILING), self._own)
        return np.clip(asks, 0.0, None)

    # the observer's view ------------------------------------------------------------------
    def true_values(self) -> np.ndarray:
        """Value per unit used for a job (agents x resources); 0 for runaways."""
        return self._value

    def true_idle_values(self) -> np.ndarray:
        """Value per unit of one's own quota kept idle (double auction)."""
        return self._idle


class ResourceUser(mesa.Agent):
    """One agent of the fleet: a wallet (an account) and row ``index`` of the Users table."""

    def __init__(self, model, index: int, runaway: bool):
        super().__init__(model)
        self.index = index
        self.runaway = runaway
        self.account = model.ledger.open_account(f"{'runaway' if runaway else 'agent'}:{index}")

