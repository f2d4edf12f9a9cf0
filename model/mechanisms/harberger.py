"""Self-assessed ownership: a Harberger tax (COST) on shared modules.

Every module has an owner who posts a price p for it (its self-assessment), pays a tax of
tau x p per period into a common fund, and must sell to anyone who pays p (Harberger 1965,
"Issues of tax reform for Latin America"; Posner and Weyl 2017, "Property is only another name
for monopoly", J. Legal Analysis 9: the Common Ownership Self-assessed Tax, COST).

The owner's choice is the one-period model of Weyl and Zhang ("Depreciating licenses", AEJ:
Economic Policy 14, 2022) and Posner and Weyl (2017, sec. II): the owner values the module at v;
a buyer arrives with chance theta with a value w drawn from F and buys iff w > p. The owner's
expected payoff is

    pi(p) = v + theta (1 - F(p)) (p - v) - tau p,

and the first-order condition theta (1 - F(p)) - theta f(p) (p - v) = tau gives p = v exactly
when tau = theta (1 - F(v)), the chance that the module sells at its true value: below that
rate owners mark up (a monopoly price, keeping modules from users who value them more), above
it they under-assess (and lose modules to users who value them less). A tax also takes part of
what maintenance adds to a module's value: the allocation-investment trade-off.

Everything here is a pure function of numbers; the observer's yardstick, :func:`best_ownership`,
reads true values.
"""

import numpy as np

from model.mechanisms._checks import MechanismInputError, as_count, as_scalar, as_vector
from model.mechanisms.clearing import Plan


def harberger_tax(assessments, tax_rate) -> np.ndarray:
    """The tax each owner pays this period: tau x its assessment.

    Example:
        >>> harberger_tax([12.5, 0.0, 4.0], 0.1).tolist()
        [1.25, 0.0, 0.4]
    """
    return as_vector("assessments", assessments) * _rate("tax_rate", tax_rate)


def forced_sales(assessments, takes) -> tuple[np.ndarray, np.ndarray]:
    """The forced-sale rule: a module whose arriving buyer takes it at its posted price is sold,
    and the buyer pays the owner exactly the assessment (the owner cannot refuse or haggle).

    A buyer takes the module iff it values it above the price (a buyer's order is the yes or
    no; the market never learns its value). Returns (sold, price): per module whether it is
    sold and what the buyer pays (0 where it is not).

    Example:
        >>> sold, price = forced_sales([12.5, 3.0, 7.0], [True, False, True])
        >>> sold.tolist(), price.tolist()
        ([True, False, True], [12.5, 0.0, 7.0])
    """
    assessments = as_vector("assessments", assessments)
    takes = np.asarray(takes)
    if takes.shape != assessments.shape or not (takes.dtype == bool or np.isin(takes, (0, 1)).all()):
        raise MechanismInputError("takes must hold one true/false per assessment")
    sold = takes.astype(bool)
    return sold, np.where(sold, assessments, 0.0)


def uniform_survival(high: float):
    """S(p) = 1 - F(p) for buyers' values uniform on [0, high]."""
    high = as_scalar("high", high)
    if high <= 0:
        raise MechanismInputError(f"high must be > 0; got {high!r}")
    return lambda p: np.clip(1.0 - np.asarray(p, dtype=float) / high, 0.0, 1.0)


def expected_owner_payoff(price, value, tax_rate, arrival_rate, survival):
    """pi(p) = v + theta S(p) (p - v) - tau p: keep the module (worth v) unless a buyer arrives
    (chance theta) and values it above p (chance S(p) = 1 - F(p)), in which case it is sold at
    p; pay tau p either way. Arrays broadcast.

    Example:
        >>> # v = 4, buyers U[0, 10], theta = 0.5, tau = 0.1: at p = 7, 4 + 0.5 x 0.3 x 3 - 0.7
        >>> round(float(expected_owner_payoff(7.0, 4.0, 0.1, 0.5, uniform_survival(10.0))), 4)
        3.75
    """
    price = np.asarray(price, dtype=float)
    value = np.asarray(value, dtype=float)
    return value + arrival_rate * survival(price) * (price - value) - tax_rate * price


def truthful_tax_rate(value, arrival_rate, survival):
    """tau* = theta (1 - F(v)): the tax rate at which the best assessment is the true value v,
    the chance the module sells at v.

    Example:
        >>> float(truthful_tax_rate(4.0, 0.5, uniform_survival(10.0)))    # 0.5 x (1 - 0.4)
        0.3
    """
    return _rate("arrival_rate", arrival_rate) * survival(np.asarray(value, dtype=float))


def uniform_best_response(value, tax_rate, arrival_rate, high):
    """The owner's best assessment when buyers' values are uniform on [0, H] (closed form).

    pi(p) = v + theta (1 - p/H)(p - v) - tau p is concave on [0, H] and falls beyond H (tax,
    no buyer), so p* = clip((v + H (1 - tau/theta)) / 2, 0, H). p* = v iff tau = theta (1 - v/H)
    = theta (1 - F(v)); at tau = 0 it is the monopoly price (v + H)/2. With no buyers
    (theta = 0) a taxed owner assesses 0, an untaxed one its value. Arrays broadcast.

    Example:
        >>> uniform_best_response([4.0, 4.0, 4.0], [0.0, 0.3, 0.5], 0.5, 10.0).tolist()
        [7.0, 4.0, 2.0]
    """
    value = np.asarray(value, dtype=float)
    tau = np.asarray(tax_rate, dtype=float)
    theta = np.asarray(arrival_rate, dtype=float)
    high = as_scalar("high", high)
    with np.errstate(divide="ignore", invalid="ignore"):
        interior = np.clip((value + high * (1.0 - tau / theta)) / 2.0, 0.0, high)
    no_buyers = np.where(tau > 0, 0.0, value)
    return np.where(theta > 0, interior, no_buyers)


