"""Seed 002's registry and secondary market for artifacts (sections 3.3 and 7.2).

The :class:`Registry` records every deployed artifact that came out of an optimisation cycle:
its creator, its parent (the version it was derived from, so lineage is a chain of parent
pointers back to an agent's first, unregistered version), the step, whether it passed the
gold-dataset gate and its public validation report, its benchmark (expected paid utility per
task, what a sandbox run measures) and the licence fee its creator posts. A creator lists its
newest artifact; its older ones are delisted (still recorded, with their sales).

The :class:`LicenceMarket` sells licences at the posted fees. A buyer gets the artifact itself
(hot-swapped in, through the gate when it is on: the hot-swap is a deployment like any
other). Of each fee, ``royalty`` goes to the creator of the artifact's parent, the upstream
creator whose work it builds on, when that creator is someone other than the seller and the
buyer; the rest goes to the seller (the artifact's creator). Fees and royalties move through
the ledger, the fees in one all-or-nothing batch, then the royalties in another. Licences are
not rival: any number of agents may buy the same artifact in a step.
"""

import mesa
import numpy as np

from agents.evolving_agents import no_events
from model.columns import ColumnTable
from model.ledger import to_credits


class Registry:
    """Registered artifacts and their public records, one row each."""

    def __init__(self, artifacts, accounts):
        self.artifacts = artifacts          # for lineage and creators (public records)
        self.accounts = np.asarray(accounts, dtype=np.int64)
        ids = {name: (np.int64, -1) for name in ("artifact", "creator", "parent", "parent_creator")}
        counts = {name: (np.int64, 0) for name in ("step", "fee", "sales", "fees", "royalties")}
        self.rows = ColumnTable({**ids, **counts, "validated": (bool, False), "benchmark": (float, 0.0),
                                 "listed": (bool, True), "report": (object, None)})
        self._listing = {}                  # creator -> its listed row

    def __len__(self) -> int:
        return len(self.rows)

    def register(self, artifact: int, parent: int, step: int, report, benchmark: float, fee: int) -> int:
        """Record a deployed artifact (``report``: its gold validation report, None if it was
        not validated); list it in place of its creator's previous listing."""
        creator = int(self.artifacts.creator([artifact])[0])
        parent_creator = int(self.artifacts.creator([parent])[0])
        if creator in self._listing:
            self.rows.set(self._listing[creator], listed=False)
        row = int(self.rows.append(artifact=artifact, creator=creator, parent=parent, parent_creator=parent_creator,
                                   step=step, validated=report is not None, benchmark=benchmark, fee=fee)[0])
        self.rows.set(row, report=None if report is None else tuple(int(x) for x in report))
        self._listing[creator] = row
        return row

    def leaderboard(self, top: int) -> dict[str, np.ndarray]:
        """The ``top`` listed rows by benchmark (ties: the earlier row), column by column."""
        listed = np.flatnonzero(self.rows.listed)
        best = listed[np.lexsort((listed, -self.rows.benchmark[listed]))[:top]]
        return {"row": best, "artifact": self.rows.artifact[best], "benchmark": self.rows.benchmark[best],
                "fee": self.rows.fee[best], "creator": self.rows.creator[best],
                "parent_creator": self.rows.parent_creator[best]}

    def lineage(self, artifact: int) -> list[int]:
        """``artifact`` and its ancestors, newest first."""
        return self.artifacts.lineage(artifact)


class LicenceMarket(mesa.Agent):
    """Each step: the agents' licence orders (from the leaderboard), validated when the gate
    is on, paid (fee to the seller, royalty upstream) and hot-swapped in. Logs the swaps in
    ``events`` like the upgrade market.

    Attributes:
        price: mean fee of this step's sales (the ticker); ``revenue``: fees paid this step.
        sales, royalties_paid, validation_spend: this step's counts and credits.
    """

    market = "licences"

    def __init__(self, model, fleet, registry: Registry, gate, gate_on: bool, royalty: float, enabled: bool = True):
        super().__init__(model)
        self.fleet, self.registry, self.gate, self.gate_on, self.royalty = fleet, registry, gate, gate_on, royalty
        self.enabled = enabled
        self.price = float("nan")
        self.revenue = self.royalties_paid = self.validation_spend = 0.0
        self.sales = 0
        self.events = no_events()

    def step(self) -> None:
        """Sell this step's licences: each agent's best order from the leaderboard (seed 002, section 7.2),
        validated by the gate when it is on, paid (fee to the seller, royalty upstream) and hot-swapped in."""
        ledger, fleet = self.model.ledger, self.fleet
        self.events, self.sales = no_events(), 0
        self.revenue = self.royalties_paid = self.validation_spend = 0.0
        board = self.registry.leaderboard(fleet.TOP)
        if not self.enabled or not len(board["row"]):
            return
        fee = self.gate.fee if self.gate_on else 0
        acceptable = (self.gate.acceptable(board["artifact"], fleet.deployed) if self.gate_on
                      else np.ones((len(fleet), len(board["row"])), dtype=bool))
        buyers, choice = fleet.licence_orders(ledger.balances[fleet.accounts], board, fee, acceptable)
        if not len(buyers):
            return
        previous, bought = fleet.deployed[buyers].copy(), board["artifact"][choice]
        if self.gate_on:   # the buyers chose from the public reports, so the verdict is known; checked anyway
            passed = self.gate.validate(fleet.accounts[buyers], bought, previous, self.market).accepted
            self.validation_spend = to_credits(self.gate.fee * len(buyers))
            buyers, choice, previous, bought = buyers[passed], choice[passed], previous[passed], bought[passed]
        self.settle(buyers, board["row"][choice])
        fleet.deployed[buyers] = bought
        done = np.ones(len(buyers), dtype=bool)
        self.events = {"buyer": buyers, "previous": previous, "candidate": bought, "kept": done, "deployed": done,
                       "cycle": ~done}

    def settle(self, buyers, rows) -> None:
        """Buyers pay the fees of registry ``rows``: the royalty to the parent's creator (if it
        is neither the seller nor the buyer), the rest to the seller."""
        reg = self.registry.rows
        fees, sellers, upstream = reg.fee[rows], reg.creator[rows], reg.parent_creator[rows]
        royalty = (fees * self.royalty).astype(np.int64)      # rounded down to the micro-credit
        royalty = np.where((upstream >= 0) & (upstream != sellers) & (upstream != buyers), royalty, 0)
        accounts, paid = self.registry.accounts, royalty > 0
        ledger = self.model.ledger     # each buyer checked for fee + reserve before: both batches are covered
        ledger.settle_in_order(accounts[buyers], accounts[sellers], fees - royalty, market=self.market,
                               quantities=np.ones(len(buyers)), kind="licence fee")
        ledger.settle_in_order(accounts[buyers[paid]], accounts[upstream[paid]], royalty[paid], market=self.market,
                               kind="royalty")
        listed, where = np.unique(rows, return_inverse=True)
        once = np.ones(len(rows), dtype=np.int64)
        for column, amounts in (("sales", once), ("fees", fees), ("royalties", royalty)):
            total = np.zeros(len(listed), dtype=np.int64)
            np.add.at(total, where, amounts)
            reg.set(listed, **{column: getattr(reg, column)[listed] + total})
        self.sales = len(rows)
        self.revenue = to_credits(int(fees.sum()))
        self.royalties_paid = to_credits(int(royalty.sum()))
        self.price = float(to_credits(fees.mean())) if len(rows) else self.price
