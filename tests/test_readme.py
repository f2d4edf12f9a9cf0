"""The README's "Writing a new scenario" example works as printed."""

import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[1] / "README.md"


def test_new_scenario_example_runs():
    text = README.read_text()
    section = text[text.index("## Writing a new scenario"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README example", "exec"), namespace)
    model = namespace["SeatsModel"](rng=3, buyers=8, seats=3)
    for _ in range(50):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert "price:seats" in frame.columns
    assert np.allclose(frame.efficiency, 1.0)          # truthful uniform-price is efficient
    assert np.allclose(frame.money_supply, 8 * 100)    # money is conserved
    assert (frame.revenue > 0).all()
