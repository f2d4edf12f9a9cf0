"""Market mechanisms as pure functions over numpy arrays.

No Mesa, no agents, no I/O: each function takes bids (never true valuations,
except the planners, which are yardsticks for the observer) and returns a
:class:`Clearing`. Ties are broken by the lowest index. Bad input raises
:class:`MechanismInputError`, a ValueError naming the argument.
"""

from model.mechanisms._checks import MechanismInputError
from model.mechanisms.clearing import Clearing
from model.mechanisms.density import density_clear
from model.mechanisms.planners import arrival_order, optimal_allocation, optimal_assignment
from model.mechanisms.procurement import reverse_auction, sequential_reverse_auctions
from model.mechanisms.sealed_bid import first_price, second_price, uniform_price

__all__ = [
    "Clearing",
    "MechanismInputError",
    "arrival_order",
    "density_clear",
    "first_price",
    "optimal_allocation",
    "optimal_assignment",
    "reverse_auction",
    "second_price",
    "sequential_reverse_auctions",
    "uniform_price",
]
