"""Walrasian equilibrium of a linear Fisher market (seed 004's equilibrium routine Equ)."""

import numpy as np

from model.mechanisms._checks import MechanismInputError, as_matrix, as_vector
from model.mechanisms.clearing import Equilibrium


def fisher_equilibrium(budgets, utilities, supplies=None, *, tol: float = 1e-10,
                       max_iter: int = 20_000) -> Equilibrium:
    """Equilibrium prices and allocation of a Fisher market with linear utilities.

    Buyer i has budget B_i and values a unit of good j at u_ij; there are s_j units of good
    j (default 1). At equilibrium prices p every good is sold (sum_i x_ij = s_j), every buyer
    spends its budget, and buys only goods of maximum bang per buck u_ij / p_j: seed 004's
    three conditions (all allocated; nobody pays for what it does not value; each bundle
    optimal at the prices). The equilibrium is the optimum of the Eisenberg-Gale program
    max sum_i B_i log(sum_j u_ij x_ij) (Eisenberg and Gale, 1959).

    Method: proportional response dynamics, b_ij <- B_i u_ij x_ij / sum_k u_ik x_ik with
    p_j = sum_i b_ij / s_j and x_ij = b_ij / p_j (Zhang, "Proportional response dynamics in the
    Fisher market", TCS 412, 2011), then an exact finish: the goods each buyer spends on fix
    the ratios of prices, budgets fix their level, and the spending follows by least squares;
    the result is accepted only if it satisfies the conditions to ``tol``.

    Returns an :class:`Equilibrium` (unpacks as ``prices, allocation``): ``converged`` when the
    exact finish held, ``tolerance`` the largest violation of the conditions left, in money.

    Example:
        >>> prices, allocation = fisher_equilibrium([1.0, 1.0], [[2.0, 1.0], [1.0, 2.0]])
        >>> prices.round(6).tolist(), allocation.round(6).tolist()   # each buyer gets its favourite
        ([1.0, 1.0], [[1.0, 0.0], [0.0, 1.0]])
    """
    budgets = as_vector("budgets", budgets)
    if np.size(utilities) == 0 or len(budgets) == 0:
        raise MechanismInputError("a Fisher market needs at least one buyer and one good")
    utilities = as_matrix("utilities", utilities, allow_negative=False)
    n, m = utilities.shape
    supplies = np.ones(m) if supplies is None else as_vector("supplies", supplies)
    if len(budgets) != n or len(supplies) != m:
        raise MechanismInputError(f"mismatched shapes: utilities is {n} x {m}, budgets has {len(budgets)}, "
                                  f"supplies has {len(supplies)}")
    if np.any(budgets <= 0) or np.any(supplies <= 0):
        raise MechanismInputError("budgets and supplies must be > 0")
    if np.any(utilities.max(axis=1) <= 0) or np.any(utilities.max(axis=0) <= 0):
        raise MechanismInputError("every buyer must value some good and every good must be valued by some buyer")

    bids = budgets[:, None] * utilities / utilities.sum(axis=1, keepdims=True)
    prices = bids.sum(axis=0) / supplies
    iterations = 0
    for iterations in range(1, max_iter + 1):
        allocation = bids / prices
        gains = utilities * allocation
        bids = budgets[:, None] * gains / gains.sum(axis=1, keepdims=True)
        new = bids.sum(axis=0) / supplies
        moved = np.max(np.abs(new - prices) / prices)
        prices = new
        if iterations % 50 == 0 or moved < tol:
            finished = _exact(budgets, utilities, supplies, prices, tol)
            if finished is not None:
                return Equilibrium(finished[0], iterations, True, allocation=finished[1],
                                   tolerance=_violation(budgets, utilities, supplies, *finished))
    allocation = bids / prices
    return Equilibrium(prices, iterations, False, allocation=allocation,
                       tolerance=_violation(budgets, utilities, supplies, prices, allocation))


def _exact(budgets, utilities, supplies, prices, tol):
    """Exact prices and allocation from the spending pattern the dynamics point to, or None."""
    n, m = utilities.shape
    bang = utilities / prices
    best = bang.max(axis=1, keepdims=True)
    for slack in (1e-3, 1e-5, 1e-7, 1e-9):
        edges = np.argwhere(bang >= best * (1 - slack))
        exact_prices = _prices_from_edges(budgets, utilities, supplies, edges, n, m)
        if exact_prices is None:
            continue
        spending = _spending_on_edges(budgets, supplies, exact_prices, edges, n, m)
        if spending is None:
            continue
        allocation = spending / exact_prices
        if _violation(budgets, utilities, supplies, exact_prices, allocation) <= tol * max(1.0, budgets.sum()):
            return exact_prices, allocation
    return None


def _prices_from_edges(budgets, utilities, supplies, edges, n, m):
    """Prices whose ratios make every edge a best buy, scaled so each connected group of
    buyers and goods spends exactly its budgets. None if the edges contradict each other."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(("good", j) for j in range(m))
    graph.add_nodes_from(("buyer", i) for i in range(n))
    graph.add_edges_from((("buyer", int(i)), ("good", int(j))) for i, j in edges)
    prices = np.zeros(m)
    # Components are sets, whose order follows string hashing (PYTHONHASHSEED): walk them, and
    # their members, in sorted order so the floating-point result is the same in every process.
    for component in sorted(nx.connected_components(graph), key=min):
        goods = sorted(j for kind, j in component if kind == "good")
        buyers = sorted(i for kind, i in component if kind == "buyer")
        if not goods or not buyers:
            return None
        relative = {goods[0]: 1.0}
        frontier = [goods[0]]  # walk buyer by buyer: a buyer's best goods give the same bang per buck
        while frontier:
            j = frontier.pop()
            for buyer in graph.neighbors(("good", j)):
                i = buyer[1]
                for good in graph.neighbors(buyer):
                    k = good[1]
                    value = relative[j] * utilities[i, k] / utilities[i, j]
                    if k not in relative:
                        relative[k] = value
                        frontier.append(k)
                    elif abs(relative[k] - value) > 1e-9 * value:
                        return None
        scale = budgets[buyers].sum() / sum(relative[k] * supplies[k] for k in goods)
        for k in goods:
            prices[k] = relative[k] * scale
    return prices


def _spending_on_edges(budgets, supplies, prices, edges, n, m):
    """Spending b on the edges with row sums B_i and column sums p_j s_j, b >= 0 (least squares)."""
    rows = np.zeros((n + m, len(edges)))
    for e, (i, j) in enumerate(edges):
        rows[i, e] = 1.0
        rows[n + j, e] = 1.0
    target = np.concatenate([budgets, prices * supplies])
    solution = np.linalg.lstsq(rows, target, rcond=None)[0]
    if np.any(solution < -1e-9 * target.max()):
        return None
    spending = np.zeros((n, m))
    spending[edges[:, 0], edges[:, 1]] = np.maximum(solution, 0.0)
    return spending


def _violation(budgets, utilities, supplies, prices, allocation) -> float:
    """The largest breach of the three conditions, in money: unsold value, unspent or
    overspent budget, and money spent on goods below a buyer's best bang per buck."""
    unsold = np.abs(allocation.sum(axis=0) - supplies) * prices
    spend = allocation * prices
    unspent = np.abs(spend.sum(axis=1) - budgets)
    bang = utilities / prices
    wasted = (spend * (1 - bang / bang.max(axis=1, keepdims=True))).sum(axis=1)
    return float(max(unsold.max(), unspent.max(), wasted.max()))
