"""Public goods: voluntary contributions, assurance contracts (plain and dominant), the Clarke pivot.

One good of cost C is proposed to n agents, each with a private value v_i for it (the good is
non-excludable: everyone enjoys it once it is built). Each mechanism takes the agents' offers
(contributions, pledges or reports, never the values) and returns a :class:`Provision`: whether
the good is built and, per agent, what it pays in the end, what it gets back and any bonus. The
money side is exact when the offers are whole numbers of minor units: :func:`largest_remainder`
splits a total into whole units in proportion to weights, with nothing lost to rounding.

The efficient decision builds iff sum v_i >= C (:func:`provision_optimum`); the mechanisms differ
in how close their offers let them come to it and who bears the cost.
"""

from dataclasses import dataclass

import numpy as np

from model.mechanisms._checks import MechanismInputError, as_count, as_scalar, as_vector

PROVISION_MECHANISMS = ("voluntary", "assurance", "dominant-assurance", "clarke")
SHORTFALLS = ("waste", "refund")


@dataclass(frozen=True)
class Provision:
    """The outcome of one proposal.

    Attributes:
        provided: whether the good is built.
        payments: what each agent pays in the end (after refunds and rebates).
        refunds: what each agent got back of what it had handed over (full refunds of a failed
            contract, rebates of pledges beyond the cost).
        bonuses: refund bonuses paid to each agent (dominant assurance contract only).
        budget_surplus: what the mechanism keeps: payments minus the cost of what was built or
            abandoned, minus bonuses (the entrepreneur's profit in a dominant assurance contract,
            the Clarke taxes of the pivot mechanism, 0 for the others).
        wasted: paid for work that was abandoned (voluntary contributions, shortfall "waste").
    """

    provided: bool
    payments: np.ndarray
    refunds: np.ndarray
    bonuses: np.ndarray
    budget_surplus: float
    wasted: float = 0.0


def provision_optimum(values, cost) -> tuple[float, bool]:
    """The exact optimum: build iff the values cover the cost, sum v_i >= C.

    Returns:
        (welfare, build): max(sum v_i - C, 0) and the decision (ties build).

    Example:
        >>> provision_optimum([5.0, 4.0, 2.0], 10.0)
        (1.0, True)
        >>> provision_optimum([5.0, 4.0], 10.0)
        (0.0, False)
    """
    values = as_vector("values", values)
    cost = as_scalar("cost", cost)
    gain = float(values.sum() - cost)
    return max(gain, 0.0), gain >= 0


def voluntary_contributions(contributions, cost, shortfall: str = "waste") -> Provision:
    """Voluntary contributions with a provision point (the free-riding baseline).

    Rule: contributions are paid up front; the good is built iff they sum to at least C. Money
    beyond the cost is rebated in proportion to the contributions, so contributor i pays
    C c_i / sum c. Short of the cost the money is spent on work that is abandoned
    (``shortfall="waste"``) or given back (``"refund"``).

    Guarantees: none of incentive compatibility; a contributor's best reply is to give nothing
    unless it is pivotal, so the good is under-provided when agents free ride (Samuelson 1954,
    "The pure theory of public expenditure"; Bagnoli and McKee 1991, "Voluntary contribution
    games: efficient private provision of public goods", Economic Inquiry 29, with the
    proportional rebate of Marks and Croson 1998, J. Public Economics 67).

    Example:
        >>> out = voluntary_contributions([6.0, 4.0, 0.0], cost=8.0)   # 10 >= 8: built
        >>> out.provided, out.payments.tolist(), out.refunds.tolist()  # 8 x 6/10, 8 x 4/10
        (True, [4.8, 3.2, 0.0], [1.2, 0.8, 0.0])
        >>> voluntary_contributions([3.0, 4.0], cost=8.0).wasted        # short: 7 spent for nothing
        7.0
    """
    offers = as_vector("contributions", contributions)
    cost = _positive_cost(cost)
    if shortfall not in SHORTFALLS:
        raise MechanismInputError(f"shortfall must be one of {', '.join(SHORTFALLS)}; got {shortfall!r}")
    total = float(offers.sum())
    zeros = np.zeros_like(offers)
    if total >= cost:
        payments = cost * offers / total
        return Provision(True, payments, offers - payments, zeros, 0.0)
    if shortfall == "waste":
        return Provision(False, offers.copy(), zeros, zeros, 0.0, wasted=total)
    return Provision(False, zeros, offers.copy(), zeros, 0.0)


