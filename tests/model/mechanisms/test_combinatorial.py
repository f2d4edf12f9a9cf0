"""Combinatorial auctions: exact winner determination, VCG, pay-as-bid, the clock auction."""

import itertools

import numpy as np
import pytest

from model.mechanisms import (MechanismInputError, clock_auction, pay_as_bid_combinatorial, vcg,
                              winner_determination)


def exhaustive(bids, n_goods, exclude=None) -> float:
    """Best welfare by trying every subset of bids (the independent check of the IP)."""
    best = 0.0
    live = [b for b in bids if b[0] != exclude]
    for size in range(1, len(live) + 1):
        for combo in itertools.combinations(live, size):
            goods = [g for _, bundle, _ in combo for g in bundle]
            bidders = [who for who, _, _ in combo]
            if len(goods) == len(set(goods)) and len(bidders) == len(set(bidders)):
                best = max(best, sum(v for _, _, v in combo))
    return best


def random_instance(rng, n_goods=6, n_bids=10, n_bidders=5):
    bids = []
    for _ in range(n_bids):
        size = int(rng.integers(1, 4))
        bundle = tuple(sorted(rng.choice(n_goods, size, replace=False).tolist()))
        bids.append((int(rng.integers(n_bidders)), bundle, float(np.round(rng.uniform(0, 10) * size, 2))))
    return bids


def test_textbook_vcg_two_singles_beat_a_package():
    # Worked by hand (the textbook pattern: Cramton, Shoham, Steinberg 2006, ch. 1):
    # A, B; bidder 1 wants A for 5, bidder 2 wants B for 4, bidder 3 wants AB for 7.
    # W* = 5 + 4 = 9 (1 and 2 win). p1 = W(-1) - (W* - 5) = 7 - 4 = 3; p2 = 7 - (9 - 4) = 2.
    out = vcg([(1, {0}, 5.0), (2, {1}, 4.0), (3, {0, 1}, 7.0)], 2)
    assert out.allocation == {1: (0,), 2: (1,)}
    assert out.payments == pytest.approx({1: 3.0, 2: 2.0, 3: 0.0})
    assert out.welfare == 9.0 and out.revenue == pytest.approx(5.0)


def test_textbook_vcg_zero_revenue():
    # Ausubel and Milgrom (2006), "The lovely but lonely Vickrey auction": bidder 1 wants AB
    # for 2; bidders 2 and 3 want A and B for 2 each. 2 and 3 win (welfare 4); without 2 the
    # others' best is 2 (bidder 1, or bidder 3 alone), which is what they get with 2:
    # p2 = 2 - (4 - 2) = 0, likewise p3. Positive values, zero revenue.
    out = vcg([(1, {0, 1}, 2.0), (2, {0}, 2.0), (3, {1}, 2.0)], 2)
    assert set(out.allocation) == {2, 3} and out.revenue == 0.0


def test_xor_bids_win_at_most_one():
    # Bidder 1: A for 3 XOR B for 3 XOR AB for 4; bidder 2: A for 2. Without XOR bidder 1
    # would take A and B (6). With it: 1 takes B, 2 takes A (5 > 4). p1 = W(-1) - (5 - 3) =
    # 2 - 2 = 0; p2 = W(-2) - (5 - 2) = 4 - 3 = 1 (without 2, bidder 1 takes AB).
    out = vcg([(1, {0}, 3.0), (1, {1}, 3.0), (1, {0, 1}, 4.0), (2, {0}, 2.0)], 2)
    assert out.allocation == {1: (1,), 2: (0,)}
    assert out.payments == pytest.approx({1: 0.0, 2: 1.0})


def test_pay_as_bid_charges_the_bid():
    out = pay_as_bid_combinatorial([(1, {0}, 5.0), (2, {1}, 4.0), (3, {0, 1}, 7.0)], 2)
    assert out.payments == {1: 5.0, 2: 4.0, 3: 0.0} and out.revenue == 9.0


@pytest.mark.parametrize("seed", range(30))
def test_winner_determination_equals_exhaustive_search(seed):
    rng = np.random.default_rng(seed)
    bids = random_instance(rng)
    welfare, chosen = winner_determination(bids, 6)
    assert welfare == pytest.approx(exhaustive(bids, 6), abs=1e-6)
    goods = [g for j in chosen for g in bids[j][1]]
    bidders = [bids[j][0] for j in chosen]
    assert len(goods) == len(set(goods)) and len(bidders) == len(set(bidders))   # feasible
    who = bids[0][0]                                                              # and without a bidder
    assert winner_determination(bids, 6, exclude=who)[0] == pytest.approx(exhaustive(bids, 6, exclude=who), abs=1e-6)


@pytest.mark.parametrize("seed", range(30))
def test_vcg_properties_on_random_instances(seed):
    rng = np.random.default_rng(100 + seed)
    bids = random_instance(rng)
    out = vcg(bids, 6)
    won = {bids[j][0]: bids[j][2] for j in out.winning_bids}
    for who, paid in out.payments.items():
        assert paid >= 0                                        # no one is paid to take part
        assert paid <= won.get(who, 0.0) + 1e-9                 # IR: no winner pays more than its bid
        if who not in won:
            assert paid == 0.0                                  # losers pay nothing
    # Clarke payments, recomputed from exhaustive search
    for who, value in won.items():
        assert out.payments[who] == pytest.approx(exhaustive(bids, 6, exclude=who) - (out.welfare - value), abs=1e-6)
    assert out.ip_solves <= 1 + len(won)


