"""Everyday CLI and set-up (issue 11): --version, progress on a terminal and in a log, the offline
advice of `koen model convert`, what koen.json says about the source model, the Makefile's defaults."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tomllib

import pytest

from koen.progress import LineProgress, progress
from mt import __version__
from mt.backends.checkpoint import Checkpoint, source_identity

from conftest import ARCHIVE, ROOT


def koen(*args: str, input: str | None = None, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "koen", *args], input=input, capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300)


def test_version_is_the_package_version():
    done = koen("--version")
    assert done.returncode == 0, done.stderr
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert done.stdout == f"koen {project['version']}\n" and project["version"] == __version__


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_line_progress_writes_whole_lines_every_interval():
    clock, stream = Clock(), io.StringIO()
    bar = LineProgress(10, desc="translate", unit="line", stream=stream, interval=5.0, clock=clock)
    for _ in range(4):            # 4 updates within the first 4 seconds: nothing yet
        clock.now += 1
        bar.update()
    assert stream.getvalue() == ""
    clock.now += 1                # 5 s since the start: one line
    bar.update(2)
    assert stream.getvalue() == "translate: 6/10 lines (60%), 1.2 lines/s, 5 s\n"
    clock.now += 1
    bar.update(4)                 # 1 s later: no new line until close
    assert stream.getvalue().count("\n") == 1
    bar.close()
    bar.close()                   # closing twice prints nothing more
    lines = stream.getvalue().splitlines()
    assert lines[-1].startswith("translate: 10/10 lines (100%)") and len(lines) == 2
    assert "\r" not in stream.getvalue()


def test_line_progress_resumed_counts_only_new_work():
    clock, stream = Clock(), io.StringIO()
    with LineProgress(20, initial=15, unit="record", stream=stream, clock=clock) as bar:
        clock.now += 10
        bar.update(5)
    assert stream.getvalue() == "20/20 records (100%), 0.5 records/s, 10 s\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_lines_elsewhere():
    terminal = Terminal()
    with progress(3, stream=terminal) as bar:
        bar.update(3)
    assert "\r" in terminal.getvalue() and "3/3" in terminal.getvalue()
    log = io.StringIO()
    with progress(3, stream=log) as bar:
        bar.update(3)
    assert isinstance(bar, LineProgress)
    assert log.getvalue().startswith("translate: 3/3 lines (100%)") and "\r" not in log.getvalue()
    quiet = io.StringIO()
    with progress(1, stream=quiet, disable=True) as bar:
        bar.update()
    assert quiet.getvalue() == ""


def test_commands_log_plain_progress_lines_when_stderr_is_not_a_terminal(tmp_path):
    lines = ARCHIVE.read_text(encoding="utf-8").splitlines(keepends=True)[:6]
    source = tmp_path / "in.txt"
    source.write_text("".join(lines), encoding="utf-8")
    done = koen("translate", str(source), "--backend", "romanize", "--glossary", "none")
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr and "translate: 6/6 lines (100%)" in done.stderr
    archive = koen("archive", "translate", str(ARCHIVE), str(tmp_path / "out"), "--backend", "romanize",
                   "--glossary", "none")
    assert archive.returncode == 0, archive.stderr
    assert "\r" not in archive.stderr and "translate: 20/20 records (100%)" in archive.stderr


def test_convert_offline_names_its_argument_not_model_option(tmp_path):
    env_home = tmp_path / "hf"
    done = subprocess.run([sys.executable, "-m", "koen", "model", "convert", "koen-test/not-cached", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "HF_HOME": str(env_home), "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "'koen-test/not-cached'" in lines[0] and "koen model convert DIR OUTDIR" in lines[0]
    assert "--model" not in lines[0]
    assert not (tmp_path / "o").exists()


def test_koen_json_identifies_a_local_source_by_absolute_path_and_config_hash(tiny_marian, tmp_path, monkeypatch):
    from mt.backends.ct2 import convert_checkpoint

    copy = tmp_path / "models" / "tiny"
    shutil.copytree(tiny_marian, copy)
    monkeypatch.chdir(tmp_path / "models")
    out = convert_checkpoint("../models/tiny", tmp_path / "ct2")
    meta = json.loads((out / "koen.json").read_text(encoding="utf-8"))
    assert meta["source_model"] == str(copy.resolve())
    assert meta["source_config_sha256"] == hashlib.sha256((copy / "config.json").read_bytes()).hexdigest()


def test_source_identity_of_a_hub_model_is_id_and_commit():
    hub = Checkpoint("org/model", "org/model", False)
    assert source_identity(hub, "0123abc") == {"source_model": "org/model", "source_revision": "0123abc"}
    assert source_identity(hub, None)["source_revision"] == "unknown"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_translate_defaults_to_the_sample_archive_and_passes_args():
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHON", "ARGS")}
    dry = subprocess.run(["make", "-n", "-B", "translate", "ARGS=--redo --skip-bad"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    command = [line for line in dry.stdout.splitlines() if "koen archive translate" in line]
    assert command == [".venv/bin/python -m koen archive translate examples/press-releases-2025.txt out "
                       "--model Helsinki-NLP/opus-mt-tc-big-ko-en --backend transformers --redo --skip-bad"]
    assert (ROOT / "examples" / "press-releases-2025.txt").is_file()
    pips = [line for line in dry.stdout.splitlines() if "pip install" in line]
    assert pips == [".venv/bin/python -m pip install --quiet torch==2.13.0", ".venv/bin/python -m pip install --quiet -e ."]
    chosen = subprocess.run(["make", "-n", "-B", "translate", f"PYTHON={sys.executable}"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert chosen.returncode == 0, chosen.stderr
    # no venv is made, and that interpreter runs everything (it may itself live in a venv, as in CI)
    assert "-m venv" not in chosen.stdout and ".venv/bin/python" not in chosen.stdout.replace(sys.executable, "")
    assert f"{sys.executable} -m koen archive translate" in chosen.stdout
    tests = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert "-e '.[test,ray]'" in tests.stdout and "-e '.[test" not in dry.stdout


def setup_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Set-up")
    return readme[start:readme.index("\n## ", start + 1)]


def test_readme_setup_is_two_commands_then_offline_and_where_koen_is():
    section = setup_section()
    heading = section.splitlines()[0]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert "two commands" in heading and commands == ["make translate", "make test"], block
    offline = section[section.index("**Offline**"):]
    assert "BACKEND=romanize" in offline and "MODEL=" in offline
    assert ".venv/bin/koen" in section and ". .venv/bin/activate" in section and "make koen" in section


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_koen_says_where_koen_is_and_how_to_put_it_on_path():
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHON")}
    dry = subprocess.run(["make", "-n", "-B", "koen"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    said = [line for line in dry.stdout.splitlines() if line.startswith("echo")]
    assert said and ".venv/bin/koen" in said[-1] and ". .venv/bin/activate" in said[-1], dry.stdout
