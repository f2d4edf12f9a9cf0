"""Seed 002's Gold Dataset (section 8): an immutable benchmark G and Table 1's acceptance rules.

G holds ``cases`` fixed cases on each of Table 1's four axes. A case is an input x_j with its
expected output y_j; what makes it hard is summarised by one number, its difficulty d in [0, 1)
(drawn once, uniformly: G is a random sample of the inputs an artifact meets). An artifact
whose true quality on an axis is q answers a case of that axis correctly if and only if
d < q (a latent-difficulty model: q is the share of all inputs it gets right, and a better
artifact gets right every case a worse one does). Validation sees only which cases were
answered correctly, never q: the gate *samples* the axes.

Table 1's acceptance rules, applied by :func:`accept` to a candidate against the version it
would replace (its "previous version"; the deployed version is also the historical level,
since under the gate every deployment met it):

=================== =============================================== ===========================
axis                test                                            accepted if
=================== =============================================== ===========================
strict structure    schema / type / format of the output            100 % of the cases pass
business logic      domain rules under historical scenarios         passes >= the deployed
                                                                    version's passes
context robustness  entity extraction in long, noisy histories      F1 > the deployed
                                                                    version's F1 (``higher``;
                                                                    ``not-lower``: >=)
anti-hallucination  injected false data must be refused             zero failures
=================== =============================================== ===========================

F1 on the context cases: each case asks for one entity; a miss returns a wrong entity (one
false positive and one false negative), so F1 = 2TP / (2TP + FP + FN) = passes / cases.

Theorem 4 (no regression on G): a deployment that must pass :func:`accept` has zero error on
the hard axes of G and does not fall below its predecessor on the others; it says nothing
about inputs outside G. :func:`detection_probability` is the chance that G notices a fall of a
true quality, :func:`all_pass_probability` the chance that an imperfect artifact passes an
all-pass axis.

Reference: seed 002, "Agentic Economic Markets", section 8, eq. (8)-(9), Theorem 4, Table 1.
"""

from dataclasses import dataclass

import numpy as np

from model.mechanisms._checks import MechanismInputError, as_count

#: Table 1's axes, in this order everywhere (rows of a dataset, columns of a report).
AXES = ("structure", "business", "context", "hallucination")
STRUCTURE, BUSINESS, CONTEXT, HALLUCINATION = range(4)
#: How the context rule compares F1 with the previous version's.
CONTEXT_RULES = ("higher", "not-lower")


@dataclass(frozen=True)
class GoldDataset:
    """G: the difficulty of each case, one row per axis (4 x cases), read-only.

    Example:
        >>> gold = GoldDataset(np.array([[0.2, 0.9], [0.5, 0.6], [0.3, 0.7], [0.1, 0.95]]))
        >>> gold.cases, gold.answers([1.0, 0.55, 0.8, 0.9]).astype(int).tolist()
        (2, [[1, 1], [1, 0], [1, 1], [1, 0]])
    """

    difficulty: np.ndarray

    def __post_init__(self):
        d = np.array(self.difficulty, dtype=float)
        if d.ndim != 2 or d.shape[0] != len(AXES) or d.shape[1] < 1:
            raise MechanismInputError(f"difficulty must be a 4 x cases array (one row per axis of {AXES}); "
                                      f"got shape {d.shape}")
        if not np.all((d >= 0) & (d < 1)):
            raise MechanismInputError("difficulty must lie in [0, 1)")
        d.flags.writeable = False   # immutable: the point of a gold dataset
        object.__setattr__(self, "difficulty", d)

    @property
    def cases(self) -> int:
        """Cases per axis (K / 4 in the seed's notation, which counts all axes together)."""
        return self.difficulty.shape[1]

    def answers(self, quality) -> np.ndarray:
        """Which cases artifacts of true ``quality`` (..., 4) answer correctly: (..., 4, cases)."""
        q = np.asarray(quality, dtype=float)
        if q.shape[-1:] != (len(AXES),):
            raise MechanismInputError(f"quality must end in one entry per axis {AXES}; got shape {q.shape}")
        return self.difficulty < q[..., None]


def draw_gold(cases: int, rng: np.random.Generator) -> GoldDataset:
    """A gold dataset of ``cases`` cases per axis with i.i.d. U[0, 1) difficulties."""
    cases = as_count("cases", cases)
    if cases < 1:
        raise MechanismInputError("cases must be at least 1")
    return GoldDataset(rng.random((len(AXES), cases)))


def report(answers) -> np.ndarray:
    """The validation report of ``answers`` (..., 4, cases): passes per axis, (..., 4) integers
    (structure passes, business passes, context true positives, hallucination refusals)."""
    a = np.asarray(answers, dtype=bool)
    if a.ndim < 2 or a.shape[-2] != len(AXES):
        raise MechanismInputError(f"answers must be (..., 4, cases); got shape {a.shape}")
    return a.sum(axis=-1)


