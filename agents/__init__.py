"""Mesa agents: traders with wallets and private valuations, and market makers."""

from agents.market_maker import MarketMaker
from agents.strategies import STRATEGIES, make_strategy
from agents.trader import Trader

__all__ = ["STRATEGIES", "MarketMaker", "Trader", "make_strategy"]
