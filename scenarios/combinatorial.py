"""Scenario ``combinatorial``: package bids on indivisible goods; VCG, pay-as-bid or a clock."""

import numpy as np

from agents.package_bidders import PackageBidder
from agents.package_market import MECHANISMS, PackageMarket, amount_paid, goods_won
from model.cats import GENERATORS, generate
from model.ledger import to_units
from model.market import MarketModel
from model.mechanisms import winner_determination
from model.params import Param

#: The textbook instances (Ausubel and Milgrom 2006, "The lovely but lonely Vickrey auction"):
#: goods A = 0 and B = 1; (bidder, bundle, value).
TEXTBOOK = {
    # positive values, zero VCG revenue: 1 and 2 win, and each one's absence costs the others nothing
    "zero-revenue": [(0, (0, 1), 2.0), (1, (0,), 2.0), (2, (1,), 2.0)],
    # truthful: 0 wins and pays 1; if the losers 1 and 2 both bid 2 (ring_factor 4) they win and pay 0
    "losers-collude": [(0, (0, 1), 2.0), (1, (0,), 0.5), (2, (1,), 0.5)],
    # truthful: 0 wins AB and pays 2.5; bidding A and B for 1.5 each under two names, it wins both
    # and pays 1 + 1
    "false-name": [(0, (0, 1), 3.0), (1, (0, 1), 2.5)],
}


