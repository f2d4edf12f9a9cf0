"""Sub-agents of a Hayek machine: simple rules that bid for the right to act.

Each sub-agent is a condition (the observation it responds to), an action and a fixed bid,
with a wallet in the model's ledger (Baum, "Toward a model of mind as an economy of
agents", Machine Learning 35, 1999; seed 004, Definition 2.1). Its rule is public in the
sense that the market sees its bid; nobody else sees the value of acting, which is what the
competition of bids has to discover. The rules of the whole population are kept
column-wise so that thousands of them can be matched against a state in one numpy step.
"""

import mesa
import numpy as np

from model.columns import ColumnTable


class Population(ColumnTable):
    """The rules of every sub-agent ever created, one row each (dead ones stay, marked), in a
    :class:`~model.columns.ColumnTable` (appending a birth is amortised O(1))."""

    def __init__(self):
        super().__init__({"condition": (np.int64, 0), "action": (np.int64, 0), "bid": (float, 0.0),
                          "alive": (bool, True), "account": (np.int64, -1), "born": (np.int64, 0),
                          "earned": (float, np.nan)})
        self.agents: list = []

    def add(self, agent, condition: int, action: int, bid: float) -> int:
        """A new live rule for ``agent``; returns its row."""
        self.append(condition=condition, action=action, bid=bid, account=agent.account, born=agent.model.steps)
        self.agents.append(agent)
        return len(self.agents) - 1

    def report(self, row: int, earned: float) -> None:
        """A rule's ownership of the world ended having ``earned`` this much: the reward it
        collected plus what the next owner paid it (its own outcome, which it may learn from)."""
        self._data["earned"][row] = earned

    def learn(self, rate: float, ceiling: float) -> None:
        """Every rule with a report moves its bid toward what its ownership earned,
        bid += ``rate`` x (earned - bid), within [0, ceiling], in one numpy call: temporal-
        difference learning of the bid as the value of owning the state (Sutton and Barto 2018,
        sec. 6.1). Under first price earned - bid is the ownership's profit r + b(s') - b(s);
        under Vickrey a rule that bids its value is truthful. Either way the bids of surviving
        rules head for b(s) = r + b(s') = V*(s), seed 004's equilibrium. With ``rate`` 0 bids
        stay as born (Baum's fixed-bid rules)."""
        reported = np.flatnonzero(~np.isnan(self.earned))
        if rate > 0 and reported.size:
            step = self.earned[reported] - self.bid[reported]
            self.bid[reported] = np.clip(self.bid[reported] + rate * step, 0.0, ceiling)
        self.earned[reported] = np.nan

    def matching(self, state: int) -> np.ndarray:
        """Live sub-agents whose condition holds in ``state``."""
        return np.flatnonzero(self.alive & (self.condition == state))

    def live(self) -> np.ndarray:
        """The rows of the living rules."""
        return np.flatnonzero(self.alive)


class SubAgent(mesa.Agent):
    """One rule with a wallet: in state ``condition`` take ``action``, bidding ``bid``."""

    def __init__(self, model, population: Population, condition: int, action: int, bid: float):
        super().__init__(model)
        self.account = model.ledger.open_account(f"rule:{condition}->{action}#{self.unique_id}")
        self.row = population.add(self, condition, action, bid)
