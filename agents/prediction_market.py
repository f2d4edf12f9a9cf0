"""The prediction market on deliveries, and the task owner that reads its prices.

:class:`PredictionMarket` is the market maker: a cost-function market maker (the LMSR, or the
constant-product rule for comparison; :mod:`model.mechanisms.scoring_rules`) per question "will
worker i deliver task j by its deadline?". It sees orders (outcome, shares) and budgets only.

The money, all through the ledger, in three accounts besides the traders' wallets:

* ``owner:forecasts``, the task owner's forecasting budget (the sponsor). When a market opens it
  escrows the market maker's worst-case loss (b ln 2 for the LMSR, L for the constant-product
  rule), rounded up to the micro-credit; when it runs short, the shortfall is minted into it first
  ("information budget").
* ``predictions``, the market maker's escrow: subsidies in, bets in, payouts and refunds out.
* each trader's wallet: a bet costs C(q + delta) - C(q), rounded up to the micro-credit (never more
  than the trader was allotted, which never exceeds its wallet); a winning share pays 1 credit,
  rounded down to the micro-credit.

A market opens for every candidate when a task is put to auction (a conditional market: "on time,
if this worker gets it"; Hanson's decision markets). The owner assigns the task (see
:class:`ForecastTaskMarket`); the market on the worker it chose becomes the task's market and keeps
trading each step until the task closes, and the others are called off: every bet in them is
refunded and the subsidy goes back to the sponsor. When the task is delivered the market settles:
winners are paid from the escrow, and what is left (subsidy + bets - payouts >= 0, since the loss
is bounded) goes back to the sponsor, whose net cost is the market maker's loss.
"""

from collections import deque

import mesa
import numpy as np

from agents.forecasters import Forecasters
from agents.task_markets import TaskMarket
from agents.worker import UncertainFleet
from model.ledger import UNITS_PER_CREDIT, to_credits
from model.mechanisms import sequential_reverse_auctions
from model.mechanisms.scoring_rules import CostRule
from model.tasks import DONE, TaskBook

#: A market's state.
TRADING, LIVE, VOID, SETTLED = 0, 1, 2, 3
#: Price observations kept for the dashboard: (step, market, YES price) of the latest live markets.
TICKS = 20_000
FORECASTS = ("none", "claims", "market", "truth")


class _Rows:
    """Named 2-d arrays (markets x trader slots) that grow by doubling, like a ColumnTable."""

    def __init__(self, slots: int, **kinds):
        self._data = {name: np.zeros((16, slots), dtype=kind) for name, kind in kinds.items()}

    def reserve(self, rows: int) -> None:
        for name, arr in self._data.items():
            if rows > len(arr):
                bigger = np.zeros((max(rows, 2 * len(arr)), arr.shape[1]), dtype=arr.dtype)
                bigger[: len(arr)] = arr
                self._data[name] = bigger

    def __getattr__(self, name):
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            return data[name]
        raise AttributeError(name)