def assurance_contract(pledges, cost, quorum: int | None = None) -> Provision:
    """An assurance contract (provision point with money back): pledges are held in escrow.

    Rule: the good is built iff the pledges sum to at least C (and, with ``quorum``, at least
    that many agents pledged: seed 001's "4 hours each if at least 10 agents pledge"). Then
    pledger i pays C p_i / sum p (the excess is rebated pro rata); otherwise every pledge is
    refunded in full, so nobody ever loses money on a good that is not built.

    Guarantees: with truthful pledges (p_i = v_i) it builds exactly when the values cover the
    cost, and no pledger pays more than it pledged. It removes the fear of a wasted
    contribution, not the free rider's temptation: an agent that is not pivotal still gains by
    pledging less (Bagnoli and Lipman 1989, "Provision of public goods: fully implementing the
    core through private contributions", Review of Economic Studies 56).

    Example:
        >>> out = assurance_contract([5.0, 5.0, 2.0], cost=10.0)  # 12 >= 10: each pays 10/12 of it
        >>> out.provided, out.payments.round(4).tolist()
        (True, [4.1667, 4.1667, 1.6667])
        >>> assurance_contract([5.0, 4.0, 0.0], cost=10.0).refunds.tolist()   # 9 < 10: all back
        [5.0, 4.0, 0.0]
    """
    offers = as_vector("pledges", pledges)
    cost = _positive_cost(cost)
    total = float(offers.sum())
    met = total >= cost
    if quorum is not None:
        met = met and int((offers > 0).sum()) >= as_count("quorum", quorum)
    zeros = np.zeros_like(offers)
    if met:
        payments = cost * offers / total
        return Provision(True, payments, offers - payments, zeros, 0.0)
    return Provision(False, zeros, offers.copy(), zeros, 0.0)


def dominant_assurance_contract(pledged, price, cost, quorum: int, bonus) -> Provision:
    """Tabarrok's dominant assurance contract: a refund bonus to every pledger if it fails.

    Rule: an entrepreneur sells pledges at ``price`` each (price x quorum >= C). If at least
    ``quorum`` agents pledge, every pledger pays the price and the entrepreneur builds the good
    at cost C, keeping k x price - C; otherwise every pledge is refunded and every pledger also
    receives ``bonus`` from the entrepreneur, who loses k x bonus.

    Guarantees: when the quorum is every agent, pledging strictly beats not pledging for an
    agent whose value exceeds the price, whatever the others do: if the others all pledge it is
    pivotal and gains v - price > 0; otherwise the contract fails and it gains the bonus. With a
    quorum below the number of agents this fails for a pledger the contract does not need (it
    pays the price for a good it would have had anyway). Budget: the entrepreneur's profit is
    the ``budget_surplus``, negative (a loss of k x bonus) when the contract fails (Tabarrok
    1998, "The private provision of public goods via dominant assurance contracts", Public
    Choice 96: 345-362).

    Example:
        >>> out = dominant_assurance_contract([True, True, True], price=4.0, cost=10.0, quorum=3, bonus=0.5)
        >>> out.provided, out.payments.tolist(), out.budget_surplus   # 3 x 4 - 10 = 2
        (True, [4.0, 4.0, 4.0], 2.0)
        >>> out = dominant_assurance_contract([True, False, True], price=4.0, cost=10.0, quorum=3, bonus=0.5)
        >>> out.provided, out.refunds.tolist(), out.bonuses.tolist(), out.budget_surplus
        (False, [4.0, 0.0, 4.0], [0.5, 0.0, 0.5], -1.0)
    """
    pledged = _as_flags("pledged", pledged)
    price = as_scalar("price", price)
    cost = _positive_cost(cost)
    quorum = as_count("quorum", quorum)
    bonus = as_scalar("bonus", bonus)
    if price * quorum < cost:
        raise MechanismInputError(f"price x quorum ({price * quorum:g}) must cover the cost ({cost:g})")
    k = int(pledged.sum())
    flags = pledged.astype(float)
    zeros = np.zeros(len(pledged))
    if quorum > 0 and k >= quorum:
        return Provision(True, price * flags, zeros, zeros, k * price - cost)
    return Provision(False, zeros, price * flags, bonus * flags, -k * bonus)


