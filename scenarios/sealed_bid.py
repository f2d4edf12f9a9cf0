"""Scenario ``sealed-bid``: one item a step, first-price or Vickrey, the classroom staple."""

import numpy as np
import pandas as pd

from agents import MarketMaker, Trader, make_strategy
from agents.learning_bidders import LEARNERS, LEARNING_PARAMS, learning_bidder
from model.ledger import to_units
from model.market import MarketModel
from model.mechanisms import first_price, second_price
from model.params import Param, ParameterError
from model.regret import Agency, Regret, sealed_bid_counterfactual

STRATEGY_NAMES = ("truthful", "shade", "bne", "zic", "noisy", *LEARNERS)
#: utility:<i> columns are reported for the first this-many bidders.
UTILITY_COLUMNS = 16

RULES = {"first": first_price, "second": second_price}


class SealedBidModel(MarketModel):
    """Each step a fresh item is sold to ``bidders`` traders with values i.i.d. U[0, 1].

    Every bidder uses ``strategy``; bidder 0 alone may use ``deviant_strategy``,
    so a class can watch one shading bidder lose utility under Vickrey. The
    observer's optimum is the highest true value (the item should go to whoever
    values it most); welfare is the winner's true value.
    """

    name = "sealed-bid"
    summary = "one item per step, first-price or Vickrey; watch revenue equivalence and truthfulness"
    participant_types = (Trader,)
    default_steps = 1000
    explanation = r"""
**Sealed-bid auction of one item.** Each step every bidder draws a private value
$v_i \sim U[0,1]$ and submits one sealed bid $b_i$.

* **First price:** the highest bid wins and pays $b_{(1)}$. Bidding one's value earns nothing,
  so bidders shade; the symmetric equilibrium with $n$ bidders is $b(v) = \frac{n-1}{n}\,v$.
* **Second price (Vickrey, 1961):** the highest bid wins and pays the second-highest
  bid $b_{(2)}$. Bidding $b_i = v_i$ is a dominant strategy.

**Revenue equivalence:** with equilibrium bidding both earn
$\mathbb{E}[\text{revenue}] = \frac{n-1}{n+1}$ and both are efficient
(Krishna, *Auction Theory*, ch. 2–3).

**Learning bidders** (`qlearn`, `hedge`, `exp3`) pick a fraction $k/G$ of their value each round
and learn from their own utility (Hedge: from every fraction's, computed from the highest
competing bid when `disclosure=bids`). **Regret** $R_i = \max_a \sum_t u_i(a,t) - \sum_t u_i(t)$
is measured against the grid's best fixed fraction in hindsight; **economic agency**
$A_i = \sum_t \delta^t (u_i(t) - u_i^{base}(t))$ against a baseline on the same values
(seed 002, §9).
"""
    params = (
        Param("bidders", 4, "number of bidders", low=2, high=100_000),
        Param("rule", "second", "payment rule: first (pay your bid) or second (Vickrey)", choices=tuple(RULES)),
        Param("strategy", "truthful", "how every bidder bids", choices=STRATEGY_NAMES),
        Param("deviant_strategy", "same", "bidder 0's strategy", choices=("same", *STRATEGY_NAMES)),
        Param("shading", 0.2, "shade strategy: bid (1 - shading) x value", low=0, high=1, aliases=("alpha",)),
        Param("noise", 0.2, "sigma of the multiplicative noise of the noisy strategy", low=0, high=2),
        Param("reserve", 0.0, "reserve price: bids below it cannot win", low=0, high=1),
        Param("budget", 100_000.0, "each bidder's starting wallet, credits", low=0, high=1e9),
        Param("disclosure", "price", "what learners see after a round: none, the price, or every bid (the "
              "highest competing bid)", choices=MarketMaker.DISCLOSURES),
        *LEARNING_PARAMS,
        Param("baseline", "truthful", "economic agency's baseline: everyone bidding truthfully under the same "
              "rule, or the item given to a random bidder for free", choices=("truthful", "random")),
        Param("agency_discount", 1.0, "delta, the discount of economic agency", low=0, high=1),
    )

    @classmethod
    def check(cls, values) -> None:
        """Refuse hedge without disclosure=bids: it learns from every bid's utility, which needs the highest
        competing bid."""
        if "hedge" in (values["strategy"], values["deviant_strategy"]) and values["disclosure"] != "bids":
            raise ParameterError("hedge learns from the utility of every bid, which needs disclosure=bids "
                                 "(the highest competing bid revealed after each round)")

    @classmethod
    def money_bound(cls, values, steps):
        """Only the endowments are minted: bidders x budget."""
        return values["bidders"] * values["budget"], "bidders x budget (the endowments)"

    def setup(self) -> None:
        """One auction of the chosen rule with its reserve and disclosure, the bidders (bidder 0 with the deviant
        strategy, if any) and their endowments, regret and agency accounts."""
        p = self.scenario
        rule = RULES[p.rule]
        auction = MarketMaker(self, "item", lambda bids, quantities, budgets: rule(bids, p.reserve),
                              disclosure=p.disclosure)
        self.add_market(auction)
        everyone = self._strategy(p.strategy)
        deviant = everyone if p.deviant_strategy == "same" else self._strategy(p.deviant_strategy)
        self.bidders = [
            Trader(self, deviant if i == 0 else everyone, auction, name=f"bidder:{i}") for i in range(p.bidders)
        ]
        endowment = to_units(p.budget)
        for bidder in self.bidders:
            self.ledger.mint(bidder.account, endowment, kind="endowment")
        self.winner = -1
        self.fractions = np.arange(1, p.grid + 1) / p.grid
        self.regret = Regret(p.bidders, p.grid)
        self.agency = Agency(p.bidders, p.agency_discount)
        self._baseline_rng = np.random.default_rng(self._stream())
        self._wealth = np.zeros(p.bidders)

    def _stream(self) -> np.random.SeedSequence:
        """A stream of its own (learners, the random baseline) that leaves the world's untouched."""
        return self.rng.bit_generator.seed_seq.spawn(1)[0]

    def _strategy(self, name: str):
        p = self.scenario
        if name in LEARNERS:
            return learning_bidder(name, dict(p), rule=p.rule, reserve=p.reserve, rng=np.random.default_rng(
                self._stream()), counterfactual=p.disclosure == "bids")
        return make_strategy(name, shading=p.shading, noise=p.noise)

    def environment(self) -> None:
        """Each bidder's private value for this step's item, i.i.d. U[0, 1]."""
        for bidder, value in zip(self.bidders, self.rng.random(len(self.bidders))):
            bidder.want(float(value))
        self._wealth = self.trader_balances()   # what caps each bid this round

    def observe(self) -> None:
        """Welfare: the winner's true value; optimum: the highest value (the item should go to whoever values it
        most); then regret and agency from the round's bids."""
        # The observer may read true valuations; the auction never does.
        values = np.fromiter((b.valuation for b in self.bidders), float, len(self.bidders))
        winners = self.markets["item"].last_clearing.winners
        self.winner = int(winners[0]) if winners.size else -1
        self.welfare = float(values[self.winner]) if winners.size else 0.0
        self.optimum = float(values.max())
        self._score_learning(values, self.markets["item"].last_orders["bid"])

    def _score_learning(self, values: np.ndarray, bids: np.ndarray) -> None:
        """Regret against the grid's fixed fractions and agency against the baseline (exact:
        the same counterfactual formula gives the realised utility)."""
        p = self.scenario
        candidates = np.minimum(self.fractions[None, :] * values[:, None], self._wealth[:, None])
        realised = sealed_bid_counterfactual(bids, values, bids[:, None], p.rule, p.reserve)[:, 0]
        self.regret.add(sealed_bid_counterfactual(bids, values, candidates, p.rule, p.reserve), realised)
        if p.baseline == "truthful":
            baseline = sealed_bid_counterfactual(values, values, values[:, None], p.rule, p.reserve)[:, 0]
        else:
            baseline = np.zeros(len(values))
            lucky = self._baseline_rng.integers(len(values))
            baseline[lucky] = values[lucky]
        self.agency.add(realised, baseline)

    def learners(self) -> list:
        """The learning strategies in play (one population each)."""
        return list({id(b.strategy): b.strategy for b in self.bidders if b.strategy.learns}.values())

    @property
    def greedy_fraction(self) -> float:
        """Mean greedy bid fraction over the learning bidders (NaN if none learns)."""
        fractions = [s.greedy_fractions() for s in self.learners()]
        return float(np.concatenate(fractions).mean()) if fractions else float("nan")

    def participant_utilities(self) -> np.ndarray:
        """Each bidder's value of what it won minus what it paid, so far."""
        return np.array([b.utility for b in self.bidders])

    def agent_table(self):
        """One row per bidder: its strategy, utility, regret and economic agency so far."""
        return pd.DataFrame({"bidder": range(len(self.bidders)), "strategy": [b.strategy.name for b in self.bidders],
                             "utility": [b.utility for b in self.bidders], "regret": self.regret.regret(),
                             "agency": self.agency.agency})

    def extra_reporters(self):
        """The winner, regret, agency, the learners' greedy fraction and the first bidders' utilities."""
        reporters = {"winner": "winner",
                     "regret:mean": lambda m: float(m.regret.regret().mean()),
                     "regret:max": lambda m: float(m.regret.regret().max()),
                     "agency:mean": lambda m: float(m.agency.agency.mean()),
                     "agency:negative_share": lambda m: m.agency.negative_share(),
                     "greedy_fraction": "greedy_fraction"}
        for i, bidder in enumerate(self.bidders[:UTILITY_COLUMNS]):
            reporters[f"utility:{i}"] = lambda m, b=bidder: b.utility
        return reporters
