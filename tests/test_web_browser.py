"""The workbench end to end in a real headless browser: Debian's Chromium driven by Playwright.

The server is the real one (uvicorn) on a free loopback port in a thread. Needs /usr/bin/chromium
(``apt-get install -y chromium``; Playwright's own browser download is not used).

Also makes the README's screenshot: ``python tests/test_web_browser.py docs/workbench.png``.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS.parent))

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARCHIVE = TESTS.parent / "examples" / "press-releases-2025.txt"
SAMPLES = TESTS / "data" / "mine" / "mixed-releases.txt"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent: apt-get install -y chromium"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(glossary: Path, archive: Path | None = None, **app_options):
    import uvicorn

    from koen.workbench.app import create_app

    port = free_port()
    app = create_app(glossary, archive, **app_options)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the workbench server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextlib.contextmanager
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def glossary_with_candidates(target: Path) -> Path:
    """The starter glossary plus the candidates mined from the committed samples."""
    from glossary.mine import candidates_to_text, mine, read_documents
    from glossary.termbase import Termbase, default_glossary_path

    shutil.copy(default_glossary_path(), target)
    starter = Termbase.load(target)
    candidates = mine(read_documents(SAMPLES), starter, limit=6)
    rows = candidates_to_text(candidates, SAMPLES.name).split("\n", 1)[1]
    with target.open("a", encoding="utf-8") as handle:
        handle.write(rows)
    return target


@pytest.fixture(scope="module")
def workbench(tmp_path_factory):
    glossary = glossary_with_candidates(tmp_path_factory.mktemp("workbench") / "glossary.tsv")
    with running_server(glossary, ARCHIVE) as url, browser_page() as page:
        yield url, page, glossary


def entry(glossary: Path, korean: str):
    from glossary.termbase import Termbase

    return next(e for e in Termbase.load(glossary).entries if e.korean == korean)


def test_search_and_filter(workbench):
    url, page, _ = workbench
    page.goto(url + "/")
    page.fill("input[name=q]", "데이터 허브")
    page.click("text=Filter")
    page.wait_for_url("**q=*")
    koreans = page.locator("td.korean > a").all_inner_texts()
    assert "스마트도시 데이터허브" in koreans and "국토교통부" not in koreans
    page.select_option("select[name=status]", "candidate")
    page.fill("input[name=q]", "")
    page.click("text=Filter")
    page.wait_for_url("**status=candidate*")
    assert "노후계획도시" in page.locator("td.korean > a").all_inner_texts()
    assert set(page.locator("td .status").all_inner_texts()) == {"candidate"}


def test_approve_a_candidate(workbench):
    from glossary.lint import lint_file

    url, page, glossary = workbench
    assert entry(glossary, "버티포트").status == "candidate"
    page.goto(url + "/?status=candidate")
    row = page.locator("tr", has=page.locator("td.korean > a", has_text="버티포트")).first
    row.locator("button.approve").click()
    page.wait_for_selector("text=Saved line")
    assert entry(glossary, "버티포트").status == "approved"
    assert lint_file(glossary) == []


def test_edit_refused_by_lint_then_saved(workbench):
    url, page, glossary = workbench
    before = glossary.read_bytes()
    target = entry(glossary, "노후계획도시")
    page.goto(f"{url}/entry/{target.line}")
    page.fill("input[name=english]", "노후 planned city")
    page.click("#save")
    error = page.locator("#errors")
    error.wait_for()
    assert "Hangul left in the English term" in error.inner_text()
    assert page.input_value("input[name=english]") == "노후 planned city"
    assert glossary.read_bytes() == before
    page.fill("input[name=english]", "ageing planned city")
    page.select_option("select[name=status]", "approved")
    page.click("#save")
    page.wait_for_selector("text=Saved line")
    saved = entry(glossary, "노후계획도시")
    assert (saved.english, saved.status, saved.line) == ("ageing planned city", "approved", target.line)


def test_concordance(workbench):
    url, page, glossary = workbench
    page.goto(f"{url}/entry/{entry(glossary, '스마트도시 데이터허브').line}")
    table = page.locator("#concordance")
    table.wait_for()
    text = table.inner_text()
    assert "press-releases-2025.txt:3" in text and "Smart City Data Hub" in text and "honoured" in text


def test_concurrent_edit_refused(workbench):
    url, page, glossary = workbench
    target = entry(glossary, "국토안전관리원")
    page.goto(f"{url}/entry/{target.line}")
    page.fill("input[name=english]", "Korea Authority of Land and Infrastructure Safety")
    # A second writer (another editor, a git pull) changes the file after the page was loaded.
    theirs = glossary.read_text(encoding="utf-8").replace(
        f"국토안전관리원\t{target.english}\t", "국토안전관리원\tKALIS\t")
    glossary.write_text(theirs, encoding="utf-8")
    page.click("#save")
    page.locator("#errors").wait_for()
    assert "changed on disk" in page.locator("#errors").inner_text()
    assert glossary.read_text(encoding="utf-8") == theirs
    assert page.input_value("input[name=english]") == "KALIS"


def make_screenshot(target: Path) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        glossary = glossary_with_candidates(Path(tmp) / "glossary.tsv")
        with running_server(glossary, ARCHIVE) as url, browser_page() as page:
            page.set_viewport_size({"width": 1400, "height": 900})
            page.goto(url + "/?q=도시")
            page.screenshot(path=str(target), full_page=True)


if __name__ == "__main__":
    make_screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/workbench.png"))
