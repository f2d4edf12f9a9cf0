"""Scenario ``evolution``: seed 002's evolution layer. Agents paid the composite reward buy
optimisation cycles of their hidden artifacts; candidates pass a gold-dataset gate (or not);
a registry resells validated artifacts under licence, with royalties to their creators."""

import numpy as np

from agents.artifact_registry import LicenceMarket, Registry
from agents.evolving_agents import Artifacts, EvolvingAgent, Fleet, RewardMarket, RewardTerms, task_amounts
from agents.upgrade_market import DevOpsProvider, GoldGate, UpgradeMarket
from model.gold import CONTEXT_RULES, draw_gold
from model.ledger import to_credits, to_units_array
from model.market import MarketModel
from model.params import Param, ParameterError
from model.regret import Agency
from model.reward import check_weights

#: First versions' numbers are U[low, high] per column (structure, business, context,
#: anti-hallucination, cost ratio, latency ratio).
FIRST_VERSION = ((0.97, 1.0), (0.6, 0.85), (0.5, 0.8), (0.97, 1.0), (0.5, 0.9), (0.5, 0.9))
#: Provider costs per cycle are U[0.5, 1.5] x cycle_cost.
COST_SPREAD = (0.5, 1.5)
#: The optimum is brute force over the undominated deployed artifacts x working agents, up to this many cells.
MAX_OPTIMUM_CELLS = 1 << 22
COUNTS = ("candidates", "kept", "deployments", "regressions_deployed", "true_regressions_deployed",
          "goodhart_deployed", "gate_rejections", "false_rejections", "sound_submitted", "regressions_submitted",
          "missed_regressions")


