"""Operational agents of seed 002's evolution layer: each runs a hidden artifact (its prompt and
code), works one task a step for seed 002's composite reward, and decides when to buy an
optimisation cycle or a licence.

An artifact is six private numbers, kept here column-wise (:class:`Artifacts`), one row per
artifact ever made:

* true quality on Table 1's four axes, each the share of inputs it gets right: ``structure``
  (its output parses and has the required keys), ``business`` (the answer follows the domain
  rules), ``context`` (it extracts the right entity from a long, noisy history),
  ``hallucination`` (it refuses an input with injected false data instead of answering);
* ``cost`` and ``latency``: realised cost and latency as shares of the contract's maxima.

What the task owner sees when it pays (seed 002, eq. 1): whether the output parsed (a failure
forfeits P_fail), whether the answer passes the business rules (Q), and the cost and latency.
It does not see a wrong entity pulled from a long context, nor an answer built on injected
false data: those look like good answers. So the reward sees structure, business logic, cost
and speed, and not context robustness or anti-hallucination, which only the gold dataset's
cases (model.gold) and the observer (``true_*``) reveal. A task draws six uniforms u; an
artifact parses iff u0 < structure, follows the rules iff u1 < business, the task is long
iff u4 < long_context (then right iff u2 < context) and adversarial iff u5 < adversarial (then
refused iff u3 < hallucination): the same draws for every artifact (common random numbers).

True value to the owner: the budget T for a right answer (all four hold), nothing otherwise,
minus ``harm`` x T for a hallucination; minus the compute cost, for the welfare.
"""

from dataclasses import dataclass

import mesa
import numpy as np

from model.columns import ColumnTable
from model.gold import AXES, GoldDataset
from model.ledger import BURN, to_credits, to_units_array
from model.reward import reward_multiplier

#: The six numbers of an artifact, in this order.
NUMBERS = (*AXES, "cost", "latency")
COST, LATENCY = 4, 5
#: The lowest cost and latency ratio an artifact can reach (nothing is free or instant).
FLOOR = 0.05
#: Uniforms drawn per task: one per axis, then "is long", "is adversarial".
DRAWS = 6


@dataclass(frozen=True)
class RewardTerms:
    """The public contract: T per task, seed 002's weights, P_fail as a share of T on a
    structural failure, C_max as a share of T, and how often tasks are long or adversarial."""

    task_budget: float
    alpha: float
    beta: float
    gamma: float
    penalty: float
    cost_share: float
    long_context: float
    adversarial: float
    harm: float

    @property
    def max_cost(self) -> float:
        """C_max in credits: the most one task's compute can cost."""
        return self.task_budget * self.cost_share

    def paid(self, parsed, answered, cost, latency):
        """R in credits: T [alpha Q + beta (1 - C/Cmax) + gamma (1 - L/Lmax)] - P_fail, never
        below 0 (Q = parsed and answered; P_fail on an output that does not parse)."""
        quality = (np.asarray(parsed) & np.asarray(answered)).astype(float)
        multiplier = reward_multiplier(quality, cost, latency, 1.0,
                                       alpha=self.alpha, beta=self.beta, gamma=self.gamma,
                                       penalty=self.penalty * ~np.asarray(parsed))
        return self.task_budget * np.maximum(multiplier, 0.0)

    def expected_utility(self, structure, business, cost, latency):
        """E[R] - C per task from the numbers the reward sees, in credits (closed form of
        :meth:`paid`: x = beta (1 - cost) + gamma (1 - latency) >= 0, so
        E[R]/T = s (alpha b + x) + (1 - s) max(0, x - penalty))."""
        x = self.beta * (1 - cost) + self.gamma * (1 - latency)
        share = structure * (self.alpha * business + x) + (1 - structure) * np.maximum(0.0, x - self.penalty)
        return self.task_budget * share - cost * self.max_cost


