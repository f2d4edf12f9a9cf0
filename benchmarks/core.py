"""Throughput of the foundation, measured in one run (python -m benchmarks.core).

Prints:
* bids cleared per second by ``density_clear`` at 10^4, 10^5, 10^6 bids, and the
  speed-up over the per-bid Python implementation of the same rule at 10^4;
* agent-steps per second of the ``sealed-bid`` model at 10^3, 10^4, 10^5 traders,
  next to Mesa's Boltzmann wealth model (the standard Mesa baseline) at the same
  sizes, in the same process. Boltzmann runs at one agent per grid cell, the
  density of Mesa's own example (100 agents on 10 x 10);
* agent-steps per second of the ``task-auction`` model (market and planner) at 10^3
  and 10^4 workers, 0.2 tasks per worker per step, after a warm-up that fills the
  fleet with work;
* agent-steps per second of the ``resource-trading`` model for each mechanism at 10^3,
  10^4 and 10^5 agents, capacities and the treasury's budget scaled with the fleet (the
  default's scarcity), the market alone (no exact LP optimum; its cost is printed apart at
  10^3 and 10^4). The 10^5 row is a single step, not a best of 3;
* steps per second of the ``hayek-machine`` deep market (chain, first price and Vickrey)
  with 100, 1,000 and 10,000 sub-agents, after 20 warm-up steps;
* agent-steps per second of the ``debt-tokens`` model for each trading mode with 15, 150
  and 1,500 developers (one in five a specialist), the crisis threshold and the health
  scale grown with the fleet, after 20 warm-up steps.

Every figure is the best of ``REPEATS`` timings.
"""

import math
import time

import numpy as np
from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth

from testkit.reference import density_clear_reference
from benchmarks.timing import best_time
from model.mechanisms import density_clear
from scenarios.debt_tokens import DebtTokensModel
from scenarios.sealed_bid import SealedBidModel
from scenarios.hayek_machine import HayekMachineModel
from scenarios.resource_trading import ResourceTradingModel
from scenarios.task_auction import TaskAuctionModel


