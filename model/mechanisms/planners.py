"""Benchmark planners for seed 000's single-resource problem.

These read true values directly: they are the yardsticks the observer scores a
market against, not mechanisms a market maker may run.
"""

import numpy as np

from model.mechanisms._checks import MechanismInputError, as_count, as_matrix, as_vector, same_length
from model.mechanisms.clearing import Plan
from model.mechanisms.greedy import first_fit

#: Largest DP table (items x capacity cells) optimal_allocation will build.
MAX_DP_CELLS = 200_000_000


def optimal_allocation(values, quantities, supply) -> Plan:
    """Exact welfare-maximising allocation of ``supply`` units (0/1 knapsack).

    Problem: choose a set S maximising sum_{i in S} values[i] subject to
    sum_{i in S} quantities[i] <= supply, each request all-or-nothing.

    Method: dynamic programming over capacity, O(n * supply) time, one numpy
    operation per item (Kellerer, Pferschy, Pisinger, *Knapsack Problems*,
    2004, ch. 2). Among optimal sets, the DP keeps an item only when it strictly
    improves the value, so the answer is deterministic.

    Args:
        values: value of each request (>= 0).
        quantities: whole units each request needs (>= 0).
        supply: whole units available (>= 0).

    Returns:
        A :class:`Plan`: the optimal total value and the chosen indices, ascending.

    Example:
        >>> w, chosen = optimal_allocation([6.0, 4.0, 3.0], [2, 2, 3], 4)
        >>> w, chosen.tolist()
        (10.0, [0, 1])
    """
    values = as_vector("values", values)
    quantities = _whole_units(as_vector("quantities", quantities))
    capacity = as_count("supply", supply)
    same_length(values=values, quantities=quantities)
    if len(values) * (capacity + 1) > MAX_DP_CELLS:
        raise MechanismInputError(
            f"instance too large for the exact DP: {len(values)} requests x {capacity + 1} "
            f"capacity cells exceeds {MAX_DP_CELLS:,}"
        )

    best = np.zeros(capacity + 1)  # best[c]: best value using at most c units
    take = np.zeros((len(values), capacity + 1), dtype=bool)
    for i, (v, q) in enumerate(zip(values, quantities)):
        if q > capacity:
            continue
        with_i = best[: capacity + 1 - q] + v
        improves = with_i > best[q:]
        take[i, q:] = improves
        best[q:] = np.where(improves, with_i, best[q:])

    chosen, c = [], capacity
    for i in range(len(values) - 1, -1, -1):
        if take[i, c]:
            chosen.append(i)
            c -= quantities[i]
    chosen = np.array(sorted(chosen), dtype=np.int64)
    return Plan(float(values[chosen].sum()), chosen)


def arrival_order(values, quantities, supply) -> Plan:
    """Seed 000's naive planner: serve requests in arrival order while supply lasts.

    Rule: walk the requests in index order and grant each one that still fits
    (all-or-nothing), with no prices and no look at values. It is the baseline a
    market's welfare is compared with as contention n/m grows. Requests and supply are whole
    units, as for :func:`optimal_allocation`, the optimum it is held to.

    Returns:
        A :class:`Plan`: the realised total value and the granted indices.

    Example:
        >>> arrival_order([1.0, 9.0, 2.0], [3, 4, 1], 4)[1].tolist()
        [0, 2]
    """
    values = as_vector("values", values)
    quantities = _whole_units(as_vector("quantities", quantities))
    supply = as_count("supply", supply)
    same_length(values=values, quantities=quantities)
    chosen = np.flatnonzero(first_fit(quantities, supply))
    return Plan(float(values[chosen].sum()), chosen)


def _whole_units(quantities: np.ndarray) -> np.ndarray:
    if np.any(quantities != np.round(quantities)):
        raise MechanismInputError("quantities must be whole units for the exact optimum")
    return quantities.astype(np.int64)


#: Largest surplus matrix (jobs x workers) optimal_assignment will solve.
MAX_ASSIGNMENT_CELLS = 4_000_000


