"""The market maker of a combinatorial auction: collects package bids, clears them with VCG,
pay-as-bid or a clock auction, and settles each payment from the bidder's wallet to the seller's.
"""

import time

import mesa

from model.ledger import to_credits, to_units
from model.mechanisms import clock_auction, pay_as_bid_combinatorial, vcg

MECHANISMS = {
    "vcg": lambda bids, n, increment: vcg(bids, n),
    "pay-as-bid": lambda bids, n, increment: pay_as_bid_combinatorial(bids, n),
    "clock": lambda bids, n, increment: clock_auction(bids, n, increment=increment),
}


class PackageMarket(mesa.Agent):
    """The seller's auctioneer of a combinatorial auction: one clearing of package bids a step.

    Attributes, each step: outcome (a CombinatorialOutcome, or None with no bids);
    price, mean price per good sold (the last one if none sold); revenue, credits paid;
    unpaid, credits winners owed but could not pay; clearing_seconds, the wall time of every
    clearing (VCG's programs included), kept for the timing report, never in the rows."""

    market = "packages"

    def __init__(self, model, mechanism: str, increment: float):
        if mechanism not in MECHANISMS:
            raise ValueError(f"mechanism must be one of {', '.join(MECHANISMS)}; got {mechanism!r}")
        super().__init__(model)
        self.clear = MECHANISMS[mechanism]
        self.increment = increment
        self.account = model.ledger.open_account("seller")
        self.n_goods = 0
        self._bids: list = []
        self.cleared_bids: list = []      # the bids the last clearing saw
        self.outcome, self.price, self.revenue, self.unpaid = None, float("nan"), 0.0, 0.0
        self.clearing_seconds: list[float] = []

    def open(self, n_goods: int) -> None:
        """A new set of goods goes on sale."""
        self.n_goods, self._bids = n_goods, []

    def submit(self, bids) -> None:
        """Accept a bidder's package bids for this step's clearing."""
        self._bids.extend(bids)

    def step(self) -> None:
        """Clear the step's package bids with the mechanism and settle each payment from the
        bidder's wallet to the seller's (what a wallet cannot cover is reported as unpaid)."""
        self.revenue, self.unpaid = 0.0, 0.0
        if not self._bids:
            self.outcome = None
            return
        start = time.perf_counter()
        self.outcome = self.clear(self._bids, self.n_goods, self.increment)
        self.cleared_bids = self._bids
        self.clearing_seconds.append(time.perf_counter() - start)
        ledger = self.model.ledger
        for account, payment in self.outcome.payments.items():
            owed = to_units(payment)
            paid = min(owed, ledger.balance(account))
            if paid:
                ledger.transfer(account, self.account, paid, market=self.market, kind="package payment",
                                quantity=len(self.outcome.allocation.get(account, ())))
            self.revenue += to_credits(paid)
            self.unpaid += to_credits(owed - paid)
        sold = sum(len(bundle) for bundle in self.outcome.allocation.values())
        if sold:
            self.price = self.revenue / sold
        self._bids = []


def goods_won(outcome, accounts) -> tuple:
    """The goods these accounts won in ``outcome`` (None: nothing was cleared)."""
    if outcome is None:
        return ()
    return tuple(g for a in accounts for g in outcome.allocation.get(a, ()))


def amount_paid(outcome, accounts) -> float:
    """What these accounts were charged in ``outcome``."""
    if outcome is None:
        return 0.0
    return float(sum(outcome.payments.get(a, 0.0) for a in accounts))