@dataclass(frozen=True)
class Change:
    """What an optimisation cycle does to an artifact (drawn by a DevOps provider, which sees
    the artifact's code but not these numbers): cost and latency ratios fall by their gains;
    business logic moves by ``business``; structure, context and anti-hallucination close
    ``repair`` of their gap to 1; a Goodhart change instead drops ``broken`` (an axis the
    reward does not see) by ``drop`` below the parent's level."""

    cost_gain: float
    latency_gain: float
    business: float
    repair: tuple[float, float, float]
    goodhart: bool = False
    broken: int = -1
    drop: float = 0.0


class Artifacts:
    """Every artifact's private numbers and lineage, one row each (read only in this module;
    the observer reads the truth through ``true_*``)."""

    def __init__(self):
        columns = {name: (float, 0.0) for name in NUMBERS}
        columns.update(parent=(np.int64, -1), creator=(np.int64, -1), generation=(np.int64, 0),
                       goodhart=(bool, False), ever_deployed=(bool, False))
        self._rows = ColumnTable(columns)
        self._frontier = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, numbers, creator=-1, parent=-1, generation=0, goodhart=False) -> np.ndarray:
        """New artifacts from (n x 6) numbers; returns their ids."""
        numbers = np.atleast_2d(np.asarray(numbers, dtype=float))
        return self._rows.append(count=len(numbers), **dict(zip(NUMBERS, numbers.T)), creator=creator,
                                 parent=parent, generation=generation, goodhart=goodhart)

    def derive(self, parent: int, change: Change, creator: int) -> int:
        """The candidate an optimisation cycle makes of ``parent`` (see :class:`Change`)."""
        old = self._numbers([parent])[0]
        new = old.copy()
        new[COST] = np.clip(old[COST] - change.cost_gain, FLOOR, 1.0)
        new[LATENCY] = np.clip(old[LATENCY] - change.latency_gain, FLOOR, 1.0)
        new[1] = np.clip(old[1] + change.business, 0.0, 1.0)
        for axis, share in zip((0, 2, 3), change.repair):
            new[axis] = old[axis] + (1.0 - old[axis]) * share
        if change.goodhart:
            new[change.broken] = max(0.0, old[change.broken] - change.drop)
        generation = int(self._rows.generation[parent]) + 1
        return int(self.add(new, creator, parent, generation, change.goodhart)[0])

    def mark_deployed(self, ids) -> None:
        """Record that ``ids`` were deployed, and keep the frontier: the deployed artifacts no other dominates on
        the four axes and cost."""
        ids = np.asarray(ids, dtype=np.int64)
        self._rows.set(ids, ever_deployed=True)
        pool = np.union1d(self._frontier, ids)
        # higher on the four axes and lower cost give at least the true surplus on every task
        # (latency does not change it); a dominated artifact is never the best on any task
        better = np.concatenate([self._numbers(pool)[:, :4], -self._numbers(pool)[:, COST:COST + 1]], axis=1)
        at_least = (better[None, :, :] >= better[:, None, :]).all(axis=2)
        strictly = (better[None, :, :] > better[:, None, :]).any(axis=2)
        self._frontier = pool[~(at_least & strictly).any(axis=1)]

    # what running an artifact shows ------------------------------------------------------
    def answers(self, ids, gold: GoldDataset) -> np.ndarray:
        """Run artifacts on the gold dataset's inputs: which cases each gets right (n, 4, K)."""
        return gold.answers(self._numbers(ids)[:, :4])

    def benchmark(self, ids, terms: RewardTerms) -> np.ndarray:
        """Expected paid utility per task, E[R] - C (credits): what a sandbox run on ordinary
        tasks measures (parse rate, business acceptance, cost, latency), public."""
        n = self._numbers(ids)
        return terms.expected_utility(n[..., 0], n[..., 1], n[..., COST], n[..., LATENCY])

    def deliver(self, ids, draws, terms: RewardTerms):
        """What the payer observes of each task: (parsed, answered, cost ratio, latency ratio)."""
        n = self._numbers(ids)
        return draws[..., 0] < n[..., 0], draws[..., 1] < n[..., 1], n[..., COST], n[..., LATENCY]

    def lineage(self, artifact: int) -> list[int]:
        """The artifact and its ancestors, newest first (parent pointers; public record)."""
        chain = [int(artifact)]
        while self._rows.parent[chain[-1]] >= 0:
            chain.append(int(self._rows.parent[chain[-1]]))
        return chain

    def creator(self, ids) -> np.ndarray:
        """The agent who made each artifact (-1: a first version; public record)."""
        return self._rows.creator[np.asarray(ids, dtype=np.int64)]

    def generation(self, ids) -> np.ndarray:
        """How many cycles each artifact is from its first version (public record)."""
        return self._rows.generation[np.asarray(ids, dtype=np.int64)]

    # the observer's view ---------------------------------------------------------------------
    def true_quality(self, ids) -> np.ndarray:
        """True quality on the four axes, (..., 4). Observer only."""
        return self._numbers(ids)[..., :4]

    def true_numbers(self, ids) -> np.ndarray:
        """All six numbers, (..., 6): the four qualities, cost and latency. Observer only."""
        return self._numbers(ids)

    def true_goodhart(self, ids) -> np.ndarray:
        """Whether each artifact came from a Goodhart change (observer only)."""
        return self._rows.goodhart[np.asarray(ids, dtype=np.int64)]

    def true_surplus(self, ids, draws, terms: RewardTerms) -> np.ndarray:
        """Value to the owner minus compute cost of the tasks ``draws`` done by ``ids``
        (broadcast): T if all four axes hold on the task, - harm x T for a hallucination."""
        n = self._numbers(ids)
        long = draws[..., 4] < terms.long_context
        adversarial = draws[..., 5] < terms.adversarial
        right = ((draws[..., 0] < n[..., 0]) & (draws[..., 1] < n[..., 1]) & (~long | (draws[..., 2] < n[..., 2]))
                 & (~adversarial | (draws[..., 3] < n[..., 3])))
        hallucinated = adversarial & (draws[..., 3] >= n[..., 3])
        return terms.task_budget * (right - terms.harm * hallucinated) - n[..., COST] * terms.max_cost

    def true_best_candidates(self) -> np.ndarray:
        """The ever-deployed artifacts that no other ever-deployed one dominates on the four
        axes and cost: the only ones that can give a task its best true surplus."""
        return self._frontier

    def _numbers(self, ids) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        return np.stack([getattr(self._rows, name)[ids] for name in NUMBERS], axis=-1)


