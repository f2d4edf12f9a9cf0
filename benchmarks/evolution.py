"""Throughput of the ``evolution`` scenario (python -m benchmarks.evolution).

Prints agent-steps per second at 10^3 and 10^4 agents, with the gate on and off, providers
scaled with the fleet (one per 10 agents, so that upgrades keep the same pace), after a
warm-up of 40 steps (wallets past the threshold, cycles, licences and a growing registry),
best of 3 blocks of 10 steps. The observer's exact optimum (brute force over the undominated
deployed artifacts x the agents) is timed apart, as the share of a step it takes.
"""

import math
import time

from scenarios.evolution import EvolutionModel

REPEATS, WARM_UP, BLOCK = 3, 40, 10


def bench(agents: int, gate: str) -> tuple[float, float]:
    model = EvolutionModel(rng=0, agents=agents, providers=max(1, agents // 10), gate=gate)
    for _ in range(WARM_UP):
        model.step()
    best = math.inf
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(BLOCK):
            model.step()
        best = min(best, (time.perf_counter() - start) / BLOCK)
    frontier = model.artifacts.true_best_candidates()
    desk = model.desk
    start = time.perf_counter()
    model.artifacts.true_surplus(frontier[:, None], desk.draws[desk.working][None], model.terms).max(axis=0)
    optimum = time.perf_counter() - start
    return agents / best, optimum / best


def main() -> None:
    print("| agents | gate on agent-steps/s | optimum's share | gate off agent-steps/s | optimum's share |")
    print("|---|---|---|---|---|")
    for agents in (1_000, 10_000):
        on, off = bench(agents, "on"), bench(agents, "off")
        print(f"| {agents:,} | {on[0]:,.0f} | {on[1]:.0%} | {off[0]:,.0f} | {off[1]:.0%} |")


if __name__ == "__main__":
    main()