def optimal_assignment(surplus) -> Plan:
    """Exact welfare-maximising matching of jobs to workers, one job per worker at most.

    Problem: choose pairs (j, i), each job and each worker in at most one pair,
    maximising the sum of ``surplus[j, i]``; a job may stay unassigned, so pairs with
    negative surplus (or NaN: not possible) are never chosen.

    Method: the rectangular linear assignment problem, solved exactly by
    scipy.optimize.linear_sum_assignment (Crouse, "On implementing 2D rectangular
    assignment algorithms", IEEE TAES 52(4), 2016) on max(surplus, 0); zero-surplus
    pairs in its answer are dropped.

    Returns:
        A :class:`Plan`: the optimal total surplus and, per job, its worker (-1: none).

    Example:
        >>> w, worker = optimal_assignment([[5.0, 4.0], [3.0, -1.0]])
        >>> w, worker.tolist()      # greedy would give job 0 to worker 0 and leave 4.0 + 3.0 on the table
        (7.0, [1, 0])
    """
    from scipy.optimize import linear_sum_assignment

    if isinstance(surplus, (str, bytes, dict, set)) or surplus is None:
        raise MechanismInputError("surplus must be a jobs x workers table of numbers")
    try:
        surplus = np.array(surplus, dtype=float, ndmin=2)
    except (TypeError, ValueError):
        raise MechanismInputError("surplus must be a rectangular jobs x workers table of numbers") from None
    if surplus.ndim != 2:
        raise MechanismInputError("surplus must be a two-dimensional jobs x workers array")
    if surplus.size > MAX_ASSIGNMENT_CELLS:
        raise MechanismInputError(
            f"instance too large for the exact assignment: {surplus.shape[0]} jobs x {surplus.shape[1]} "
            f"workers exceeds {MAX_ASSIGNMENT_CELLS:,} cells"
        )
    if np.isinf(surplus).any():
        raise MechanismInputError("surplus must be finite numbers or NaN (NaN: the pair is not possible)")
    gain = np.nan_to_num(np.maximum(surplus, 0.0), nan=0.0)
    worker = np.full(surplus.shape[0], -1, dtype=np.int64)
    if gain.size == 0:
        return Plan(0.0, worker)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    keep = gain[rows, cols] > 0
    worker[rows[keep]] = cols[keep]
    return Plan(float(gain[rows[keep], cols[keep]].sum()), worker)


#: Largest LP (agents x resources) optimal_resource_allocation will solve.
MAX_LP_CELLS = 120_000
LP_METHOD = "highs-ipm"


def optimal_resource_allocation(values, need, capacity, idle_values=None, holdings=None) -> Plan:
    """Exact welfare-maximising allocation of divisible resource capacity (an LP, HiGHS).

    Problem: agent i may use x_ir units of resource r for its job, worth values[i, r] a unit,
    up to need[i] units in all; resource r has capacity[r] units. Optionally each agent also
    values units it keeps idle (y_ir <= holdings[i, r], worth idle_values[i, r] a unit), as
    when capacity starts out as the agents' own quotas:

        max  sum v_ir x_ir + sum c_ir y_ir
        s.t. sum_r x_ir <= need_i,   sum_i (x_ir + y_ir) <= L_r,   0 <= y_ir <= h_ir,  x >= 0.

    A transportation problem: its constraint matrix is totally unimodular, so with whole
    needs, capacities and holdings an optimal vertex is whole too. Solved with
    scipy.optimize.linprog (HiGHS interior point, then crossover to a vertex).

    Returns:
        A :class:`Plan`: the optimal total value and the (agents x resources) job allocation.

    Example:
        >>> w, x = optimal_resource_allocation([[3.0, 1.0], [2.0, 2.0]], need=[1, 1], capacity=[1, 1])
        >>> w, x.tolist()      # agent 0 takes resource 0 (3), agent 1 resource 1 (2)
        (5.0, [[1.0, 0.0], [0.0, 1.0]])
    """
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    need = as_vector("need", need)
    capacity = as_vector("capacity", capacity)
    values = np.zeros((0, len(capacity))) if np.size(values) == 0 else as_matrix("values", values)
    agents, resources = values.shape
    if len(need) != agents or len(capacity) != resources:
        raise MechanismInputError(f"mismatched shapes: values is {agents} x {resources}, need has {len(need)}, "
                                  f"capacity has {len(capacity)}")
    cells = agents * resources
    if cells == 0:
        return Plan(0.0, np.zeros((agents, resources)))
    if cells * (1 if idle_values is None else 2) > MAX_LP_CELLS:
        raise MechanismInputError(f"instance too large for the exact LP: {agents} agents x {resources} resources")
    # x is laid out agent-major, x[i * R + r]. Row i caps agent i's units (sum over r), row
    # agents + r caps resource r (sum over i, of x and, if given, of the idle units y too).
    column = np.arange(cells)
    rows = [np.repeat(np.arange(agents), resources), agents + np.tile(np.arange(resources), agents)]
    columns = [column, column]
    objective = -values.ravel()
    upper = np.full(cells, np.inf)
    if idle_values is not None:
        idle = as_matrix("idle_values", idle_values)
        hold = as_matrix("holdings", holdings, allow_negative=False)
        if idle.shape != values.shape or hold.shape != values.shape:
            raise MechanismInputError("idle_values and holdings must have the shape of values")
        objective = np.concatenate([objective, -idle.ravel()])
        upper = np.concatenate([upper, hold.ravel()])
        rows.append(agents + np.tile(np.arange(resources), agents))
        columns.append(cells + column)
    rows, columns = np.concatenate(rows), np.concatenate(columns)
    a_ub = coo_matrix((np.ones(len(rows)), (rows, columns)), shape=(agents + resources, len(objective))).tocsr()
    bounds = np.column_stack([np.zeros(len(objective)), upper])
    # Interior point with crossover to an optimal vertex: on this degenerate transportation
    # LP, HiGHS's dual simplex took 56 s at 30,000 agents x 3 resources, the IPM 0.66 s.
    result = linprog(objective, A_ub=a_ub, b_ub=np.concatenate([need, capacity]), bounds=bounds,
                     method=LP_METHOD)
    if not result.success:
        raise MechanismInputError(f"the allocation LP failed: {result.message}")
    return Plan(float(-result.fun), result.x[:cells].reshape(agents, resources))
