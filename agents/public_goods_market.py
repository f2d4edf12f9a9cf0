"""The market maker of a public good: collects offers, holds them in escrow, decides, settles.

Accounts it keeps in the ledger:

* ``escrow:pledges`` — pledges (assurance contracts) and deposits (the Clarke mechanism) wait
  here until the round is decided; it is empty again at the end of every round;
* ``escrow:bonus`` — the dominant assurance contract's entrepreneur escrows its refund-bonus
  liability (every agent's bonus) before taking pledges, so the bonus is as good as paid; it
  is also empty at the end of every round;
* ``builder`` — the contractor who builds the good: paid exactly its cost whenever the good is
  built (and, for voluntary contributions that fall short with shortfall "waste", the
  contributions, for work that is then abandoned);
* ``entrepreneur`` — the dominant assurance contract's seller of pledges: it receives the
  pledges of a successful contract, pays the builder and bears the bonuses of a failed one;
* ``clarke surplus`` — the Clarke taxes, which must leave the group (handing them back would
  undo the incentive to tell the truth).

Who pays whom, by mechanism (every amount in whole minor units; splits by
:func:`~model.mechanisms.largest_remainder`, so nothing is lost to rounding):

* voluntary: contributor -> builder up front; if built the builder rebates what exceeds the
  cost pro rata; if short it keeps it (waste) or gives everything back (refund);
* assurance: contributor -> escrow; if built escrow -> builder (the cost) and escrow ->
  pledgers (the rebates); if not, escrow -> pledgers (every pledge, in full);
* dominant-assurance: entrepreneur -> bonus escrow (n x bonus); pledger -> escrow (the price);
  if built escrow -> entrepreneur (k x price), entrepreneur -> builder (the cost), bonus escrow
  -> entrepreneur; if not, escrow -> pledgers (their price), bonus escrow -> pledgers (the
  bonus) and the rest back to the entrepreneur;
* clarke: agent -> escrow a deposit of max(report, its cost share), which covers anything it
  can owe; escrow -> builder (the cost, if built), escrow -> clarke surplus (the taxes, rounded
  down to the unit), escrow -> agent (the rest of its deposit).

It sees offers only; the contributors' values never reach it.
"""

import mesa
import numpy as np

from model.ledger import to_credits, to_units
from model.mechanisms import (
    assurance_contract,
    clarke_pivot_units,
    dominant_assurance_contract,
    largest_remainder,
    voluntary_contributions,
)


