"""The Trader: a wallet, a private valuation and a bidding strategy."""

import mesa

from model.ledger import to_credits


class Trader(mesa.Agent):
    """A bidder with a wallet in the model's ledger.

    Each step the environment hands the trader a private request (a per-unit
    value and a quantity); the trader turns it into an order with its strategy,
    capped by what its wallet can pay, and submits the order to its market maker.
    Only the trader itself and the model's observer read ``valuation``: the
    market maker receives orders and nothing else.

    Attributes:
        account: the trader's account number in ``model.ledger``.
        strategy: turns the private per-unit value into a per-unit bid.
        market_maker: the MarketMaker the trader sends its orders to.
        valuation: private value per unit of the current request.
        quantity: units the current request needs (all or nothing).
        utility: cumulative value realised minus payments made, in credits.
    """

    def __init__(self, model, strategy, market_maker, name: str | None = None):
        super().__init__(model)
        self.account = model.ledger.open_account(name or f"trader:{self.unique_id}")
        self.strategy = strategy
        self.member = strategy.join()   # its row, if the strategy is a learning population
        self.market_maker = market_maker
        market_maker.join(self)
        self.valuation = 0.0
        self.quantity = 1.0
        self.utility = 0.0
        self.last_bid = 0.0

    def want(self, valuation: float, quantity: float = 1.0) -> None:
        """Receive a new private request from the environment."""
        self.valuation = valuation
        self.quantity = quantity

    @property
    def wealth(self) -> float:
        """Wallet balance in credits."""
        return to_credits(self.model.ledger.balance(self.account))

    def step(self) -> None:
        """Bid for the current request, never more than the wallet holds."""
        per_unit = self.strategy.bid(self.valuation, self.market_maker.bidders, self.random, member=self.member)
        self.last_bid = min(max(per_unit, 0.0) * self.quantity, self.wealth)
        self.market_maker.submit(self, self.last_bid, self.quantity)

    def receive(self, quantity: float, payment: float, price: float = float("nan"),
                highest_other: float = float("nan")) -> None:
        """Take delivery of an allocation (possibly none) paid for with ``payment`` credits, and
        hear what the market disclosed; a learning strategy learns from the utility."""
        utility = self.valuation * quantity - payment if quantity > 0 else -payment
        self.utility += utility
        if self.strategy.learns:
            self.strategy.feedback(self.member, utility, price, highest_other)
