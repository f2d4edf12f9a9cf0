"""Bayesian beta reputation: what everyone can tell about a helper's quality from its ratings.

A helper's session succeeds with its (unknown) quality theta. Before any rating everyone holds the
same prior, Beta(a0, b0) with mean m0 = a0 / (a0 + b0), the population's mean quality, and
strength s0 = a0 + b0 (how many ratings the prior is worth). After r positive and f negative
ratings the posterior is Beta(a0 + r, b0 + f): its mean, (a0 + r) / (s0 + r + f), is the chance
that the next session succeeds, and it tends to theta as ratings accumulate (Jøsang and Ismail,
"The beta reputation system", Bled eConference 2002; for the posterior, any Bayesian text, e.g.
Gelman et al., *Bayesian Data Analysis*, 3rd ed., sec. 2.4). With ``forgetting`` lambda < 1 old
ratings weigh lambda per step, so the reputation follows a helper whose quality changes.

The reputation is public: held column-wise, one row per helper ever registered, the rows of those
who left kept (a row is a helper's id for life).
"""

import numpy as np

from model.columns import ColumnTable


def beta_mean(successes, failures, prior_mean: float, prior_strength: float):
    """Posterior mean of a success chance after ``successes`` and ``failures`` under a Beta prior of
    mean ``prior_mean`` and strength ``prior_strength`` (= a0 + b0).

    Example:
        >>> float(beta_mean(0, 0, 0.5, 2))             # the prior Beta(1, 1): 1/2
        0.5
        >>> float(beta_mean(3, 1, 0.5, 2))             # Beta(1 + 3, 1 + 1): 4 / 6
        0.6666666666666666
    """
    _check(prior_mean, prior_strength)
    successes, failures = np.asarray(successes, dtype=float), np.asarray(failures, dtype=float)
    return (prior_mean * prior_strength + successes) / (prior_strength + successes + failures)


def _check(prior_mean: float, prior_strength: float) -> None:
    if not 0 < prior_mean < 1:
        raise ValueError(f"prior_mean must lie strictly between 0 and 1; got {prior_mean!r}")
    if not (np.isfinite(prior_strength) and prior_strength > 0):
        raise ValueError(f"prior_strength must be a finite number > 0; got {prior_strength!r}")


class BetaReputation:
    """Beta reputations of a growing set of helpers.

    Args:
        prior_mean, prior_strength: the prior every new helper starts with.
        forgetting: the weight a rating keeps per step (1: never forgotten).

    Example:
        >>> rep = BetaReputation(prior_mean=0.5, prior_strength=2)
        >>> rep.register(2).tolist()
        [0, 1]
        >>> rep.rate([0, 0, 0, 1], [1, 1, 0, 0])      # helper 0: two good and one bad, helper 1: one bad
        >>> rep.mean().round(3).tolist()              # (1 + 2) / (2 + 3), (1 + 0) / (2 + 1)
        [0.6, 0.333]
        >>> rep.ratings().tolist()
        [3.0, 1.0]
    """

    def __init__(self, prior_mean: float, prior_strength: float, forgetting: float = 1.0):
        _check(prior_mean, prior_strength)
        if not 0 < forgetting <= 1:
            raise ValueError(f"forgetting must lie in (0, 1]; got {forgetting!r}")
        self.prior_mean, self.prior_strength, self.forgetting = float(prior_mean), float(prior_strength), forgetting
        self._table = ColumnTable({"good": (float, 0.0), "bad": (float, 0.0)})

    def __len__(self) -> int:
        return len(self._table)

    def register(self, count: int) -> np.ndarray:
        """New helpers, each with the prior alone; returns their ids."""
        return self._table.append(count)

    def rate(self, helpers, ratings) -> None:
        """Record ratings (1 good, 0 bad, or anything in between) of ``helpers`` (repeats allowed)."""
        helpers = np.asarray(helpers, dtype=np.int64)
        ratings = np.asarray(ratings, dtype=float)
        if helpers.shape != ratings.shape:
            raise ValueError(f"helpers and ratings must have one entry each; got {helpers.size} and {ratings.size}")
        if helpers.size and (helpers.min() < 0 or helpers.max() >= len(self)):
            raise ValueError(f"helpers must be registered ids 0 to {len(self) - 1}")
        if ratings.size and not ((ratings >= 0) & (ratings <= 1)).all():
            raise ValueError("ratings must lie between 0 (bad) and 1 (good)")
        good = np.zeros(len(self))
        bad = np.zeros(len(self))
        np.add.at(good, helpers, ratings)
        np.add.at(bad, helpers, 1.0 - ratings)
        self._table.set(slice(None, len(self)), good=self._table.good + good, bad=self._table.bad + bad)

    def age(self) -> None:
        """One step passes: every rating's weight is multiplied by ``forgetting``."""
        if self.forgetting < 1:
            self._table.set(slice(None, len(self)), good=self._table.good * self.forgetting,
                            bad=self._table.bad * self.forgetting)

    def mean(self, helpers=None) -> np.ndarray:
        """The posterior mean of each helper's quality (all helpers, or ``helpers``)."""
        good, bad = self._table.good, self._table.bad
        if helpers is not None:
            good, bad = good[helpers], bad[helpers]
        return beta_mean(good, bad, self.prior_mean, self.prior_strength)

    def ratings(self, helpers=None) -> np.ndarray:
        """How many ratings (their weight, with forgetting) each helper's reputation rests on."""
        total = self._table.good + self._table.bad
        return total if helpers is None else total[helpers]

    def interval(self, helpers=None, level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
        """The central ``level`` credible interval of each helper's quality (scipy.stats.beta)."""
        from scipy.stats import beta

        good, bad = self._table.good, self._table.bad
        if helpers is not None:
            good, bad = good[helpers], bad[helpers]
        a = self.prior_mean * self.prior_strength + good
        b = (1 - self.prior_mean) * self.prior_strength + bad
        tail = (1 - level) / 2
        return beta.ppf(tail, a, b), beta.ppf(1 - tail, a, b)
