"""The README's first run, for real: a fresh clone (no ../shared beside it), the Makefile's own
virtual environment made with the stock python3 (Debian's externally managed one when present).

Expensive (a venv with torch and koen's runtime dependencies: about a minute here with pip's wheel
cache and the machine's local torch wheel); it runs in CI all the same. It tests what is committed:
the clone has HEAD, not uncommitted edits. Faithful on purpose: no --system-site-packages (a stock
machine has none of koen's dependencies); speed comes from pip's ordinary wheel cache.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("make") is None or shutil.which("git") is None, reason="needs make and git"),
]

# Variables a calling make (e.g. `make test`) would otherwise hand to the make under test.
PARENT_MAKE = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PYTHON", "ARGS", "ARCHIVE", "OUT", "MODEL",
               "BACKEND", "VENV", "TORCH", "SYSTEM_PYTHON", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")


def stock_python() -> str:
    """Debian's /usr/bin/python3 when it is externally managed (PEP 668): the case the venv is for."""
    probe = "import os, sysconfig; print(os.path.exists(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')))"
    for candidate in ("/usr/bin/python3", "python3"):
        path = shutil.which(candidate)
        if path is None:
            continue
        managed = subprocess.run([path, "-c", probe], capture_output=True, text=True).stdout.strip() == "True"
        has_venv = subprocess.run([path, "-c", "import ensurepip, venv"], capture_output=True).returncode == 0
        if managed and has_venv:
            return path
    return "python3"


def make(clone: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *args], cwd=clone, env=env, capture_output=True, text=True, timeout=1200)


def test_fresh_clone_make_translate_offline_then_romanize(tmp_path):
    clone = tmp_path / "koen"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    assert not (clone.parent / "shared").exists()
    env = {k: v for k, v in os.environ.items() if k not in PARENT_MAKE}
    env.update(HF_HOME=str(tmp_path / "hf"), HF_HUB_OFFLINE="1", SYSTEM_PYTHON=stock_python())

    # The default model cannot be had offline: one line from koen, a non-zero exit, no traceback.
    first = make(clone, "translate", env=env)
    assert first.returncode != 0
    assert (clone / ".venv" / "bin" / "python").exists() and (clone / ".venv" / "runtime.stamp").exists()
    assert "Traceback" not in first.stderr
    errors = [line for line in first.stderr.splitlines() if line.startswith("koen:")]
    assert len(errors) == 1 and "cannot load model 'Helsinki-NLP/opus-mt-tc-big-ko-en'" in errors[0], first.stderr
    assert "--model DIR" in errors[0]
    # The runtime only: no test tooling in the environment.
    site = next((clone / ".venv" / "lib").glob("python3*/site-packages"))
    assert (site / "torch").is_dir() and (site / "kiwipiepy").is_dir()
    assert not (site / "pytest").exists() and not (site / "playwright").exists()

    # The README's fallback, right after: nothing is installed again, the archive is rendered.
    second = make(clone, "translate", "BACKEND=romanize", env=env)
    assert second.returncode == 0, second.stderr
    assert "pip install" not in second.stdout
    _check_rendered(clone)
    # ARGS= reaches `koen archive translate`: --redo starts the finished job over, same output.
    before = (clone / "out" / "records.jsonl").read_bytes()
    again = make(clone, "translate", "BACKEND=romanize", "ARGS=--redo", env=env)
    assert again.returncode == 0, again.stderr
    counts = re.search(r"(\d+) records; (\d+) translated now", again.stderr)
    assert counts and counts.group(1) == counts.group(2) != "0", again.stderr
    assert (clone / "out" / "records.jsonl").read_bytes() == before


def _check_rendered(clone: Path) -> None:
    rendered = sorted((clone / "out" / "rendered").iterdir())
    assert [p.name for p in rendered] == ["press-releases-2025.txt"]
    source = (clone / "examples" / "press-releases-2025.txt").read_text(encoding="utf-8").splitlines()
    english = rendered[0].read_text(encoding="utf-8").splitlines()
    assert len(english) == len(source) and english[0] == source[0] and english != source
    assert (clone / "out" / "records.jsonl").stat().st_size > 0