class EvolutionModel(MarketModel):
    """Operational agents work a task a step; rich ones buy cycles; the gate decides what ships.

    Each step: a task per agent (the desk pays seed 002's reward on what it can see, eq. 1);
    then the licence market (agents buy the registry's best artifacts), then the upgrade market
    (agents above C_dev buy a cycle from DevOps providers in a procurement Vickrey auction; the
    candidate is deployed if it raises the paid proxy and, with the gate on, passes Table 1 on
    the gold dataset). The observer scores the tasks with the true qualities (welfare) against
    the best any deployed artifact would have done on each task (optimum, brute force).
    """

    name = "evolution"
    summary = ("seed 002's evolution layer: agents buy optimisation cycles, a gold-dataset gate vets them, "
               "a registry resells them")
    default_steps = 200
    participant_types = (EvolvingAgent,)
    explanation = r"""
**Reward (seed 002, eq. 1).** Each task pays
$R = T[\alpha Q + \beta(1 - C/C_{max}) + \gamma(1 - L/L_{max})] - P_{fail}$ on what the owner
sees: $Q$ = the answer passes the business rules, $P_{fail}$ when the output does not parse.
A wrong entity from a long context and an answer built on injected false data
look like good answers: the reward does not see **context robustness** or **anti-hallucination**.

**Upgrades (§7.1).** An agent whose wallet exceeds $C_{dev}$ (`upgrade_threshold`) asks for an
optimisation cycle, paying at most $C_{dev}$; DevOps providers with private costs sell cycles in
a procurement Vickrey auction (second-lowest ask, capped by the buyer's ceiling). A candidate is
mostly cheaper and faster; a share `goodhart` of them are shortcuts that are cheaper and faster
still and silently break an unseen axis. The agent keeps a candidate that raises its paid proxy.

**Gold dataset (§8, Table 1).** `gold_size` fixed cases per axis. Deploy only if: structure
100 % of cases; business logic $\ge$ the deployed version; context F1 $>$ the deployed
version (`context_rule`); anti-hallucination zero failures. Theorem 4: no regression on $G$;
nothing is promised outside $G$. Validation costs `validation_cost` per case, paid by the agent.

**Registry (§7.2).** Deployed artifacts are registered with their lineage; others buy licences
at the creator's posted fee (`licence_fee` × its cycle's price); `royalty` of each fee goes to
the creator of the parent version. **Agency (§9.1):** discounted utility minus the same fleet's
without the evolution layer, on the same tasks.
"""
    params = (
        Param("agents", 40, "operational agents (a step takes ~0.1 s at 10,000)", low=1, high=10_000),
        Param("evolution", True, "the evolution layer (false: no cycles, no registry: the agency baseline)"),
        Param("gate", "on", "the gold-dataset gate: on (Table 1 decides) or off (deploy what raises the reward)",
              choices=("on", "off")),
        Param("gold_size", 25, "gold cases per axis", low=1, high=10_000),
        Param("context_rule", "higher", "context F1 must be higher than the deployed version's (Table 1) or "
              "not lower", choices=CONTEXT_RULES),
        Param("validation_cost", 0.02, "credits per gold case run (4 x gold_size cases a validation)", low=0,
              high=1e6),
        Param("upgrade_threshold", 60.0, "C_dev: wallet above which an agent buys a cycle, and the most it pays",
              low=0.01, high=1e9),
        Param("providers", 6, "DevOps providers (each sells at most one cycle a step)", low=1, high=1_000),
        Param("cycle_cost", 20.0, "mean provider cost per cycle (costs U[0.5, 1.5] x this)", low=0, high=1e9),
        Param("improvement", 0.04, "mean fall of the cost and latency ratios per cycle", low=0, high=1),
        Param("goodhart", 0.3, "share of candidates that silently break an unseen axis", low=0, high=1),
        Param("break_size", 0.1, "a Goodhart candidate drops the axis it breaks by U[0, break_size]", low=0,
              high=1),
        Param("licensing", True, "the registry's secondary market for licences"),
        Param("licence_fee", 0.5, "a creator's licence fee as a share of its cycle's price", low=0, high=100),
        Param("royalty", 0.2, "share of each licence fee paid to the parent version's creator", low=0, high=1),
        Param("task_budget", 10.0, "T: the budget of a task (its worth when done right)", low=0.001, high=1e6),
        Param("alpha", 0.6, "reward weight of quality Q", low=0, high=1),
        Param("beta", 0.2, "reward weight of cost", low=0, high=1),
        Param("gamma", 0.2, "reward weight of latency", low=0, high=1),
        Param("penalty", 0.3, "P_fail / T when the output does not parse", low=0, high=1),
        Param("cost_share", 0.5, "C_max / T: the most a task's compute costs", low=0, high=1),
        Param("long_context", 0.3, "share of tasks with a long, noisy context", low=0, high=1),
        Param("adversarial", 0.1, "share of tasks with injected false data", low=0, high=1),
        Param("harm", 5.0, "damage of a hallucinated answer, in units of T (welfare only)", low=0, high=1e6),
        Param("endowment", 10.0, "each agent's starting wallet", low=0, high=1e9),
        Param("discount", 0.99, "delta: discount per step of utility and agency", low=0, high=0.9999),
    )

    @classmethod
    def check(cls, values) -> None:
        """Refuse weights that do not sum to 1, an endowment below a task's most compute (cost_share x
        task_budget), and a threshold below every provider's cost."""
        check_weights(values["alpha"], values["beta"], values["gamma"])
        reserve = values["cost_share"] * values["task_budget"]
        if values["endowment"] < reserve:
            raise ParameterError(f"endowment ({values['endowment']:g}) must cover a task's compute at most "
                                 f"(cost_share x task_budget = {reserve:g}), or some agents could never work")
        cheapest = COST_SPREAD[0] * values["cycle_cost"]
        if values["evolution"] and values["upgrade_threshold"] < cheapest:
            raise ParameterError(f"upgrade_threshold ({values['upgrade_threshold']:g}) is below every provider's "
                                 f"cost (at least {COST_SPREAD[0]:g} x cycle_cost = {cheapest:g}): no cycle could "
                                 "ever be bought")

    @classmethod
    def money_bound(cls, values, steps):
        """Endowments and task budgets are minted: agents x (endowment + steps x task_budget)."""
        return (values["agents"] * (values["endowment"] + steps * values["task_budget"]),
                "agents x (endowment + steps x task_budget) (wallets and task budgets minted)")

    def setup(self) -> None:
        """The agents' first artifacts and wallets, the fleet, the gold gate, the registry, the providers with
        private costs, and the three markets: the task desk, licences and upgrades (seed 002, sections 7 and
        8); six seeded streams."""
        p, n = self.scenario, self.scenario.agents
        world, gold_rng, first, costs, synthesis, queue = (np.random.default_rng(int(s))
                                                           for s in self.rng.integers(2**63, size=6))
        self._world = world                      # the tasks: the same whatever the layer does
        self.terms = RewardTerms(p.task_budget, p.alpha, p.beta, p.gamma, p.penalty, p.cost_share, p.long_context,
                                 p.adversarial, p.harm)
        self.artifacts = Artifacts()
        low, high = np.array(FIRST_VERSION).T
        self.first = self.artifacts.add(first.uniform(low, high, (n, len(low))))
        self.artifacts.mark_deployed(self.first)
        self.members = [EvolvingAgent(self, i) for i in range(n)]
        accounts = np.array([a.account for a in self.members])
        for a in self.members:
            self.ledger.mint(a.account, int(to_units_array(p.endowment)), kind="endowment")
        self.fleet = Fleet(self.artifacts, self.first, accounts, self.terms, p.upgrade_threshold, p.discount,
                           p.evolution)
        self.gate = GoldGate(self.ledger, self.artifacts, draw_gold(p.gold_size, gold_rng), p.context_rule,
                             p.validation_cost)
        self.registry = Registry(self.artifacts, accounts)
        providers = [DevOpsProvider(self, float(c), np.random.default_rng(int(s)), p.improvement, p.goodhart,
                                    p.break_size)
                     for c, s in zip(costs.uniform(*COST_SPREAD, p.providers) * p.cycle_cost,
                                     synthesis.integers(2**63, size=p.providers))]
        self.desk = RewardMarket(self, self.fleet, self.terms)
        self.licences = LicenceMarket(self, self.fleet, self.registry, self.gate, p.gate == "on",
                                      p.royalty, enabled=p.licensing)
        self.upgrades = UpgradeMarket(self, self.fleet, providers, self.gate, self.registry, p.gate == "on",
                                      p.licence_fee, queue)
        for market in (self.desk, self.licences, self.upgrades):
            self.add_market(market)
        # Economic agency (seed 002, Definition 2) with the shared accumulator of model.regret:
        # u_i(t) = the change of agent i's wallet (participant_utilities' default); the baseline
        # is the same fleet without the evolution layer, replayed by the observer on the same
        # tasks (what evolution=false runs; tested equal to experiments.agency's side-by-side run)
        self.baseline = np.full(n, to_units_array(p.endowment), dtype=np.int64)
        self._last = (self.baseline.copy(), self.baseline.copy())
        self.agency, self.utility = Agency(n, p.discount), Agency(n, p.discount)
        self.counts = dict.fromkeys(COUNTS, 0)
        self.upgrades_bought = 0

    def environment(self) -> None:
        """This step's tasks: six uniforms each, from the world's own stream (common random numbers)."""
        self.desk.post(self._world.random((self.scenario.agents, 6)))

    # the observer ---------------------------------------------------------------------------
    def observe(self) -> None:
        """Welfare: the true surplus of the tasks worked. Optimum: the best true surplus of every task over the
        undominated deployed artifacts. Agency against the fleet without the evolution layer, replayed on the
        same tasks (seed 002, section 9)."""
        desk, artifacts, terms = self.desk, self.artifacts, self.terms
        working, draws = desk.working, desk.draws[desk.working]
        self.welfare = float(artifacts.true_surplus(desk.used[working], draws, terms).sum())
        existing = artifacts.true_best_candidates()
        self.optimum = (float(artifacts.true_surplus(existing[:, None], draws[None], terms).max(axis=0).sum())
                        if len(existing) * len(draws) <= MAX_OPTIMUM_CELLS and len(draws) else float("nan"))
        cost, reward = task_amounts(artifacts, self.first, desk.draws, terms)   # the fleet without the layer
        self.baseline += np.where(self.baseline >= cost, reward - cost, 0)
        wallets = self.ledger.balances[self.fleet.accounts]
        gained, base_gained = to_credits(wallets - self._last[0]), to_credits(self.baseline - self._last[1])
        self.agency.add(gained, base_gained)
        self.utility.add(gained, np.zeros(len(gained)))
        self._last = (wallets.copy(), self.baseline.copy())
        self.upgrades_bought = self.upgrades.sold
        self._count({k: np.concatenate([self.licences.events[k], self.upgrades.events[k]])
                     for k in self.upgrades.events})

    def _count(self, e: dict) -> None:
        """Classify this step's candidates and swaps with the truth: a true regression is worse
        than the version it replaces on some axis; "on G" is Table 1's no-regression part
        (context F1 not lower) on the gold cases."""
        c, kept = self.counts, e["kept"]
        quality = self.artifacts.true_quality(e["candidate"]), self.artifacts.true_quality(e["previous"])
        regression = (quality[0] < quality[1]).any(axis=1)
        shipped, cycle = kept & e["deployed"], e["cycle"]
        on_gold = self.gate.judge(e["candidate"][shipped], e["previous"][shipped], "not-lower").accepted
        c["candidates"] += int(cycle.sum())
        c["kept"] += int((kept & cycle).sum())
        c["regressions_submitted"] += int((kept & cycle & regression).sum())
        c["sound_submitted"] += int((kept & cycle & ~regression).sum())
        c["deployments"] += int(shipped.sum())
        c["regressions_deployed"] += int((~on_gold).sum())
        c["true_regressions_deployed"] += int((shipped & regression).sum())
        c["missed_regressions"] += int((shipped & regression & cycle).sum())
        c["goodhart_deployed"] += int(self.artifacts.true_goodhart(e["candidate"][shipped]).sum())
        c["gate_rejections"] += int((kept & ~e["deployed"]).sum())
        c["false_rejections"] += int((kept & ~e["deployed"] & ~regression).sum())

    def quality(self, axis: int) -> float:
        """The deployed artifacts' mean true quality on one axis (observer only)."""
        return float(self.artifacts.true_quality(self.fleet.deployed)[:, axis].mean())

    def extra_reporters(self):
        """True quality per axis, the paid proxy, the markets' counts and credits, the gate's counts, agency.
        """
        reporters = {f"quality:{name}": (lambda m, i=i: m.quality(i))
                     for i, name in enumerate(("structure", "business", "context", "hallucination"))}
        reporters.update({
            "proxy": lambda m: float(m.artifacts.benchmark(m.fleet.deployed, m.terms).mean()),
            "paid_reward": lambda m: m.desk.price,
            "upgrades": "upgrades_bought",
            "licences": lambda m: m.licences.sales,
            "licence_fees": lambda m: m.licences.revenue,
            "royalties": lambda m: m.licences.royalties_paid,
            "validation_spend": lambda m: m.upgrades.validation_spend + m.licences.validation_spend,
            "generation": lambda m: float(m.artifacts.generation(m.fleet.deployed).mean()),
        })
        reporters.update({name: (lambda m, name=name: m.counts[name]) for name in COUNTS})
        reporters.update({
            "discounted_utility": lambda m: float(m.utility.agency.mean()),
            "agency": lambda m: float(m.agency.agency.mean()),
            "agency_losers": lambda m: m.agency.negative_share(),
        })
        return reporters
