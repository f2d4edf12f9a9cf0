"""Market mechanisms as pure functions over numpy arrays.

No Mesa, no agents, no I/O: each function takes bids (never true valuations,
except the planners, which are yardsticks for the observer) and returns its
outcome (a :class:`Clearing` for the auctions). The one stateful object is the
order book, since a continuous double auction keeps orders between arrivals:
:class:`OrderBook` in plain Python (the reference) and :class:`CompiledOrderBook`,
the same rule compiled with numba. Ties are broken by the lowest index (or the
earliest order). Bad input raises :class:`MechanismInputError`, a ValueError
naming the argument.
"""

from model.mechanisms._checks import MechanismInputError
from model.mechanisms.clearing import Assignment, Clearing, Equilibrium, Plan
from model.mechanisms.combinatorial import (CombinatorialOutcome, PackageBids, clock_auction, package_bids,
                                            pay_as_bid_combinatorial, vcg, winner_determination)
from model.mechanisms.congestion import congestion_price, logit_shares, smoothed_price
from model.mechanisms.density import density_clear
from model.mechanisms.fisher import fisher_equilibrium
from model.mechanisms.harberger import (best_ownership, best_response, expected_owner_payoff,
                                         first_best_value_per_health, forced_sales, harberger_tax,
                                         maintenance_hours, payoff_per_health, truthful_tax_rate,
                                         uniform_best_response, uniform_survival)
from model.mechanisms.order_book import Fill, OrderBook
from model.mechanisms.planners import (arrival_order, optimal_allocation, optimal_assignment,
                                      optimal_resource_allocation)
from model.mechanisms.procurement import reverse_auction, sequential_reverse_auctions
from model.mechanisms.public_goods import (PROVISION_MECHANISMS, Provision, assurance_contract, clarke_pivot,
                                            clarke_pivot_units,
                                            dominant_assurance_contract, dominant_assurance_expected_profit,
                                            largest_remainder, offer_utilities, provision_optimum,
                                            voluntary_contributions)
from model.mechanisms.sealed_bid import first_price, second_price, uniform_price
from model.mechanisms.scoring_rules import (SCORING_RULES, CostRule, cpmm_cost, cpmm_prices, cpmm_trade_cost,
                                           lmsr_cost, lmsr_max_loss, lmsr_prices, lmsr_shares_for_cost,
                                           lmsr_shares_to_price, lmsr_trade_cost)
from model.mechanisms.tatonnement import tatonnement


def __getattr__(name):
    # The compiled book loads numba (~0.3 s): only when someone asks for it, so that importing
    # the mechanisms (every scenario, the CLI, sweep workers) does not pay for it.
    if name == "CompiledOrderBook":
        from model.mechanisms.order_book_compiled import CompiledOrderBook
        return CompiledOrderBook
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Clearing",
    "CombinatorialOutcome",
    "CompiledOrderBook",
    "Equilibrium",
    "Plan",
    "Assignment",
    "Fill",
    "MechanismInputError",
    "OrderBook",
    "PackageBids",
    "arrival_order",
    "clock_auction",
    "congestion_price",
    "density_clear",
    "first_price",
    "fisher_equilibrium",
    "logit_shares",
    "optimal_allocation",
    "optimal_assignment",
    "optimal_resource_allocation",
    "package_bids",
    "pay_as_bid_combinatorial",
    "reverse_auction",
    "second_price",
    "sequential_reverse_auctions",
    "smoothed_price",
    "tatonnement",
    "uniform_price",
    "vcg",
    "winner_determination",
    "SCORING_RULES",
    "CostRule",
    "cpmm_cost",
    "cpmm_prices",
    "cpmm_trade_cost",
    "lmsr_cost",
    "lmsr_max_loss",
    "lmsr_prices",
    "lmsr_shares_for_cost",
    "lmsr_shares_to_price",
    "lmsr_trade_cost",
    "PROVISION_MECHANISMS",
    "Provision",
    "assurance_contract",
    "best_ownership",
    "best_response",
    "clarke_pivot",
    "clarke_pivot_units",
    "dominant_assurance_contract",
    "dominant_assurance_expected_profit",
    "expected_owner_payoff",
    "first_best_value_per_health",
    "forced_sales",
    "harberger_tax",
    "largest_remainder",
    "maintenance_hours",
    "offer_utilities",
    "payoff_per_health",
    "provision_optimum",
    "truthful_tax_rate",
    "uniform_best_response",
    "uniform_survival",
    "voluntary_contributions",
]
