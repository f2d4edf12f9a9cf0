"""The MarketMaker: collects orders, clears them, settles, publishes a price."""

from collections.abc import Callable

import mesa
import numpy as np

from model.ledger import Transfer, to_credits, to_units
from model.mechanisms import Clearing

#: A clearing rule over orders: (bids, quantities, budgets) -> Clearing.
ClearingRule = Callable[[np.ndarray, np.ndarray, np.ndarray], Clearing]


class MarketMaker(mesa.Agent):
    """Runs one market.

    Each step it clears the orders submitted to it with its rule, settles the
    payments through the ledger in one all-or-nothing batch (winners pay the
    market's account), tells the winners what they got, and publishes its price
    ticker: the last traded unit price, the public signal traders see next step.

    It sees orders only (trader, bid, quantity) and each bidder's budget, never
    a valuation: the information barrier of seed 000 (Hayek's knowledge problem).

    After each round it tells every learning strategy what its members got (allocated and
    paid) and what the market discloses: ``disclosure="price"`` the clearing price,
    ``"bids"`` also the highest competing bid each trader faced (after the round, as in a
    sealed-bid auction that publishes its bids), ``"none"`` nothing.

    Attributes:
        market: the market's name, used in ledger entries and price columns.
        account: the ledger account that receives payments.
        price: the ticker, NaN until the first trade.
        revenue: payments collected in the last clearing, in credits.
        last_clearing: the last Clearing, with ``last_orders`` the arrays it cleared.
    """

    DISCLOSURES = ("none", "price", "bids")

    def __init__(self, model, market: str, rule: ClearingRule, disclosure: str = "price"):
        super().__init__(model)
        if disclosure not in self.DISCLOSURES:
            raise ValueError(f"disclosure must be one of {', '.join(self.DISCLOSURES)}; got {disclosure!r}")
        self.market = market
        self.rule = rule
        self.disclosure = disclosure
        self.account = model.ledger.open_account(f"market:{market}")
        self.price = float("nan")
        self.revenue = 0.0
        self.last_clearing: Clearing | None = None
        self.last_orders: dict[str, np.ndarray] = {}
        self._traders, self._bids, self._quantities = [], [], []
        self.bidders = 0

    def join(self, trader) -> None:
        """Register a trader; the number of bidders is public information."""
        self.bidders += 1

    def _tell(self, traders: list, bids: np.ndarray, clearing: Clearing, paid: dict) -> None:
        """Every winner gets its allocation; every trader whose strategy learns also hears what
        it got (nothing, if it lost) and what the market discloses."""
        learning = [i for i, trader in enumerate(traders) if trader.strategy.learns]
        price = clearing.price if self.disclosure != "none" and clearing.winners.size else float("nan")
        highest = highest_competing(bids) if self.disclosure == "bids" and learning else None
        for i in sorted(set(clearing.winners.tolist()) | set(learning)):
            traders[i].receive(clearing.allocation[i], paid.get(i, 0.0), price,
                               float(highest[i]) if highest is not None else float("nan"))

    def submit(self, trader, bid: float, quantity: float) -> None:
        """Accept one sealed order for this step's clearing."""
        self._traders.append(trader)
        self._bids.append(bid)
        self._quantities.append(quantity)

    def step(self) -> None:
        """Clear this step's orders with the rule, settle the payments in one all-or-nothing batch,
        tell the traders (and learners) what they got, publish the price."""
        traders = self._traders
        bids = np.asarray(self._bids, dtype=float)
        quantities = np.asarray(self._quantities, dtype=float)
        budgets = to_credits(self.model.ledger.balances[[t.account for t in traders]])
        clearing = self.rule(bids, quantities, budgets)

        payments = [to_units(clearing.payments[i]) for i in clearing.winners]
        self.model.ledger.settle(
            Transfer(traders[i].account, self.account, amount, self.market, clearing.allocation[i])
            for i, amount in zip(clearing.winners, payments)
        )

        self.revenue = to_credits(sum(payments))
        if clearing.winners.size:
            self.price = clearing.price
        self._tell(traders, bids, clearing, {int(i): to_credits(a) for i, a in zip(clearing.winners, payments)})
        self.last_clearing = clearing
        self.last_orders = {"bidder": np.array([t.unique_id for t in traders]), "bid": bids, "quantity": quantities}
        self._traders, self._bids, self._quantities = [], [], []


def highest_competing(bids: np.ndarray) -> np.ndarray:
    """For each bid, the highest of the others (-inf for a lone bidder).

    Example:
        >>> highest_competing(np.array([0.2, 0.9, 0.5])).tolist()
        [0.9, 0.5, 0.9]
    """
    bids = np.asarray(bids, dtype=float)
    if len(bids) < 2:
        return np.full(len(bids), -np.inf)
    top = int(np.argmax(bids))
    others = np.delete(bids, top)
    out = np.full(len(bids), bids[top])
    out[top] = others.max()
    return out
