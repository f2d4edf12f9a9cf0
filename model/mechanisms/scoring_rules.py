"""Automated market makers for prediction markets: cost-function market makers over outcomes.

A market on n mutually exclusive outcomes sells shares; a share of outcome k pays 1 credit if k
happens. The market maker keeps q, the shares of each outcome sold so far, and a convex cost
function C: a trade of delta shares (delta_k < 0 sells) costs C(q + delta) - C(q), and the
instantaneous prices are the gradient of C, which sum to 1 and read as the market's probabilities.
Because the cost depends only on where q ends, not on the path, the market maker's loss when
outcome k happens is q_k - (C(q) - C(0)) <= C(0) - min_q (C(q) - max_k q_k), bounded for both rules
below, whatever the traders do (Chen and Pennock, "A utility framework for bounded-loss market
makers", UAI 2007; Abernethy, Chen and Wortman Vaughan, ACM TEAC 1(2), 2013).

* :func:`lmsr_cost` and friends: Hanson's logarithmic market scoring rule (LMSR), C(q) = b ln
  sum_k exp(q_k / b), prices softmax(q / b), worst-case loss b ln n.
* :func:`cpmm_cost` and friends: the constant-product market maker on two outcomes (the "fixed
  product" pool of Gnosis and the Uniswap invariant applied to outcome shares), written as the
  cost function it implies: (C - q_0)(C - q_1) = L^2, worst-case loss L. It is the comparison
  rule: its liquidity is thinner near even odds and deeper near certainty than the LMSR's.

Every function is vectorised: ``q`` is (..., n), one row per market, and ``b`` (or ``L``) a number
or one per market. Each rule also offers the two trades a trader needs: the shares of one
outcome that take its price to a target (:func:`lmsr_shares_to_price`), and the shares a budget
buys (:func:`lmsr_shares_for_cost`), both in closed form. :data:`SCORING_RULES` bundles each
rule's functions by name.
"""

from typing import Callable, NamedTuple

import numpy as np

from model.mechanisms._checks import MechanismInputError


# -- checks ---------------------------------------------------------------------------------------
def _holdings(q, outcomes: int | None = None) -> np.ndarray:
    arr = np.asarray(q, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] < 2:
        raise MechanismInputError("q must hold the shares sold of at least two outcomes (its last axis)")
    if outcomes is not None and arr.shape[-1] != outcomes:
        raise MechanismInputError(f"q must have {outcomes} outcomes on its last axis; got {arr.shape[-1]}")
    if not np.all(np.isfinite(arr)):
        raise MechanismInputError("q must be finite numbers of shares (no NaN or infinity)")
    return arr


