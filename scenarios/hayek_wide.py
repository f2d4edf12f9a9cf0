"""Scenario ``hayek-wide``: a production chain whose goods clear at Walrasian prices each step
(seed 004's wide market), so that the value of output shows up, step by step, in the prices of
the goods that go into it."""

import mesa
import numpy as np

from model.ledger import Transfer, to_credits, to_units
from model.market import MarketModel
from model.mechanisms import fisher_equilibrium
from model.params import Param, ParameterError

GOODS = ("raw", "intermediate")
RAW, INTERMEDIATE = 0, 1
ROLES = ("miner", "smith", "maker", "generalist")


class Producer(mesa.Agent):
    """An agent of the chain: a wallet, goods it holds, and a private productivity.

    Miners dig ``raw`` each step and only sell. Smiths turn raw into intermediate goods,
    makers turn intermediate goods into output, generalists turn either into output (raw at a
    lower yield); output is paid ``reward`` a unit by the world.
    """

    def __init__(self, model, role: str, productivity: float):
        super().__init__(model)
        self.role, self.productivity = role, productivity
        self.account = model.ledger.open_account(f"{role}:{self.unique_id}")
        self.holdings = np.zeros(len(GOODS))
        self.earned = 0.0   # credits the world paid it for output this step

    def valuation(self, last_prices: np.ndarray, reward: float, direct: float) -> np.ndarray:
        """What a unit of each good is worth to it now: what it can turn the unit into, at the
        last price of the intermediate good or the reward for output (its private numbers)."""
        value = np.zeros(len(GOODS))
        if self.role == "smith":
            value[RAW] = self.productivity * last_prices[INTERMEDIATE]
        elif self.role == "maker":
            value[INTERMEDIATE] = self.productivity * reward
        elif self.role == "generalist":
            value[RAW] = self.productivity * direct * reward
            value[INTERMEDIATE] = self.productivity * reward
        return value

    def step(self) -> None:
        """Produce: dig, or transform what it bought, and sell output to the world."""
        model = self.model
        self.earned = 0.0
        if self.role == "miner":
            self.holdings[RAW] += model.scenario.raw_per_miner
            return
        if self.role == "smith":
            self.holdings[INTERMEDIATE] += self.productivity * self.holdings[RAW]
            self.holdings[RAW] = 0.0
            return
        output = self.productivity * self.holdings[INTERMEDIATE]
        if self.role == "generalist":
            output += self.productivity * model.scenario.direct_yield * self.holdings[RAW]
            self.holdings[RAW] = 0.0
        self.holdings[INTERMEDIATE] = 0.0
        if output > 0:
            earned = to_units(output * model.scenario.reward)
            model.ledger.mint(self.account, earned, market="output", kind="reward")
            self.earned = to_credits(earned)


class GoodsMarket(mesa.Agent):
    """Each step every good held is offered; buyers bring a budget (``spend_share`` of their
    wallet) and their valuations; :func:`fisher_equilibrium` sets prices and allocations
    (seed 004, Algorithm 2); buyers pay, sellers are paid in proportion to what they offered."""

    market = "goods"

    def __init__(self, model):
        super().__init__(model)
        self.account = model.ledger.open_account("goods market")
        self.prices = np.full(len(GOODS), model.scenario.reward)  # a first guess: worth an output
        self.tickers = {name: _Ticker(name) for name in GOODS}
        self.iterations = 0

    def step(self) -> None:
        """Clear every good held in one Fisher market (seed 004, Algorithm 2): buyers' budgets and valuations in,
        prices and allocations out; buyers pay, sellers are paid in proportion to what they offered."""
        model, p = self.model, self.model.scenario
        sellers = [a for a in model.producers if a.holdings.any()]
        supplies = sum((a.holdings for a in sellers), np.zeros(len(GOODS)))
        buyers = [a for a in model.producers if a.role != "miner"]
        budgets = np.array([p.spend_share * to_credits(model.ledger.balance(a.account)) for a in buyers])
        values = np.array([a.valuation(self.prices, p.reward, p.direct_yield) for a in buyers])
        for ticker in self.tickers.values():
            ticker.revenue = 0.0
        traded = (supplies > 0) & (values[budgets > 0].max(axis=0, initial=0.0) > 0)
        active = (budgets > 0) & (values[:, traded] > 0).any(axis=1)
        if not traded.any() or not active.any():
            return
        goods = np.flatnonzero(traded)
        result = fisher_equilibrium(budgets[active], values[np.ix_(active, goods)], supplies[goods])
        self.iterations = result.iterations
        ledger = model.ledger
        paying = [a for a, on in zip(buyers, active) if on]
        charges = (result.allocation * result.prices).sum(axis=1)
        ledger.settle(Transfer(a.account, self.account, min(to_units(c), ledger.balance(a.account)), "goods",
                               float(result.allocation[k].sum()), "purchase") for k, (a, c) in enumerate(zip(paying, charges)))
        for column, good in enumerate(goods):
            price = float(result.prices[column])
            self.prices[good] = price
            ticker = self.tickers[GOODS[good]]
            ticker.price, ticker.revenue = price, price * supplies[good]
            for seller in sellers:
                share = seller.holdings[good]
                if share > 0:
                    paid = min(to_units(price * share), ledger.balance(self.account))
                    ledger.transfer(self.account, seller.account, paid, market=GOODS[good], quantity=float(share),
                                    kind="sale")
                    seller.holdings[good] = 0.0
            for k, buyer in enumerate(paying):
                buyer.holdings[good] += result.allocation[k, column]


class _Ticker:
    def __init__(self, market: str):
        self.market, self.price, self.revenue = market, float("nan"), 0.0


