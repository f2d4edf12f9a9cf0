"""Who hands out the tasks: a procurement auctioneer (the market) or a central coordinator.

Both are Mesa agents acting for the tasks' owner and share one routine each step:

1. settle the tasks delivered this step: the owner pays the worker price x multiplier
   (seed 002's composite reward over measured quality, hours and latency, never below 0);
2. look at the open tasks and the free workers (kept as ``last_round`` for the observer);
3. allocate (the part that differs), start the work, publish the price ticker.

Neither reads a worker's cost, speed or know-how: the auctioneer sees asks, the
coordinator sees declared skills and declared hourly rates.
"""

import mesa
import numpy as np

from agents.worker import Fleet
from model.ledger import Transfer, to_credits, to_units
from model.mechanisms import optimal_assignment, sequential_reverse_auctions
from model.tasks import ASSIGNED, DONE, TaskBook


class TaskMarket(mesa.Agent):
    """The shared routine; subclasses implement :meth:`allocate`.

    Attributes:
        market: "tasks" (ledger entries and the ``price:tasks`` column).
        account: the owner's account, which funds tasks and pays for them.
        price: ticker, mean contract price per effort-hour of the last round with a contract.
        revenue: credits paid to workers this step.
        delivered: ids of the tasks settled this step; ``assigned`` those handed out.
        last_round: (open task ids, free worker ids) before this step's allocation.
    """

    market = "tasks"

    def __init__(self, model, book: TaskBook, fleet: Fleet, workers: list):
        super().__init__(model)
        self.book, self.fleet, self.workers = book, fleet, workers
        self.account = model.ledger.open_account("owner")
        self.price = float("nan")
        self.revenue = 0.0
        self.delivered = self.assigned = np.zeros(0, dtype=np.int64)
        self.last_round = (self.delivered, self.delivered)

    def allocate(self, tasks: np.ndarray, free: np.ndarray) -> list[tuple[int, int, float]]:
        """(task, worker, price) contracts for this step; ``free`` is a mask to update."""
        raise NotImplementedError

    def step(self) -> None:
        """Settle the tasks delivered this step, then hand out the open tasks to the free workers
        and start their work."""
        now = self.model.steps
        self._settle(now)
        tasks, free = self.book.open.copy(), self.fleet.free(now)
        self.last_round = (tasks, np.flatnonzero(free))
        contracts = self.allocate(tasks, free)
        self.assigned = np.array([task for task, _, _ in contracts], dtype=np.int64)
        for task, worker, price in contracts:
            finish = self.fleet.start(worker, task, self.book, now)
            self.book.assign(task, worker, price, now, finish)
        if contracts:
            self.price = float(np.mean([p / self.book.effort[t] for t, _, p in contracts]))

    def _settle(self, now: int) -> None:
        book = self.book
        ids = self.fleet.task[self.fleet.busy_until == now]
        ids = ids[book.state[ids] == ASSIGNED]
        self.delivered = ids
        if ids.size == 0:
            self.revenue = 0.0
            return
        latency = now - book.arrival[ids]
        multiplier = self.fleet.contract.multiplier(book.quality[ids], book.hours[ids], book.effort[ids],
                                                    latency, book.deadline[ids])
        amounts = [to_units(max(0.0, p * m)) for p, m in zip(book.price[ids], multiplier)]
        self.model.ledger.settle(
            Transfer(self.account, self.workers[w].account, a, self.market, float(e), "task payment")
            for w, a, e in zip(book.worker[ids], amounts, book.effort[ids])
        )
        book.set(ids, state=DONE, multiplier=multiplier, payment=to_credits(np.array(amounts)))
        self.revenue = to_credits(sum(amounts))