def task_amounts(artifacts: Artifacts, ids, draws, terms: RewardTerms) -> tuple[np.ndarray, np.ndarray]:
    """Each task's compute cost and reward in micro-credits (the one computation the market
    and the observer's no-evolution baseline share, so they agree to the unit)."""
    parsed, answered, cost, latency = artifacts.deliver(ids, draws, terms)
    return to_units_array(cost * terms.max_cost), to_units_array(terms.paid(parsed, answered, cost, latency))


def no_events() -> dict[str, np.ndarray]:
    """An empty log: (buyer, previous, candidate, kept, deployed, cycle) arrays, one entry per
    candidate or swap (``cycle``: from an optimisation cycle, else a licence)."""
    ints, flags = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    return {"buyer": ints, "previous": ints, "candidate": ints, "kept": flags, "deployed": flags, "cycle": flags}


class Fleet:
    """The operational agents' choices, one row per agent: the artifact each runs (public:
    which version is deployed is in the registry's books) and its decision rules.

    * An agent works its task if its wallet covers the task's compute.
    * It asks for an optimisation cycle when its wallet exceeds ``threshold`` (C_dev, seed 002
      section 7.1, read as the cost of development it budgets), offering at most C_dev and at
      most what it can spend while keeping ``reserve`` (C_max, to pay its next task's compute)
      and, with the gate, the validation fee: that ceiling caps the price it can be charged.
      It asks only while a cycle looks worth its price: it keeps an estimate of what a cycle
      gains it, the exponentially weighted mean (weight ``LEARNING``) of the rise of its
      benchmark over its past cycles (0 when a cycle shipped nothing), starting from the
      prior that a cycle is worth C_dev; it asks when that gain, valued as a perpetual one
      (x discount / (1 - discount)), is at least the last cycle price the market published
      plus the validation fee.
    * It deploys a candidate only if the candidate's benchmark (the paid proxy) is higher:
      it optimises what it is paid on, and cannot see context robustness or hallucination.
    * It buys a licence to a listed artifact when the benchmark gain, valued as a perpetual
      per-step gain discounted by ``discount`` (x discount / (1 - discount)), exceeds the fee
      (and the validation fee), keeping ``reserve``; it considers the registry's ``TOP``
      listings by benchmark and, with the gate on, only those the gate would accept (the
      gold reports are public).
    """

    #: Listings a buyer looks at: the registry's leaderboard by benchmark.
    TOP = 32
    #: Weight of the latest cycle in an agent's estimate of what a cycle gains it.
    LEARNING = 0.2

    def __init__(self, artifacts: Artifacts, deployed, accounts, terms: RewardTerms, threshold: float,
                 discount: float, enabled: bool):
        self.artifacts = artifacts
        self.deployed = np.asarray(deployed, dtype=np.int64).copy()
        self.accounts = np.asarray(accounts, dtype=np.int64)
        self.terms = terms
        self.threshold = threshold
        self.reserve = to_units_array(terms.max_cost)
        self.horizon = discount / (1.0 - discount)
        self.enabled = enabled
        self.cycle_gain = np.full(len(self.deployed), threshold / self.horizon)   # the prior: worth C_dev

    def __len__(self) -> int:
        return len(self.deployed)

    def cycle_orders(self, wallets, gate_fee: int, last_price: float) -> tuple[np.ndarray, np.ndarray]:
        """(buyers, ceilings in micro-credits) of the agents asking for a cycle this step, given
        the last published cycle price (NaN before the first sale)."""
        if not self.enabled:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        threshold = int(to_units_array(self.threshold))
        ceilings = np.minimum(threshold, wallets - self.reserve - gate_fee)
        cost = last_price + to_credits(gate_fee)                   # NaN price: no evidence yet
        worth = ~(self.cycle_gain * self.horizon < cost)
        buyers = np.flatnonzero((wallets > threshold) & (ceilings > 0) & worth)
        return buyers, ceilings[buyers]

    def learn_cycles(self, agents, before, after) -> None:
        """Update the agents' estimates with what their last cycle gained (``before``/``after``:
        the artifacts they ran before and run after it)."""
        bench = self.artifacts.benchmark
        gain = np.maximum(0.0, bench(after, self.terms) - bench(before, self.terms))
        self.cycle_gain[agents] += self.LEARNING * (gain - self.cycle_gain[agents])

    def prefer(self, agents, candidates) -> np.ndarray:
        """Whether each agent would deploy its candidate: a higher paid proxy than its own."""
        return self.artifacts.benchmark(candidates, self.terms) > self.artifacts.benchmark(self.deployed[agents],
                                                                                            self.terms)

    def licence_price(self, cycle_price: int, share: float) -> int:
        """The fee a creator posts for its new artifact: ``share`` of what its cycle cost
        (cost-plus: 1 / share sales recover the development)."""
        return int(round(share * cycle_price))

    def licence_orders(self, wallets, listings, gate_fee: int, acceptable) -> tuple[np.ndarray, np.ndarray]:
        """(buyers, listing rows) of the licences agents buy this step.

        Args:
            wallets: every agent's balance (micro-credits).
            listings: the leaderboard (``artifact``, ``benchmark``, ``fee``, ``creator`` arrays).
            gate_fee: the validation fee of a hot-swap (0 without the gate).
            acceptable: (agents x listings) mask of swaps the gate would accept (all True without it).
        """
        if not self.enabled or len(listings["artifact"]) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        own = self.artifacts.benchmark(self.deployed, self.terms)
        price = listings["fee"] + gate_fee
        gain = (listings["benchmark"][None, :] - own[:, None]) * self.horizon - to_credits(price)[None, :]
        able = ((price[None, :] <= (wallets - self.reserve)[:, None]) & acceptable
                & (listings["artifact"][None, :] != self.deployed[:, None])
                & (listings["creator"][None, :] != np.arange(len(self))[:, None]))
        gain = np.where(able, gain, -np.inf)
        choice = np.argmax(gain, axis=1)
        buyers = np.flatnonzero(gain[np.arange(len(self)), choice] > 0)
        return buyers, choice[buyers]


