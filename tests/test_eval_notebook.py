"""notebooks/eval.ipynb runs headless and produces its tables and plots."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_eval_notebook_runs_headless():
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(ROOT / "notebooks" / "eval.ipynb", as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "flores200-dev.200" in text and "tatoeba.100" in text and "term success" in text
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2  # scores per test set; term hits and misses per term
    # The glossary-enforcing run renders more approved terms than the page as published.
    published, enforced = [line for line in text.splitlines() if "term success" in line]
    ratio = lambda line: eval(line.split("term success")[1].split("=")[0])  # noqa: E731 - "found/total"
    assert ratio(enforced) > ratio(published)
