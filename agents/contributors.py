"""Contributors to a public good: private values, wallets, and how each turns its value into an offer.

The agents are thin Mesa shells (:class:`Contributor`, one account each); their numbers live
column-wise in :class:`Contributors`, so ten thousand of them offer and learn in a few numpy
calls. An offer is a fraction of the agent's value, ``a x v``: a contribution, a pledge or, under
the Clarke mechanism, a reported value. Where the contract sells fixed pledges at a price (a
quorum of pledgers), the agent pledges iff ``a x v`` reaches the price.

Strategies (``strategy``):

* ``truthful``: a = 1, the whole value;
* ``free-rider``: a = 0, nothing (the agent still enjoys the good if it is built);
* ``shade``: a = 1 - shading;
* ``qlearn``, ``hedge``, ``exp3``: a learned a from the grid k/grid, k = 0..grid (so free riding
  and truth are both on it), by the learners of :mod:`agents.learners`. After each round the
  market discloses the total offered and the number of pledgers; from them and its own offer
  an agent knows the others' aggregate, and so what every grid offer would have earned it
  (:func:`model.mechanisms.offer_utilities`): Hedge learns from all of them, Q-learning
  (stateless) and EXP3 from their own only.

Values stay here: the market reads offers; the observer reads ``true_values``.
"""

import mesa
import numpy as np

from agents.learners import EXP3, Hedge, QLearning
from model.ledger import to_credits, to_units_array
from model.mechanisms import offer_utilities

CONTRIBUTION_STRATEGIES = ("truthful", "free-rider", "shade", "qlearn", "hedge", "exp3")
LEARNING = ("qlearn", "hedge", "exp3")
FIXED_FRACTION = {"truthful": 1.0, "free-rider": 0.0}


class Contributors:
    """Every contributor's private value, strategy and learning state, one row each.

    Args:
        n: agents.
        strategy: one of CONTRIBUTION_STRATEGIES.
        free_riders: a mask of agents that free ride whatever ``strategy`` says.
        shading: the shade strategy's fraction.
        rng: the contributors' own random stream (the learners' exploration).
        grid, learning_rate, exploration: the learners' declared parameters (Hedge's eta and
            Q-learning's alpha are the learning rate; Q-learning's epsilon and EXP3's gamma the
            exploration).
        reward_range: the least and most a round can give an agent (EXP3 rescales to [0, 1]).
    """

    def __init__(self, n: int, strategy: str, free_riders: np.ndarray, shading: float, rng: np.random.Generator,
                 grid: int = 10, learning_rate: float = 0.1, exploration: float = 0.1,
                 reward_range: tuple[float, float] = (-1.0, 1.0)):
        if strategy not in CONTRIBUTION_STRATEGIES:
            raise ValueError(f"unknown strategy {strategy!r}; choose one of {', '.join(CONTRIBUTION_STRATEGIES)}")
        self.n, self.strategy = n, strategy
        self._values = np.zeros(n)
        self.free_riders = np.asarray(free_riders, dtype=bool)
        scripted = FIXED_FRACTION.get(strategy, 1.0 - shading if strategy == "shade" else np.nan)
        self.fraction = np.where(self.free_riders, 0.0, scripted)
        self.learns = np.isnan(self.fraction)
        self.fractions = np.arange(grid + 1) / grid
        self._rng = rng
        self._learning_rate, self._exploration, self._reward_range = learning_rate, exploration, reward_range
        self.learner = None
        self._actions = np.zeros(int(self.learns.sum()), dtype=np.int64)
        self.offer_units = np.zeros(n, dtype=np.int64)

    def want(self, values) -> None:
        """This round's private values (from the environment)."""
        self._values = np.asarray(values, dtype=float).copy()

    def offers(self, balances: np.ndarray, price_units: int | None) -> np.ndarray:
        """This round's offers in minor units, never more than each wallet holds.

        Without a price an offer is a x v (rounded to the unit, capped by the wallet); with a
        price (fixed pledges) it is the price if a x v reaches it and the wallet covers it,
        else nothing. Learners draw their fraction first."""
        a = self.fraction.copy()
        if self.learns.any():
            self._actions = self._learner().act(self._rng)
            a[self.learns] = self.fractions[self._actions]
        willing = to_units_array(a * self._values)
        if price_units is None:
            offer = np.minimum(willing, balances)
        else:
            offer = np.where((willing >= price_units) & (balances >= price_units), price_units, 0)
        self.offer_units = offer.astype(np.int64)
        return self.offer_units

    def feedback(self, terms: dict, total_units: int, pledgers: int, took_part: np.ndarray) -> None:
        """Learn from a round: ``total_units`` and ``pledgers`` are what the market disclosed;
        ``terms`` the public rules (mechanism, cost, agents, quorum, price, bonus, shortfall,
        in credits); ``took_part`` the agents the round counted."""
        if not self.learns.any():
            return
        rows = np.flatnonzero(self.learns)
        own = self.offer_units[rows]
        others_total = to_credits(total_units - own)[:, None]
        others_count = (pledgers - (own > 0))[:, None]
        value = self._values[rows][:, None]
        candidate = self.fractions[None, :] * value
        if terms.get("price") is not None:
            candidate = np.where(candidate >= terms["price"], terms["price"], 0.0)
        utility = offer_utilities(terms["mechanism"], value, candidate, others_total, others_count,
                                  cost=terms["cost"], agents=terms["agents"], quorum=terms.get("quorum"),
                                  price=terms.get("price"), bonus=terms.get("bonus", 0.0),
                                  shortfall=terms.get("shortfall", "waste"))
        own_reward = utility[np.arange(len(rows)), self._actions]
        learner = self._learner()
        full_information = isinstance(learner, Hedge)
        learner.update(self._actions, own_reward, counterfactual=utility if full_information else None,
                       mask=np.asarray(took_part, dtype=bool)[rows])

    def greedy_fractions(self) -> np.ndarray:
        """Each agent's current fraction (a learner's greedy one, no exploration)."""
        a = self.fraction.copy()
        if self.learns.any():
            a[self.learns] = self.fractions[self._learner().greedy()]
        return a

    def true_values(self) -> np.ndarray:
        """The agents' values this round (observer and dashboard only)."""
        return self._values.copy()

    def _learner(self):
        if self.learner is None:
            n, k = int(self.learns.sum()), len(self.fractions)
            if self.strategy == "qlearn":
                self.learner = QLearning(n, k, alpha=self._learning_rate, gamma=0.0, eps0=self._exploration)
            elif self.strategy == "hedge":
                self.learner = Hedge(n, k, eta=self._learning_rate)
            else:
                self.learner = EXP3(n, k, gamma=max(self._exploration, 1e-9),
                                    reward_range=self._reward_range)
        return self.learner


class Contributor(mesa.Agent):
    """One contributor: an account in the ledger and row ``index`` of the Contributors table.
    It acts through the table when the market collects offers, so its own step does nothing."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index
        self.account = model.ledger.open_account(f"contributor:{index}")

    @property
    def wealth(self) -> float:
        """Its wallet balance, in credits."""
        return to_credits(self.model.ledger.balance(self.account))

    def step(self) -> None:
        """Nothing between rounds: offers are collected by the market, column-wise."""
