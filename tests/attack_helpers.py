"""Helpers for issue 22's attack-pass tests: a small JSONL archive, running a command as an
unprivileged user (root ignores file permissions), a watchdog for what used to hang."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import pwd
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import pytest

from cli_helpers import run

ROMANIZE = ["--backend", "romanize"]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def archive(tmp_path: Path, body: str = "첫째 줄은 국토교통부 소식이다.\n둘째 줄도 국토교통부가 맡는다.\n셋째 줄은 끝이다.",
            name: str = "in.jsonl") -> Path:
    return write_jsonl(tmp_path / name, [{"id": "r1", "title": "국토교통부 보도자료", "body": body}])


def translate_archive(capsys, source: Path, outdir: Path, *extra) -> tuple[int, str, str]:
    return run(["archive", "translate", str(source), str(outdir), *ROMANIZE, *map(str, extra)], capsys)


def as_unprivileged(function, *args):
    """``function(*args)`` in a forked child running as ``nobody`` when we are root (root ignores
    the permissions under test), else here. Returns its result; re-raises its exception text."""
    if os.geteuid() != 0:
        return function(*args)
    try:
        user = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no unprivileged user to run the permission case as")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:                                              # the child: drop root, run, report
        os.close(read)
        try:
            os.setgroups([])
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
            outcome = ("ok", function(*args))
        except BaseException as exc:                          # noqa: BLE001 - reported to the parent
            outcome = ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        with os.fdopen(write, "wb") as handle:
            pickle.dump(outcome, handle)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as handle:
        data = handle.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(data)
    if kind == "error":
        raise AssertionError(f"as nobody: {value}")
    return value


ROOT = Path(__file__).resolve().parent.parent


def run_bounded(argv: list[str], memory_bytes: int = 2 << 30, seconds: int = 120) -> tuple[int, str]:
    """``koen argv`` in a child process with capped memory and time: what used to read
    ``/dev/zero`` forever fails this test instead of exhausting the machine."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "koen", *argv], capture_output=True, text=True, timeout=seconds,
                          preexec_fn=limit, env=env)
    return done.returncode, done.stderr


@pytest.fixture
def open_tmp():
    """A temporary folder an unprivileged user can reach (pytest's tmp_path lies under a 0700 folder)."""
    folder = Path(tempfile.mkdtemp(prefix="koen-attack-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        with contextlib.suppress(OSError):
            path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def watchdog(seconds: int = 30):
    """Fail (instead of hanging the suite) when the body blocks longer than ``seconds``."""
    def expire(*_):
        raise TimeoutError(f"still blocked after {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
