"""The house's rule: imports point down, never up.

    app.py, cli  ->  dashboard, reproductions  ->  experiments  ->  scenarios  ->  agents  ->  model

Each package may import the packages below it, never one above (checked on every import
statement of every module, including imports inside functions).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Package -> the project packages it may import (besides itself).
ALLOWED = {
    "model": set(),
    "agents": {"model"},
    "scenarios": {"agents", "model"},
    "experiments": {"scenarios", "agents", "model"},
    "reproductions": {"experiments", "scenarios", "agents", "model"},
    "dashboard": {"experiments", "scenarios", "agents", "model"},
    "cli": {"reproductions", "experiments", "scenarios", "agents", "model"},
}
PROJECT = set(ALLOWED) | {"testkit", "benchmarks", "tests", "app"}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & PROJECT


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_down(package):
    wrong = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        upward = imported_packages(path) - ALLOWED[package] - {package}
        if upward:
            wrong[str(path.relative_to(ROOT))] = sorted(upward)
    assert wrong == {}, f"{package} imports from packages above it: {wrong}"


def test_the_rule_catches_an_upward_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from agents.trader import Trader\n")
    assert imported_packages(module) == {"agents"}
