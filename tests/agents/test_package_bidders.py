"""agents/package_bidders.py on its own: XOR values, and the bids of an honest bidder (shaded),
a ring member (inflated) and a false-name bidder (its best bundle split between two names)."""


from agents.package_bidders import PackageBidder
from tests.agents.host import Host

VALUES = [((0,), 3.0), ((1,), 2.0), ((0, 1, 2), 9.0)]


class Desk:
    def __init__(self):
        self.received = []

    def submit(self, bids):
        self.received.append(bids)


def bidder(role="honest", **kw):
    model, desk = Host(), Desk()
    b = PackageBidder(model, desk, role, **kw)
    b.want(VALUES)
    return model, desk, b


def test_a_set_of_goods_is_worth_its_best_bid_inside_it():
    _, _, b = bidder()
    # XOR: (0, 1) holds the bids on (0,) and (1,), not both: max(3, 2) = 3; the whole set: 9.
    assert b.true_value((0, 1)) == 3.0 and b.true_value((2, 1, 0)) == 9.0
    assert b.true_value((2,)) == 0.0 and b.true_value(()) == 0.0


def test_an_honest_bidder_bids_its_values_shaded():
    _, desk, b = bidder(shading=0.25)
    b.step()
    assert desk.received == [[(b.account, (0,), 2.25), (b.account, (1,), 1.5), (b.account, (0, 1, 2), 6.75)]]
    assert b.truthful_bids() == [(b.account, bundle, value) for bundle, value in VALUES]
    assert b.accounts == (b.account,)


def test_a_ring_member_inflates_every_bid():
    _, _, b = bidder("ring", ring_factor=4.0)
    assert [v for _, _, v in b.bids()] == [12.0, 8.0, 36.0]


def test_a_false_name_bidder_splits_its_best_bundle_between_its_names():
    # Its best bundle (0, 1, 2), worth 9: the first 3 // 2 = 1 good under its own name at 9 x 1/3 = 3,
    # the other two under the alias at 9 x 2/3 = 6; its other bids are dropped.
    model, _, b = bidder("shill")
    assert b.bids() == [(b.account, (0,), 3.0), (b.alias, (1, 2), 6.0)]
    assert b.accounts == (b.account, b.alias) and model.ledger.names[b.alias].endswith(":alias")
    # A single-good best bundle cannot be split: it bids as an honest bidder would.
    b.want([((0,), 3.0), ((1,), 2.0)])
    assert b.bids() == [(b.account, (0,), 3.0), (b.account, (1,), 2.0)]
    # Equal values: the smaller bundle is the one split (here (1, 2) over (0, 1, 2)).
    b.want([((1, 2), 9.0), ((0, 1, 2), 9.0)])
    assert b.bids() == [(b.account, (1,), 4.5), (b.alias, (2,), 4.5)]


def test_no_values_no_bids():
    _, desk, b = bidder()
    b.want([])
    b.step()
    assert desk.received == [[]]
    assert b.true_value((0,)) == 0.0


def test_values_are_taken_as_given_bundles_become_tuples():
    _, _, b = bidder()
    b.want([({0, 1}, 5)])
    assert b.bids() == [(b.account, (0, 1), 5.0)]
