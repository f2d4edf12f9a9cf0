"""Scenario ``sealed-bid``: one item a step, first-price or Vickrey, the classroom staple."""

import numpy as np
import pandas as pd

from agents import MarketMaker, Trader, make_strategy
from model.ledger import to_units
from model.market import MarketModel
from model.mechanisms import first_price, second_price
from model.params import Param

STRATEGY_NAMES = ("truthful", "shade", "bne", "zic", "noisy")
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
    )

    @classmethod
    def money_bound(cls, values, steps):
        return values["bidders"] * values["budget"], "bidders x budget (the endowments)"

    def setup(self) -> None:
        p = self.scenario
        rule = RULES[p.rule]
        auction = MarketMaker(self, "item", lambda bids, quantities, budgets: rule(bids, p.reserve))
        self.add_market(auction)
        everyone = make_strategy(p.strategy, shading=p.shading, noise=p.noise)
        deviant = everyone if p.deviant_strategy == "same" else make_strategy(
            p.deviant_strategy, shading=p.shading, noise=p.noise
        )
        self.bidders = [
            Trader(self, deviant if i == 0 else everyone, auction, name=f"bidder:{i}") for i in range(p.bidders)
        ]
        endowment = to_units(p.budget)
        for bidder in self.bidders:
            self.ledger.mint(bidder.account, endowment, kind="endowment")
        self.winner = -1

    def environment(self) -> None:
        for bidder, value in zip(self.bidders, self.rng.random(len(self.bidders))):
            bidder.want(float(value))

    def observe(self) -> None:
        # The observer may read true valuations; the auction never does.
        values = np.fromiter((b.valuation for b in self.bidders), float, len(self.bidders))
        winners = self.markets["item"].last_clearing.winners
        self.winner = int(winners[0]) if winners.size else -1
        self.welfare = float(values[self.winner]) if winners.size else 0.0
        self.optimum = float(values.max())

    def extra_reporters(self):
        reporters = {"winner": "winner"}
        for i, bidder in enumerate(self.bidders[:UTILITY_COLUMNS]):
            reporters[f"utility:{i}"] = lambda m, b=bidder: b.utility
        return reporters