class PublicGoodsMarket(mesa.Agent):
    """One proposal a round. Attributes after each round: ``provided``, ``paid`` (what the
    agents paid in the end), ``refunded``, ``bonus_paid``, ``budget_surplus``, ``wasted``,
    ``pledged`` (total offered), ``pledgers``, ``offered`` (whether a contract was on offer),
    ``took_part`` (mask), ``offers`` (units), ``payments`` (what each agent paid in the end, credits),
    ``price`` (ticker: mean payment per paying agent of the last good built) and ``revenue``
    (credits paid this round), all in credits."""

    market = "public-good"

    def __init__(self, model, population, accounts: np.ndarray, mechanism: str, cost: float, *,
                 threshold: str = "cost", quorum: int = 0, shortfall: str = "waste", markup: float = 0.0,
                 bonus: float = 0.0):
        super().__init__(model)
        ledger = model.ledger
        self.population, self.accounts = population, np.asarray(accounts, dtype=np.int64)
        self.mechanism, self.shortfall = mechanism, shortfall
        self.escrow = ledger.open_account("escrow:pledges")
        self.bonus_escrow = ledger.open_account("escrow:bonus")
        self.builder = ledger.open_account("builder")
        self.entrepreneur = ledger.open_account("entrepreneur")
        self.surplus_account = ledger.open_account("clarke surplus")
        self.account = self.builder
        n = len(self.accounts)
        self.cost_units = to_units(cost)
        self.quorum = quorum or n
        self.bonus_units = to_units(bonus) if mechanism == "dominant-assurance" else 0
        if mechanism == "dominant-assurance":
            self.price_units = -(-to_units((1.0 + markup) * cost) // self.quorum)        # ceiling: q p >= C
        elif mechanism == "assurance" and threshold == "count":
            self.price_units = -(-self.cost_units // self.quorum)
        else:
            self.price_units = None
        self.counted = mechanism == "dominant-assurance" or self.price_units is not None
        self.price = float("nan")
        self._clear_round()

    @property
    def terms(self) -> dict:
        """The public rules of the last round, in credits (what a learner computes with)."""
        price = None if self.price_units is None else to_credits(self.price_units)
        return {"mechanism": self.mechanism, "cost": to_credits(self.cost_units), "agents": int(self.took_part.sum()),
                "quorum": self.quorum if self.counted else None, "price": price,
                "bonus": to_credits(self.bonus_units), "shortfall": self.shortfall}

    def _clear_round(self) -> None:
        n = len(self.accounts)
        self.provided, self.offered = False, True
        self.paid = self.refunded = self.bonus_paid = self.budget_surplus = self.wasted = self.revenue = 0.0
        self.pledged, self.pledgers = 0.0, 0
        self.offers = np.zeros(n, dtype=np.int64)
        self.payments = np.zeros(n)
        self.took_part = np.ones(n, dtype=bool)

    # the round -------------------------------------------------------------------------------
    def step(self) -> None:
        """One round: collect the offers (after escrowing the bonus for a dominant assurance contract), decide
        and settle by the mechanism's rule, check that escrow is empty, and disclose the total and the count
        of pledgers to the population."""
        self._clear_round()
        ledger = self.model.ledger
        if self.mechanism == "dominant-assurance":
            liability = len(self.accounts) * self.bonus_units
            self.offered = ledger.balance(self.entrepreneur) >= liability
            if not self.offered:        # it cannot back its bonus: no contract this round
                return
            ledger.transfer(self.entrepreneur, self.bonus_escrow, liability, market=self.market, kind="bonus escrow")
        balances = ledger.balances[self.accounts].astype(np.int64)
        offers = self.population.offers(balances, self.price_units)
        settle = {"voluntary": self._voluntary, "assurance": self._assurance,
                  "dominant-assurance": self._dominant_assurance, "clarke": self._clarke}[self.mechanism]
        settle(offers, balances)
        self.offers = offers
        self.pledged = to_credits(int(offers[self.took_part].sum()))
        self.pledgers = int((offers[self.took_part] > 0).sum())
        for account in (self.escrow, self.bonus_escrow):
            if ledger.balance(account) != 0:
                raise RuntimeError(f"{ledger.names[account]} holds {ledger.balance(account)} units after the round")
        self.revenue = self.paid
        self.population.feedback(self.terms, int(offers[self.took_part].sum()), self.pledgers, self.took_part)

    def _pay(self, payers, payees, amounts, kind: str) -> None:
        self.model.ledger.pay_all(payers, payees, amounts, market=self.market, kind=kind)

    def _record(self, provided: bool, paid_units, refund_units=0, bonus_units=0, surplus_units=0, wasted_units=0):
        self.provided = provided
        self.payments = np.zeros(len(self.accounts))
        self.payments[self.took_part] = to_credits(np.broadcast_to(np.asarray(paid_units, dtype=np.int64),
                                                                   (int(self.took_part.sum()),)))
        self.paid = to_credits(int(np.sum(paid_units)))
        self.refunded = to_credits(int(np.sum(refund_units)))
        self.bonus_paid = to_credits(int(np.sum(bonus_units)))
        self.budget_surplus = to_credits(int(surplus_units))
        self.wasted = to_credits(int(wasted_units))
        paying = np.count_nonzero(paid_units)
        if provided and paying:
            self.price = self.paid / paying

    def _voluntary(self, offers, balances) -> None:
        self._pay(self.accounts, self.builder, offers, "contribution")
        out = voluntary_contributions(offers.astype(float), self.cost_units, self.shortfall)
        if out.provided:
            pay = largest_remainder(self.cost_units, offers)
            self._pay(self.builder, self.accounts, offers - pay, "rebate")
            self._record(True, pay, offers - pay)
        elif self.shortfall == "refund":
            self._pay(self.builder, self.accounts, offers, "refund")
            self._record(False, 0, offers)
        else:
            self._record(False, offers, wasted_units=offers.sum())

    def _assurance(self, offers, balances) -> None:
        self._pay(self.accounts, self.escrow, offers, "pledge")
        quorum = self.quorum if self.counted else None
        out = assurance_contract(offers.astype(float), self.cost_units, quorum=quorum)
        if out.provided:
            pay = largest_remainder(self.cost_units, offers)
            self._pay(self.escrow, self.builder, [self.cost_units], "payment for the good")
            self._pay(self.escrow, self.accounts, offers - pay, "rebate")
            self._record(True, pay, offers - pay)
        else:
            self._pay(self.escrow, self.accounts, offers, "refund")
            self._record(False, 0, offers)

    def _dominant_assurance(self, offers, balances) -> None:
        pledged = offers > 0
        k, liability = int(pledged.sum()), len(self.accounts) * self.bonus_units
        self._pay(self.accounts, self.escrow, offers, "pledge")
        out = dominant_assurance_contract(pledged, self.price_units, self.cost_units, self.quorum, self.bonus_units)
        if out.provided:
            self._pay(self.escrow, self.entrepreneur, [k * self.price_units], "pledges collected")
            self._pay(self.entrepreneur, self.builder, [self.cost_units], "payment for the good")
            self._pay(self.bonus_escrow, self.entrepreneur, [liability], "bonus escrow released")
            self._record(True, offers, surplus_units=k * self.price_units - self.cost_units)
        else:
            bonus = np.where(pledged, self.bonus_units, 0)
            self._pay(self.escrow, self.accounts, offers, "refund")
            self._pay(self.bonus_escrow, self.accounts, bonus, "refund bonus")
            self._pay(self.bonus_escrow, self.entrepreneur, [liability - int(bonus.sum())], "bonus escrow released")
            self._record(False, 0, offers, bonus, surplus_units=-int(bonus.sum()))

    def _clarke(self, reports, balances) -> None:
        # Who can cover a deposit of max(report, share)? An agent that cannot sits the round out,
        # which raises the others' shares: repeat until everyone left can.
        part = np.ones(len(reports), dtype=bool)
        while part.any():
            share = -(-self.cost_units // int(part.sum()))
            covered = part & (balances >= np.maximum(reports, share))
            if (covered == part).all():
                break
            part = covered
        self.took_part = part
        if not part.any():
            self._record(False, 0)
            return
        who, mine = self.accounts[part], reports[part]
        deposit = np.maximum(mine, -(-self.cost_units // len(mine)))
        self._pay(who, self.escrow, deposit, "deposit")
        built, taxes = clarke_pivot_units(mine, self.cost_units)
        shares = largest_remainder(self.cost_units, np.ones(len(mine), dtype=np.int64)) if built else 0
        pay = shares + taxes
        if built:
            self._pay(self.escrow, self.builder, [self.cost_units], "payment for the good")
        self._pay(self.escrow, self.surplus_account, [int(taxes.sum())], "clarke tax")
        self._pay(self.escrow, who, deposit - pay, "deposit returned")
        self._record(built, pay, deposit - pay, surplus_units=int(taxes.sum()))
