"""The scenario registry: a dict from name to model class. Add a scenario here."""

import difflib

from model.market import MarketModel
from model.params import ParameterError
from scenarios.combinatorial import CombinatorialModel
from scenarios.debt_tokens import DebtTokensModel
from scenarios.double_auction import DoubleAuctionModel
from scenarios.efficiency import EfficiencyModel
from scenarios.evolution import EvolutionModel
from scenarios.expertise import ExpertiseModel
from scenarios.harberger import HarbergerModel
from scenarios.hayek_machine import HayekMachineModel
from scenarios.hayek_wide import HayekWideModel
from scenarios.prediction_market import PredictionMarketModel
from scenarios.public_goods import PublicGoodsModel
from scenarios.resource_trading import ResourceTradingModel
from scenarios.sealed_bid import SealedBidModel
from scenarios.task_auction import TaskAuctionModel

#: In the order ``catallaxy list`` and the dashboard's picker show them: the classroom staples
#: first, then the fleet's markets, seed by seed.
SCENARIOS: dict[str, type[MarketModel]] = {
    m.name: m for m in (SealedBidModel, EfficiencyModel, DoubleAuctionModel, TaskAuctionModel, ResourceTradingModel,
                        DebtTokensModel, HayekMachineModel, HayekWideModel, CombinatorialModel, PublicGoodsModel,
                        HarbergerModel, PredictionMarketModel, ExpertiseModel, EvolutionModel)
}

#: The scenario the dashboard and the demo open on.
DEFAULT_SCENARIO = "sealed-bid"


class UnknownScenario(ParameterError):
    """A scenario name that is not registered."""


def get_scenario(name: str) -> type[MarketModel]:
    """The model class registered under ``name``, or a clear error listing the names."""
    try:
        return SCENARIOS[name]
    except KeyError:
        close = difflib.get_close_matches(name, SCENARIOS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnknownScenario(
            f"unknown scenario {name!r}{hint}; available: {', '.join(SCENARIOS)}"
        ) from None
