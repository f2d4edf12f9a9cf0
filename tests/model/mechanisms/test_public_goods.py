"""Public-goods mechanisms: hand-worked cases, exact splits, and the incentive properties each
claims (Clarke's truthfulness against random misreports, Tabarrok's dominance) on random inputs."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.mechanisms import (
    MechanismInputError,
    assurance_contract,
    clarke_pivot,
    clarke_pivot_units,
    dominant_assurance_contract,
    dominant_assurance_expected_profit,
    largest_remainder,
    offer_utilities,
    provision_optimum,
    voluntary_contributions,
)

amounts = st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=12)


def test_three_agent_assurance_contract_just_meets_its_threshold():
    # Cost 30; pledges 12 + 10 + 8 = 30 >= 30: built, and each pays 30 x p / 30 = its pledge.
    out = assurance_contract([12.0, 10.0, 8.0], cost=30.0)
    assert out.provided
    assert out.payments.tolist() == [12.0, 10.0, 8.0] and out.refunds.tolist() == [0.0, 0.0, 0.0]


def test_three_agent_assurance_contract_just_misses_its_threshold():
    # 12 + 10 + 7.99 = 29.99 < 30: not built; every pledge comes back in full, nobody pays.
    out = assurance_contract([12.0, 10.0, 7.99], cost=30.0)
    assert not out.provided
    assert out.payments.tolist() == [0.0, 0.0, 0.0] and out.refunds.tolist() == [12.0, 10.0, 7.99]


def test_assurance_rebates_the_excess_pro_rata():
    # 12 x 3 = 36 >= 30: each pays 30 x 12/36 = 10, 2 comes back.
    out = assurance_contract([12.0, 12.0, 12.0], cost=30.0)
    assert out.payments == pytest.approx([10.0, 10.0, 10.0]) and out.refunds == pytest.approx([2.0, 2.0, 2.0])


def test_assurance_with_a_quorum_counts_pledgers():
    # Seed 001: "4 hours each if at least 10 agents pledge". Nine pledges of 4 + one of 4.5 cover 40.5 >= 40
    # with 10 pledgers; drop one pledger and the count (9) misses the quorum although... it also misses the cost.
    assert assurance_contract([4.0] * 9 + [4.5], cost=40.0, quorum=10).provided
    assert not assurance_contract([4.0] * 9 + [0.0], cost=40.0, quorum=10).provided
    # A quorum the money meets but the count does not: 2 x 20 = 40 >= 40, 2 < 3 pledgers.
    assert not assurance_contract([20.0, 20.0, 0.0], cost=40.0, quorum=3).provided


def test_clarke_payment_by_hand_when_built():
    # Cost 9, three agents: shares 3 each. Reports 8, 3, 1: sum 12 >= 9, built.
    # Net reports 5, 0, -2. Agent 0: others' net 0 + (-2) = -2 < 0, so without it the project would
    # not be built: pivotal, it pays its share 3 + |-2| = 5. Agent 1: others' net 5 - 2 = 3 >= 0: not
    # pivotal, pays 3. Agent 2: others' net 5 >= 0: pays 3. Surplus = the tax, 2.
    out = clarke_pivot([8.0, 3.0, 1.0], cost=9.0)
    assert out.provided and out.payments.tolist() == [5.0, 3.0, 3.0] and out.budget_surplus == 2.0


def test_clarke_payment_by_hand_when_not_built():
    # Reports 1, 1, 6, cost 9: sum 8 < 9, not built. Nets -2, -2, 3 (sum -1). Agent 0: others' net
    # -2 + 3 = 1 >= 0, they would build: agent 0 blocks it and pays 1; agent 1 likewise; agent 2:
    # others' net -4 < 0, not pivotal. Nobody pays a share (nothing is built); surplus 2.
    out = clarke_pivot([1.0, 1.0, 6.0], cost=9.0)
    assert not out.provided and out.payments.tolist() == [1.0, 1.0, 0.0] and out.budget_surplus == 2.0


def test_clarke_in_units_matches_the_real_mechanism_floored():
    built, taxes = clarke_pivot_units(np.array([8_000_000, 3_000_000, 1_000_000]), 9_000_000)
    assert built and taxes.tolist() == [2_000_000, 0, 0]
    built, taxes = clarke_pivot_units(np.array([1, 1, 6]) * 10**6, 9 * 10**6)
    assert not built and taxes.tolist() == [10**6, 10**6, 0]
    # Cost 10 units, 3 agents, reports 1, 1, 7: shares 10/3; sum 9 < 10; agent 0's others' net is
    # 8 - 20/3 = 4/3 -> it pays floor(4/3) = 1 unit; agent 2's others' net 2 - 20/3 < 0 -> 0.
    built, taxes = clarke_pivot_units(np.array([1, 1, 7]), 10)
    assert not built and taxes.tolist() == [1, 1, 0]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 10**8), min_size=1, max_size=15), st.integers(1, 10**9))
def test_clarke_units_are_the_real_taxes_rounded_down(reports, cost):
    built, taxes = clarke_pivot_units(np.array(reports), cost)
    out = clarke_pivot(np.array(reports, dtype=float), float(cost))
    share = cost / len(reports) if out.provided else 0.0
    assert built == out.provided
    assert np.all(taxes <= out.payments - share + 1e-6) and np.all(taxes >= out.payments - share - 1 - 1e-6)


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 8).flatmap(lambda n: st.tuples(
    st.lists(st.floats(0, 20, allow_nan=False), min_size=n, max_size=n),
    st.lists(st.floats(0, 20, allow_nan=False), min_size=n, max_size=n),
    st.integers(0, n - 1), st.floats(0, 60, allow_nan=False), st.floats(0.5, 80))))
def test_clarke_truth_is_never_worse_than_a_misreport_and_builds_efficiently(case):
    # As for VCG: fix everyone else's reports, replace agent i's true value by a random misreport,
    # and compare i's utility v_i x built - payment_i from the full mechanism in both cases.
    values, others, i, lie, cost = case
    reports = np.array(others)
    truth, lying = reports.copy(), reports.copy()
    truth[i], lying[i] = values[i], lie

    def utility(r):
        out = clarke_pivot(r, cost)
        return values[i] * out.provided - out.payments[i]

    assert utility(truth) >= utility(lying) - 1e-9
    everyone_truthful = clarke_pivot(np.array(values), cost)
    assert everyone_truthful.provided == provision_optimum(values, cost)[1]
    assert everyone_truthful.budget_surplus >= 0


@settings(max_examples=150, deadline=None)
@given(amounts, st.floats(0.01, 500), st.sampled_from(["waste", "refund"]))
def test_voluntary_contributions_are_feasible_and_rebated(offers, cost, shortfall):
    out = voluntary_contributions(offers, cost, shortfall)
    offers = np.array(offers)
    assert out.provided == (offers.sum() >= cost)
    assert np.all(out.payments <= offers + 1e-9) and np.all(out.payments >= 0)
    assert np.allclose(out.payments + out.refunds, offers)
    if out.provided:
        assert out.payments.sum() == pytest.approx(cost)
    else:
        assert out.wasted == (pytest.approx(offers.sum()) if shortfall == "waste" else 0.0)


@settings(max_examples=150, deadline=None)
@given(amounts, st.floats(0.01, 500))
def test_assurance_never_takes_money_for_a_good_it_does_not_build(pledges, cost):
    out = assurance_contract(pledges, cost)
    pledges = np.array(pledges)
    assert out.provided == (pledges.sum() >= cost)
    assert np.all(out.payments <= pledges + 1e-9)
    assert np.allclose(out.payments + out.refunds, pledges)
    assert out.payments.sum() == (pytest.approx(cost) if out.provided else 0.0)


@pytest.mark.parametrize("n", [2, 3, 5, 7])
def test_dominant_assurance_pledging_beats_abstaining_whatever_the_others_do(n):
    # Quorum = every agent. For an agent with v > price, against every pledge profile of the others
    # (exhaustively), pledging gives v - price (if all others pledge) or the bonus; abstaining gives 0
    # (the contract cannot succeed without it) -- pledging is strictly better every time.
    price, cost, bonus, v = 5.0, 4.0 * n, 0.25, 5.5
    for others in itertools.product([False, True], repeat=n - 1):
        def utility(pledge):
            out = dominant_assurance_contract([pledge, *others], price, cost, quorum=n, bonus=bonus)
            return v * out.provided - out.payments[0] + out.bonuses[0]
        assert utility(True) > utility(False)


def test_dominant_assurance_dominance_fails_below_unanimity():
    # Quorum 2 of 3: if the two others pledge, the good is built anyway; pledging costs the price.
    def utility(pledge):
        out = dominant_assurance_contract([pledge, True, True], 5.0, 10.0, quorum=2, bonus=0.25)
        return 6.0 * out.provided - out.payments[0] + out.bonuses[0]
    assert utility(False) - utility(True) == 5.0


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 8).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n), st.floats(0.0, 1.0))),
       st.floats(0.1, 10), st.floats(0, 3))
def test_entrepreneur_expected_profit_closed_form(case, price, bonus):
    n, quorum, q = case
    cost = price * quorum
    expected = dominant_assurance_expected_profit(n, q, price, cost, quorum, bonus)
    brute = 0.0          # every pledge profile, weighted by its probability
    for profile in itertools.product([0, 1], repeat=n):
        k = sum(profile)
        weight = q**k * (1 - q) ** (n - k)
        brute += weight * dominant_assurance_contract(list(map(bool, profile)), price, cost, quorum, bonus).budget_surplus
    assert expected == pytest.approx(brute, abs=1e-9)
    if quorum == n:     # the closed form of the docstring
        assert expected == pytest.approx(q**n * (n * price - cost) - bonus * n * q * (1 - q ** (n - 1)), abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["voluntary", "assurance", "dominant-assurance", "clarke"]),
       st.integers(2, 8).flatmap(lambda n: st.tuples(
           st.lists(st.floats(0, 20, allow_nan=False), min_size=n, max_size=n),
           st.lists(st.floats(0, 20, allow_nan=False), min_size=n, max_size=n))),
       st.floats(1, 60), st.sampled_from(["waste", "refund"]))
def test_offer_utilities_agree_with_the_full_mechanism(mechanism, case, cost, shortfall):
    values, offers = (np.array(a) for a in case)
    n = len(values)
    price, quorum, bonus = cost / n + 0.5, n, 0.3
    if mechanism == "dominant-assurance":
        offers = np.where(offers > 10, price, 0.0)
        out = dominant_assurance_contract(offers > 0, price, cost, quorum, bonus)
    elif mechanism == "clarke":
        out = clarke_pivot(offers, cost)
    elif mechanism == "assurance":
        out = assurance_contract(offers, cost)
    else:
        out = voluntary_contributions(offers, cost, shortfall)
    direct = values * out.provided - out.payments + out.bonuses
    others_total, others_count = offers.sum() - offers, (offers > 0).sum() - (offers > 0)
    computed = offer_utilities(mechanism, values, offers, others_total, others_count, cost=cost, agents=n,
                               quorum=quorum if mechanism == "dominant-assurance" else None, price=price,
                               bonus=bonus, shortfall=shortfall)
    assert computed == pytest.approx(direct, abs=1e-9)


def test_largest_remainder_by_hand():
    # 10 units in thirds: quotas 3.33 each, one unit left over, to the first (ties: lowest index).
    assert largest_remainder(10, [1, 1, 1]).tolist() == [4, 3, 3]
    # 7 units for weights 5 and 2: quotas 5 and 2 exactly.
    assert largest_remainder(7, [5, 2]).tolist() == [5, 2]
    assert largest_remainder(0, [0, 0]).tolist() == [0, 0]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 2**52), min_size=1, max_size=20), st.integers(0, 2**52))
def test_largest_remainder_is_exact_and_within_a_unit(weights, total):
    if sum(weights) == 0:
        return
    parts = largest_remainder(total, weights)
    assert int(parts.sum()) == total
    quotas = [total * w / sum(weights) for w in weights]
    assert all(abs(p - q) <= 1 + 1e-6 * max(1, q) for p, q in zip(parts.tolist(), quotas))
    if total <= sum(weights):
        assert np.all(parts <= np.array(weights))


@pytest.mark.parametrize("call, message", [
    (lambda: assurance_contract([1.0, float("nan")], 5.0), "pledges must be finite"),
    (lambda: assurance_contract([1.0, -2.0], 5.0), "pledges must be >= 0"),
    (lambda: voluntary_contributions([1.0], 0.0), "cost must be > 0"),
    (lambda: voluntary_contributions([1.0], 3.0, shortfall="keep"), "shortfall must be one of"),
    (lambda: dominant_assurance_contract([True, False], 1.0, 5.0, quorum=2, bonus=0.1), "must cover the cost"),
    (lambda: dominant_assurance_contract([2, 1], 3.0, 5.0, quorum=2, bonus=0.1), "pledged must be"),
    (lambda: clarke_pivot([], 5.0), "at least one agent"),
    (lambda: largest_remainder(5, [0, 0]), "must not all be zero"),
    (lambda: largest_remainder(5, [1.5, 2]), "whole numbers"),
    (lambda: offer_utilities("lottery", 1.0, 1.0, 0.0, 0, cost=1.0, agents=2), "mechanism must be one of"),
])
def test_bad_input_is_one_clear_error(call, message):
    with pytest.raises(MechanismInputError, match=message):
        call()
