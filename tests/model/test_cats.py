"""CATS-style generators: exact sizes, valid bids, seeded, and the structure each promises."""

import networkx as nx
import numpy as np
import pytest

from model.cats import GENERATORS, generate, region_graph, road_map
from model.mechanisms import MechanismInputError, package_bids, vcg


@pytest.mark.parametrize("kind", GENERATORS)
def test_sizes_validity_and_seeding(kind):
    bids = generate(kind, 20, 100, np.random.default_rng(3))
    assert len(bids) == 100
    package_bids(bids, 20)                                   # every bid valid (raises otherwise)
    assert generate(kind, 20, 100, np.random.default_rng(3)) == bids
    assert generate(kind, 20, 100, np.random.default_rng(4)) != bids
    bidders = [who for who, _, _ in bids]
    assert bidders == sorted(bidders)                        # a bidder's XOR bids are together


def test_regions_are_connected_neighbourhoods():
    rng = np.random.default_rng(5)
    graph = region_graph(30, np.random.default_rng(5))
    for _, bundle, _ in generate("regions", 30, 80, rng):
        assert nx.is_connected(graph.subgraph(bundle))


def test_paths_connect_two_cities():
    roads, _ = road_map(30, np.random.default_rng(6))
    assert roads.number_of_edges() == 30 and nx.is_connected(roads)
    by_good = {d["good"]: (u, v) for u, v, d in roads.edges(data=True)}
    for _, bundle, _ in generate("paths", 30, 80, np.random.default_rng(6)):
        route = nx.Graph([by_good[g] for g in bundle])
        degrees = sorted(d for _, d in route.degree())
        assert nx.is_connected(route) and degrees.count(1) == 2 and max(degrees) <= 2   # a simple path


def test_scheduling_bids_are_intervals_and_late_ones_worth_less():
    bids = generate("scheduling", 40, 120, np.random.default_rng(7))
    for who, bundle, _ in bids:
        assert list(bundle) == list(range(bundle[0], bundle[-1] + 1))
    for who in {b[0] for b in bids}:
        mine = sorted((b[1][-1], b[2]) for b in bids if b[0] == who)
        values = [v for _, v in mine]
        assert values == sorted(values, reverse=True)          # finishing later is never worth more


def test_single_minded_bidders_bid_once_on_two_to_six_goods():
    bids = generate("single-minded", 50, 250, np.random.default_rng(10))
    assert [who for who, _, _ in bids] == list(range(250))          # one bid per bidder
    for _, bundle, value in bids:
        assert 2 <= len(bundle) <= 6 and len(set(bundle)) == len(bundle)
        assert len(bundle) <= value <= 2 * len(bundle)               # U[1, 2] x size


def test_vcg_does_not_depend_on_the_thread_count():
    bids = generate("arbitrary", 20, 100, np.random.default_rng(8))
    one, two = vcg(bids, 20, workers=1), vcg(bids, 20, workers=2)
    assert one.allocation == two.allocation and one.payments == two.payments and one.ip_solves == two.ip_solves


def test_bad_generator_input():
    with pytest.raises(MechanismInputError, match="unknown generator 'grid'"):
        generate("grid", 10, 10, np.random.default_rng(0))
    with pytest.raises(MechanismInputError, match="n_goods must be at least 1"):
        generate("arbitrary", 0, 10, np.random.default_rng(0))
