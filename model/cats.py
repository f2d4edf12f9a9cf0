"""Instance generators for combinatorial auctions, written from the published descriptions of the
Combinatorial Auction Test Suite (Leyton-Brown, Pearson and Shoham, "Towards a universal test
suite for combinatorial auction algorithms", ACM EC 2000). Each returns exactly ``n_bids``
bids ``(bidder, bundle, value)`` on goods ``0..n_goods-1``; a bidder's bids are XOR
substitutes. Seeded: the same ``rng`` state gives the same instance.

The four share the suite's value model: good g has a common value c_g ~ U[1, 100]; a bidder
adds a private deviation d_g ~ U[-20, 20] (floored so a good is worth at least 1) and values a
bundle S at sum_{g in S} (c_g + d_g) x |S|^ALPHA, ALPHA > 0 making goods complements. A bidder
bids on its first bundle and on up to MAX_SUBSTITUTES more, built the same way from other
starting goods and kept only if worth at least SUBSTITUTE_FLOOR of the first.

* ``arbitrary``: no structure. Pairs of goods have a random affinity U[0, 1]; a bundle grows
  from a good by adding, with probability ADD_PROB each time, a good drawn in proportion to
  its total affinity with the bundle times its value to the bidder.
* ``regions``: goods are the cells of a near-square grid (networkx), with a random diagonal
  added at each cell with probability 0.2; a bundle grows to a neighbour of the bundle drawn
  in proportion to its value to the bidder: a connected region, like spectrum licences or
  adjacent land.
* ``paths``: goods are the roads of a map: random cities in the unit square, a minimum
  spanning tree plus the shortest other roads, ``n_goods`` roads in all. A bidder wants its
  two cities connected, worth U[1, 1.5] x their distance x 100, and bids that on each of
  its up to MAX_SUBSTITUTES + 1 shortest routes (networkx shortest_simple_paths).
* ``scheduling``: goods are the time slots of one machine. A bidder has a job of length
  L ~ U{1..max(1, n_goods // 8)} and a deadline; it bids on intervals of L consecutive slots
  at several start times, worth v = U[1, 100] x L when done by the deadline and v x
  deadline / end when late.
* ``single-minded``: not a CATS family, the hard case for VCG. Each bid is its own bidder's
  only bid, on 2-6 goods drawn uniformly (fewer if there are fewer goods), worth
  U[1, 2] x the bundle's size: every good is worth about the same to everyone, so countless
  packings come within a few per cent of the optimum and the linear relaxation bounds them
  loosely, and each winner's removal is a fresh hard program.
"""

import networkx as nx
import numpy as np

from model.mechanisms._checks import MechanismInputError, as_count

ALPHA = 0.2
ADD_PROB = 0.6
MAX_SUBSTITUTES = 4
SUBSTITUTE_FLOOR = 0.8


def _values(n_goods: int, rng) -> np.ndarray:
    """Common values c_g."""
    return rng.uniform(1.0, 100.0, n_goods)


def _private(common: np.ndarray, rng) -> np.ndarray:
    return np.maximum(common + rng.uniform(-20.0, 20.0, len(common)), 1.0)


def _worth(own: np.ndarray, bundle) -> float:
    return float(own[list(bundle)].sum() * len(bundle) ** ALPHA)


def _grow(start: int, own: np.ndarray, candidates, rng) -> tuple:
    """A bundle from ``start``: while a coin with ADD_PROB says so, add a good drawn by
    ``candidates(bundle) -> (goods, weights)``."""
    bundle = [start]
    while rng.random() < ADD_PROB:
        goods, weights = candidates(bundle)
        if not len(goods) or weights.sum() <= 0:
            break
        bundle.append(int(rng.choice(goods, p=weights / weights.sum())))
    return tuple(sorted(bundle))


def _bundle_bidders(n_goods: int, n_bids: int, rng, candidates) -> list:
    common = _values(n_goods, rng)
    bids, bidder = [], 0
    while len(bids) < n_bids:
        own = _private(common, rng)
        first = _grow(int(rng.choice(n_goods, p=own / own.sum())), own, lambda b: candidates(b, own), rng)
        mine = {first: _worth(own, first)}
        for _ in range(MAX_SUBSTITUTES):
            other = _grow(int(rng.integers(n_goods)), own, lambda b: candidates(b, own), rng)
            if other not in mine and _worth(own, other) >= SUBSTITUTE_FLOOR * mine[first]:
                mine[other] = _worth(own, other)
        bids.extend((bidder, bundle, round(value, 2)) for bundle, value in mine.items())
        bidder += 1
    return bids[:n_bids]


def arbitrary(n_goods: int, n_bids: int, rng) -> list:
    """CATS "arbitrary relationships" (see the module docstring)."""
    affinity = rng.uniform(0.0, 1.0, (n_goods, n_goods))

    def candidates(bundle, own):
        free = np.setdiff1d(np.arange(n_goods), bundle)
        return free, affinity[np.ix_(bundle, free)].sum(axis=0) * own[free]
    return _bundle_bidders(n_goods, n_bids, rng, candidates)


