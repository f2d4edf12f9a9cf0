"""Economic agency (seed 002, section 9): what each participant gained under a scenario over a
baseline allocator facing the same world.

``agency("task-auction", {"mechanism": "planner"}, steps=200, seed=1)`` runs the scenario and
the same scenario with the baseline's parameters side by side from the same seed (common
random numbers: the scenarios draw their world from the seed, independently of the
mechanism), step by step, and accumulates A_i = sum_t delta^t (u_i(t) - b_i(t)), u_i(t) the
utility participant i gained in step t under the scenario and b_i(t) under the baseline
(each model's ``participant_utilities()``: cumulative, so the step's gain is the
difference). Participants with A_i < 0 are the losers of the transition (seed 003, open
problem 4).
"""

import numpy as np
import pandas as pd

from experiments.runner import check_seed
from model.params import ParameterError
from scenarios.registry import get_scenario


def agency(scenario: str, baseline: dict, *, steps: int | None = None, seed: int = 0, discount: float = 1.0,
           **params) -> pd.DataFrame:
    """One row per participant: utility under the scenario and under the baseline, and agency.

    Example:
        >>> table = agency("sealed-bid", {"rule": "second"}, steps=50, seed=1, rule="first", strategy="bne")
        >>> list(table.columns), len(table)
        (['participant', 'utility', 'baseline_utility', 'agency'], 4)
    """
    model_class = get_scenario(scenario)
    steps = model_class.default_steps if steps is None else steps
    if not baseline:
        raise ParameterError("the baseline must change at least one parameter, e.g. mechanism=planner")
    if not 0 <= discount <= 1:
        raise ParameterError(f"discount must lie in [0, 1]; got {discount!r}")
    check_seed(seed)
    model_class.validated(params, steps)
    model_class.validated({**params, **baseline}, steps)
    model, reference = model_class(rng=seed, **params), model_class(rng=seed, **{**params, **baseline})
    before = np.zeros(len(model.participant_utilities()))
    base_before = np.zeros_like(before)
    gained = np.zeros_like(before)
    weight = 1.0
    for _ in range(steps):
        model.step()
        reference.step()
        now, base_now = model.participant_utilities(), reference.participant_utilities()
        if len(now) != len(base_now):
            raise ParameterError(f"the baseline has {len(base_now)} participants and the scenario {len(now)}: "
                                 "agency compares the same participants; change the mechanism, not the fleet")
        gained += weight * ((now - before) - (base_now - base_before))
        before, base_before, weight = now, base_now, weight * discount
    return pd.DataFrame({"participant": np.arange(len(before)), "utility": before, "baseline_utility": base_before,
                         "agency": gained})