@pytest.mark.parametrize("seed", range(30))
def test_truthful_bidding_never_does_worse_than_a_random_misreport(seed):
    rng = np.random.default_rng(200 + seed)
    bids = random_instance(rng)
    who = bids[int(rng.integers(len(bids)))][0]
    own = [b for b in bids if b[0] == who]

    def value(bundle) -> float:   # XOR semantics: the best of its bids contained in what it gets
        return max((v for _, b, v in own if set(b) <= set(bundle or ())), default=0.0)

    def utility(reported):
        out = vcg([b for b in bids if b[0] != who] + reported, 6)
        return value(out.allocation.get(who)) - out.payments.get(who, 0.0)

    honest = utility(own)
    for _ in range(5):   # misreports: scaled values, and a bid on a bundle it does not value
        lie = [(who, b[1], b[2] * float(rng.uniform(0, 2))) for b in bids if b[0] == who]
        lie.append((who, (int(rng.integers(6)),), float(rng.uniform(0, 20))))
        assert honest >= utility(lie) - 1e-6


@pytest.mark.parametrize("seed", range(30))
def test_vcg_with_many_ties_equals_exhaustive_search(seed):
    # Whole values 1-3 per good: many allocations tie for W* and for each W(-i), the case
    # where the model vcg re-solves may pick a different optimum from scipy's W* (its docstring).
    rng = np.random.default_rng(400 + seed)
    bids = [(who, bundle, float(rng.integers(1, 4) * len(bundle))) for who, bundle, _ in random_instance(rng, n_bids=12)]
    out = vcg(bids, 6)
    assert out.welfare == pytest.approx(exhaustive(bids, 6), abs=1e-9)
    won = {bids[j][0]: bids[j][2] for j in out.winning_bids}
    for who in out.payments:
        expected = exhaustive(bids, 6, exclude=who) - (out.welfare - won[who]) if who in won else 0.0
        assert out.payments[who] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("kind", ["arbitrary", "regions", "paths", "scheduling", "single-minded"])
def test_vcg_equals_one_program_per_winner(kind):
    # The textbook method as the reference: W(-i) from its own program (winner_determination
    # with the bidder excluded, scipy's milp) for every winner, on CATS-style instances too
    # big for exhaustive search.
    from model.cats import generate
    bids = generate(kind, 16, 60, np.random.default_rng(9))
    out = vcg(bids, 16)
    won = {bids[j][0]: bids[j][2] for j in out.winning_bids}
    for who, value in won.items():
        without = winner_determination(bids, 16, exclude=who)[0]
        assert out.payments[who] == pytest.approx(without - (out.welfare - value), abs=1e-6)
    assert out.ip_solves <= 1 + len(won) and out.highs_runs >= 1


def test_vcg_solves_no_program_for_uncontested_winners():
    # Nobody else bids on A or B: each winner pays 0, and only the first program is solved.
    out = vcg([(1, {0}, 5.0), (2, {1}, 4.0), (3, {2}, 1.0), (4, {2}, 2.0)], 3)
    assert out.payments == pytest.approx({1: 0.0, 2: 0.0, 3: 0.0, 4: 1.0})
    assert out.ip_solves == 2   # W*, and W(-4) for the contested good C


def test_clock_auction_substitutes():
    # Bidder 1 wants A or B for 3 each; bidder 2 wants A for 2. At price 0 both demand A (ties:
    # the earliest bid), A ticks up once, bidder 1 moves to B: efficient, A sold at the increment.
    out = clock_auction([(1, {0}, 3.0), (1, {1}, 3.0), (2, {0}, 2.0)], 2, increment=0.1)
    assert out.allocation == {1: (1,), 2: (0,)}
    assert out.prices.tolist() == pytest.approx([0.1, 0.0]) and out.payments[2] == pytest.approx(0.1)


@pytest.mark.parametrize("seed", range(20))
def test_clock_auction_is_feasible_and_individually_rational(seed):
    rng = np.random.default_rng(300 + seed)
    bids = random_instance(rng)
    out = clock_auction(bids, 6, increment=0.25)
    goods = [g for bundle in out.allocation.values() for g in bundle]
    assert len(goods) == len(set(goods))
    for j in out.winning_bids:
        who, bundle, value = bids[j]
        assert out.allocation[who] == bundle
        assert out.payments[who] == pytest.approx(out.prices[list(bundle)].sum())
        assert out.payments[who] <= value + 1e-9                  # it demanded the bundle at these prices
    assert out.welfare <= exhaustive(bids, 6) + 1e-9


@pytest.mark.parametrize("bids, n_goods, message", [
    ([(1, {0, 2}, 1.0)], 2, "good 2 does not exist; goods are 0..1"),
    ([(1, {0}, -1.0)], 2, "values must be >= 0"),
    ([(1, set(), 1.0)], 2, "the bundle is empty"),
    ([(1, (0, 0), 1.0)], 2, "names a good twice"),
    ([(1, (0.5,), 1.0)], 2, "good indices (whole numbers)"),
    ([(1, "ab", 1.0)], 2, "good indices (whole numbers)"),
    ([(1, {0})], 2, "must be (bidder, bundle, value)"),
    ([(1, {0}, float("nan"))], 2, "finite"),
    ([(1, {0}, 1.0)], -1, "n_goods"),
])
def test_bad_input(bids, n_goods, message):
    for mechanism in (vcg, pay_as_bid_combinatorial, clock_auction, winner_determination):
        with pytest.raises(MechanismInputError, match=None) as err:
            mechanism(bids, n_goods)
        assert message in str(err.value)
