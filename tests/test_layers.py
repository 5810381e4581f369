"""The layer contract (pyproject.toml, import-linter) holds, and it catches an upward import,
also one hidden inside a function body."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("mt", "glossary", "eval", "koen")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    script = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([sys.executable, "-c", script, "--no-cache"], cwd=tree, env=env,
                          capture_output=True, text=True)


def copy_tree(target: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__", "*.html",
                                                                                        "*.css", "*.tsv"))
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def test_the_project_keeps_its_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize("module, planted", [
    ("mt/segment.py", "\n\ndef _planted():\n    from glossary.match import Matcher\n    return Matcher\n"),
    ("glossary/termbase.py", "\nimport eval.score  # noqa\n"),
    ("eval/score.py", "\n\ndef _planted():\n    import koen.compose\n    return koen.compose\n"),
    ("mt/pipeline.py", "\nfrom mt.archive import readers  # noqa\n"),
])
def test_an_upward_import_breaks_the_build(tmp_path, module, planted):
    tree = copy_tree(tmp_path)
    assert lint_imports(tree).returncode == 0
    with open(tree / module, "a", encoding="utf-8") as handle:
        handle.write(planted)
    result = lint_imports(tree)
    assert result.returncode != 0 and "BROKEN" in result.stdout.upper(), result.stdout
