"""The lesson notebooks run from top to bottom (nbclient), so they never rot; each shows its
run, its sweep and its plot without an error."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

LESSONS = Path(__file__).resolve().parents[2] / "lessons"


@pytest.mark.parametrize("path", sorted(LESSONS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_a_lesson_runs(path):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(LESSONS)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert text.strip()                          # the runs printed their figures
    kinds = {cell.source.split("\n")[0] for cell in notebook.cells if cell.cell_type == "markdown"}
    assert any(k.startswith("## A question for the class") for k in kinds)


def test_there_are_three_lessons():
    assert [p.stem[:2] for p in sorted(LESSONS.glob("*.ipynb"))] == ["01", "02", "03"]
