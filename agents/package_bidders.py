"""Bidders in a combinatorial auction: private values for bundles of goods (XOR), a wallet, and a
way of bidding.

* ``honest``: bids its values, shaded by ``shading`` (0: truthful).
* ``shill`` (false-name bidding): opens a second wallet, a false name, and splits its most
  valuable bundle between its two names, each asking for half the goods at half the value;
  it drops its other bids (Yokoo, Sakurai, Matsubara 2004; Ausubel and Milgrom 2006).
* ``ring`` (a member of a losing bidders' ring): multiplies every bid by ``ring_factor``.

Values stay here: the market maker receives bids alone; the observer reads ``true_value``.
"""

import mesa


class PackageBidder(mesa.Agent):
    """One bidder; ``role`` is "honest", "shill" or "ring"."""

    def __init__(self, model, market_maker, role: str = "honest", shading: float = 0.0, ring_factor: float = 1.0):
        super().__init__(model)
        self.market_maker, self.role = market_maker, role
        self.shading, self.ring_factor = shading, ring_factor
        self.account = model.ledger.open_account(f"bidder:{self.unique_id}")
        self.alias = model.ledger.open_account(f"bidder:{self.unique_id}:alias") if role == "shill" else None
        self._values: list[tuple[tuple, float]] = []       # private: (bundle, value), XOR

    def want(self, values) -> None:
        """This step's private values: (bundle, value) pairs, XOR."""
        self._values = [(tuple(bundle), float(value)) for bundle, value in values]

    @property
    def accounts(self) -> tuple:
        """Its wallets: its own, and a false name's if it is a shill."""
        return (self.account,) if self.alias is None else (self.account, self.alias)

    def true_value(self, bundle) -> float:
        """What a set of goods is worth to it: its best bid contained in the set (XOR)."""
        goods = set(bundle)
        return max((v for b, v in self._values if set(b) <= goods), default=0.0)

    def truthful_bids(self) -> list:
        """Its private values as bids (for the observer's truthful replay only)."""
        return [(self.account, bundle, value) for bundle, value in self._values]

    def bids(self) -> list:
        """What it submits this step."""
        if not self._values:
            return []
        if self.role == "ring":
            return [(self.account, b, v * self.ring_factor) for b, v in self._values]
        if self.role == "shill":
            bundle, value = max(self._values, key=lambda bv: (bv[1], -len(bv[0])))
            if len(bundle) >= 2:
                half = len(bundle) // 2
                return [(self.account, bundle[:half], value * half / len(bundle)),
                        (self.alias, bundle[half:], value * (len(bundle) - half) / len(bundle))]
        return [(self.account, b, v * (1.0 - self.shading)) for b, v in self._values]

    def step(self) -> None:
        """Submit this step's bids to the market maker."""
        self.market_maker.submit(self.bids())