class PredictionMarket(mesa.Agent):
    """The market maker of every delivery market (see the module docstring).

    Args:
        model: the model (its ledger and clock).
        book: the task book (public: when a task is done, and whether it was late).
        forecasters: the traders; they turn public prices and budgets into orders.
        rule: the cost rule; ``liquidity`` its b (LMSR) or L (constant product).
        accounts: each worker's ledger account, by worker index.
        sponsor: the account that funds each market's worst-case loss.
        bet_budget: the most a trader may spend in one market in one trading session (the rounds
            before the owner decides, or one later step), credits.
        rng: the order in which traders arrive.

    Attributes read by the model: ``table`` (per market: task, worker, state, the price when the
    owner decided and at the close, the outcome, the market maker's loss), ``settled`` (ids settled
    this step), ``price`` (mean YES price of the live
    markets), ``revenue`` (bets taken this step), ``profit`` (each worker's net result of its closed
    bets, credits), ``ticks`` (step, market, YES price) after each live market's trading.
    """

    market = "predictions"

    def __init__(self, model, book: TaskBook, forecasters: Forecasters, rule: CostRule, liquidity: float,
                 accounts: np.ndarray, sponsor: int, bet_budget: float, rng: np.random.Generator):
        super().__init__(model)
        self.book, self.forecasters, self.rule = book, forecasters, rule
        self.liquidity = float(liquidity)
        self.subsidy = int(np.ceil(float(rule.max_loss(self.liquidity)) * UNITS_PER_CREDIT))
        self.accounts, self.sponsor = np.asarray(accounts, dtype=np.int64), sponsor
        self.account = model.ledger.open_account("predictions")
        self.bet_units = int(round(bet_budget * UNITS_PER_CREDIT))
        self.arrivals = rng
        slots = forecasters.slots
        self.table = _Table()
        self.positions = _Rows(slots, yes=float, no=float, paid=np.int64)   # per market and trader slot
        self.profit = np.zeros(len(forecasters.fleet))
        self.settled = np.zeros(0, dtype=np.int64)
        self.price = float("nan")
        self.revenue = 0.0
        self.ticks: deque = deque(maxlen=TICKS)
        self._taken = 0

    # opening, trading, deciding --------------------------------------------------------------------
    def open(self, tasks: np.ndarray, workers: np.ndarray) -> np.ndarray:
        """Open one market per (task, worker) pair; the sponsor escrows each one's subsidy."""
        ledger, now = self.model.ledger, self.model.steps
        ids = self.table.append(len(tasks), task=tasks, worker=workers, opened=now, state=TRADING,
                                subsidy=self.subsidy)
        self.positions.reserve(len(self.table))
        self.forecasters.brief(ids, tasks, workers, now)
        need = self.subsidy * len(ids)
        short = need - ledger.balance(self.sponsor)
        if short > 0:
            ledger.mint(self.sponsor, short, market=self.market, kind="information budget")
        if need:
            ledger.transfer(self.sponsor, self.account, need, market=self.market, quantity=len(ids),
                            kind="market subsidy")
        return ids

    def trade(self, ids: np.ndarray, rounds: int = 1) -> np.ndarray:
        """``rounds`` rounds in the markets ``ids``: in each, every trader of a market arrives once, in
        a random order, and its order is filled at the market maker's price. Returns YES prices.

        Budgets: in this session a trader may spend ``bet_budget`` in a market over all its rounds,
        and in all markets at most the wallet it had when the session began (split evenly over its
        places in the session), so no fill can take a wallet below zero; the bets are settled in
        one ledger batch."""
        ledger, t = self.model.ledger, self.table
        if ids.size == 0:
            return np.zeros(0)
        traders = self.forecasters.trader[ids]
        accounts = self.accounts[traders]
        places = np.bincount(traders.ravel(), minlength=len(self.profit)) * rounds
        wallet = ledger.balances[self.accounts]
        allotment = np.minimum(self.bet_units, wallet // np.maximum(places, 1))[traders]   # (markets x slots)
        q = np.column_stack([t.q_yes[ids], t.q_no[ids]])
        paid = np.zeros(traders.shape, dtype=np.int64)
        bought = np.zeros(traders.shape)
        rows = np.arange(len(ids))
        for _ in range(rounds):
            order = np.argsort(self.arrivals.random(traders.shape), axis=1)
            for slot in order.T:
                budget = (allotment[rows, slot] - 1) / UNITS_PER_CREDIT     # one micro-credit of rounding room
                outcome, shares = self.forecasters.orders(ids, slot, q, self.liquidity, np.maximum(budget, 0.0))
                delta = np.zeros_like(q)
                delta[rows, outcome] = shares
                cost = np.ceil(self.rule.trade_cost(q, delta, self.liquidity) * UNITS_PER_CREDIT - 1e-6)
                cost = np.maximum(cost, 0).astype(np.int64)
                fill = (shares > 0) & (cost <= allotment[rows, slot])    # a fill beyond the allotment is refused
                cost = np.where(fill, cost, 0)
                q[fill] += delta[fill]
                self.positions.yes[ids[fill], slot[fill]] += np.where(outcome[fill] == 0, shares[fill], 0.0)
                self.positions.no[ids[fill], slot[fill]] += np.where(outcome[fill] == 1, shares[fill], 0.0)
                paid[rows, slot] += cost
                bought[rows, slot] += np.where(fill, shares, 0.0)
                allotment[rows, slot] -= cost
        t.set(ids, q_yes=q[:, 0], q_no=q[:, 1], collected=t.collected[ids] + paid.sum(axis=1))
        self.positions.paid[ids] += paid
        live = paid > 0
        ledger.settle_in_order(accounts[live], np.full(live.sum(), self.account), paid[live], market=self.market,
                               quantities=bought[live], kind="bet")
        self._taken += int(paid.sum())
        return self.rule.prices(q, self.liquidity)[:, 0]

    def decide(self, ids: np.ndarray, chosen: np.ndarray) -> None:
        """The owner assigned the tasks of ``ids[chosen]``: those markets go live (their price now is
        the decision price); the others are called off and refunded in full."""
        t = self.table
        q = np.column_stack([t.q_yes[ids], t.q_no[ids]])
        t.set(ids, decision_price=self.rule.prices(q, self.liquidity)[:, 0] if ids.size else np.zeros(0))
        t.set(ids[chosen], state=LIVE)
        now = self.model.steps
        self.ticks.extend((now, int(m), float(p)) for m, p in zip(ids[chosen], t.decision_price[ids[chosen]]))
        void = ids[~chosen]
        if void.size == 0:
            return
        t.set(void, state=VOID)
        accounts = self.accounts[self.forecasters.trader[void]]
        paid = self.positions.paid[void]
        live = paid > 0
        ledger = self.model.ledger
        ledger.settle_in_order(np.full(live.sum(), self.account), accounts[live], paid[live], market=self.market,
                               kind="bet refund")
        ledger.transfer(self.account, self.sponsor, int(t.subsidy[void].sum()), market=self.market,
                        quantity=void.size, kind="subsidy refund")

    # each step: settle what closed, trade what is still open -----------------------------------------
    def step(self) -> None:
        """After the owner's step: settle the markets whose task was delivered, then one more round
        in every other live market opened before this step."""
        t, book = self.table, self.book
        live = np.flatnonzero(t.state == LIVE)
        done = book.state[t.task[live]] == DONE
        self._settle(live[done])
        self.settled = live[done]
        still = live[~done & (t.opened[live] < self.model.steps)]
        prices = self.trade(still, 1)
        self.ticks.extend((self.model.steps, int(m), float(p)) for m, p in zip(still, prices))
        live = np.flatnonzero(t.state == LIVE)
        q = np.column_stack([t.q_yes[live], t.q_no[live]])
        self.price = float(self.rule.prices(q, self.liquidity)[:, 0].mean()) if live.size else float("nan")
        self.revenue, self._taken = to_credits(self._taken), 0

    def _settle(self, ids: np.ndarray) -> None:
        """Pay one credit per winning share (rounded down), the rest of the escrow to the sponsor."""
        if ids.size == 0:
            return
        t, book = self.table, self.book
        tasks = t.task[ids]
        on_time = book.finish[tasks] - book.arrival[tasks] <= book.deadline[tasks]
        winning = np.where(on_time[:, None], self.positions.yes[ids], self.positions.no[ids])
        payout = np.floor(winning * UNITS_PER_CREDIT + 1e-6).astype(np.int64)
        escrow = t.subsidy[ids] + t.collected[ids]
        if (payout.sum(axis=1) > escrow).any():   # the bounded loss guarantees this never happens
            raise RuntimeError("a prediction market owes more than its escrow; the cost rule is broken")
        q = np.column_stack([t.q_yes[ids], t.q_no[ids]])
        t.set(ids, state=SETTLED, outcome=on_time.astype(float), close_price=self.rule.prices(q, self.liquidity)[:, 0],
              paid_out=payout.sum(axis=1), closed=self.model.steps)
        traders = self.forecasters.trader[ids]
        np.add.at(self.profit, traders, to_credits(payout - self.positions.paid[ids]))
        accounts = self.accounts[traders]
        won = payout > 0
        ledger = self.model.ledger
        ledger.settle_in_order(np.full(won.sum(), self.account), accounts[won], payout[won], market=self.market,
                               quantities=winning[won], kind="payout")
        ledger.transfer(self.account, self.sponsor, int((escrow - payout.sum(axis=1)).sum()), market=self.market,
                        quantity=ids.size, kind="subsidy remainder")

    def loss(self, ids: np.ndarray) -> np.ndarray:
        """The market maker's loss in each settled market, credits: payouts - bets taken."""
        return to_credits(self.table.paid_out[ids] - self.table.collected[ids])


class _Table:
    """Per market, one row (a ColumnTable built on first use, so that this module stays light)."""

    def __new__(cls):
        from model.columns import ColumnTable

        return ColumnTable({
            "task": (np.int64, -1), "worker": (np.int64, -1), "opened": (np.int64, -1), "closed": (np.int64, -1),
            "state": (np.int8, TRADING), "q_yes": (float, 0.0), "q_no": (float, 0.0),
            "subsidy": (np.int64, 0), "collected": (np.int64, 0), "paid_out": (np.int64, 0),
            "decision_price": (float, np.nan), "close_price": (float, np.nan), "outcome": (float, np.nan),
        })


class ForecastTaskMarket(TaskMarket):
    """The task owner's procurement auction, with each ask discounted by a forecast of on-time
    delivery (a scoring auction; Che, "Design competition through multidimensional auctions",
    RAND J. Econ. 24(4), 1993).

    Each open task, highest reserve first, is offered to the free workers with its skills; the
    ``candidates`` lowest asks at or below the reserve are scored

        score_i = ask_i + penalty x value x (1 - pi_i),

    the ask plus the value the owner expects to lose to lateness (late work is worth ``penalty``
    less), with pi_i the forecast that worker i delivers on time: 1 for all (``forecast="none"``,
    the plain auction), the worker's own claim (``claims``, taken at face value), the prediction
    market's price (``market``) or the true chance (``truth``, an omniscient owner: the yardstick).
    The lowest score at or below the reserve wins (:func:`sequential_reverse_auctions` on the
    scores; a worker wins one task a step), and is paid so that its score would equal the
    second-lowest score (capped by the reserve) under ``rule="second"``, or its own ask under
    ``first``: price = score price - penalty x value x (1 - pi_winner), never below its ask.
    Asks stay truthful under ``second`` for a fixed forecast; what a worker can move is the
    forecast, which is what an overpromiser's claims and bets do.
    """

    def __init__(self, model, book, fleet: UncertainFleet, workers, rule: str, forecast: str, candidates: int,
                 penalty: float, predictions: PredictionMarket | None = None, rounds: int = 1):
        super().__init__(model, book, fleet, workers)
        if forecast not in FORECASTS:
            raise ValueError(f"forecast must be one of {', '.join(FORECASTS)}; got {forecast!r}")
        if (forecast == "market") != (predictions is not None):
            raise ValueError("forecast='market' needs a PredictionMarket, and only it")
        self.rule, self.forecast, self.candidates, self.penalty = rule, forecast, candidates, penalty
        self.predictions, self.rounds = predictions, rounds
        self.chance = self.claim = np.zeros(0)   # per task of ``assigned``: the forecast used, the claim

    #: Score tables are built this many (task, worker) cells at a time, as in AuctionTaskMarket.
    CELLS = 1 << 18

    def allocate(self, tasks, free):
        book = self.book
        sellers = np.flatnonzero(free)
        self.chance = self.claim = np.zeros(0)
        if sellers.size == 0 or tasks.size == 0:
            return []
        in_market = np.ones(sellers.size, dtype=bool)
        order = tasks[np.argsort(-book.reserve[tasks], kind="stable")]
        rows = max(1, self.CELLS // sellers.size)
        contracts, chances, claims = [], [], []
        for start in range(0, order.size, rows):
            for contract, chance, claim in self._auction(order[start:start + rows], sellers, in_market):
                contracts.append(contract)
                chances.append(chance)
                claims.append(claim)
        free[sellers[~in_market]] = False
        self.chance, self.claim = np.array(chances), np.array(claims)
        return contracts

    def _auction(self, order: np.ndarray, sellers: np.ndarray, in_market: np.ndarray):
        """Score and auction the tasks ``order`` (in that order) among the sellers still in the
        market; yields ((task, worker, price), forecast used, the winner's claim)."""
        book, now = self.book, self.model.steps
        asks = self.fleet.asks(book, order, sellers, now)
        asks[~((asks <= book.reserve[order][:, None]) & in_market[None, :])] = np.nan
        k = min(self.candidates, sellers.size)
        live = np.where(np.isnan(asks), np.inf, asks)
        if k < sellers.size:     # the k lowest asks, then in order (ties: the lower index first)
            near = np.argpartition(live, k - 1, axis=1)[:, :k]
            near = np.sort(near, axis=1)
            ranked = np.take_along_axis(near, np.argsort(np.take_along_axis(live, near, axis=1), axis=1,
                                                         kind="stable"), axis=1)
        else:
            ranked = np.argsort(live, axis=1, kind="stable")
        row, col = np.repeat(np.arange(order.size), k), ranked.ravel()
        keep = ~np.isnan(asks[row, col])
        row, col = row[keep], col[keep]
        pair_tasks, pair_workers = order[row], sellers[col]
        claim = self.fleet.on_time_beliefs(book, pair_tasks, pair_workers, now)
        ids = None
        if self.forecast == "none":
            chance = np.ones(row.size)
        elif self.forecast == "claims":
            chance = claim
        elif self.forecast == "truth":
            chance = self.fleet.true_on_time(book, pair_tasks, pair_workers, now)
        else:
            ids = self.predictions.open(pair_tasks, pair_workers)
            chance = self.predictions.trade(ids, self.rounds)
        lateness = self.penalty * book.value[pair_tasks] * (1.0 - chance)
        scores = np.full(asks.shape, np.nan)
        scores[row, col] = asks[row, col] + lateness
        winner, price = sequential_reverse_auctions(scores, book.reserve[order], self.rule, in_market)
        won = winner[row] == col
        if ids is not None:
            self.predictions.decide(ids, won)
        sold = np.flatnonzero(winner >= 0)
        in_market[winner[sold]] = False
        for r in np.flatnonzero(won):
            j = row[r]
            contract = (int(order[j]), int(sellers[col[r]]), float(price[j] - lateness[r]))
            yield contract, float(chance[r]), float(claim[r])