class HayekWideModel(MarketModel):
    """A chain raw -> intermediate -> output cleared by a Fisher market each step.

    Miners dig raw goods; smiths (private productivity around 1) make intermediate goods;
    makers (around 1) and generalists (around 1, but only ``direct_yield`` from raw) make output,
    which the world pays ``reward`` a unit. Every good on offer clears at the Walrasian prices of
    a Fisher market with linear utilities (:func:`fisher_equilibrium`), buyers spending
    ``spend_share`` of their wallets. Nobody is told what raw goods are worth: the reward for
    output is known only to those who make it, and reaches the miners through prices (seed 004:
    prices by backpropagation). The observer compares each price with the value of one more
    unit of the good at the best productivities (``value:<good>``) and scores output against
    the best use of this step's raw goods.
    """

    name = "hayek-wide"
    summary = "a production chain cleared at Walrasian (Fisher) prices: watch value flow back through prices"
    default_steps = 200
    participant_types = (Producer,)
    explanation = r"""
**The wide market (seed 004, Algorithm 2).** Goods are owned, offered and cleared together each
step at the equilibrium of a Fisher market: buyer $i$ brings budget $B_i$ and values a unit of good
$j$ at $u_{ij}$; prices $p$ clear every good, each buyer spends $B_i$ on its best buys
$\arg\max_j u_{ij}/p_j$ (the optimum of Eisenberg–Gale's $\max \sum_i B_i \log u_i\cdot x_i$).
Only makers know what output earns; their valuation of intermediate goods sets its price, which
smiths use to value raw goods, which sets the miners' income: the price of each input settles
near the value of what it becomes, $p_{raw} \approx \pi_{smith}\, p_{int}$, $p_{int} \approx \pi_{maker}\, R$.
"""
    params = (
        Param("miners", 2, "agents who dig raw goods", low=1, high=300),
        Param("smiths", 4, "agents who make intermediate goods from raw (a step takes ~3 s at 300 of each)",
              low=0, high=300),
        Param("makers", 4, "agents who make output from intermediate goods", low=0, high=300),
        Param("generalists", 2, "agents who make output from either (raw at a lower yield)", low=0, high=300),
        Param("raw_per_miner", 5.0, "raw goods a miner digs each step", low=0.001, high=1e6),
        Param("reward", 1.0, "what the world pays for a unit of output", low=0.001, high=1e6),
        Param("direct_yield", 0.6, "output per raw good for a generalist (vs about 1 via the chain)", low=0, high=1),
        Param("spread", 0.4, "productivities are U[1 - spread/2, 1 + spread/2]", low=0, high=1.9),
        Param("spend_share", 0.5, "share of its wallet a buyer spends each step", low=0.01, high=1),
        Param("endowment", 10.0, "starting wallet of every buyer", low=0, high=1e9),
    )

    @classmethod
    def check(cls, values) -> None:
        """Refuse a chain with nobody to make output (makers + generalists) or to buy raw goods (smiths +
        generalists)."""
        if values["makers"] + values["generalists"] == 0:
            raise ParameterError("makers + generalists must be at least 1: nobody would make output, so no good "
                                 "is worth anything and the optimum is 0")
        if values["smiths"] + values["generalists"] == 0:
            raise ParameterError("smiths + generalists must be at least 1: nobody would buy the raw goods the "
                                 "miners dig")

    @classmethod
    def money_bound(cls, values, steps):
        """Endowments, then output paid by the world: at most every raw good dug turned into
        output at the best productivity twice over (1 + spread/2)^2."""
        buyers = values["smiths"] + values["makers"] + values["generalists"]
        best = (1 + values["spread"] / 2) ** 2
        output = steps * values["miners"] * values["raw_per_miner"] * best * values["reward"]
        return buyers * values["endowment"] + output, "miners x raw_per_miner x reward (output paid by the world)"

    def setup(self) -> None:
        """The producers by role with productivities U[1 - spread/2, 1 + spread/2], their endowments, the goods
        market, and the observer's value of a unit of each good at the best productivities."""
        p = self.scenario
        self.producers = []
        for role, count in zip(ROLES, (p.miners, p.smiths, p.makers, p.generalists)):
            for productivity in self.rng.uniform(1 - p.spread / 2, 1 + p.spread / 2, count):
                agent = Producer(self, role, 1.0 if role == "miner" else float(productivity))
                self.producers.append(agent)
                if role != "miner" and p.endowment:
                    self.ledger.mint(agent.account, to_units(p.endowment), kind="endowment")
        self.market = GoodsMarket(self)
        self.add_exchange(self.market)
        best = {role: max((a.productivity for a in self.producers if a.role == role), default=0.0) for role in ROLES}
        # the observer's yardsticks: what one more unit is worth at the best productivities
        self.value = np.array([max(best["smith"] * best["maker"], best["generalist"] * p.direct_yield) * p.reward,
                               max(best["maker"], best["generalist"]) * p.reward])

    def environment(self) -> None:
        """Nothing before the market: production happens in the producers' own step."""
        pass  # production happens in the producers' own step, after the goods market (below)

    def observe(self) -> None:
        """Welfare: the output credits the producers earned this step. Optimum: every raw unit dug carried to
        output along the most productive chain."""
        p = self.scenario
        self.welfare = sum(a.earned for a in self.traders)   # in the order they produced
        self.optimum = p.miners * p.raw_per_miner * self.value[RAW]

    def extra_reporters(self):
        """The observer's value of each good and the Fisher market's iterations."""
        reporters = {f"value:{good}": (lambda m, j=j: float(m.value[j])) for j, good in enumerate(GOODS)}
        reporters["fisher_iterations"] = lambda m: m.market.iterations
        return reporters