def clarke_pivot(reports, cost) -> Provision:
    """The Clarke pivot mechanism for a public project (the Clarke tax).

    Rule: each of the n agents is assigned the cost share c = C/n and reports a value r_i;
    the good is built iff sum r_i >= C. Agent i is pivotal if the others' net reports,
    s_{-i} = sum_{j != i} (r_j - c), decide the other way: built with s_{-i} < 0, or not built
    with s_{-i} >= 0. A pivotal agent pays the harm it does to the others, |s_{-i}|, on top of
    its cost share when the good is built.

    Guarantees: truth-telling is a dominant strategy and the decision is efficient (it is VCG
    with the cost shares as the outside option). Not budget-balanced: the Clarke taxes are a
    surplus that must leave the group (paid back, they would restore the incentive to lie);
    not individually rational: an agent whose value is below its share pays the share when the
    others carry the project (Clarke 1971, "Multipart pricing of public goods", Public Choice
    11; Groves 1973; Tideman and Tullock 1976, J. Political Economy 84).

    Example:
        >>> out = clarke_pivot([8.0, 3.0, 1.0], cost=9.0)   # shares 3; nets 5, 0, -2: built
        >>> out.provided, out.payments.tolist(), out.budget_surplus  # 0 is pivotal: others net -2
        (True, [5.0, 3.0, 3.0], 2.0)
    """
    reports = as_vector("reports", reports)
    cost = _positive_cost(cost)
    n = len(reports)
    if n == 0:
        raise MechanismInputError("reports must hold at least one agent's report")
    share = cost / n
    built = bool(reports.sum() >= cost)
    others = clarke_others_net(reports.sum() - reports, cost, n)
    tax = clarke_tax(others, built)
    payments = tax + (share if built else 0.0)
    zeros = np.zeros(n)
    return Provision(built, payments, zeros, zeros, float(tax.sum()))


