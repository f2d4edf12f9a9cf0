"""Seed 002's upgrade market (section 7.1): DevOps providers sell optimisation cycles to agents
whose wallet exceeds C_dev; each candidate passes the gold-dataset gate before it is deployed.

**Pricing: a procurement Vickrey auction per cycle** (:func:`sequential_reverse_auctions`).
The agents asking for a cycle are served highest ceiling first (ties in a random order);
each provider delivers at most one cycle a step; the provider with the lowest ask
among those still free wins and is paid the second-lowest ask among them, capped by the
buyer's ceiling, at most C_dev (the last free provider is paid the ceiling: when cycles are
scarce the buyers' budgets set the price). Why an auction and not a
posted price: the providers' costs are private, and under second-price procurement asking
one's true cost is weakly dominant (Krishna, *Auction Theory*, 2010, ch. 2), so the price
finds the competitive cost without anyone guessing it; buyers need no strategy (the ceiling,
what they can spend, only caps the price). The providers here ask their true cost.

**The protocol of a cycle (section 7.1).** 1. context ingestion: the provider receives the
buyer's artifact; 2. synthesis: it draws a :class:`~agents.evolving_agents.Change` (mostly
cheaper, faster, a little better; with chance ``goodhart`` a shortcut that is cheaper and
faster still but silently breaks context robustness or anti-hallucination, the axes the
reward does not see); 3. the buyer keeps the candidate only if its paid proxy is higher;
4. sandbox validation: with the gate on, the buyer pays the validation (``validation_cost``
per gold case, burned: the compute of the runs) and the candidate must pass Table 1 against
the deployed version (:class:`GoldGate`); with the gate off it is deployed as it is;
5. hot-swap and registration in the registry, with its lineage and a licence fee.
"""

import mesa
import numpy as np

from agents.artifact_registry import Registry
from agents.evolving_agents import Artifacts, Change, Fleet, no_events
from model.gold import CONTEXT, HALLUCINATION, GoldDataset, Verdict, accept, report
from model.ledger import BURN, Transfer, to_credits, to_units_array
from model.mechanisms import sequential_reverse_auctions

#: Share of the gap to 1 an honest change closes at most on structure, context, anti-hallucination.
REPAIR = (0.5, 0.2, 0.1)


def draw_change(rng: np.random.Generator, improvement: float, goodhart: float, break_size: float) -> Change:
    """One cycle's change (always the same nine draws, so the stream stays aligned).

    Cost and latency ratios fall by N(improvement, improvement) each (a Goodhart shortcut:
    ``improvement`` more); business logic moves by N(improvement / 2, improvement / 2) (it can
    fall: a trade the reward may accept); structure, context and anti-hallucination close
    U[0, REPAIR] of their gap to 1; with chance ``goodhart`` the change is a shortcut that
    drops context robustness or anti-hallucination (even odds) by U[0, break_size] instead.
    """
    is_goodhart = bool(rng.random() < goodhart)
    gains = rng.normal(improvement, improvement, 2) + (improvement if is_goodhart else 0.0)
    business = float(rng.normal(improvement / 2, improvement / 2))
    repair = tuple(float(x) for x in rng.uniform(0.0, REPAIR))
    broken = (CONTEXT, HALLUCINATION)[int(rng.integers(2))]
    drop = float(rng.uniform(0.0, break_size))
    return Change(float(gains[0]), float(gains[1]), business, repair, is_goodhart,
                  broken if is_goodhart else -1, drop if is_goodhart else 0.0)


class DevOpsProvider(mesa.Agent):
    """A provider of optimisation cycles: an account, a private cost per cycle, its own stream."""

    def __init__(self, model, cost: float, rng: np.random.Generator, improvement: float, goodhart: float,
                 break_size: float):
        super().__init__(model)
        self.account = model.ledger.open_account(f"devops:{self.unique_id}")
        self._cost = cost
        self._rng = rng
        self._recipe = (improvement, goodhart, break_size)

    def ask(self) -> float:
        """The ask for one cycle: the true cost (dominant under second-price procurement)."""
        return self._cost

    def synthesise(self) -> Change:
        """Step 2 of a cycle: draw the change it makes to the buyer's artifact (draw_change)."""
        return draw_change(self._rng, *self._recipe)

    def true_cost(self) -> float:
        """Its cost of a cycle (observer only; its ask is the same, truthful)."""
        return self._cost


