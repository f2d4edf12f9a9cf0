"""The Pareto view: the non-dominated filter against brute force, sweep tables averaged per
grid point, the figures, and the ``catallaxy pareto`` command."""

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.pareto import non_dominated, pareto_front, pareto_points, plot_pareto
from model.params import ParameterError

CATALLAXY = Path(sys.executable).parent / "catallaxy"


def brute_force(points, maximize):
    """Point i is kept unless some j is >= on every objective and > on one (the definition)."""
    sign = np.where(maximize, 1.0, -1.0)
    keep = []
    for i, p in enumerate(points):
        dominated = False
        for j, q in enumerate(points):
            if j != i and all(sign[k] * q[k] >= sign[k] * p[k] for k in range(len(p))) and any(
                    sign[k] * q[k] > sign[k] * p[k] for k in range(len(p))):
                dominated = True
                break
        keep.append(not dominated)
    return keep


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4).flatmap(lambda k: st.tuples(
    st.lists(st.lists(st.integers(0, 6), min_size=k, max_size=k), min_size=1, max_size=40),
    st.lists(st.booleans(), min_size=k, max_size=k))))
def test_the_filter_matches_brute_force_on_random_points(case):
    points, maximize = case            # small integers: many ties and duplicate points
    assert non_dominated(points, maximize).tolist() == brute_force(points, maximize)


def test_the_filter_matches_brute_force_on_random_reals_across_chunks():
    rng = np.random.default_rng(3)
    points = rng.normal(size=(1_100, 3))       # more than one chunk of 512 rows
    maximize = [True, False, True]
    fast = non_dominated(points, maximize)
    sign = np.where(maximize, 1, -1) * points
    slow = [not any((sign[j] >= sign[i]).all() and (sign[j] > sign[i]).any() for j in range(len(points)))
            for i in range(len(points))]
    assert fast.tolist() == slow and 0 < fast.sum() < len(points)


def test_a_worked_example():
    # gain (max) / risk (min): A (3, 2), B (2, 1), C (2, 3), D (1, 1), E (3, 2) again.
    # C is beaten by A (more gain, less risk) and D by B (same risk, more gain); A and E tie.
    table = pd.DataFrame({"name": list("ABCDE"), "gain": [3, 2, 2, 1, 3], "risk": [2, 1, 3, 1, 2]})
    front = pareto_front(table, maximize=["gain"], minimize=["risk"], by=[])
    assert front.name.tolist() == ["A", "E", "B"]


def sweep_table():
    """A sweep's run table: 2 grid points x 2 replicates, one failed run, one missing metric."""
    return pd.DataFrame({
        "run_id": range(6), "k": [1, 1, 2, 2, 3, 3], "replicate": [0, 1] * 3, "seed": range(6), "steps": 10,
        "status": ["ok", "ok", "ok", "error", "ok", "ok"], "error": "", "traceback": "", "seconds": 0.1,
        "mean:welfare": [1.0, 3.0, 5.0, 99.0, 1.0, np.nan], "mean:gini": [0.2, 0.4, 0.5, 0.0, 0.1, 0.1]})


def test_a_sweep_is_averaged_per_grid_point_first():
    points = pareto_points(sweep_table(), maximize=["mean:welfare"], minimize=["mean:gini"])
    # k=1: welfare (1+3)/2 = 2, gini 0.3 over 2 runs; k=2: only the ok run, 5 and 0.5; k=3: welfare
    # mean of [1, NaN] = 1 (pandas skips NaN), gini 0.1.
    assert points.k.tolist() == [1, 2, 3]
    assert points["mean:welfare"].tolist() == [2.0, 5.0, 1.0] and points.runs.tolist() == [2, 1, 2]
    assert points.pareto.tolist() == [True, True, True]
    assert points.attrs["by"] == ["k"] and points.attrs["dropped"] == 0
    front = pareto_front(sweep_table(), maximize=["mean:welfare", "mean:gini"])  # both maximised: k=2 alone
    assert front.k.tolist() == [2]


@pytest.mark.parametrize("kwargs, match", [
    ({"maximize": ["mean:welfare"]}, "at least two objectives"),
    ({"maximize": ["mean:welfar"], "minimize": ["mean:gini"]}, "did you mean 'mean:welfare'"),
    ({"maximize": ["mean:gini"], "minimize": ["mean:gini"]}, "more than once"),
    ({"maximize": ["status"], "minimize": ["mean:gini"]}, "must be numeric"),
    ({"maximize": ["mean:welfare"], "minimize": ["mean:gini"], "by": ["nope"]}, "--by names nope"),
])
def test_bad_objectives_are_refused(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        pareto_points(sweep_table(), **kwargs)


@pytest.mark.parametrize("objectives", [2, 3])
def test_the_figures(objectives):
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.random((30, 3)), columns=["a", "b", "c"]).assign(point=range(30))
    points = pareto_points(table, maximize=["a", "b", "c"][: objectives - 1], minimize=["c"], by=["point"])
    figure = plot_pareto(points)
    pairs = len(list(itertools.combinations(range(objectives), 2)))
    assert len(figure.axes) == (1 if objectives == 2 else pairs + 1)   # scatter; pairs + parallel coordinates
    assert f"{points.pareto.sum()} of 30 points non-dominated" in figure._suptitle.get_text()


def test_frontier_points_with_the_same_objectives_are_drawn_once_and_counted():
    table = pd.DataFrame({"mechanism": ["a", "a", "b", "c"], "k": [1, 2, 1, 1], "x": [1.0, 1.0, 2.0, 0.0],
                          "y": [2.0, 2.0, 1.0, 0.0]})
    figure = plot_pareto(pareto_points(table, maximize=["x", "y"], by=["mechanism", "k"]))
    assert "3 of 4 points non-dominated (2 distinct)" in figure._suptitle.get_text()
    key = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert "1: mechanism=a, k=1 (+1 the same)" in key and "2: mechanism=b, k=1" in key


def cli(*args, cwd):
    return subprocess.run([str(CATALLAXY), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_the_command_prints_writes_and_draws_and_refuses_bad_input(tmp_path):
    sweep_table().to_parquet(tmp_path / "sweep.parquet")
    done = cli("pareto", "sweep.parquet", "--maximize", "mean:welfare", "--minimize", "mean:gini",
               "--out", "front.csv", "--figure", "front.png", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "3 of 3 points are non-dominated"
    assert pd.read_csv(tmp_path / "front.csv").k.tolist() == [2, 1, 3]     # best welfare first
    assert (tmp_path / "front.png").read_bytes()[:4] == b"\x89PNG"
    bad = cli("pareto", "sweep.parquet", "--maximize", "mean:welfare", "--minimize", "mean:nope", cwd=tmp_path)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert bad.stderr.startswith("catallaxy: error: no column 'mean:nope'")
