"""Scenario ``hayek-machine``: sub-agents buy the right to act in an MDP (seed 004's deep market)."""

from collections import deque

import numpy as np

from agents.world_market import WorldMarket
from agents.sub_agents import Population, SubAgent
from model.ledger import to_credits, to_units
from model.market import MarketModel
from model.mdp import ENVIRONMENTS, greedy_return, value_iteration
from model.params import Param, ParameterError

#: Wins over which bid_gap is measured.
WINDOW = 50
#: A sub-agent is bankrupt, and removed, when its wealth falls below its own bid (it can no
#: longer honour it) or below this share of the allowance.
BANKRUPT = 0.01
#: Steps a new rule is safe from retirement (time to meet its state and bid).
GRACE = 50
#: Share of births that are random rules; the rest are mutants of rich rules.
RANDOM_SHARE = 0.5


class HayekMachineModel(MarketModel):
    """A population of condition-action rules owns and trades the right to act.

    Each step the auction (:class:`WorldMarket`) sells the world in its current state to the
    highest of the matching rules' bids (capped by wealth); the winner pays the previous
    owner, acts, collects the reward and pays rent. Rules that can no longer pay their own bid
    are bankrupt and removed; new rules
    are born each step with an allowance minted by the treasury, half of them mutants of a
    rich rule (same condition, usually the same action, a bid a little off), half random, so
    the population searches the rule space. Births replace the broke and add ``birth_rate``
    explorers a step on average; the poorest rules then retire (their wealth back to the
    treasury) so that the population stays at ``agents``.

    The observer knows V* (value iteration) and reports how far the winning bids are from it.
    """

    name = "hayek-machine"
    summary = "sub-agents buy the right to act in an MDP (Baum's Hayek machine; first-price or Vickrey)"
    default_steps = 3000
    participant_types = (SubAgent,)
    explanation = r"""
**The deep market (seed 004, Algorithm 1; Baum's Hayek machine).** In state $s$ every rule whose
condition holds bids $b_a = \min(\text{bid}_a, w_a)$; the highest bidder buys the world from its
previous owner (paying its own bid, or with `rule=second` the second-highest), acts, collects
the reward $R(s, x, s')$ and pays rent $\epsilon\, w_a$. The next owner pays it in turn, so an owner
earns $R + b_{s'} - b_s$: competition drives the winning bid in each state toward the value of the
state, $b_s \to V^*(s) = \max_x [R(s,x,s') + V^*(s')]$, and the rules that survive are the greedy
policy. Chang et al. (ICML 2020) prove that with Vickrey payments the market's equilibrium is
the optimal policy.
"""
    params = (
        Param("env", "chain", "the world", choices=tuple(ENVIRONMENTS)),
        Param("length", 8, "chain: number of states", low=2, high=1_000),
        Param("size", 4, "grid: side of the square", low=2, high=30),
        Param("step_cost", 0.02, "cost of every move", low=0, high=1),
        Param("rule", "first", "payment rule: first (pay your bid) or second (Vickrey: the second-highest bid)",
              choices=("first", "second"), aliases=("auction",), renamed_choices=(("vickrey", "second"),)),
        Param("agents", 60, "sub-agents the population is kept at (set-up takes ~5 s at 100,000)", low=1,
              high=100_000),
        Param("rent", 0.01, "epsilon: share of its wealth the owner pays each step", low=0, high=0.99),
        Param("allowance", 1.0, "credits a new sub-agent is born with", low=0, high=1e6),
        Param("birth_rate", 0.1, "explorers born each step on top of replacements (Poisson mean)", low=0, high=1e4),
        Param("max_episode", 100, "steps after which an episode is cut short", low=1, high=1_000_000),
        Param("bid_learning", 0.0, "how far a rule moves its bid toward its last ownership's profit (0: bids "
              "fixed at birth, as in Baum's machine)", low=0, high=1),
    )

    @classmethod
    def check(cls, values) -> None:
        """Refuse a max_episode shorter than the shortest path to the goal: no episode would end."""
        shortest = values["length"] - 1 if values["env"] == "chain" else 2 * (values["size"] - 1)
        if values["max_episode"] < shortest:
            raise ParameterError(f"max_episode ({values['max_episode']}) is shorter than the shortest path to the "
                                 f"goal ({shortest} moves): no episode could ever end, and episode_return would "
                                 "stay empty")

    @classmethod
    def money_bound(cls, values, steps):
        """Allowances at birth (the population, then each step's replacements, explorers at a
        Poisson count's practical ceiling and one rule per action for an uncovered state) and a
        goal reward of at most 1 a step."""
        explorers = values["birth_rate"] + 10 * values["birth_rate"] ** 0.5 + 10
        births = values["agents"] + steps * (values["agents"] + explorers + 4)
        return births * values["allowance"] + steps, "agents x allowance (minted at every birth)"

    def setup(self) -> None:
        """The world (an MDP), its exact values for the observer (value iteration), the population of rules with
        their allowances, and the world market (seed 004, Algorithm 1)."""
        p = self.scenario
        make = ENVIRONMENTS[p.env]
        self.mdp = make(p.length, step_cost=p.step_cost) if p.env == "chain" else make(p.size, step_cost=p.step_cost)
        self.optimal_values = value_iteration(self.mdp)          # the observer's, never the market's
        self.optimal_return = float(self.optimal_values[self.mdp.start])
        self.bid_ceiling = float(self.mdp.reward.max())          # public: the largest reward there is
        self.population = Population()
        self.treasury = self.ledger.open_account("treasury")
        self.market = WorldMarket(self, self.mdp, self.population, p.rule, p.rent, self.treasury,
                                  on_uncovered=self.seed_rules)
        self.add_market(self.market)
        self.open_states = np.flatnonzero(~self.mdp.terminal)
        for _ in range(p.agents):
            self._birth(random_rule=True)
        self.wins: deque = deque(maxlen=WINDOW)
        self.episode_return = float("nan")
        self.greedy_return = float("nan")
        self.episode_steps = 0

    # the population -----------------------------------------------------------------------------
    def _birth(self, random_rule: bool, condition: int | None = None) -> None:
        p, pop, rng = self.scenario, self.population, self.rng
        live = None if random_rule else pop.live()   # only a mutant needs the living (O(rules))
        if random_rule or live.size == 0:
            state = int(rng.choice(self.open_states)) if condition is None else condition
            action, bid = int(rng.integers(self.mdp.actions)), float(rng.uniform(0, self.bid_ceiling))
        else:  # a mutant of a rule chosen in proportion to its wealth
            wealth = to_credits(self.ledger.balances[pop.account[live]]) + 1e-12
            parent = int(rng.choice(live, p=wealth / wealth.sum()))
            state = int(pop.condition[parent])
            action = int(pop.action[parent]) if rng.random() < 0.8 else int(rng.integers(self.mdp.actions))
            bid = float(max(0.0, pop.bid[parent] + rng.normal(0.0, 0.05 * self.bid_ceiling)))
        agent = SubAgent(self, pop, state, action, bid)
        if p.allowance:
            self.ledger.mint(agent.account, to_units(p.allowance), kind="allowance")

    def _retire_beyond(self, size: int) -> None:
        """Keep the population at ``size``: the poorest rules retire (never the owner, nor a rule
        younger than GRACE steps), and their wealth goes back to the treasury."""
        pop = self.population
        everyone = pop.live()
        live = everyone[(everyone != self.market.owner) & (pop.born[everyone] <= self.steps - GRACE)]
        excess = min(len(everyone) - size, len(live))
        if excess <= 0:
            return
        poorest = live[np.argsort(self.ledger.balances[pop.account[live]], kind="stable")[:excess]]
        for row in poorest:
            left = self.ledger.balance(int(pop.account[row]))
            if left:
                self.ledger.transfer(int(pop.account[row]), self.treasury, left, kind="retirement")
            pop.alive[row] = False
            pop.agents[row].remove()

    def seed_rules(self, state: int) -> None:
        """One random rule per action for a state no live rule covers."""
        for _ in range(self.mdp.actions):
            self._birth(random_rule=True, condition=state)

    def environment(self) -> None:
        """Before the sale: every rule learns its bid from its last ownership, the broke leave, newcomers are
        born (random or mutants of the rich), the poorest retire beyond the population size, and a wandering
        episode is cut."""
        p, pop = self.scenario, self.population
        pop.learn(p.bid_learning, self.bid_ceiling)   # each rule, from its own last profit
        live = pop.live()
        if live.size:  # the broke leave (not the owner, who is still owed the next bid)
            wealth = to_credits(self.ledger.balances[pop.account[live]])
            broke = live[(wealth < np.maximum(pop.bid[live], BANKRUPT * p.allowance)) & (live != self.market.owner)]
            for row in broke:
                pop.alive[row] = False
                pop.agents[row].remove()
        births = max(0, p.agents - len(pop.live())) + int(self.rng.poisson(p.birth_rate))
        for _ in range(births):
            self._birth(random_rule=self.rng.random() < RANDOM_SHARE)
        self._retire_beyond(p.agents)
        if self.episode_steps >= p.max_episode:  # cut a wandering episode short
            self.market.reset_episode()
            self.episode_steps = 0

    # the observer -------------------------------------------------------------------------------
    def observe(self) -> None:
        """Welfare: the last finished episode's return; optimum: V*(start) by value iteration; also the return of
        the market's greedy policy."""
        auction = self.market
        self.episode_steps += 1
        if auction.owner < 0:  # an episode just ended
            self.episode_return = auction.finished_returns[-1]
            self.episode_steps = 0
        if auction.last_win is not None:
            self.wins.append(auction.last_win)
        self.welfare = self.episode_return
        self.optimum = self.optimal_return
        self.greedy_return = greedy_return(self.mdp, self.policy(), self.scenario.max_episode)

    def policy(self) -> np.ndarray:
        """The market's greedy policy: in each state, the action of the rule that would win now."""
        pop = self.population
        live = pop.live()
        wealth = to_credits(self.ledger.balances[pop.account[live]])
        bids = np.minimum(pop.bid[live], wealth)
        policy = np.full(self.mdp.states, -1)
        order = np.lexsort((live, -bids, pop.condition[live]))  # by state, then highest bid, then oldest
        conditions = pop.condition[live][order]
        first = np.flatnonzero(np.r_[True, conditions[1:] != conditions[:-1]])
        policy[conditions[first]] = pop.action[live[order[first]]]
        return policy

    @property
    def bid_gap(self) -> float:
        """Mean |winning bid - V*(s)| over the last WINDOW wins."""
        if not self.wins:
            return float("nan")
        states, bids = np.array(list(self.wins)).T
        return float(np.abs(bids - self.optimal_values[states.astype(int)]).mean())

    @property
    def live_agents(self) -> int:
        """The number of rules alive."""
        return int(self.population.alive.sum())

    def trader_balances(self) -> np.ndarray:
        """The live rules' wallet balances, in credits (the dead hold nothing)."""
        pop = self.population
        return to_credits(self.ledger.balances[pop.account[pop.live()]])

    def extra_reporters(self):
        """Episode, greedy and optimal returns, the bids' gap to V*, the live rules."""
        return {name: name for name in ("episode_return", "greedy_return", "optimal_return", "bid_gap",
                                        "live_agents")}
