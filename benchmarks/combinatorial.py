"""Winner determination and full VCG on CATS-style instances (python -m benchmarks.combinatorial).

For each generator and size (goods x bids: 20 x 100, 50 x 250, 100 x 500) it draws instances
with seeds 0, 1, 2 (seed 0 alone at 100 x 500) and prints the median time of the winner
determination program, the median and the slowest full VCG call (on the machine's cores), the
welfare values each call needs (W* and one W(-i) per contested winner) and the HiGHS runs it
took to get them. At 50 x 250 it also times the textbook method side by side: scipy's milp for
W* and then one program per contested winner, on the same threads (what ``vcg`` did before
it re-solved one model), and checks that both give the same payments.
The target: full VCG at 50 x 250 in under 5 s for every generator.
"""

import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from model.cats import GENERATORS, generate
from model.mechanisms import package_bids, vcg, winner_determination

SIZES = ((20, 100), (50, 250), (100, 500))


def timed(work):
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def textbook_payments(bids, n_goods) -> dict:
    """Clarke payments with one program per contested winner (the reference method)."""
    bids = package_bids(bids, n_goods)
    welfare, chosen = winner_determination(bids, n_goods)
    winners = {bids.bidder[j]: float(bids.values[j]) for j in chosen}
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        without = dict(zip(winners, pool.map(lambda who: winner_determination(bids, n_goods, exclude=who)[0], winners)))
    return {who: min(max(without[who] - (welfare - own), 0.0), own) for who, own in winners.items()}


def bench_vcg() -> None:
    print("winner determination and VCG (seconds; median over seeds, VCG also the slowest)")
    print(f"  {'generator':>13}  {'goods x bids':>12}  {'WDP':>6}  {'VCG':>6}  {'slowest':>7}  "
          f"{'W values':>8}  {'HiGHS runs':>10}  {'textbook':>8}  {'speed-up':>8}")
    for kind in GENERATORS:
        for goods, n_bids in SIZES:
            seeds = (0,) if goods == 100 else (0, 1, 2)
            wdp, full, values, runs, old = [], [], [], [], []
            for seed in seeds:
                instance = generate(kind, goods, n_bids, np.random.default_rng(seed))
                wdp.append(timed(lambda: winner_determination(instance, goods))[0])
                seconds, outcome = timed(lambda: vcg(instance, goods))
                full.append(seconds)
                values.append(outcome.ip_solves)
                runs.append(outcome.highs_runs)
                if goods == 50:
                    seconds, reference = timed(lambda: textbook_payments(instance, goods))
                    old.append(seconds)
                    for who, paid in reference.items():
                        assert abs(outcome.payments[who] - paid) <= 1e-6, (kind, seed, who)
            textbook = f"{statistics.median(old):8.2f}  {statistics.median(old) / statistics.median(full):7.1f}x" \
                if old else f"{'':>8}  {'':>8}"
            print(f"  {kind:>13}  {f'{goods} x {n_bids}':>12}  {statistics.median(wdp):6.2f}  "
                  f"{statistics.median(full):6.2f}  {max(full):7.2f}  {np.mean(values):8.1f}  "
                  f"{np.mean(runs):10.1f}  {textbook}", flush=True)


if __name__ == "__main__":
    bench_vcg()
