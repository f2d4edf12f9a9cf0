"""A test-only scenario whose step fails or takes long on purpose (issue 22's dashboard probe,
reproduced without depending on which real parameter combinations validation refuses). The
browser tests load it into the server with CATALLAXY_EXTRA_SCENARIOS."""

import time
from pathlib import Path

from agents import MarketMaker, Trader, make_strategy
from model.ledger import to_units
from model.market import MarketModel
from model.mechanisms import second_price
from model.params import Param


class FaultyModel(MarketModel):
    name = "faulty"
    summary = "test only: a Vickrey auction whose step fails at fail_at or sleeps seconds"
    participant_types = (Trader,)
    params = (
        Param("fail_at", 0, "the step that raises (0: none)", low=0, high=1_000_000),
        Param("seconds", 0.0, "how long each step sleeps", low=0, high=3600),
        Param("heartbeat", "", "a file each step appends a line to (empty: none)"),
    )

    def setup(self):
        market = MarketMaker(self, "item", lambda bids, q, budgets: second_price(bids))
        self.add_market(market)
        self.buyers = [Trader(self, make_strategy("truthful"), market) for _ in range(3)]
        for buyer in self.buyers:
            self.ledger.mint(buyer.account, to_units(10))

    def environment(self):
        p = self.scenario
        if p.heartbeat:
            with Path(p.heartbeat).open("a") as beats:
                beats.write(f"{self.steps}\n")
        end = time.monotonic() + p.seconds
        while time.monotonic() < end:   # short sleeps: an interrupt lands between them
            time.sleep(0.05)
        if self.steps == p.fail_at:
            raise ZeroDivisionError(f"step {self.steps} divides by zero on purpose")
        for buyer, value in zip(self.buyers, self.rng.random(3)):
            buyer.want(float(value))

    def observe(self):
        values = [b.valuation for b in self.buyers]
        winners = self.markets["item"].last_clearing.winners
        self.welfare = values[int(winners[0])] if winners.size else 0.0
        self.optimum = max(values)