class GoldGate:
    """Sandbox validation against the gold dataset (seed 002, section 8; model.gold).

    Runs artifacts on G's inputs (it sees their answers, never their qualities), keeps each
    artifact's validation report (public), and applies Table 1 against the version a
    candidate would replace. ``validate`` charges the fee; ``judge`` is the same verdict free,
    for the observer (what G would have said with the gate off).
    """

    def __init__(self, ledger, artifacts: Artifacts, gold: GoldDataset, context_rule: str, fee_per_case: float):
        self.ledger, self.artifacts, self.gold, self.context_rule = ledger, artifacts, gold, context_rule
        self.fee = int(to_units_array(fee_per_case * 4 * gold.cases))
        self._reports = np.zeros((0, 4), dtype=np.int64)     # by artifact id; -1: not run yet

    def report(self, ids) -> np.ndarray:
        """Validation reports (passes per axis) of the artifacts ``ids``, (n, 4). A deployed
        version's report is on file (the first versions' were recorded with G, at no charge)."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(self._reports) < len(self.artifacts):
            grown = np.full((len(self.artifacts), 4), -1, dtype=np.int64)
            grown[:len(self._reports)] = self._reports
            self._reports = grown
        missing = np.unique(ids[self._reports[ids, 0] < 0])
        if len(missing):
            self._reports[missing] = report(self.artifacts.answers(missing, self.gold))
        return self._reports[ids]

    def judge(self, candidates, previous, context_rule: str | None = None) -> Verdict:
        """Table 1 on G (``context_rule`` overrides the gate's: ``not-lower`` asks only for no
        regression on G, the guarantee of Theorem 4)."""
        return accept(self.report(candidates), self.report(previous), self.gold.cases,
                      context_rule or self.context_rule)

    def acceptable(self, listings, deployed) -> np.ndarray:
        """(agents x listings) swaps Table 1 accepts, from the public reports."""
        return accept(self.report(listings)[None, :, :], self.report(deployed)[:, None, :], self.gold.cases,
                      self.context_rule).accepted

    def validate(self, payers, candidates, previous, market: str) -> Verdict:
        """Charge each payer the fee (burned), then judge its candidate."""
        payers = np.asarray(payers, dtype=np.int64)
        self.ledger.settle_in_order(payers, np.full(len(payers), BURN), np.full(len(payers), self.fee),
                                    market=market, kind="validation")
        return self.judge(candidates, previous)


class UpgradeMarket(mesa.Agent):
    """Clears the cycle orders each step, runs the protocol above, and logs every candidate in
    ``events`` (see :func:`no_events`) for the observer. Sees the
    orders (buyer, ceiling) and the asks only.

    Attributes:
        price: the mean cycle price this step (the ticker); ``revenue``: cycle payments.
        sold: cycles sold this step; ``validation_spend``: validation fees paid (credits).
    """

    market = "upgrades"

    def __init__(self, model, fleet: Fleet, providers: list[DevOpsProvider], gate: GoldGate, registry: Registry,
                 gate_on: bool, licence_share: float, rng: np.random.Generator):
        super().__init__(model)
        self.fleet, self.providers, self.gate, self.registry, self._rng = fleet, providers, gate, registry, rng
        self.gate_on, self.licence_share = gate_on, licence_share
        self.account = model.ledger.open_account("market:upgrades")
        self.price = float("nan")
        self.revenue = self.validation_spend = 0.0
        self.sold = 0
        self.events = no_events()

    def step(self) -> None:
        """Clear this step's cycle orders, highest ceiling first, one per provider, with sequential procurement
        Vickrey auctions; settle them; run each cycle's protocol."""
        ledger, fleet = self.model.ledger, self.fleet
        self.events, self.sold, self.revenue, self.validation_spend = no_events(), 0, 0.0, 0.0
        fee = self.gate.fee if self.gate_on else 0
        buyers, ceilings = fleet.cycle_orders(ledger.balances[fleet.accounts], fee, self.price)
        lots = self._rng.random(len(buyers))                          # equal ceilings: a random queue
        order = np.lexsort((lots, -ceilings))[:len(self.providers)]   # only these can be served
        buyers, ceilings = buyers[order], ceilings[order]
        if not len(buyers):
            return
        asks = np.array([p.ask() for p in self.providers])
        winner, price = sequential_reverse_auctions(np.tile(asks, (len(buyers), 1)), to_credits(ceilings))
        sold = np.flatnonzero(winner >= 0)
        buyers, winner, paid = buyers[sold], winner[sold], to_units_array(price[sold])
        ledger.settle(Transfer(int(fleet.accounts[b]), self.providers[w].account, int(amount), self.market, 1.0,
                               "optimisation cycle") for b, w, amount in zip(buyers, winner, paid))
        self.sold, self.revenue = len(sold), to_credits(int(paid.sum()))
        self.price = float(to_credits(paid.mean())) if len(sold) else self.price
        self._cycles(buyers, winner, paid)

    def _cycles(self, buyers, winner, paid) -> None:
        """Synthesis, the buyers' choice, validation and hot-swap of this step's cycles."""
        fleet, artifacts = self.fleet, self.fleet.artifacts
        previous = fleet.deployed[buyers].copy()
        candidates = np.array([artifacts.derive(int(p), self.providers[w].synthesise(), creator=int(b))
                               for b, w, p in zip(buyers, winner, previous)], dtype=np.int64)
        kept = fleet.prefer(buyers, candidates)
        deployed = kept.copy()
        if self.gate_on and kept.any():
            deployed[kept] = self.gate.validate(fleet.accounts[buyers[kept]], candidates[kept], previous[kept],
                                                self.market).accepted
            self.validation_spend = to_credits(self.gate.fee * int(kept.sum()))
        fleet.deployed[buyers[deployed]] = candidates[deployed]
        artifacts.mark_deployed(candidates[deployed])
        reports = self.gate.report(candidates[deployed]) if self.gate_on else [None] * int(deployed.sum())
        benchmarks = artifacts.benchmark(candidates[deployed], fleet.terms)
        for candidate, parent, amount, rep, bench in zip(candidates[deployed], previous[deployed], paid[deployed],
                                                         reports, benchmarks):
            self.registry.register(int(candidate), int(parent), self.model.steps, rep, float(bench),
                                   fleet.licence_price(int(amount), self.licence_share))
        fleet.learn_cycles(buyers, previous, fleet.deployed[buyers])
        self.events = {"buyer": buyers, "previous": previous, "candidate": candidates, "kept": kept,
                       "deployed": deployed, "cycle": np.ones(len(buyers), dtype=bool)}

