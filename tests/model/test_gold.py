"""Seed 002's gold dataset: Table 1's acceptance rules worked by hand, Theorem 4 as a property,
the detection probabilities against Monte Carlo, bad input refused."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.gold import (AXES, GoldDataset, accept, all_pass_probability, context_f1, detection_probability,
                        draw_gold, report)
from model.mechanisms import MechanismInputError

# 4 cases per axis; a report counts passes per axis (structure, business, context, hallucination).
K = 4


@pytest.mark.parametrize("candidate, previous, rule, expected", [
    ([4, 3, 3, 4], [4, 3, 2, 4], "higher", (True, True, True, True)),       # context 3/4 > 2/4
    ([3, 4, 4, 4], [4, 3, 2, 4], "higher", (False, True, True, True)),      # 3/4 parse: not 100 %
    ([4, 2, 3, 4], [4, 3, 2, 4], "higher", (True, False, True, True)),      # business 2 < historical 3
    ([4, 4, 2, 4], [4, 3, 2, 4], "higher", (True, True, False, True)),      # F1 1/2 = 1/2: not higher
    ([4, 4, 2, 4], [4, 3, 2, 4], "not-lower", (True, True, True, True)),    # ... but not lower
    ([4, 4, 1, 4], [4, 3, 2, 4], "not-lower", (True, True, False, True)),   # F1 1/4 < 1/2
    ([4, 4, 4, 3], [4, 3, 2, 4], "higher", (True, True, True, False)),      # one hallucination: hard reject
    ([4, 4, 4, 3], [4, 3, 2, 3], "higher", (True, True, True, False)),      # even if the old one failed too
])
def test_table_1_rules_by_hand(candidate, previous, rule, expected):
    verdict = accept(candidate, previous, K, rule)
    got = tuple(bool(x) for x in (verdict.structure, verdict.business, verdict.context, verdict.hallucination))
    assert got == expected
    assert bool(verdict.accepted) == all(expected)


def test_an_artifact_answers_the_cases_easier_than_its_quality():
    # Difficulties by hand; a case is answered iff difficulty < quality.
    gold = GoldDataset(np.array([[0.10, 0.50, 0.90], [0.20, 0.40, 0.60], [0.30, 0.70, 0.95], [0.05, 0.50, 0.99]]))
    answers = gold.answers([0.95, 0.50, 0.70, 0.99])
    assert answers.astype(int).tolist() == [[1, 1, 1], [1, 1, 0], [1, 0, 0], [1, 1, 0]]
    assert report(answers).tolist() == [3, 2, 1, 2]
    # Candidate vs this one: better on context (0.8 > 0.7 crosses the 0.7 case), hallucination 0.999
    # passes all three, structure 0.95 passes all three, business 0.45 passes 2 = historical 2.
    new = report(gold.answers([0.95, 0.45, 0.80, 0.999]))
    assert new.tolist() == [3, 2, 2, 3]
    assert bool(accept(new, report(answers), 3).accepted)


def test_f1_of_single_entity_cases_is_the_pass_rate():
    # 2TP / (2TP + FP + FN) with FP = FN = misses: TP = 3 of 5 gives 6 / (6 + 2 + 2) = 0.6.
    assert context_f1(3, 5) == pytest.approx(0.6)
    assert context_f1(np.arange(6), 5).tolist() == pytest.approx((np.arange(6) / 5).tolist())


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 12), st.data())
def test_theorem_4_nothing_accepted_regresses_on_gold(cases, data):
    # Any report pair: what Table 1 accepts has zero errors on G's hard axes and is not below its
    # predecessor on the soft ones (with either context rule).
    counts = st.lists(st.integers(0, cases), min_size=4, max_size=4)
    candidate, previous = np.array(data.draw(counts)), np.array(data.draw(counts))
    for rule in ("higher", "not-lower"):
        if accept(candidate, previous, cases, rule).accepted:
            assert candidate[0] == cases and candidate[3] == cases
            assert candidate[1] >= previous[1] and candidate[2] >= previous[2]
            if rule == "higher":
                assert candidate[2] > previous[2]


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_a_better_artifact_passes_every_case_a_worse_one_does(seed):
    rng = np.random.default_rng(seed)
    gold = draw_gold(int(rng.integers(1, 30)), rng)
    worse = rng.random(4)
    better = worse + (1 - worse) * rng.random(4)
    assert not (gold.answers(worse) & ~gold.answers(better)).any()
    assert bool(accept(report(gold.answers(better)), report(gold.answers(worse)), gold.cases, "not-lower").business)


def test_detection_and_all_pass_probabilities_match_monte_carlo():
    # 1 - (1 - 0.05)^20 = 0.6415 and 0.99^100 = 0.3660 (by hand); Monte Carlo over 20,000 gold sets.
    assert detection_probability(0.05, 20) == pytest.approx(1 - 0.95**20)
    assert all_pass_probability(0.99, 100) == pytest.approx(0.99**100)
    rng = np.random.default_rng(7)
    d = rng.random((20_000, 20))
    caught = ((d >= 0.95) & (d < 1.0)).any(axis=1).mean()      # a fall from 1 to 0.95
    assert caught == pytest.approx(detection_probability(0.05, 20), abs=0.01)
    passes = (rng.random((20_000, 100)) < 0.99).all(axis=1).mean()
    assert passes == pytest.approx(all_pass_probability(0.99, 100), abs=0.01)


def test_the_gold_dataset_cannot_be_changed():
    gold = draw_gold(5, np.random.default_rng(0))
    with pytest.raises(ValueError):
        gold.difficulty[0, 0] = 0.5
    assert gold.difficulty.shape == (len(AXES), 5)


@pytest.mark.parametrize("call, match", [
    (lambda: accept([4, 3, 2], [4, 3, 2, 4], 4), "candidate"),
    (lambda: accept([4, 3, 2, 5], [4, 3, 2, 4], 4), "candidate counts passed cases"),
    (lambda: accept([4, 3, 2, 4], [4, 3, 2.5, 4], 4), "previous must hold whole numbers"),
    (lambda: accept([4, 3, 2, 4], [4, 3, 2, 4], 4, "lower"), "context_rule"),
    (lambda: GoldDataset(np.ones((4, 3))), r"\[0, 1\)"),
    (lambda: GoldDataset(np.zeros((3, 3))), "4 x cases"),
    (lambda: draw_gold(0, np.random.default_rng(0)), "cases"),
    (lambda: detection_probability(1.5, 3), "drop"),
    (lambda: all_pass_probability(0.5, -1), "cases"),
])
def test_bad_input_is_refused_naming_the_argument(call, match):
    with pytest.raises(MechanismInputError, match=match):
        call()
