"""Winner determination and full VCG on CATS-style instances (python -m benchmarks.combinatorial).

For each generator and size (goods x bids: 20 x 100, 50 x 250, 100 x 500) it draws instances
with seeds 0, 1, 2 (seed 0 alone at 100 x 500) and prints the median time of the winner
determination program, the median and the slowest full VCG call (one program for W*, one per
contested winner, on the machine's cores), the integer programs per VCG call, and at 50 x 250
the median VCG time on one thread. The target: full VCG at 50 x 250 in under 10 s.
"""

import statistics
import time

import numpy as np

from model.cats import GENERATORS, generate
from model.mechanisms import vcg, winner_determination

SIZES = ((20, 100), (50, 250), (100, 500))


def timed(work):
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def bench_vcg() -> None:
    print("winner determination and VCG (seconds; median over seeds, VCG also the slowest)")
    print(f"  {'generator':>10}  {'goods x bids':>12}  {'WDP':>7}  {'VCG':>7}  {'slowest':>7}  "
          f"{'IPs/VCG':>7}  {'VCG 1 thread':>12}")
    for kind in GENERATORS:
        for goods, bids in SIZES:
            seeds = (0,) if goods == 100 else (0, 1, 2)
            wdp, full, ips, single = [], [], [], []
            for seed in seeds:
                instance = generate(kind, goods, bids, np.random.default_rng(seed))
                wdp.append(timed(lambda: winner_determination(instance, goods))[0])
                seconds, outcome = timed(lambda: vcg(instance, goods))
                full.append(seconds)
                ips.append(outcome.ip_solves)
                if goods == 50:
                    single.append(timed(lambda: vcg(instance, goods, workers=1))[0])
            one = f"{statistics.median(single):12.2f}" if single else f"{'':>12}"
            print(f"  {kind:>10}  {f'{goods} x {bids}':>12}  {statistics.median(wdp):7.2f}  "
                  f"{statistics.median(full):7.2f}  {max(full):7.2f}  {np.mean(ips):7.1f}  {one}")


if __name__ == "__main__":
    bench_vcg()
