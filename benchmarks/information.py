"""Throughput of the information markets, measured in one run (python -m benchmarks.information).

Prints:
* LMSR and constant-product trades priced per second (cost of a trade in 10^6 markets at once);
* agent-steps per second of ``prediction-market`` at 10^3 and 10^4 workers (0.2 tasks per worker
  per step, after 10 warm-up steps) with forecast none (the scoring auction alone), claims and
  market, the exact assignment optimum off (its time per step printed apart at 10^3);
* agent-steps per second of ``expertise`` (juniors + experts) at 10^3 and 10^4 juniors, one expert
  for five juniors, with the beta reputation and with none, the exact matching off (its time per step
  apart at 10^3).

Every figure is the best of ``REPEATS`` timings.
"""

import numpy as np

from benchmarks.timing import best_time
from model.mechanisms.scoring_rules import SCORING_RULES
from scenarios.expertise import ExpertiseModel
from scenarios.prediction_market import PredictionMarketModel


def bench_rules() -> None:
    rng = np.random.default_rng(0)
    q = rng.normal(0, 3, (10**6, 2))
    delta = np.zeros_like(q)
    delta[:, 0] = rng.exponential(1.0, len(q))
    print("trades priced per second (10^6 markets, one numpy call)")
    for name, rule in SCORING_RULES.items():
        seconds = best_time(lambda: rule.trade_cost(q, delta, 2.0))
        print(f"  {name:>16}  {len(q) / seconds:>14,.0f}")


def bench_prediction_market() -> None:
    print("agent-steps per second: prediction-market (workers), exact optimum off")
    print(f"  {'workers':>9}  {'none':>10}  {'claims':>10}  {'market':>10}  {'optimum/step':>12}")
    for workers, steps in ((10**3, 5), (10**4, 1)):
        rates = []
        for forecast in ("none", "claims", "market"):
            model = PredictionMarketModel(rng=1, workers=workers, forecast=forecast, exact_optimum=False)
            for _ in range(10):
                model.step()
            rates.append(workers * steps / best_time(lambda: [model.step() for _ in range(steps)]))
        optimum = ""
        if workers <= 10**3:
            scored = PredictionMarketModel(rng=1, workers=workers, forecast="none")
            for _ in range(10):
                scored.step()
            with_optimum = best_time(scored.step)
            optimum = f"{(with_optimum - workers / rates[0]) * 1e3:9.0f} ms"
        print(f"  {workers:>9,}  " + "  ".join(f"{r:>10,.0f}" for r in rates) + f"  {optimum:>12}")


def bench_expertise() -> None:
    print("agent-steps per second: expertise (juniors + experts, one expert per five juniors)")
    print(f"  {'juniors':>9}  {'beta':>10}  {'none':>10}  {'matching/step':>13}")
    for juniors, steps in ((10**3, 20), (10**4, 3)):
        experts = juniors // 5
        rates = []
        for reputation in ("beta", "none"):
            model = ExpertiseModel(rng=1, juniors=juniors, experts=experts, reputation=reputation,
                                   exact_optimum=False)
            for _ in range(10):
                model.step()
            rates.append((juniors + experts) * steps / best_time(lambda: [model.step() for _ in range(steps)]))
        matching = ""
        if juniors <= 10**3:
            scored = ExpertiseModel(rng=1, juniors=juniors, experts=experts)
            for _ in range(10):
                scored.step()
            matching = f"{(best_time(scored.step) - (juniors + experts) / rates[0]) * 1e3:10.0f} ms"
        print(f"  {juniors:>9,}  " + "  ".join(f"{r:>10,.0f}" for r in rates) + f"  {matching:>13}")


if __name__ == "__main__":
    bench_rules()
    bench_prediction_market()
    bench_expertise()
