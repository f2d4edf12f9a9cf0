"""Throughput of the commons scenarios, measured in one run (python -m benchmarks.commons).

Prints:
* agent-steps per second of ``public-goods`` at 10^3, 10^4 and 10^5 agents, each mechanism,
  truthful agents and Hedge learners, the good's cost scaled with the fleet (4 credits an
  agent, as in seed 001's 40 hours for 10), after 2 warm-up rounds;
* the exact-integer parts of settlement at the same sizes: the Clarke taxes in minor units
  (Python integers) and the largest-remainder split;
* agent-steps per second of ``harberger`` at 10^3 and 10^4 agents (modules = agents / 5, 3
  each at most, best-response owners), after 5 warm-up periods, with the observer's exact
  best assignment (linear_sum_assignment) timed apart; at 10^4 agents the assignment exceeds
  4 million cells and the optimum is left empty.

Every figure is the best of ``REPEATS`` timings.
"""

import numpy as np

from benchmarks.timing import best_time
from model.mechanisms import best_ownership, clarke_pivot_units, largest_remainder
from scenarios.harberger import HarbergerModel
from scenarios.public_goods import PublicGoodsModel

MECHANISMS = ("voluntary", "assurance", "dominant-assurance", "clarke")


def stepped(model, steps: int) -> float:
    return best_time(lambda: [model.step() for _ in range(steps)]) / steps


def bench_public_goods() -> None:
    print("agent-steps per second: public-goods (cost 4 credits x agents), truthful / Hedge learners")
    print(f"  {'agents':>9}  " + "  ".join(f"{m:>22}" for m in MECHANISMS))
    for agents, steps in ((10**3, 50), (10**4, 10), (10**5, 2)):
        cells = []
        for mechanism in MECHANISMS:
            rates = []
            for strategy in ("truthful", "hedge"):
                model = PublicGoodsModel(rng=1, agents=agents, cost=4.0 * agents, mechanism=mechanism,
                                         strategy=strategy, value_low=2.0, entrepreneur_budget=1e9)
                for _ in range(2):
                    model.step()
                rates.append(agents / stepped(model, steps))
            cells.append(f"{rates[0]:>10,.0f} / {rates[1]:>9,.0f}")
        print(f"  {agents:>9,}  " + "  ".join(f"{c:>22}" for c in cells))


def bench_settlement() -> None:
    print("exact settlement in minor units: Clarke taxes (Python integers), largest-remainder split")
    rng = np.random.default_rng(0)
    for n in (10**3, 10**4, 10**5):
        reports = rng.integers(0, 10 * 10**6, n)
        clarke = best_time(lambda: clarke_pivot_units(reports, 4 * 10**6 * n))
        split = best_time(lambda: largest_remainder(4 * 10**6 * n, reports))
        print(f"  {n:>9,} agents  clarke_pivot_units {clarke * 1e3:7.1f} ms  largest_remainder {split * 1e3:7.1f} ms")


def bench_harberger() -> None:
    print("agent-steps per second: harberger (modules = agents / 5, capacity 3, best-response owners)")
    print(f"  {'agents':>9}  {'modules':>8}  {'agent-steps/s':>14}  {'ms/step':>8}  {'exact optimum/step':>19}")
    for agents, steps in ((10**3, 20), (10**4, 5)):
        modules = agents // 5
        model = HarbergerModel(rng=1, agents=agents, modules=modules, capacity=3)
        for _ in range(5):
            model.step()
        seconds = stepped(model, steps)
        cells = agents * 3 * modules
        if cells <= 4_000_000:
            values = model.owners.true_base() * model.market.health
            optimum = f"{best_time(lambda: best_ownership(values, 3)) * 1e3:15.0f} ms"
        else:
            optimum = f"(not solved: {cells / 1e6:.0f} M cells)"
        print(f"  {agents:>9,}  {modules:>8,}  {agents / seconds:>14,.0f}  {seconds * 1e3:>8.1f}  {optimum:>19}")


if __name__ == "__main__":
    bench_public_goods()
    bench_settlement()
    bench_harberger()