class AuctionTaskMarket(TaskMarket):
    """The market: the free workers send sealed asks for the open tasks, and every task is
    put to a procurement auction, highest reserve first (the owner's most valuable work is
    served first); the lowest ask at or below the reserve wins, paid its own ask
    (``rule="first"``) or the second-lowest ask capped by the reserve (``rule="second"``),
    and a worker wins at most one task per step (:func:`sequential_reverse_auctions`).
    """

    #: Ask tables are built this many (task, worker) cells at a time, to keep memory flat.
    CELLS = 1 << 18

    def __init__(self, model, book, fleet, workers, rule: str):
        if rule not in ("first", "second"):
            raise ValueError(f"rule must be first or second (Vickrey); got {rule!r}")
        super().__init__(model, book, fleet, workers)
        self.rule = rule

    def allocate(self, tasks, free):
        """Auction the open tasks, highest reserve first, to the free workers' sealed asks (one
        task per worker)."""
        contracts = []
        sellers = np.flatnonzero(free)
        self.sellers, self.last_auctions = sellers, []   # for the observer: the round's asks, chunk by chunk
        if sellers.size == 0:
            return contracts
        in_market = np.ones(sellers.size, dtype=bool)
        order = tasks[np.argsort(-self.book.reserve[tasks], kind="stable")]
        rows = max(1, self.CELLS // sellers.size)
        for start in range(0, order.size, rows):
            chunk = order[start:start + rows]
            asks = self.fleet.asks(self.book, chunk, sellers, self.model.steps)
            self.last_auctions.append((chunk, asks, in_market.copy()))
            winner, price = sequential_reverse_auctions(asks, self.book.reserve[chunk], self.rule, in_market)
            sold = np.flatnonzero(winner >= 0)
            in_market[winner[sold]] = False
            contracts += [(int(chunk[j]), int(sellers[winner[j]]), float(price[j])) for j in sold]
        free[sellers[~in_market]] = False
        self.fleet.outcomes(self.book, sellers, contracts, self.model.steps)
        return contracts


class PlannerTaskMarket(TaskMarket):
    """The central planner: at most ``capacity`` assignments a step (the serial bottleneck),
    earliest deadline first; each task goes to the free worker with its nominal skills
    whose estimated cost, declared rate x nominal effort x (1 + LOAD_WEIGHT x its share of
    the tasks handed out so far), is lowest, if that estimate fits the reserve; the contract
    pays the estimate without the load term (cost-plus on declared numbers).
    """

    #: Weight of a worker's past load in the coordinator's choice (load balancing).
    LOAD_WEIGHT = 0.2

    def __init__(self, model, book, fleet, workers, capacity: int):
        super().__init__(model, book, fleet, workers)
        self.capacity = capacity
        self.handed_out = np.zeros(len(fleet), dtype=np.int64)
        self.everyone = np.arange(len(fleet))

    def allocate(self, tasks, free):
        """Assign at most ``capacity`` tasks, earliest deadline first, each to the cheapest able
        free worker by declared rate (load-weighted)."""
        contracts = []
        rates = self.fleet.declared_rates()
        book = self.book
        for task in tasks[np.argsort(book.arrival[tasks] + book.deadline[tasks], kind="stable")]:
            if len(contracts) == self.capacity:
                break
            candidates = np.flatnonzero(free & self.fleet.able(book, task, self.everyone))
            estimate = rates[candidates] * book.effort[task]
            fits = estimate <= book.reserve[task]
            if not fits.any():
                continue
            candidates, estimate = candidates[fits], estimate[fits]
            load = self.handed_out[candidates] / max(1.0, self.handed_out.mean())
            best = int(np.argmin(estimate * (1.0 + self.LOAD_WEIGHT * load)))
            worker = int(candidates[best])
            free[worker] = False
            self.handed_out[worker] += 1
            contracts.append((int(task), worker, float(estimate[best])))
        return contracts


class OmniscientTaskMarket(TaskMarket):
    """The yardstick, not a mechanism: it reads every worker's true cost, speed and
    know-how (through the observer's ``true_surplus``) and makes the exact welfare-maximising
    assignment of the open tasks to the free workers each step, paying each worker its true
    break-even price (capped by the reserve). Limited to 4 million task x worker pairs.
    """

    def __init__(self, model, book, fleet, workers, true_surplus):
        super().__init__(model, book, fleet, workers)
        self.true_surplus = true_surplus

    def allocate(self, tasks, free):
        """The exact welfare-maximising assignment with the true numbers, each worker paid its true
        break-even price (capped by the reserve)."""
        sellers = np.flatnonzero(free)
        if tasks.size == 0 or sellers.size == 0:
            return []
        surplus, breakeven = self.true_surplus(tasks, sellers)
        _, chosen = optimal_assignment(surplus)
        contracts = []
        for row in np.flatnonzero(chosen >= 0):
            col = chosen[row]
            price = min(breakeven[row, col], self.book.reserve[tasks[row]])
            contracts.append((int(tasks[row]), int(sellers[col]), float(price)))
            free[sellers[col]] = False
        return contracts
