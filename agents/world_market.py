"""The deep market's auctioneer: each step it sells the right to act in the world.

Seed 004, Algorithm 1 (the training loop it calls CAPITALISM), as Baum's Hayek machine
runs it: among the live sub-agents whose condition holds in the current state (the owner
excepted: it sells the world it has acted on), bids are capped by wealth and the highest
wins (ties: the oldest); the winner pays the previous
owner of the world (first price: its bid; ``rule="second"``: the second-highest bid,
Chang et al., ICML 2020), acts, and collects the reward (a positive reward is minted, a
cost is burned); then it pays rent, epsilon x its wealth (burned). When the episode ends
nobody buys the world from its last owner; the next episode's first winner pays the world
itself (the treasury).
"""

import mesa
import numpy as np

from agents.sub_agents import Population
from model.ledger import to_credits, to_units
from model.mdp import MDP


class WorldMarket(mesa.Agent):
    """The auctioneer of the right to act in the world, one sale a step (seed 004, Algorithm 1).

    Attributes:
        market: "world" (the ``price:world`` column: the last winning bid).
        state: the world's current state; ``owner`` the row of its owner (-1: the world).
        price: the last winning bid; revenue: what the last winner paid.
        last_win: (state, winning bid) of this step, for the observer.
    """

    market = "world"

    def __init__(self, model, mdp: MDP, population: Population, rule: str, rent: float, treasury: int,
                 on_uncovered):
        if rule not in ("first", "second"):
            raise ValueError(f"rule must be first or second (Vickrey); got {rule!r}")
        super().__init__(model)
        self.mdp, self.population = mdp, population
        self.rule, self.rent = rule, rent
        self.on_uncovered = on_uncovered   # called with a state no live rule covers; it adds rules
        self.treasury = treasury
        self.account = treasury
        self.state, self.owner = mdp.start, -1
        self.price, self.revenue = float("nan"), 0.0
        self.last_win: tuple[int, float] | None = None
        self.episode_reward = 0.0
        self.finished_returns: list[float] = []
        self._owner_reward = 0.0   # the reward the current owner collected

    def reset_episode(self) -> None:
        """Cut the episode short: the world goes back to its start, owned by nobody (its last
        owner learns nothing from an ownership that was cut off)."""
        self.state, self.owner, self.episode_reward = self.mdp.start, -1, 0.0

    def step(self) -> None:
        """Sell the right to act in the current state to the highest wealth-capped bid, pay the
        previous owner, act, collect the reward and charge the rent."""
        ledger, pop, state = self.model.ledger, self.population, self.state
        self.revenue, self.last_win = 0.0, None
        candidates = pop.matching(state)
        candidates = candidates[candidates != self.owner]  # the owner sells; it cannot buy from itself
        if candidates.size == 0:
            self.on_uncovered(state)  # the population grows rules for a state nobody else covers
            candidates = pop.matching(state)
            candidates = candidates[candidates != self.owner]
        wealth = to_credits(ledger.balances[pop.account[candidates]])
        bids = np.minimum(pop.bid[candidates], wealth)            # bids capped by wealth
        order = np.argsort(-bids, kind="stable")
        winner = int(candidates[order[0]])
        bid = float(bids[order[0]])
        pay = bid if self.rule == "first" else (float(bids[order[1]]) if len(order) > 1 else 0.0)
        previous = self.treasury if self.owner < 0 else int(pop.account[self.owner])
        account = int(pop.account[winner])
        amount = min(to_units(pay), ledger.balance(account))
        if amount:
            ledger.transfer(account, previous, amount, market="world", quantity=1, kind="right to act")
        if self.owner >= 0:   # the seller's ownership is over: what it earned is its own feedback
            pop.report(self.owner, self._owner_reward + to_credits(amount))
        self.owner, self.price, self.revenue = winner, bid, to_credits(amount)
        self.last_win = (state, bid)

        action = int(pop.action[winner])
        reward = float(self.mdp.reward[state, action])
        self.state = int(self.mdp.next_state[state, action])
        if reward > 0:
            ledger.mint(account, to_units(reward), market="world", kind="reward")
        elif reward < 0:
            ledger.burn(account, min(to_units(-reward), ledger.balance(account)), market="world", kind="cost")
        charge = int(self.rent * ledger.balance(account))
        if charge:
            ledger.burn(account, charge, market="world", kind="rent")
        self.episode_reward += reward
        self._owner_reward = reward
        if self.mdp.terminal[self.state]:   # nobody buys the world from the last owner
            pop.report(winner, reward)
            self.finished_returns.append(self.episode_reward)
            self.episode_reward = 0.0
            self.state, self.owner = self.mdp.start, -1