def random_bids(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    quantities = rng.integers(1, 11, n).astype(float)
    values = rng.random(n) * quantities
    return values, quantities, quantities.sum() / 2  # half the demand can be served


def bench_density_clear() -> None:
    print("density_clear (all-or-nothing bids, supply = half the demand)")
    for n in (10**4, 10**5, 10**6):
        values, quantities, supply = random_bids(n)
        seconds = best_time(lambda: density_clear(values, quantities, supply))
        print(f"  {n:>9,} bids  {seconds * 1e3:8.1f} ms  {n / seconds / 1e6:6.2f} M bids/s")
    values, quantities, supply = random_bids(10**4)
    fast = best_time(lambda: density_clear(values, quantities, supply))
    v, q = values.tolist(), quantities.tolist()
    slow = best_time(lambda: density_clear_reference(v, q, supply))
    print(f"  per-bid Python reference at 10,000 bids: {slow * 1e3:.1f} ms -> numpy is {slow / fast:,.0f}x faster")


def agent_steps_per_second(model, agents: int, steps: int) -> float:
    seconds = best_time(lambda: [model.step() for _ in range(steps)])
    return agents * steps / seconds


def bench_models() -> None:
    print("agent-steps per second: sealed-bid model vs Mesa's Boltzmann wealth model")
    print(f"  {'agents':>9}  {'sealed-bid':>12}  {'boltzmann':>12}  {'ratio':>6}")
    for agents, steps in ((10**3, 100), (10**4, 10), (10**5, 2)):
        market = SealedBidModel(rng=1, bidders=agents, rule="second")
        side = math.ceil(math.sqrt(agents))
        boltzmann = BoltzmannWealth(BoltzmannScenario(rng=1, n=agents, width=side, height=side))
        ours = agent_steps_per_second(market, agents, steps)
        theirs = agent_steps_per_second(boltzmann, agents, steps)
        print(f"  {agents:>9,}  {ours:>12,.0f}  {theirs:>12,.0f}  {ours / theirs:>5.2f}x")


def bench_task_auction() -> None:
    print("agent-steps per second: task-auction (workers; each step ~0.2 tasks per worker arrive)")
    print(f"  {'workers':>9}  {'market':>12}  {'planner':>12}  {'tasks/step':>10}")
    for workers, steps in ((10**3, 20), (10**4, 3)):
        rates = []
        for allocator in ("market", "planner"):
            model = TaskAuctionModel(rng=1, workers=workers, mechanism=allocator)
            for _ in range(10):  # warm-up: work in progress, a backlog
                model.step()
            rates.append(agent_steps_per_second(model, workers, steps))
        print(f"  {workers:>9,}  {rates[0]:>12,.0f}  {rates[1]:>12,.0f}  {0.2 * workers:>10,.0f}")


def bench_resource_trading() -> None:
    mechanisms = ("amm", "tatonnement", "density", "cda")
    print("agent-steps per second: resource-trading (market only), and the exact LP optimum's time per step")
    print(f"  {'agents':>9}  " + "  ".join(f"{m:>12}" for m in mechanisms) + f"  {'LP/step':>9}")
    for agents, steps in ((10**3, 10), (10**4, 3), (10**5, 1)):
        resources = f"tool_slots:{agents * 3 // 5},api_rate:{agents * 6 // 5},gpu_quota:{agents * 3 // 10}"
        rates = []
        for mechanism in mechanisms:
            model = ResourceTradingModel(rng=1, agents=agents, resources=resources, mechanism=mechanism,
                                         fiat_budget=2.0 * agents, exact_optimum=False)  # 20 tokens/agent/day
            model.step()  # warm-up
            if agents < 10**5:
                rates.append(agent_steps_per_second(model, agents, steps))
            else:  # one timing: a double-auction step at this size takes tens of seconds
                start = time.perf_counter()
                model.step()
                rates.append(agents / (time.perf_counter() - start))
        lp = ""
        if agents <= 10**4:
            scored = ResourceTradingModel(rng=1, agents=agents, resources=resources, fiat_budget=2.0 * agents)
            scored.step()
            lp = f"{best_time(scored._optimum) * 1e3:7.0f} ms"
        print(f"  {agents:>9,}  " + "  ".join(f"{r:>12,.0f}" for r in rates) + f"  {lp:>9}")


def bench_hayek_machine() -> None:
    print("steps per second: hayek-machine (chain of 8 states)")
    print(f"  {'sub-agents':>10}  {'first price':>12}  {'vickrey':>12}")
    for agents in (100, 1_000, 10_000):
        rates = []
        for auction in ("first", "second"):
            model = HayekMachineModel(rng=1, agents=agents, rule=auction)
            for _ in range(20):
                model.step()
            rates.append(200 / best_time(lambda: [model.step() for _ in range(200)]))
        print(f"  {agents:>10,}  {rates[0]:>12,.0f}  {rates[1]:>12,.0f}")


def bench_debt_tokens() -> None:
    modes = ("off", "auction", "cda")
    print("agent-steps per second: debt-tokens (features + specialists)")
    print(f"  {'developers':>10}  " + "  ".join(f"{m:>12}" for m in modes))
    for features, steps in ((12, 50), (120, 10), (1200, 3)):
        scale = features / 12
        rates = []
        for trading in modes:
            model = DebtTokensModel(rng=1, features=features, specialists=features // 4, mechanism=trading,
                                    crisis_threshold=300.0 * scale, health_scale=500.0 * scale)
            for _ in range(20):
                model.step()
            rates.append(agent_steps_per_second(model, features + features // 4, steps))
        print(f"  {features + features // 4:>10,}  " + "  ".join(f"{r:>12,.0f}" for r in rates))


if __name__ == "__main__":
    bench_density_clear()
    bench_models()
    bench_task_auction()
    bench_resource_trading()
    bench_hayek_machine()
    bench_debt_tokens()
