"""The help platform: posted-price help sessions, ratings and a public beta reputation.

Why posted prices and not a procurement auction: a junior cares about price AND the chance that
the session works, so it compares experts on value x reputation - price; a reverse auction on
price alone would hand every session to the cheapest expert whatever its quality (the adverse
selection reputation is meant to cure), and a scoring auction per session would need each junior's
value, which it keeps to itself. Posted prices let a junior choose with its own value, and let an
expert's reputation show in its price (seed 001, Market 3: "charges 8 credits for a 30-minute
session"; "high-reputation agents can charge premium prices").

Each step: every expert in the market posts a price (:meth:`agents.experts.ExpertPool.prices`)
from its public reputation; the ring, if any, rates its own members (free, or through paid
sessions with ``verified`` ratings, which take the seller's time); the stuck juniors arrive in a
random order and each buys one session from the best expert on its own ranking that still has
time (``capacity`` sessions a step); it pays the posted price through the ledger, the session
works with the expert's true quality, a junior that is unstuck earns its completion bonus (minted,
paid by its client), and the junior rates the session 1 or 0. The reputation (or, with
``reputation=None``, nothing: everyone looks like the prior) is what the next step's juniors see.
"""

import mesa
import numpy as np

from agents.experts import ExpertPool, Juniors
from model.ledger import to_credits, to_units
from model.reputation import BetaReputation


class HelpMarket(mesa.Agent):
    """The platform (see the module docstring).

    Attributes read by the model: ``sold`` (this step's real sessions: junior, expert row, price,
    success), ``fake`` (the ring's paid sessions: rater row, seller row), ``price`` (mean price of
    the sessions sold), ``revenue`` (credits paid for sessions this step).
    """

    market = "help"

    def __init__(self, model, pool: ExpertPool, juniors: Juniors, junior_accounts: np.ndarray,
                 expert_accounts: list, reputation: BetaReputation | None, prior_mean: float, ring_ratings: int,
                 verified: bool, rng: np.random.Generator):
        super().__init__(model)
        self.pool, self.juniors, self.reputation, self.prior_mean = pool, juniors, reputation, prior_mean
        self.junior_accounts = np.asarray(junior_accounts, dtype=np.int64)
        self.expert_accounts = expert_accounts    # per expert row, its account (grows as newcomers join)
        self.ring_ratings, self.verified = ring_ratings, verified
        self.queue = rng
        empty = np.zeros(0, dtype=np.int64)
        self.sold = (empty, empty, np.zeros(0), np.zeros(0, dtype=bool))
        self.fake = (empty, empty)
        self.price = float("nan")
        self.revenue = 0.0

    def standing(self, experts: np.ndarray) -> np.ndarray:
        """What everyone believes of each expert's quality: its reputation, or the prior alone."""
        if self.reputation is None:
            return np.full(experts.size, self.prior_mean)
        return self.reputation.mean(experts)

    def step(self) -> None:
        ledger, pool = self.model.ledger, self.pool
        experts = pool.active
        standing = self.standing(experts)
        prices = pool.prices(experts, standing)
        room = np.full(experts.size, pool.capacity)
        sold_here = np.zeros(experts.size, dtype=np.int64)
        self._ring(experts, prices, room, sold_here)
        buyers, sellers = self._queue(experts, prices, standing, room)
        amounts = np.array([to_units(p) for p in prices[sellers]], dtype=np.int64)
        ledger.settle_in_order(self.junior_accounts[buyers], self.accounts(experts[sellers]), amounts,
                               market=self.market, quantities=np.ones(buyers.size), kind="help session")
        success = pool.sessions(experts[sellers], self.juniors.draws(buyers))
        bonus = np.array([to_units(v) for v in self.juniors.true_values(buyers[success])], dtype=np.int64)
        for account, amount in zip(self.junior_accounts[buyers[success]], bonus):
            ledger.mint(int(account), int(amount), market=self.market, kind="completion bonus")
        if self.reputation is not None:
            self.reputation.rate(experts[sellers], success.astype(float))
            self.reputation.age()
        np.add.at(sold_here, sellers, 1)
        pool.feedback(experts, sold_here, prices)
        self.sold = (buyers, experts[sellers], prices[sellers], success)
        self.revenue = to_credits(int(amounts.sum()))
        self.price = float(prices[sellers].mean()) if sellers.size else float("nan")

    def accounts(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.expert_accounts, dtype=np.int64)[rows]

    def _queue(self, experts, prices, standing, room):
        """The stuck juniors, in a random order, each take the best expert on its ranking with time."""
        stuck = self.queue.permutation(np.flatnonzero(self.juniors.stuck))
        if stuck.size == 0 or experts.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        wallets = self.model.ledger.balances[self.junior_accounts[stuck]]
        # A junior can pay a price when it is within its wallet to the micro-credit.
        ranking = self.juniors.rankings(stuck, prices, standing, to_credits(wallets))
        buyers, sellers = [], []
        for junior, row in zip(stuck.tolist(), ranking):
            row = row[row >= 0]
            open_ = row[room[row] > 0]
            if open_.size:
                room[open_[0]] -= 1
                buyers.append(junior)
                sellers.append(int(open_[0]))
        return np.array(buyers, dtype=np.int64), np.array(sellers, dtype=np.int64)

    def _ring(self, experts, prices, room, sold_here) -> None:
        """Ring members rate each other: ``ring_ratings`` good ratings each, to members drawn at
        random. Unverified ratings cost nothing; verified ones need a paid session, which takes one
        of the seller's sessions this step (and its time) and the rater's money (if it has it)."""
        self.fake = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        if self.reputation is None or self.ring_ratings == 0:
            return
        members = np.flatnonzero(self.pool.ring[experts])
        if members.size < 2:
            return
        position = np.repeat(np.arange(members.size), self.ring_ratings)
        pick = self.queue.integers(0, members.size - 1, position.size)
        raters, ratees = members[position], members[pick + (pick >= position)]    # never oneself
        if self.verified:
            keep = []
            ledger = self.model.ledger
            for k, (a, b) in enumerate(zip(raters, ratees)):
                payer, payee = self.expert_accounts[int(experts[a])], self.expert_accounts[int(experts[b])]
                amount = to_units(prices[b])
                if room[b] > 0 and ledger.balance(payer) >= amount:
                    ledger.transfer(payer, payee, amount, market=self.market, quantity=1, kind="ring session")
                    room[b] -= 1
                    sold_here[b] += 1
                    keep.append(k)
            raters, ratees = raters[keep], ratees[keep]
            self.fake = (experts[raters], experts[ratees])
        self.reputation.rate(experts[ratees], np.ones(ratees.size))
