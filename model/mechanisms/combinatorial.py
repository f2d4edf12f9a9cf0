"""Combinatorial auctions: package bids on indivisible goods, one unit of each.

A bid is ``(bidder, bundle, value)``; a bidder's bids are XOR (it wins at most one of them).
The allocation rule is exact winner determination (the integer program below, solved by HiGHS
through ``scipy.optimize.milp``); VCG charges each winner the externality it imposes on the
others (Clarke pivot); pay-as-bid charges the bid; the clock auction is the simultaneous
ascending auction fleets run in practice.

References: seed 000 (Proposition 2 and the limits of VCG); seed 001 (package bids);
Sandholm, "Algorithm for optimal winner determination in combinatorial auctions", Artificial
Intelligence 135 (2002); Cramton, Shoham, Steinberg (eds.), *Combinatorial Auctions* (2006),
ch. 1 (VCG) and ch. 4 (clock auctions); Ausubel and Milgrom, "The lovely but lonely Vickrey
auction" (2006), for VCG's low revenue, collusion and false-name failures.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from highspy import _core as highs   # HiGHS's bindings (not highspy's callback layer, which prints a banner)

from model.mechanisms._checks import MechanismInputError, as_count, as_scalar


#: HiGHS presolve on winner determination. Off: measured on CATS-style "arbitrary" instances
#: at 50 goods x 250 bids (seeds 0-2), full VCG took 3.7-6.8 s without it and 4.5-14.9 s with
#: it; "paths" got faster too, "regions" slower (0.9-2.5 s vs 1.0-1.3 s). The worst case decides.
PRESOLVE = False


@dataclass(frozen=True)
class PackageBids:
    """Validated bids, column-wise: ``bidder[j]`` (a label), ``bundles[j]`` (sorted goods),
    ``values[j]``; ``n_goods`` goods; ``bidders`` the distinct labels in order of first bid."""

    bidder: tuple
    bundles: tuple
    values: np.ndarray
    n_goods: int
    bidders: tuple = field(default=())

    def __len__(self) -> int:
        return len(self.values)


def package_bids(bids, n_goods) -> PackageBids:
    """Check and normalise ``bids``; raise :class:`MechanismInputError` naming the bad bid."""
    n_goods = as_count("n_goods", n_goods)
    if isinstance(bids, PackageBids):
        return bids
    bidder, bundles, values = [], [], []
    for j, bid in enumerate(bids):
        try:
            who, bundle, value = bid
        except (TypeError, ValueError):
            raise MechanismInputError(f"bid {j} must be (bidder, bundle, value); got {bid!r}") from None
        try:
            goods = sorted({int(g) for g in bundle if g == int(g)})
            whole = len(goods) == len(set(bundle))
        except (TypeError, ValueError):
            whole = False
        if not whole:
            raise MechanismInputError(f"bid {j}: the bundle must be a set or tuple of good indices "
                                      f"(whole numbers); got {bundle!r}")
        if len(goods) != len(tuple(bundle)):
            raise MechanismInputError(f"bid {j}: the bundle names a good twice: {bundle!r}")
        if not goods:
            raise MechanismInputError(f"bid {j} (bidder {who!r}): the bundle is empty")
        missing = [g for g in goods if not 0 <= g < n_goods]
        if missing:
            raise MechanismInputError(f"bid {j} (bidder {who!r}): good {missing[0]} does not exist; "
                                      f"goods are 0..{n_goods - 1}")
        try:
            value = as_scalar(f"bid {j} value", value)
        except MechanismInputError as err:
            raise MechanismInputError(f"{err} (bidder {who!r}); values must be >= 0") from None
        bidder.append(who)
        bundles.append(tuple(goods))
        values.append(value)
    return PackageBids(tuple(bidder), tuple(bundles), np.asarray(values, dtype=float), n_goods,
                       tuple(dict.fromkeys(bidder)))


def winner_determination(bids, n_goods, exclude=None) -> tuple[float, np.ndarray]:
    """The welfare-maximising choice of bids: exact.

    Problem (Sandholm 2002): maximise sum_j v_j x_j over x_j in {0, 1}, subject to
    sum_{j: g in S_j} x_j <= 1 for every good g (one unit each), and
    sum_{j of bidder i} x_j <= 1 for every bidder with more than one bid (XOR).
    Solved as an integer program by HiGHS (branch and cut), relative gap 0, so the
    optimum is exact up to HiGHS's absolute tolerance (1e-6).

    Args:
        bids: (bidder, bundle, value) triples, or a :class:`PackageBids`.
        n_goods: number of goods.
        exclude: a bidder whose bids are left out (for VCG's welfare without it).

    Returns:
        (welfare, chosen): the optimal total value and the chosen bid indices, ascending.

    Example:
        >>> w, chosen = winner_determination([("a", {0, 1}, 3.0), ("b", {0}, 2.0), ("c", {1}, 2.0)], 2)
        >>> w, chosen.tolist()
        (4.0, [1, 2])
    """
    bids = package_bids(bids, n_goods)
    keep = np.array([who != exclude for who in bids.bidder], dtype=bool) if exclude is not None \
        else np.ones(len(bids), dtype=bool)
    keep &= bids.values > 0                        # a bid of 0 never adds welfare
    index = np.flatnonzero(keep)
    if index.size == 0:
        return 0.0, np.empty(0, dtype=np.int64)
    rows, cols = [], []
    for k, j in enumerate(index):
        rows.extend(bids.bundles[j])
        cols.extend([k] * len(bids.bundles[j]))
    goods = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(bids.n_goods, index.size))
    labels = {who: i for i, who in enumerate(dict.fromkeys(bids.bidder[j] for j in index))}
    owner = np.array([labels[bids.bidder[j]] for j in index])
    xor = sparse.csr_array((np.ones(index.size), (owner, np.arange(index.size))), shape=(len(labels), index.size))
    several = np.flatnonzero(np.bincount(owner) > 1)
    constraints = [LinearConstraint(goods[np.flatnonzero(goods.sum(axis=1) > 1)], -np.inf, 1)]
    if several.size:
        constraints.append(LinearConstraint(xor[several], -np.inf, 1))
    result = milp(-bids.values[index], integrality=np.ones(index.size), bounds=Bounds(0, 1),
                  constraints=[c for c in constraints if c.A.shape[0]],
                  options={"mip_rel_gap": 0.0, "presolve": PRESOLVE})
    if result.x is None:
        raise RuntimeError(f"HiGHS did not solve the winner determination problem: {result.message}")
    chosen = index[np.flatnonzero(result.x > 0.5)]
    return float(bids.values[chosen].sum()), chosen


@dataclass(frozen=True)
class CombinatorialOutcome:
    """What a combinatorial auction decided.

    Attributes:
        allocation: {bidder: bundle} for the winners.
        payments: {bidder: payment} for every bidder (0 for losers).
        welfare: sum of the winning bids' values (declared values; the observer rescores).
        winning_bids: indices of the winning bids, ascending.
        ip_solves: integer programs the textbook method solves: W*, and W(-i) for each
            contested winner (VCG), or 1. The welfare values a reader can recompute.
        highs_runs: HiGHS runs it actually took (VCG settles several W(-i) in one run; see
            :func:`vcg`), or 1.
        prices: per-good prices (clock auction; NaN elsewhere).
        rounds: clock rounds (0 for sealed bids).
    """

    allocation: dict
    payments: dict
    welfare: float
    winning_bids: np.ndarray
    ip_solves: int = 1
    highs_runs: int = 1
    prices: np.ndarray = field(default_factory=lambda: np.empty(0))
    rounds: int = 0

    @property
    def revenue(self) -> float:
        return float(sum(self.payments.values()))


def _outcome(bids: PackageBids, chosen: np.ndarray, pay: dict, **extra) -> CombinatorialOutcome:
    allocation = {bids.bidder[j]: bids.bundles[j] for j in chosen}
    payments = {who: float(pay.get(who, 0.0)) for who in bids.bidders}
    return CombinatorialOutcome(allocation, payments, float(bids.values[chosen].sum()), np.sort(chosen), **extra)


def vcg(bids, n_goods, workers: int | None = None) -> CombinatorialOutcome:
    """Vickrey–Clarke–Groves with Clarke pivot payments.

    Rule: choose the welfare-maximising bids (:func:`winner_determination`); winner i pays
    W(-i) - (W* - v_i): the others' best welfare without it minus the others' welfare in the
    chosen allocation. Losers pay 0. Truthful bidding is a dominant strategy, the outcome is
    efficient, and under truthful bids every payment lies in [0, v_i] (seed 000, Prop. 2;
    Cramton et al. 2006, ch. 1).

    Integer programs (``ip_solves``): one for W*, then one W(-i) per winner, except that
    * losers need none (their pivot term is 0), and
    * a winner none of whose goods any other bidder bids on pays 0 without a solve: removing
      it frees only goods nobody else wants, so W(-i) = W* - v_i.
    Every W(-i) is exact (HiGHS with relative and absolute gap 0), but they are not solved one
    by one: one model is built and re-solved, and one run can settle several (see
    :func:`_vcg`; ``highs_runs`` counts the runs). The chosen allocation without i bounds each W(-i) from below by W* - v_i,
    which guards the payment against solver tolerance. The work runs on ``workers`` threads
    (default: one per CPU); the result does not depend on the count.

    Example (Ausubel and Milgrom 2006, the zero-revenue case):
        >>> out = vcg([(1, {0, 1}, 2.0), (2, {0}, 2.0), (3, {1}, 2.0)], 2)
        >>> sorted(out.allocation), out.payments, out.revenue
        ([2, 3], {1: 0.0, 2: 0.0, 3: 0.0}, 0.0)
    """
    return _vcg(bids, n_goods, workers)


#: HiGHS settings for the programs VCG solves after W*, measured (CPU seconds, single-minded
#: and "arbitrary" instances at 50 goods x 250 bids) one at a time against HiGHS's defaults:
#: each program starts from a good allocation, so the primal heuristics (RINS, RENS,
#: feasibility jump, root reduced cost) find little and cost up to half the root node; a small
#: cut pool and no cut rounds below the root make a node far cheaper; branching on
#: pseudo-costs without strong-branching trials takes more nodes, each cheaper. Together about
#: half the time of a program. Gaps 0: exact, not merely within HiGHS's default absolute gap
#: of 1e-6. Presolve off, as for W* (PRESOLVE).
WITHOUT_OPTIONS = {"presolve": "off", "mip_rel_gap": 0.0, "mip_abs_gap": 0.0,
                   "mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False,
                   "mip_heuristic_run_feasibility_jump": False, "mip_heuristic_run_root_reduced_cost": False,
                   "mip_pool_soft_limit": 30, "mip_allow_cut_separation_at_nodes": False,
                   "mip_pscost_minreliable": 0}
#: The options exactness rests on (refused, they raise); the others are for speed, and a HiGHS
#: that lacks one of them just runs without it.
EXACT_OPTIONS = ("presolve", "mip_rel_gap", "mip_abs_gap", "mip_improving_solution_save")


def _vcg(bids, n_goods, workers: int | None = None) -> CombinatorialOutcome:
    """:func:`vcg`'s work.

    The allocation is :func:`winner_determination`'s, as it always was. While scipy solves it,
    a second thread solves the same program in a highspy model built once
    (:class:`_WinnerDetermination`) and goes on from that optimum at once: W(-i) does not
    depend on which optimal allocation was chosen, so the work is kept whatever scipy returns
    (a contested winner of scipy's allocation that the other optimum lacks, after a tie, is
    solved afterwards).

    The first program asks for the best allocation that leaves out *at least one* contested
    winner (one more row: their bids sum to at most their number minus one). Its optimum v is
    W(-i) for every winner i the solution leaves out: that solution is feasible without i, and
    every allocation without i is feasible for the program. Often that is most of them: the
    second-best allocation leaves out the winners whose loss costs least. Every other W(-i)
    is at most v; an allocation HiGHS found on the way that leaves i out and is worth v settles
    it too, and the rest get a program each, with i's bids fixed to 0, started from the best
    allocation found that leaves i out (at worst the optimum without i), so HiGHS mostly has
    to prove the bound. Those run on the threads, in an order that does not change a result.
    """
    bids = package_bids(bids, n_goods)
    wanted_by = {}                                  # good -> bidders who bid on it
    for who, bundle in zip(bids.bidder, bids.bundles):
        for g in bundle:
            wanted_by.setdefault(g, set()).add(who)

    def contested(chosen) -> list:
        """Winners (by bid index) some other bidder competes with for a good."""
        return [j for j in chosen if any(wanted_by[g] - {bids.bidder[j]} for g in bids.bundles[j])]

    programs = _WinnerDetermination(bids)

    def second_best():
        chosen = programs.optimum()
        return chosen, programs.leave_one_out([bids.bidder[j] for j in contested(chosen)], chosen)

    threads = max(1, workers or os.cpu_count() or 1)
    with ThreadPoolExecutor(threads) as pool:
        first = pool.submit(winner_determination, bids, n_goods)
        guess, (without, bound, found) = pool.submit(second_best).result()
        open_ = [bids.bidder[j] for j in contested(guess) if bids.bidder[j] not in without]
        without.update(zip(open_, pool.map(lambda who: programs.without(who, found, bound), open_)))
        welfare, chosen = first.result()
    pay = {}
    rivals = contested(chosen)
    for j in set(chosen) - set(rivals):
        pay[bids.bidder[j]] = 0.0
    for who in [bids.bidder[j] for j in rivals if bids.bidder[j] not in without]:
        without[who] = programs.without(who, [(np.isin(programs.index, chosen), welfare)], np.inf)
    for j in rivals:
        own = float(bids.values[j])
        pay[bids.bidder[j]] = min(max(without[bids.bidder[j]] - (welfare - own), 0.0), own)
    return _outcome(bids, chosen, pay, ip_solves=1 + len(rivals), highs_runs=1 + len(programs._runs))


class _WinnerDetermination:
    """The winner determination program of ``bids`` as a HiGHS model (highspy), to re-solve
    with bidders left out. Columns: the bids of positive value; rows: goods more than one
    of them names, and the XOR of every bidder with more than one. Each solve builds its own
    ``Highs`` (a few milliseconds), so that threads never share one."""

    def __init__(self, bids: PackageBids):
        self._runs = []                              # one entry per HiGHS run (appends are atomic)
        self.index = np.flatnonzero(bids.values > 0)
        self.values = bids.values[self.index]
        columns = {who: [] for who in bids.bidders}
        for k, j in enumerate(self.index):
            columns[bids.bidder[j]].append(k)
        self.columns = {who: np.asarray(ks, dtype=np.int32) for who, ks in columns.items()}
        rows, cols = [], []
        for k, j in enumerate(self.index):
            rows.extend(bids.bundles[j])
            cols.extend([k] * len(bids.bundles[j]))
        n = self.index.size
        goods = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(bids.n_goods, n))
        xor = [ks for ks in self.columns.values() if ks.size > 1]
        xor = sparse.csr_array((np.ones(sum(map(len, xor))), (np.repeat(np.arange(len(xor)), list(map(len, xor))),
                                np.concatenate(xor) if xor else [])), shape=(len(xor), n))
        self.matrix = sparse.vstack([goods[np.flatnonzero(goods.sum(axis=1) > 1)], xor]).tocsc()

    def optimum(self) -> np.ndarray:
        """An optimal allocation (bid indices, ascending)."""
        x, _, _ = self._solve(self._highs())
        return self.index[x]

    def leave_one_out(self, winners: list, chosen) -> tuple[dict, float, list]:
        """The best allocation without at least one of ``winners``: ({i: W(-i)} for those it
        leaves out, its worth (a bound on every other W(-i)), and every allocation found, as
        (column mask, worth))."""
        optimum = np.isin(self.index, chosen)
        found = [(optimum, float(self.values[optimum].sum()))]
        if not winners:
            return {}, np.inf, found
        own = {who: float(self.values[self.columns[who]] @ optimum[self.columns[who]]) for who in winners}
        start = optimum.copy()
        start[self.columns[min(winners, key=own.get)]] = False
        cols = np.concatenate([self.columns[who] for who in winners])
        h = self._highs()
        h.addRow(-highs.kHighsInf, len(winners) - 1, cols.size, cols, np.ones(cols.size))
        x, w, saved = self._solve(h, start)
        found += saved + [(x, w)]
        return {who: w for who in winners if not x[self.columns[who]].any()}, w, found

    def without(self, who, found: list, bound: float) -> float:
        """W(-who), given allocations ``found`` and the bound W(-who) <= ``bound``."""
        cols = self.columns[who]
        allowed = [(x, w) for x, w in found if not x[cols].any()]
        if not allowed:                              # the first allocation without who's bids
            x = found[0][0].copy()
            x[cols] = False
            allowed = [(x, float(self.values[x].sum()))]
        start, worth = max(allowed, key=lambda xw: xw[1])
        if worth >= bound:
            return bound
        h = self._highs()
        h.changeColsBounds(cols.size, cols, np.zeros(cols.size), np.zeros(cols.size))
        return self._solve(h, start)[1]

    def _highs(self):
        h = highs._Highs()
        h.setOptionValue("output_flag", False)
        for name, value in {**WITHOUT_OPTIONS, "mip_improving_solution_save": True}.items():
            if h.setOptionValue(name, value) != highs.HighsStatus.kOk and name in EXACT_OPTIONS:
                raise RuntimeError(f"this HiGHS does not take the option {name}={value!r}")
        n, m = self.matrix.shape[1], self.matrix.shape[0]
        lp = highs.HighsLp()
        lp.num_col_, lp.num_row_ = n, m
        lp.col_cost_ = -self.values
        lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
        lp.row_lower_, lp.row_upper_ = np.full(m, -highs.kHighsInf), np.ones(m)
        lp.a_matrix_.format_ = highs.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.matrix.indptr
        lp.a_matrix_.index_ = self.matrix.indices
        lp.a_matrix_.value_ = self.matrix.data
        lp.integrality_ = [highs.HighsVarType.kInteger] * n
        h.passModel(lp)
        return h

    def _solve(self, h, start: np.ndarray | None = None) -> tuple[np.ndarray, float, list]:
        """Run ``h`` (from ``start``): the optimal column mask, its worth, and the improving
        allocations HiGHS found on the way, as (mask, worth)."""
        if start is not None:
            solution = highs.HighsSolution()
            solution.col_value = start.astype(float).tolist()
            solution.value_valid = True
            h.setSolution(solution)
        if self.index.size == 0:                     # no bid of positive value: nothing to solve
            return np.zeros(0, dtype=bool), 0.0, []
        self._runs.append(1)
        h.run()
        status = h.getModelStatus()
        if status != highs.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS did not solve a VCG program: {h.modelStatusToString(status)}")
        x = np.asarray(h.getSolution().col_value) > 0.5
        saved = [np.asarray(s.col_value) > 0.5 for s in h.getSavedMipSolutions()]
        return x, float(self.values[x].sum()), [(y, float(self.values[y].sum())) for y in saved]


def pay_as_bid_combinatorial(bids, n_goods) -> CombinatorialOutcome:
    """Exact winner determination; each winner pays its winning bid (first-price packages).

    Bidders have every reason to shade: the outcome is efficient only if they bid truthfully,
    which they will not (seed 000: the price of anarchy bounds what shading loses).

    Example:
        >>> pay_as_bid_combinatorial([(1, {0, 1}, 2.0), (2, {0}, 2.0), (3, {1}, 2.0)], 2).payments
        {1: 0.0, 2: 2.0, 3: 2.0}
    """
    bids = package_bids(bids, n_goods)
    _, chosen = winner_determination(bids, n_goods)
    return _outcome(bids, chosen, {bids.bidder[j]: float(bids.values[j]) for j in chosen})


def clock_auction(bids, n_goods, increment: float = 0.05, max_rounds: int = 100_000) -> CombinatorialOutcome:
    """A simultaneous ascending clock auction over all goods.

    Rule: prices start at 0. Each round every bidder demands the bundle that maximises its
    surplus v_b - sum of prices over its (XOR) bids, if that surplus is positive (ties: its
    earliest bid); the price of every good demanded by more than one bidder rises by
    ``increment``. The auction ends when no good is over-demanded; each bidder gets the
    bundle it demands then and pays the current prices of its goods (Cramton 2006, ch. 4).

    It needs no winner determination and reveals only demands, but it is not efficient in
    general: with complements a bidder can be priced out of a package it values most
    (the exposure problem), and goods nobody demands at the end go unsold.

    Example:
        >>> out = clock_auction([(1, {0, 1}, 3.0), (2, {0}, 1.0)], 2, increment=0.5)
        >>> out.allocation, out.payments, out.prices.tolist()
        ({1: (0, 1)}, {1: 1.0, 2: 0.0}, [1.0, 0.0])
    """
    bids = package_bids(bids, n_goods)
    increment = as_scalar("increment", increment)
    if increment <= 0:
        raise MechanismInputError("increment must be > 0")
    if len(bids) == 0:   # nothing demanded: the clock closes at once, every good unsold at price 0
        return _outcome(bids, np.empty(0, dtype=np.int64), {}, ip_solves=0, prices=np.zeros(bids.n_goods), rounds=1)
    incidence = np.zeros((len(bids), bids.n_goods))
    for j, bundle in enumerate(bids.bundles):
        incidence[j, list(bundle)] = 1.0
    labels = {who: i for i, who in enumerate(bids.bidders)}
    owner = np.array([labels[who] for who in bids.bidder], dtype=np.int64)
    prices = np.zeros(bids.n_goods)
    for rounds in range(1, max_rounds + 1):
        demanded = _demands(bids.values - incidence @ prices, owner, len(labels))
        load = incidence[demanded].sum(axis=0)
        over = load > 1
        if not over.any():
            pay = {bids.bidder[j]: float(incidence[j] @ prices) for j in demanded}
            return _outcome(bids, demanded, pay, ip_solves=0, prices=prices, rounds=rounds)
        prices[over] += increment
    raise MechanismInputError(f"the clock auction did not close within max_rounds={max_rounds}; "
                              f"raise increment or max_rounds")


def _demands(surplus: np.ndarray, owner: np.ndarray, n_bidders: int) -> np.ndarray:
    """Each bidder's best bid by surplus (earliest on ties), if its surplus is > 0."""
    order = np.lexsort((np.arange(len(surplus)), -surplus, owner))    # by bidder, best first
    first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    return np.sort(first[surplus[first] > 1e-12])
