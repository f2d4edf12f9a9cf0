"""Parameter declarations and the metrics."""

import pytest

from model.metrics import gini, ratio
from model.params import Param, ParameterError, parse_assignment, validate

PARAMS = (
    Param("bidders", 4, "how many", low=2, high=10),
    Param("rule", "second", "rule", choices=("first", "second")),
    Param("alpha", 0.2, "shading", low=0, high=1),
    Param("verbose", False, "talk"),
)


def test_defaults_and_coercion_from_text():
    assert validate(PARAMS, {}, "x") == {"bidders": 4, "rule": "second", "alpha": 0.2, "verbose": False}
    got = validate(PARAMS, {"bidders": "7", "rule": "first", "alpha": "0.5", "verbose": "yes"}, "x")
    assert got == {"bidders": 7, "rule": "first", "alpha": 0.5, "verbose": True}


@pytest.mark.parametrize(
    "given, message",
    [
        ({"bidders": "1"}, "bidders must be an integer between 2 and 10; got '1'"),
        ({"bidders": "2.5"}, "bidders must be an integer between 2 and 10"),
        ({"alpha": "nan"}, "alpha must be a number between 0 and 1"),
        ({"rule": "third"}, "rule must be one of first, second; got 'third'"),
        ({"verbose": "maybe"}, "verbose must be true or false"),
        ({"bidder": 3}, "unknown parameter 'bidder' for x (did you mean 'bidders'?)"),
    ],
)
def test_errors_name_the_parameter_and_the_range(given, message):
    with pytest.raises(ParameterError) as err:
        validate(PARAMS, given, "x")
    assert message in str(err.value)


def test_parse_assignment():
    assert parse_assignment("rule = first") == ("rule", "first")
    for bad in ("rule", "=3", "rule="):
        with pytest.raises(ParameterError, match="NAME=VALUE"):
            parse_assignment(bad)


def test_gini_known_values():
    assert gini([5, 5, 5]) == 0.0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)   # one of n holds all: (n-1)/n
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)   # mean abs difference 1.25 / (2 x mean 2.5)
    assert gini([0, 0]) == 0.0


def test_ratio_is_nan_without_a_positive_denominator():
    assert ratio(1, 2) == 0.5
    assert ratio(1, 0) != ratio(1, 0)


def test_old_names_still_work_with_a_note():
    import pytest

    from model.params import RenamedParameter
    from scenarios.hayek_machine import HayekMachineModel
    from scenarios.sealed_bid import SealedBidModel

    with pytest.warns(RenamedParameter, match="'alpha' is now 'shading'"):
        assert SealedBidModel.validated({"alpha": 0.3})["shading"] == 0.3
    with pytest.warns(RenamedParameter, match="auction=vickrey is now auction=second|rule=vickrey is now rule=second"):
        assert HayekMachineModel.validated({"auction": "vickrey"})["rule"] == "second"
    with pytest.raises(ValueError, match="same parameter"):
        SealedBidModel.validated({"alpha": 0.3, "shading": 0.2})
