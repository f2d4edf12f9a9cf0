"""Every mechanism by name, in families: within a family every member takes the same arguments
and returns the same outcome type, so a scenario (or a student) swaps one for another by name,
as networkx's ``flow_func=`` swaps max-flow algorithms. tests/model/mechanisms/test_contract.py
runs the family's shared properties over every member registered here.

* ``AUCTIONS``: ``clear(bids, quantities, supply, *, reserve=0.0, budgets=None) -> Clearing``.
  Buyers' sealed bids (credits for the whole of ``quantities[i]`` units, all or nothing) for
  ``supply`` units. The unit-demand rules (first, second, uniform) need every quantity 1.
* ``PROCUREMENT``: ``clear(asks, reserve=inf) -> Clearing``: one job, sellers' asks (NaN: not
  asking), the buyer's reserve.
* ``PACKAGE``: ``clear(bids, n_goods, **options) -> CombinatorialOutcome``: XOR package bids
  ``(bidder, bundle, value)`` on ``n_goods`` indivisible goods.
* ``PLANNERS``: the observer's exact yardsticks over TRUE values (never a market maker's),
  each ``-> Plan``; their arguments differ by problem (a knapsack, an assignment, a transport LP).
* ``EQUILIBRIA``: price-finding rules ``-> Equilibrium``.
"""

import math

import numpy as np

from model.mechanisms._checks import MechanismInputError, as_count, as_vector
from model.mechanisms.clearing import Clearing
from model.mechanisms.combinatorial import clock_auction, pay_as_bid_combinatorial, vcg
from model.mechanisms.density import density_clear
from model.mechanisms.fisher import fisher_equilibrium
from model.mechanisms.planners import arrival_order, optimal_allocation, optimal_assignment, optimal_resource_allocation
from model.mechanisms.procurement import reverse_auction
from model.mechanisms.sealed_bid import first_price, second_price, uniform_price
from model.mechanisms.tatonnement import tatonnement


def _unit_demand(name: str, bids, quantities, supply):
    bids = as_vector("bids", bids)
    if quantities is not None:
        quantities = as_vector("quantities", quantities)
        if len(quantities) != len(bids) or np.any(quantities != 1):
            raise MechanismInputError(f"{name} sells to unit-demand bidders: every quantity must be 1")
    return bids, as_count("supply", supply)


def first(bids, quantities=None, supply=1, *, reserve=0.0, budgets=None) -> Clearing:
    """:func:`~model.mechanisms.sealed_bid.first_price` (one item, ``supply`` must be 1)."""
    bids, supply = _unit_demand("first price", bids, quantities, supply)
    if supply != 1:
        raise MechanismInputError("first price sells one item: supply must be 1 (uniform sells several)")
    return first_price(bids, reserve)


def second(bids, quantities=None, supply=1, *, reserve=0.0, budgets=None) -> Clearing:
    """:func:`~model.mechanisms.sealed_bid.second_price` (one item; several: ``uniform``)."""
    bids, supply = _unit_demand("second price", bids, quantities, supply)
    if supply != 1:
        raise MechanismInputError("second price sells one item: supply must be 1 (uniform sells several)")
    return second_price(bids, reserve)


def uniform(bids, quantities=None, supply=1, *, reserve=0.0, budgets=None) -> Clearing:
    """:func:`~model.mechanisms.sealed_bid.uniform_price` of ``supply`` identical units."""
    bids, supply = _unit_demand("uniform price", bids, quantities, supply)
    return uniform_price(bids, supply, reserve)


def density(bids, quantities=None, supply=1, *, reserve=0.0, budgets=None) -> Clearing:
    """:func:`~model.mechanisms.density.density_clear` (no reserve price: it prices by the bid displaced)."""
    bids = as_vector("bids", bids)
    if reserve:
        raise MechanismInputError("density clearing has no reserve price; its price is the bid a winner displaced")
    return density_clear(bids, np.ones(len(bids)) if quantities is None else quantities, supply, budgets=budgets)


AUCTIONS = {"first": first, "second": second, "uniform": uniform, "density": density}

PROCUREMENT = {
    "first": lambda asks, reserve=math.inf: reverse_auction(asks, reserve, rule="first"),
    "second": lambda asks, reserve=math.inf: reverse_auction(asks, reserve, rule="second"),
}

PACKAGE = {"vcg": vcg, "pay-as-bid": pay_as_bid_combinatorial, "clock": clock_auction}

PLANNERS = {"knapsack": optimal_allocation, "arrival-order": arrival_order, "assignment": optimal_assignment,
            "transport": optimal_resource_allocation}

EQUILIBRIA = {"tatonnement": tatonnement, "fisher": fisher_equilibrium}

#: Family name -> {mechanism name -> function}.
MECHANISMS = {"auction": AUCTIONS, "procurement": PROCUREMENT, "package": PACKAGE, "planner": PLANNERS,
              "equilibrium": EQUILIBRIA}


def mechanism(family: str, name: str):
    """The mechanism ``name`` of ``family``, or a MechanismInputError listing the names.

    Example:
        >>> mechanism("auction", "second")([0.3, 0.9, 0.5], [1, 1, 1], 1).payments.tolist()
        [0.0, 0.5, 0.0]
    """
    if family not in MECHANISMS:
        raise MechanismInputError(f"unknown family {family!r}; families: {', '.join(MECHANISMS)}")
    members = MECHANISMS[family]
    if name not in members:
        raise MechanismInputError(f"unknown {family} mechanism {name!r}; choose one of {', '.join(members)}")
    return members[name]