def region_graph(n_goods: int, rng) -> nx.Graph:
    """A near-square grid of ``n_goods`` cells, with random diagonals."""
    width = int(np.ceil(np.sqrt(n_goods)))
    graph = nx.Graph()
    graph.add_nodes_from(range(n_goods))
    for g in range(n_goods):
        row, col = divmod(g, width)
        for h in (g + 1 if col + 1 < width else None, g + width):
            if h is not None and h < n_goods:
                graph.add_edge(g, h)
        diagonal = g + width + 1 if col + 1 < width else None
        if diagonal is not None and diagonal < n_goods and rng.random() < 0.2:
            graph.add_edge(g, diagonal)
    return graph


def regions(n_goods: int, n_bids: int, rng) -> list:
    """CATS "regions" (see the module docstring)."""
    graph = region_graph(n_goods, rng)

    def candidates(bundle, own):
        near = np.array(sorted({h for g in bundle for h in graph[g]} - set(bundle)), dtype=np.int64)
        return near, own[near] if len(near) else np.empty(0)
    return _bundle_bidders(n_goods, n_bids, rng, candidates)


def road_map(n_goods: int, rng) -> tuple[nx.Graph, np.ndarray]:
    """Random cities joined by ``n_goods`` roads: a minimum spanning tree plus the shortest
    other roads. Each road carries ``good`` (its index) and ``length``."""
    cities = max(3, n_goods // 2 + 1)
    points = rng.uniform(0.0, 1.0, (cities, 2))
    full = nx.Graph()
    for i in range(cities):
        for j in range(i + 1, cities):
            full.add_edge(i, j, length=float(np.hypot(*(points[i] - points[j]))))
    roads = nx.minimum_spanning_tree(full, weight="length")
    extra = sorted((d["length"], u, v) for u, v, d in full.edges(data=True) if not roads.has_edge(u, v))
    for length, u, v in extra[: n_goods - roads.number_of_edges()]:
        roads.add_edge(u, v, length=length)
    for good, (u, v) in enumerate(sorted(roads.edges())):
        roads[u][v]["good"] = good
    return roads, points


def paths(n_goods: int, n_bids: int, rng) -> list:
    """CATS "paths in space" (see the module docstring)."""
    if n_goods < 2:
        raise MechanismInputError("paths needs at least 2 goods (roads)")
    roads, points = road_map(n_goods, rng)
    bids, bidder = [], 0
    while len(bids) < n_bids:
        s, t = (int(c) for c in rng.choice(len(points), 2, replace=False))
        worth = round(float(rng.uniform(1.0, 1.5) * np.hypot(*(points[s] - points[t])) * 100.0), 2)
        for k, route in enumerate(nx.shortest_simple_paths(roads, s, t, weight="length")):
            if k > MAX_SUBSTITUTES:
                break
            bids.append((bidder, tuple(sorted(roads[u][v]["good"] for u, v in zip(route, route[1:]))), worth))
        bidder += 1
    return bids[:n_bids]


def scheduling(n_goods: int, n_bids: int, rng) -> list:
    """CATS "scheduling" (see the module docstring)."""
    bids, bidder = [], 0
    while len(bids) < n_bids:
        length = int(rng.integers(1, max(1, n_goods // 8) + 1))
        deadline = int(rng.integers(length, n_goods + 1))
        worth = float(rng.uniform(1.0, 100.0)) * length
        starts = rng.choice(n_goods - length + 1, min(MAX_SUBSTITUTES + 1, n_goods - length + 1), replace=False)
        for start in sorted(int(s) for s in starts):
            end = start + length
            value = worth if end <= deadline else worth * deadline / end
            bids.append((bidder, tuple(range(start, end)), round(value, 2)))
        bidder += 1
    return bids[:n_bids]


def single_minded(n_goods: int, n_bids: int, rng) -> list:
    """Single-minded bidders (see the module docstring): the hard case for VCG."""
    bids = []
    for bidder in range(n_bids):
        size = int(rng.integers(min(2, n_goods), min(6, n_goods) + 1))
        bundle = tuple(sorted(int(g) for g in rng.choice(n_goods, size, replace=False)))
        bids.append((bidder, bundle, round(float(rng.uniform(1.0, 2.0)) * size, 2)))
    return bids


GENERATORS = {"arbitrary": arbitrary, "regions": regions, "paths": paths, "scheduling": scheduling,
              "single-minded": single_minded}


def generate(kind: str, n_goods: int, n_bids: int, rng) -> list:
    """``n_bids`` bids on ``n_goods`` goods from the generator ``kind``."""
    if kind not in GENERATORS:
        raise MechanismInputError(f"unknown generator {kind!r}; choose from {', '.join(GENERATORS)}")
    n_goods, n_bids = as_count("n_goods", n_goods), as_count("n_bids", n_bids)
    if n_goods < 1:
        raise MechanismInputError("n_goods must be at least 1")
    return GENERATORS[kind](n_goods, n_bids, rng)