def best_response(value: float, tax_rate: float, arrival_rate: float, survival, upper: float,
                  grid: int = 4001) -> float:
    """The owner's best assessment for any buyers' distribution, by search (any F).

    Maximises pi(p) over [0, upper] (``upper``: where S reaches 0, or far enough out): a
    grid of ``grid`` points, then Brent's bounded search (scipy) between the best point's
    neighbours, so a distribution with several local optima is still solved. Ties go to the
    lowest price.

    Example:
        >>> round(best_response(4.0, 0.3, 0.5, uniform_survival(10.0), upper=10.0), 6)
        4.0
    """
    from scipy.optimize import minimize_scalar

    upper = as_scalar("upper", upper)
    points = np.linspace(0.0, upper, as_count("grid", grid))
    payoff = expected_owner_payoff(points, value, tax_rate, arrival_rate, survival)
    best = int(np.argmax(payoff))
    low, high = points[max(best - 1, 0)], points[min(best + 1, len(points) - 1)]
    if high <= low:
        return float(points[best])
    found = minimize_scalar(lambda p: -float(expected_owner_payoff(p, value, tax_rate, arrival_rate, survival)),
                            bounds=(low, high), method="bounded", options={"xatol": 1e-12})
    return float(found.x) if -found.fun >= payoff[best] else float(points[best])


def payoff_per_health(base, assessment_per_health, tax_rate, arrival_rate, high):
    """The owner's one-period payoff per unit of module health, for values uniform on [0, H].

    A module of health h is worth b h to its owner, buyers' values are uniform on [0, H h] and
    an assessment that scales with health is a h; then pi = h [b + theta (1 - a/H)(a - b) -
    tau a], linear in h, and this bracket is what one more unit of health is worth to the
    owner: its incentive to maintain. For a truthful owner (a = b) it is b (1 - tau).

    Example:
        >>> float(payoff_per_health(4.0, 4.0, 0.1, 0.5, 10.0))      # truthful: 4 x 0.9
        3.6
    """
    b = np.asarray(base, dtype=float)
    a = np.asarray(assessment_per_health, dtype=float)
    return expected_owner_payoff(a, b, tax_rate, arrival_rate, uniform_survival(high))


def first_best_value_per_health(base, arrival_rate, high):
    """What one more unit of a module's health is worth to the group in the one-period model,
    values uniform on [0, H]: the holder's b, plus, with chance theta, the gain of a buyer who
    values it more, E[(w - b)+] = (H - b)^2 / (2H). A planner's maintenance follows this.

    Example:
        >>> float(first_best_value_per_health(4.0, 0.5, 10.0))      # 4 + 0.5 x 36 / 20
        4.9
    """
    b = np.asarray(base, dtype=float)
    high = as_scalar("high", high)
    if high <= 0:
        raise MechanismInputError(f"high must be > 0; got {high!r}")
    gain = np.where(b < high, (high - b) ** 2 / (2.0 * high), 0.0)
    return b + _rate("arrival_rate", arrival_rate) * gain


def maintenance_hours(marginal_value, hour_cost, efficacy):
    """Hours that maximise kappa sqrt(e) m - c e: e = (kappa m / 2c)^2 for m > 0, else 0.

    Maintenance of e hours adds kappa sqrt(e) to a module's health (diminishing returns) and
    costs c e; ``marginal_value`` m is what a unit of health is worth to whoever decides.

    Example:
        >>> maintenance_hours([4.0, -1.0], hour_cost=1.0, efficacy=0.1).tolist()   # (0.1 x 4 / 2)^2
        [0.04, 0.0]
    """
    m = np.maximum(np.asarray(marginal_value, dtype=float), 0.0)
    cost = as_scalar("hour_cost", hour_cost)
    if cost <= 0:
        raise MechanismInputError(f"hour_cost must be > 0; got {hour_cost!r}")
    return (as_scalar("efficacy", efficacy) * m / (2.0 * cost)) ** 2


def best_ownership(values, capacity: int) -> Plan:
    """The exact best allocation of modules to agents, each agent holding at most ``capacity``.

    ``values`` is (agents x modules), what each module is worth to each agent. The problem is
    an assignment of modules to agent slots (each agent repeated ``capacity`` times), solved
    exactly by scipy.optimize.linear_sum_assignment through
    :func:`~model.mechanisms.planners.optimal_assignment`.

    Returns:
        A :class:`~model.mechanisms.clearing.Plan`: the best total value and, per module, its
        agent (-1: none; only when a module is worth nothing to anyone).

    Example:
        >>> value, owner = best_ownership([[5.0, 4.0], [3.0, 1.0]], capacity=1)
        >>> value, owner.tolist()           # agent 0 takes module 1, agent 1 module 0: 4 + 3
        (7.0, [1, 0])
    """
    from model.mechanisms.planners import optimal_assignment

    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise MechanismInputError("values must be a two-dimensional agents x modules array")
    capacity = as_count("capacity", capacity)
    if capacity < 1:
        raise MechanismInputError("capacity must be at least 1")
    slots = np.repeat(values.T, capacity, axis=1)        # modules x (agent slots)
    value, slot = optimal_assignment(slots)
    return Plan(value, np.where(slot >= 0, slot // capacity, -1))


def _rate(name: str, value) -> float:
    value = as_scalar(name, value)
    if value > 1:
        raise MechanismInputError(f"{name} must be at most 1 per period; got {value!r}")
    return value