class EvolvingAgent(mesa.Agent):
    """One operational agent: an account and row ``index`` of the :class:`Fleet` (its work and
    decisions run column-wise in the markets; the shell holds the wallet)."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index
        self.account = model.ledger.open_account(f"agent:{index}")

    @property
    def wealth(self) -> float:
        """Its wallet balance, in credits."""
        return to_credits(self.model.ledger.balance(self.account))


class RewardMarket(mesa.Agent):
    """The task owner's desk: one task per agent a step, paid seed 002's composite reward.

    Each step, for every agent whose wallet covers its task's compute: the desk mints the task
    budget T, the agent's compute cost is burned (bought outside the fleet), the desk pays the
    reward R <= T (eq. 1) and burns what it did not pay (the budget bounds the spend: Lemma 1).
    Its ticker is the mean reward paid per task; ``revenue`` the rewards paid this step.
    """

    market = "tasks"

    def __init__(self, model, fleet: Fleet, terms: RewardTerms):
        super().__init__(model)
        self.fleet, self.terms = fleet, terms
        self.account = model.ledger.open_account("task owner")
        self.price = float("nan")
        self.revenue = 0.0
        self.draws = np.zeros((len(fleet), DRAWS))
        self.working = np.zeros(len(fleet), dtype=bool)
        self.used = fleet.deployed.copy()   # the artifacts this step's tasks ran on
        self.rewards = np.zeros(len(fleet), dtype=np.int64)

    def post(self, draws: np.ndarray) -> None:
        """This step's tasks (their hidden draws; the environment's)."""
        self.draws = draws

    def step(self) -> None:
        """Pay this step's tasks: mint T per working agent, burn each one's compute, pay the reward R of seed
        002's eq. 1 and burn what was not paid."""
        ledger, fleet = self.model.ledger, self.fleet
        self.used = fleet.deployed.copy()
        cost, reward = task_amounts(fleet.artifacts, self.used, self.draws, self.terms)
        self.working = ledger.balances[fleet.accounts] >= cost
        workers = fleet.accounts[self.working]
        cost, reward = cost[self.working], reward[self.working]
        budget = int(to_units_array(self.terms.task_budget)) * len(workers)
        self.rewards = np.zeros(len(fleet), dtype=np.int64)
        self.rewards[self.working] = reward
        self.revenue = to_credits(int(reward.sum()))
        self.price = float(to_credits(reward.mean())) if len(workers) else float("nan")
        if not len(workers):
            return
        ledger.mint(self.account, budget, market=self.market, kind="task budget")
        ledger.settle_in_order(workers, np.full(len(workers), BURN), cost, market=self.market, kind="compute")
        ledger.settle_in_order(np.full(len(workers), self.account), workers, reward, market=self.market,
                               quantities=np.ones(len(workers)), kind="reward")
        ledger.burn(self.account, budget - int(reward.sum()), market=self.market, kind="unspent budget")