def context_f1(true_positives, cases):
    """F1 = 2TP / (2TP + FP + FN) on the context cases, where each miss is a wrong entity
    (FP = FN = cases - TP): equal to TP / cases.

    Example:
        >>> context_f1(3, 4), context_f1(0, 4)
        (0.75, 0.0)
    """
    tp = np.asarray(true_positives, dtype=float)
    misses = cases - tp
    f1 = 2 * tp / (2 * tp + misses + misses)
    return float(f1) if np.ndim(f1) == 0 else f1


@dataclass(frozen=True)
class Verdict:
    """Which of Table 1's rules hold (arrays over candidates), and whether all do."""

    structure: np.ndarray
    business: np.ndarray
    context: np.ndarray
    hallucination: np.ndarray

    @property
    def accepted(self) -> np.ndarray:
        """Whether all four of Table 1's rules hold, per candidate (seed 002, section 8)."""
        return self.structure & self.business & self.context & self.hallucination


def accept(candidate, previous, cases: int, context_rule: str = "higher") -> Verdict:
    """Table 1's acceptance rules for candidates against the versions they would replace.

    Args:
        candidate, previous: validation reports (..., 4) from :func:`report` (passes per axis).
        cases: cases per axis of the gold dataset.
        context_rule: ``higher`` (Table 1: F1 strictly higher than the previous version) or
            ``not-lower`` (F1 at least the previous version's).

    Returns:
        A :class:`Verdict`; ``accepted`` holds where every rule holds (eq. 8 on G's hard axes).

    Example (worked by hand, 4 cases per axis):
        >>> v = accept([4, 3, 3, 4], [4, 3, 2, 4], cases=4)      # context 3/4 > 2/4: accepted
        >>> bool(v.accepted)
        True
        >>> v = accept([4, 3, 3, 3], [4, 3, 2, 4], cases=4)      # one hallucination: hard reject
        >>> bool(v.accepted), bool(v.hallucination), bool(v.context)
        (False, False, True)
        >>> same = [4, 3, 2, 4]                                   # F1 unchanged
        >>> bool(accept(same, same, 4).accepted), bool(accept(same, same, 4, "not-lower").accepted)
        (False, True)
    """
    cases = as_count("cases", cases)
    if cases < 1:
        raise MechanismInputError("cases must be at least 1")
    if context_rule not in CONTEXT_RULES:
        raise MechanismInputError(f"context_rule must be one of {', '.join(CONTEXT_RULES)}; got {context_rule!r}")
    cand, prev = _report_array("candidate", candidate, cases), _report_array("previous", previous, cases)
    cand, prev = np.broadcast_arrays(cand, prev)
    f1_new, f1_old = context_f1(cand[..., CONTEXT], cases), context_f1(prev[..., CONTEXT], cases)
    return Verdict(structure=cand[..., STRUCTURE] == cases,
                   business=cand[..., BUSINESS] >= prev[..., BUSINESS],
                   context=f1_new > f1_old if context_rule == "higher" else f1_new >= f1_old,
                   hallucination=cand[..., HALLUCINATION] == cases)


def detection_probability(drop, cases: int):
    """The chance that ``cases`` gold cases with U[0, 1) difficulties put at least one case in
    an interval of length ``drop``: that G notices a fall of the true quality by ``drop``, on a
    relative rule (business: passes >= the previous version's) or on an all-pass axis from
    quality 1 (the new version fails that case). 1 - (1 - drop)^cases, over gold datasets (one
    fixed G either catches a given fall or not).

    Example:
        >>> round(detection_probability(0.05, 20), 4)     # 1 - 0.95**20
        0.6415
    """
    drop = _share("drop", drop)
    return _scalar_or_array(1.0 - (1.0 - drop) ** as_count("cases", cases))


def all_pass_probability(quality, cases: int):
    """The chance that an artifact of true quality q passes all ``cases`` cases of an all-pass
    axis (structure, anti-hallucination): q^cases, over gold datasets. Below q = 1 it falls
    with the size of G: a larger G rejects more imperfect artifacts that are no worse than
    the version they replace.

    Example:
        >>> round(all_pass_probability(0.99, 100), 4)     # 0.99**100
        0.366
    """
    return _scalar_or_array(_share("quality", quality) ** as_count("cases", cases))


def _share(name: str, values) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if not np.all((arr >= 0) & (arr <= 1)):
        raise MechanismInputError(f"{name} must lie in [0, 1]")
    return arr


def _scalar_or_array(values):
    return float(values) if np.ndim(values) == 0 else values


def _report_array(name: str, values, cases: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.shape[-1:] != (len(AXES),):
        raise MechanismInputError(f"{name} must end in one count per axis {AXES}; got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        if not np.all(np.isfinite(arr.astype(float))) or np.any(arr != np.round(arr)):
            raise MechanismInputError(f"{name} must hold whole numbers of passed cases")
        arr = arr.astype(np.int64)
    if np.any(arr < 0) or np.any(arr > cases):
        raise MechanismInputError(f"{name} counts passed cases, from 0 to cases ({cases})")
    return arr