def _liquidity(name: str, b) -> np.ndarray:
    arr = np.asarray(b, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise MechanismInputError(f"{name} must be a finite number > 0 (the market's liquidity); got {b!r}")
    return arr


def _outcome(outcome, n: int) -> np.ndarray:
    arr = np.asarray(outcome)
    if arr.dtype.kind not in "iu" or np.any(arr < 0) or np.any(arr >= n):
        raise MechanismInputError(f"outcome must be whole numbers from 0 to {n - 1}; got {outcome!r}")
    return arr.astype(np.int64)


def _probability(name: str, p) -> np.ndarray:
    arr = np.asarray(p, dtype=float)
    if not np.all((arr > 0) & (arr < 1)):
        raise MechanismInputError(f"{name} must be a probability strictly between 0 and 1; got {p!r}")
    return arr


def _budget(budget) -> np.ndarray:
    arr = np.asarray(budget, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise MechanismInputError(f"budget must be finite numbers of credits >= 0; got {budget!r}")
    return arr


def _pick(values: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """values[..., outcome] row by row (outcome broadcasts against values' leading axes)."""
    index = np.broadcast_to(outcome, values.shape[:-1])[..., None]
    return np.take_along_axis(values, index, axis=-1)[..., 0]


# -- the logarithmic market scoring rule --------------------------------------------------------------
def lmsr_cost(q, b):
    """Hanson's LMSR cost function C(q) = b ln sum_k exp(q_k / b), in credits.

    Computed as max q + b ln sum exp((q - max q) / b), which never overflows.

    Reference: Hanson, "Combinatorial information market design", Information Systems Frontiers
    5(1), 2003; "Logarithmic market scoring rules for modular combinatorial information
    aggregation", J. Prediction Markets 1(1), 2007.

    Example:
        >>> round(float(lmsr_cost([0.0, 0.0], b=10)), 4)           # 10 ln 2
        6.9315
        >>> round(float(lmsr_cost([10.0, 0.0], b=10)), 4)          # 10 ln(e + 1)
        13.1326
    """
    q, b = _holdings(q), _liquidity("b", b)
    top = q.max(axis=-1)
    return top + b * np.log(np.exp((q - top[..., None]) / b[..., None]).sum(axis=-1))


def lmsr_prices(q, b) -> np.ndarray:
    """The LMSR's instantaneous prices, softmax(q / b): each in (0, 1), summing to 1.

    Example:
        >>> lmsr_prices([0.0, 0.0], b=10).tolist()
        [0.5, 0.5]
        >>> [round(p, 4) for p in lmsr_prices([10.0, 0.0], b=10).tolist()]   # e / (1 + e)
        [0.7311, 0.2689]
    """
    q, b = _holdings(q), _liquidity("b", b)
    z = np.exp((q - q.max(axis=-1, keepdims=True)) / b[..., None])
    return z / z.sum(axis=-1, keepdims=True)


def lmsr_trade_cost(q, delta, b):
    """What a trade of ``delta`` shares costs at ``q``: C(q + delta) - C(q) (negative: a sale pays).

    Example:
        >>> round(float(lmsr_trade_cost([0.0, 0.0], [10.0, 0.0], b=10)), 4)   # 13.1326 - 6.9315
        6.2011
    """
    q = _holdings(q)
    delta = _holdings(delta, q.shape[-1])
    return lmsr_cost(q + delta, b) - lmsr_cost(q, b)


def lmsr_max_loss(b, outcomes: int = 2):
    """The LMSR market maker's worst-case loss, b ln n: C(0) = b ln n, and C(q) >= max_k q_k.

    Example:
        >>> round(float(lmsr_max_loss(10, 2)), 4)
        6.9315
    """
    if int(outcomes) != outcomes or outcomes < 2:
        raise MechanismInputError(f"outcomes must be a whole number >= 2; got {outcomes!r}")
    return _liquidity("b", b) * np.log(outcomes)


def lmsr_shares_to_price(q, b, outcome, price):
    """Shares of ``outcome`` that move its price to ``price`` (negative: shares to sell).

    Buying x shares of k multiplies its odds p_k / (1 - p_k) by exp(x / b), so
    x = b (logit(price) - logit(p_k)); the trade costs b ln((1 - p_k) / (1 - price)).

    Example:
        >>> round(float(lmsr_shares_to_price([0.0, 0.0], 10, 0, 0.8)), 4)   # 10 ln 4
        13.8629
    """
    q, b = _holdings(q), _liquidity("b", b)
    k = _outcome(outcome, q.shape[-1])
    target = _probability("price", price)
    now = _pick(lmsr_prices(q, b), k)
    return b * (_logit(target) - _logit(now))


def lmsr_shares_for_cost(q, b, outcome, budget):
    """Shares of ``outcome`` that ``budget`` credits buy: the x with C(q + x e_k) - C(q) = budget.

    In closed form, x = b ln(1 + (exp(budget / b) - 1) / p_k), p_k the price of k now.

    Example:
        >>> x = lmsr_shares_for_cost([0.0, 0.0], 10, 0, 6.2011)
        >>> round(float(x), 3)                       # the 10 shares of lmsr_trade_cost's example
        10.0
    """
    q, b = _holdings(q), _liquidity("b", b)
    k = _outcome(outcome, q.shape[-1])
    spend = _budget(budget)
    now = _pick(lmsr_prices(q, b), k)
    return b * np.log1p(np.expm1(spend / b) / now)


# -- the constant-product market maker (two outcomes) -------------------------------------------------
def cpmm_cost(q, liquidity):
    """The constant-product market maker as a cost function on two outcomes.

    A pool funded with L credits holds L shares of each outcome; a trader's credits mint complete
    sets into the pool and the trader takes out shares of its outcome so that the product of the
    pool's holdings stays L^2. After traders hold q and paid C - L in all, the pool holds C - q_k
    of each outcome, so C solves (C - q_0)(C - q_1) = L^2:
    C(q) = (q_0 + q_1 + sqrt((q_0 - q_1)^2 + 4 L^2)) / 2. Worst-case loss: C(0) = L.

    Reference: the fixed-product market maker of Gnosis's conditional tokens (2019); Angeris and
    Chitra, "Improved price oracles: constant function market makers", ACM AFT 2020.

    Example:
        >>> float(cpmm_cost([0.0, 0.0], 5))
        5.0
        >>> round(float(cpmm_cost([12.0, 0.0], 5)), 4)   # (12 + sqrt(144 + 100)) / 2 = (12 + 15.6205) / 2
        13.8102
    """
    q, L = _holdings(q, 2), _liquidity("liquidity", liquidity)
    d = q[..., 0] - q[..., 1]
    return (q[..., 0] + q[..., 1] + np.hypot(d, 2 * L)) / 2


def cpmm_prices(q, liquidity) -> np.ndarray:
    """Prices of the constant-product rule: p_0 = 1/2 + d / (2 sqrt(d^2 + 4 L^2)), d = q_0 - q_1
    (the pool's holdings of the other outcome over the sum of its holdings); they sum to 1.

    Example:
        >>> [round(p, 4) for p in cpmm_prices([12.0, 0.0], 5).tolist()]   # 1/2 + 12 / (2 x 15.62)
        [0.8841, 0.1159]
    """
    q, L = _holdings(q, 2), _liquidity("liquidity", liquidity)
    d = q[..., 0] - q[..., 1]
    p0 = 0.5 + d / (2 * np.hypot(d, 2 * L))
    return np.stack([p0, 1.0 - p0], axis=-1)


def cpmm_trade_cost(q, delta, liquidity):
    """C(q + delta) - C(q) under the constant-product rule.

    Example:
        >>> round(float(cpmm_trade_cost([0.0, 0.0], [12.0, 0.0], 5)), 4)
        8.8102
    """
    q = _holdings(q, 2)
    delta = _holdings(delta, 2)
    return cpmm_cost(q + delta, liquidity) - cpmm_cost(q, liquidity)


def cpmm_max_loss(liquidity, outcomes: int = 2):
    """Worst-case loss of the constant-product rule: L, the pool's funding (C(0) = L, C(q) > max q).

    Example:
        >>> float(cpmm_max_loss(5))
        5.0
    """
    if outcomes != 2:
        raise MechanismInputError(f"the constant-product rule here has two outcomes; got {outcomes!r}")
    return _liquidity("liquidity", liquidity) * 1.0


def cpmm_shares_to_price(q, liquidity, outcome, price):
    """Shares of ``outcome`` that move its price to ``price``: the gap d_k = q_k - q_other that gives
    that price is L (2 price - 1) / sqrt(price (1 - price)).

    Example:
        >>> round(float(cpmm_shares_to_price([0.0, 0.0], 5, 0, 0.8)), 4)   # 5 x 0.6 / 0.4
        7.5
    """
    q, L = _holdings(q, 2), _liquidity("liquidity", liquidity)
    k = _outcome(outcome, 2)
    target = _probability("price", price)
    gap = _pick(q, k) - _pick(q, 1 - k)
    return L * (2 * target - 1) / np.sqrt(target * (1 - target)) - gap


def cpmm_shares_for_cost(q, liquidity, outcome, budget):
    """Shares of ``outcome`` that ``budget`` buys: with C' = C(q) + budget, the new holding solves
    (C' - q_k - x)(C' - q_other) = L^2, so x = C' - q_k - L^2 / (C' - q_other).

    Example:
        >>> round(float(cpmm_shares_for_cost([0.0, 0.0], 5, 0, 8.8102)), 3)   # cpmm_trade_cost's 12 shares
        12.0
    """
    q, L = _holdings(q, 2), _liquidity("liquidity", liquidity)
    k = _outcome(outcome, 2)
    spend = _budget(budget)
    after = cpmm_cost(q, L) + spend
    return after - _pick(q, k) - L**2 / (after - _pick(q, 1 - k))


def _logit(p):
    return np.log(p) - np.log1p(-p)


class CostRule(NamedTuple):
    """A cost-function market maker's functions, each (q, liquidity, ...) as above."""

    name: str
    cost: Callable
    prices: Callable
    trade_cost: Callable
    max_loss: Callable
    shares_to_price: Callable
    shares_for_cost: Callable


#: The rules by name: ``lmsr`` (liquidity = b) and ``constant-product`` (liquidity = L).
SCORING_RULES = {
    "lmsr": CostRule("lmsr", lmsr_cost, lmsr_prices, lmsr_trade_cost, lmsr_max_loss, lmsr_shares_to_price,
                     lmsr_shares_for_cost),
    "constant-product": CostRule("constant-product", cpmm_cost, cpmm_prices, cpmm_trade_cost, cpmm_max_loss,
                                 cpmm_shares_to_price, cpmm_shares_for_cost),
}