class CombinatorialModel(MarketModel):
    """Each step a fresh set of goods is sold to bidders with package values.

    ``generator`` draws the goods and the bidders' XOR values (model.cats, after the
    Combinatorial Auction Test Suite) or sets up a textbook instance; bidder k of the instance
    is the k-th PackageBidder (created as needed, each with ``budget`` credits). The market
    maker clears the bids with ``mechanism``. With ``false_name`` bidder 0 bids under two
    names; with ``collusion`` bidders 1 and 2 form a ring and multiply their bids by
    ``ring_factor``. The observer scores welfare from true values against the exact optimum
    (winner determination on the true values) and, when someone manipulates, replays the
    step with everyone truthful to report what the manipulation gained.
    """

    name = "combinatorial"
    summary = "package bids on goods: VCG, pay-as-bid or a clock auction; CATS instances; VCG's failures"
    default_steps = 50
    participant_types = (PackageBidder,)
    explanation = r"""
**Combinatorial auction.** Bidders bid on bundles $S$ of goods (XOR: each wins at most one bid).
Winner determination picks the bids maximising $\sum_j v_j x_j$ with every good sold at most once
— an integer program (NP-hard in general; Sandholm 2002), solved exactly by HiGHS.

* **VCG:** winner $i$ pays $W(-i) - (W^* - v_i)$, the welfare its presence costs the others.
  Truthful bidding is dominant and the outcome efficient (seed 000, Prop. 2), but revenue
  can be zero with positive values, losers can collude to win cheaply, and a bidder can gain by
  bidding under false names (Ausubel and Milgrom 2006).
* **Pay-as-bid:** same allocation, winners pay their bids; bidders shade.
* **Clock:** prices of over-demanded goods tick up until no good is over-demanded — no
  integer program, but the exposure problem can cost efficiency with complements.
"""
    params = (
        Param("generator", "regions", "instances: a CATS-style generator or a textbook case",
              choices=(*GENERATORS, *TEXTBOOK)),
        Param("goods", 20, "goods per step (generators only)", low=1, high=2_000),
        Param("bids", 100, "bids per step (generators only)", low=1, high=20_000),
        Param("mechanism", "vcg", "how the market maker clears", choices=tuple(MECHANISMS)),
        Param("shading", 0.0, "honest bidders bid (1 - shading) x value", low=0, high=1, aliases=("shade",)),
        Param("increment", 1.0, "clock auction: price step of an over-demanded good", low=1e-6, high=1e9),
        Param("false_name", False, "bidder 0 bids under two names (false-name bidding)"),
        Param("collusion", False, "bidders 1 and 2 form a ring and inflate their bids"),
        Param("ring_factor", 4.0, "the ring multiplies its bids by this", low=1, high=1e6),
        Param("budget", 1e6, "each bidder's starting wallet, credits", low=0, high=1e12),
    )

    @classmethod
    def money_bound(cls, values, steps):
        """Only the endowments are minted: one budget per bidder (a textbook case's bidders, or one per bid).
        """
        bidders = len(TEXTBOOK[values["generator"]]) if values["generator"] in TEXTBOOK else values["bids"]
        return bidders * values["budget"], "bids x budget (every bidder's endowment)"

    def setup(self) -> None:
        """The package market; bidders are created as the instances name them (see environment)."""
        p = self.scenario
        self.market = PackageMarket(self, p.mechanism, p.increment)
        self.add_market(self.market)
        self.bidders: list[PackageBidder] = []
        self.false_name_gain = self.ring_gain = float("nan")
        self.ip_solves = self.rounds = 0
        self.unsold = 0

    def _bidder(self, k: int) -> PackageBidder:
        p = self.scenario
        while len(self.bidders) <= k:
            i = len(self.bidders)
            role = "shill" if p.false_name and i == 0 else "ring" if p.collusion and i in (1, 2) else "honest"
            bidder = PackageBidder(self, self.market, role, shading=p.shading if role == "honest" else 0.0,
                                   ring_factor=p.ring_factor)
            for account in bidder.accounts:   # a shill splits its budget between its names
                self.ledger.mint(account, to_units(p.budget) // len(bidder.accounts), kind="endowment")
            self.trader_accounts = np.append(self.trader_accounts, bidder.accounts)
            self.bidders.append(bidder)
        return self.bidders[k]

    def environment(self) -> None:
        """This step's goods and private XOR values: a textbook case or a CATS-style instance (model.cats), each
        bidder handed its own bundles; the market opens."""
        p = self.scenario
        if p.generator in TEXTBOOK:
            self.n_goods, instance = 2, TEXTBOOK[p.generator]
        else:
            self.n_goods, instance = p.goods, generate(p.generator, p.goods, p.bids, self.rng)
        values: dict[int, list] = {}
        for who, bundle, value in instance:
            values.setdefault(int(who), []).append((bundle, value))
        for bidder in self.bidders:
            bidder.want([])
        for who, mine in values.items():
            self._bidder(who).want(mine)
        self.market.open(self.n_goods)

    # the observer: true values ---------------------------------------------------------------
    @staticmethod
    def _utility(outcome, bidder) -> float:
        return bidder.true_value(goods_won(outcome, bidder.accounts)) - amount_paid(outcome, bidder.accounts)

    def observe(self) -> None:
        """Welfare: the bidders' true values of what they won. Optimum: exact winner determination on the true
        values (HiGHS). With a shill or a ring, also what manipulating gained them over bidding their values.
        """
        p, outcome = self.scenario, self.market.outcome
        truthful = [bid for b in self.bidders for bid in b.truthful_bids()]
        self.ip_solves = outcome.ip_solves if outcome else 0
        self.rounds = outcome.rounds if outcome else 0
        if outcome is None:
            self.welfare, self.optimum, self.unsold = 0.0, 0.0, self.n_goods
            return
        self.welfare = sum(b.true_value(goods_won(outcome, b.accounts)) for b in self.bidders)
        self.unsold = self.n_goods - sum(len(bundle) for bundle in outcome.allocation.values())
        manipulated = p.false_name or p.collusion
        if p.mechanism == "vcg" and p.shading == 0 and not manipulated:
            self.optimum = outcome.welfare           # the bids are the true values: the same program
        else:
            self.optimum = winner_determination(truthful, self.n_goods)[0]
        if manipulated:
            honest = MECHANISMS[p.mechanism](truthful, self.n_goods, p.increment)
            shill = [b for b in self.bidders if b.role == "shill"]
            ring = [b for b in self.bidders if b.role == "ring"]
            self.false_name_gain = sum(self._utility(outcome, b) - self._utility(honest, b) for b in shill) \
                if shill else float("nan")
            self.ring_gain = sum(self._utility(outcome, b) - self._utility(honest, b) for b in ring) \
                if ring else float("nan")

    def timings(self):
        """Wall-clock seconds of clearing (all steps, and the slowest), for the CLI's stderr."""
        seconds = self.market.clearing_seconds
        return {"clearing, all steps": sum(seconds), "clearing, slowest step": max(seconds, default=0.0)}

    def extra_reporters(self):
        """Integer programs solved, clock rounds, unsold goods, unpaid credits, the manipulators' gains."""
        return {"ip_solves": "ip_solves", "clock_rounds": "rounds",
                "unsold": "unsold", "unpaid": lambda m: m.market.unpaid,
                "false_name_gain": "false_name_gain", "ring_gain": "ring_gain"}