def clarke_pivot_units(reports, cost: int) -> tuple[bool, np.ndarray]:
    """:func:`clarke_pivot` in whole minor units, exactly: the decision and each agent's Clarke
    tax rounded down to the unit (the cost shares are then split by :func:`largest_remainder`).

    With R the sum of the reports, n s_{-i} = n (R - r_i) - (n - 1) C is a whole number, so
    who is pivotal is decided without rounding; the tax |s_{-i}| is that over n, floored.
    Rounding down keeps every payment within the deposit max(r_i, ceil(C/n)).

    Example:
        >>> built, taxes = clarke_pivot_units([8_000_000, 3_000_000, 1_000_000], 9_000_000)
        >>> built, taxes.tolist()
        (True, [2000000, 0, 0])
    """
    reports = np.asarray(reports)
    if reports.ndim != 1 or not (reports.size == 0 or np.issubdtype(reports.dtype, np.integer)) or (reports < 0).any():
        raise MechanismInputError("reports must be a one-dimensional sequence of whole numbers >= 0")
    cost = as_count("cost", cost)
    n = len(reports)
    if n == 0:
        raise MechanismInputError("reports must hold at least one agent's report")
    r = reports.astype(object)                  # Python integers: exact at any size
    total = int(r.sum())
    built = total >= cost
    scaled = n * (total - r) - (n - 1) * cost   # n x s_{-i}
    harm = -scaled if built else scaled
    taxes = np.array([h // n if h > 0 else 0 for h in harm], dtype=np.int64)
    return built, taxes


def clarke_others_net(others_total, cost, agents):
    """s_{-i} = (sum of the others' reports) - (n - 1) C / n: the others' net value."""
    return np.asarray(others_total, dtype=float) - (agents - 1) * (cost / agents)


def clarke_tax(others_net, built):
    """The pivot payment |s_{-i}| where i's report turned the decision, else 0."""
    others_net = np.asarray(others_net, dtype=float)
    return np.where(built, np.maximum(-others_net, 0.0), np.maximum(others_net, 0.0))


def offer_utilities(mechanism: str, values, offers, others_total, others_count, *, cost, agents,
                    quorum=None, price=None, bonus=0.0, shortfall="waste"):
    """What an agent of value v would get by offering x, the others' offers held fixed.

    The utility is v x [built] - (what it pays) + (any bonus). Only the others' aggregate
    matters: ``others_total`` (their sum of offers) and ``others_count`` (how many of them
    pledged), which every mechanism here discloses after a round; so an agent can compute
    this for offers it did not make (a learner's counterfactual), and the observer can check
    a mechanism's incentives (truth against a misreport). Arrays broadcast together; under
    ``dominant-assurance`` (and ``assurance`` with a ``quorum``) an offer x > 0 is a pledge
    at the price.

    Example:
        >>> # Clarke, cost 9, three agents; the others report 3 + 1 = 4 (net 4 - 6 = -2).
        >>> offer_utilities("clarke", 8.0, [8.0, 2.0], 4.0, 2, cost=9.0, agents=3).tolist()
        [3.0, 0.0]
    """
    if mechanism not in PROVISION_MECHANISMS:
        raise MechanismInputError(f"mechanism must be one of {', '.join(PROVISION_MECHANISMS)}; got {mechanism!r}")
    v = np.asarray(values, dtype=float)
    x = np.asarray(offers, dtype=float)
    others_total = np.asarray(others_total, dtype=float)
    others_count = np.asarray(others_count, dtype=float)
    if mechanism == "clarke":
        built = others_total + x >= cost
        tax = clarke_tax(clarke_others_net(others_total, cost, agents), built)
        return np.where(built, v - cost / agents, 0.0) - tax
    if mechanism == "dominant-assurance":
        pledge = x > 0
        built = others_count + pledge >= quorum
        return np.where(built, v - price * pledge, bonus * pledge)
    total = others_total + x
    built = total >= cost
    if mechanism == "assurance" and quorum is not None:
        built &= others_count + (x > 0) >= quorum
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(built, cost * x / np.where(total > 0, total, 1.0), 0.0)
    lost = np.where(built, 0.0, x) if mechanism == "voluntary" and shortfall == "waste" else 0.0
    return np.where(built, v, 0.0) - share - lost


def dominant_assurance_expected_profit(agents: int, pledge_probability: float, price: float, cost: float,
                                       quorum: int, bonus: float) -> float:
    """The entrepreneur's expected profit when each agent pledges independently with the same
    probability q (truthful pledgers with i.i.d. values: q = P(v >= price)).

    With k ~ Binomial(n, q) pledgers: E = sum_{k >= Q} P(k) (k p - C) - b sum_{k < Q} P(k) k.
    For Q = n this is q^n (n p - C) - b n q (1 - q^(n-1)).

    Example:
        >>> round(dominant_assurance_expected_profit(2, 0.5, 6.0, 10.0, 2, 1.0), 4)  # 1/4 x 2 - 1 x 2/4
        0.0
    """
    from scipy.stats import binom

    n, q = as_count("agents", agents), as_scalar("pledge_probability", pledge_probability)
    if q > 1:
        raise MechanismInputError(f"pledge_probability must be at most 1; got {q:g}")
    if 0 < q < np.finfo(float).tiny:   # a subnormal probability: scipy's binomial overflows on it; it is 0
        q = 0.0
    k = np.arange(n + 1)
    mass = binom.pmf(k, n, q)
    won = k >= as_count("quorum", quorum)
    return float((mass * np.where(won, k * price - cost, -bonus * k)).sum())


def largest_remainder(total: int, weights) -> np.ndarray:
    """Split ``total`` whole units in proportion to whole-unit ``weights``, exactly.

    Hamilton's method: each weight gets the floor of its quota total x w_i / sum w, and the
    units left over go one each to the largest remainders (ties: the lowest index). The parts
    sum to ``total`` exactly and each is within one unit of its quota; when total <= sum w no
    part exceeds its weight (a rebated pledger never pays more than it pledged).

    Example:
        >>> largest_remainder(10, [1, 1, 1]).tolist()     # 3.33 each: the first gets the extra unit
        [4, 3, 3]
        >>> largest_remainder(40_000_000, [6_000_000, 4_000_000, 2_000_000]).tolist()
        [20000000, 13333333, 6666667]
    """
    total = as_count("total", total)
    w = np.asarray(weights)
    if w.ndim != 1 or not (w.size == 0 or np.issubdtype(w.dtype, np.integer)) or (w < 0).any():
        raise MechanismInputError("weights must be a one-dimensional sequence of whole numbers >= 0")
    whole = int(w.sum())
    if whole == 0:
        if total:
            raise MechanismInputError("weights must not all be zero when there is something to split")
        return np.zeros(len(w), dtype=np.int64)
    scaled = w.astype(object) * total          # Python integers: no overflow, no rounding
    parts = (scaled // whole).astype(np.int64)
    remainders = (scaled % whole).astype(np.int64)
    left = total - int(parts.sum())
    if left:
        parts[np.argsort(-remainders, kind="stable")[:left]] += 1
    return parts


def _positive_cost(cost) -> float:
    cost = as_scalar("cost", cost)
    if cost <= 0:
        raise MechanismInputError(f"cost must be > 0; got {cost!r}")
    return cost


def _as_flags(name: str, values) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1 or not (arr.size == 0 or arr.dtype == bool or np.isin(arr, (0, 1)).all()):
        raise MechanismInputError(f"{name} must be a one-dimensional sequence of true/false")
    return arr.astype(bool)
