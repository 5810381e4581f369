"""`koen glossary serve` prints the address it really listens on (``--port 0`` included), and an
address it cannot listen on is one ``koen: error:`` line (issue 22, item 31)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from conftest import ROOT

URL = re.compile(r"workbench on (http://\S+/)")


def serve(glossary, host: str, port: str = "0"):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-m", "koen", "glossary", "serve", "-g", str(glossary), "--host", host,
                             "--port", port], cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True)


def first_answer(process) -> tuple[str | None, str]:
    """(the URL it printed, or None if it exited; everything it wrote to stderr until then). A
    server that prints no URL is killed after two minutes, so the test fails instead of hanging."""
    seen = []
    deadline = threading.Timer(120, process.kill)
    deadline.start()
    try:
        for line in process.stderr:
            seen.append(line)
            found = URL.search(line)
            if found:
                return found.group(1), "".join(seen)
        process.wait(timeout=60)
    finally:
        deadline.cancel()
    return None, "".join(seen)


@pytest.fixture
def glossary(tmp_path):
    path = tmp_path / "g.tsv"
    subprocess.run([sys.executable, "-m", "koen", "glossary", "init", str(path)], cwd=ROOT, check=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True)
    return path


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "::1", "::ffff:127.0.0.1", "localhost"])
def test_the_printed_url_is_where_it_answers_or_the_address_is_one_error_line(glossary, host):
    process = serve(glossary, host)
    try:
        url, err = first_answer(process)
        if url is None:                  # e.g. no IPv6 on this machine: said in one line, exit 2
            assert process.returncode == 2, err
            assert err.strip().splitlines()[-1].startswith("koen: error: --host"), err
            assert "Traceback" not in err and "ERROR" not in err, err
            return
        assert not url.endswith(":0/"), url
        try:
            with urllib.request.urlopen(url, timeout=30) as answer:
                status = answer.status
        except urllib.error.HTTPError as refused:     # an answer all the same (e.g. a Host check)
            status = refused.code
        assert 200 <= status < 500, (url, status)
    finally:
        process.kill()
        process.wait(timeout=30)


@pytest.mark.parametrize("host", ["256.1.1.1", "no-such-host.invalid", "[::1"])
def test_an_address_it_cannot_listen_on_is_one_error_line(glossary, host):
    process = serve(glossary, host)
    try:
        url, err = first_answer(process)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert url is None and process.returncode == 2, err
    lines = [line for line in err.splitlines() if not line.startswith("koen: warning:")]
    assert len(lines) == 1 and lines[0].startswith("koen: error: --host"), err
