"""The Review page in a real headless browser (Debian's Chromium driven by Playwright): approve
one span, rerun the archive job, find the approved English in the rendered output.

Also makes the README's screenshot: ``python tests/test_review_browser.py docs/review.png``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(TESTS.parent))

from test_web_browser import CHROMIUM, browser_page, running_server  # noqa: E402
from test_web_review import run_offline_job  # noqa: E402

ARCHIVE = TESTS.parent / "examples" / "press-releases-2025.txt"


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent: apt-get install -y chromium"),
]


def review_server(glossary: Path, outdir: Path):
    return running_server(glossary, archive_output=outdir)


def prepare(tmp: Path) -> tuple[Path, Path]:
    from glossary.termbase import default_glossary_path

    glossary = tmp / "glossary.tsv"
    shutil.copy(default_glossary_path(), glossary)
    return glossary, run_offline_job(tmp / "out")


def test_approve_in_the_browser_then_rerun(tmp_path):
    glossary, outdir = prepare(tmp_path)
    with review_server(glossary, outdir) as url, browser_page() as page:
        page.goto(url + "/review")
        first = page.locator("tr.item").first
        item = first.get_attribute("data-id")
        assert "untranslated" in first.locator(".reason").all_inner_texts()
        first.locator("textarea[name=english]").fill("Approved in a real browser")
        first.locator("button.approve").click()
        page.wait_for_selector("#errors")                  # refused: the span's terms and numbers are missing
        row = page.locator(f"tr.item[data-id='{item}']")
        assert row.locator("ul.refused-approval li").count() > 0
        row.locator("input.override").fill("a free translation, checked by hand")
        row.locator("button.approve").click()
        page.wait_for_selector("#flash")
        assert page.locator(f"tr.item.approved[data-id='{item}']").count() == 1
        # Glossary hits are highlighted in the source lines; selecting Korean fills the term field.
        assert page.locator("mark.span").count() > 0
    run_offline_job(outdir)
    assert "Approved in a real browser" in (outdir / "rendered" / ARCHIVE.name).read_text(encoding="utf-8")


def wait_until(page, expression: str, seconds: float = 30) -> None:
    """Poll a JavaScript expression (the page's CSP forbids wait_for_function's eval)."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        try:
            if page.evaluate(expression):
                return
        except Exception:  # the page is navigating: ask again
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {expression}")
        time.sleep(0.1)


def test_the_grid_with_token_keyboard_flow_fuzzy_match_filters_and_undo(tmp_path):
    from desk_helpers import TOKEN, desk_job, items_of

    glossary, outdir = desk_job(tmp_path, "none")
    items = items_of(outdir)
    english = ("The Ministry of Land, Infrastructure and Transport selected 3 regions in the 2025 Smart City "
               "public competition.")
    with running_server(glossary, archive_output=outdir, token=TOKEN) as url, browser_page() as page:
        refused = page.goto(url + "/review")
        assert refused.status == 403 and "access token" in page.content()
        page.goto(url + f"/review?token={TOKEN}")
        assert "token" not in page.url                                  # dropped from the address at once
        assert f"0 of {len(items)} reviewed" in page.locator("#progress").inner_text()
        assert page.locator("tr.item").count() == len(items)

        # Next flagged (Alt+ArrowDown) from the first row, then approve and move on (Ctrl+Enter).
        first = page.locator(f"tr.item[data-id='{items[0].id}'] textarea[name=english]")
        first.focus()
        page.keyboard.press("Alt+ArrowDown")
        assert page.evaluate("document.activeElement.closest('tr').dataset.id") == items[1].id
        first.fill(english)
        first.press("Control+Enter")
        page.wait_for_selector("#flash")
        wait_until(page, "document.activeElement && document.activeElement.name === 'english'")
        assert f"1 of {len(items)} reviewed" in page.locator("#progress").inner_text()
        assert page.evaluate("document.activeElement.closest('tr').dataset.id") == items[1].id

        # The next segment differs only in numbers: a 99% match with its own numbers, used on request.
        row = page.locator(f"tr.item[data-id='{items[1].id}']")
        match = row.locator(".fuzzy").first
        assert match.locator(".percent").inner_text() == "99%"
        substituted = english.replace("3 regions", "5 regions").replace("2025", "2026")
        assert match.locator(".fuzzy-english").inner_text() == substituted
        assert row.locator("textarea[name=english]").input_value() != substituted     # never applied by itself
        match.locator("button.use-match").click()
        assert row.locator("textarea[name=english]").input_value() == substituted

        # Undo the last decision (Alt+Z).
        page.keyboard.press("Alt+z")
        wait_until(page, "document.querySelector('#progress').innerText.includes('0 of')")
        assert page.locator(f"tr.item.approved[data-id='{items[0].id}']").count() == 0

        # Filters: search both columns, and status.
        page.fill("#filter-q", "울산광역시")
        page.click("#filter-apply")
        page.wait_for_selector("#pager")
        assert [r.get_attribute("data-id") for r in page.locator("tr.item").all()] == [
            i.id for i in items if "울산광역시" in i.korean]
        page.goto(url + "/review?status=approved")
        assert page.locator("tr.item").count() == 0


def make_screenshot(target: Path) -> None:
    """The Review page over a job run with a random-weight tiny Marian model and the starter
    glossary: the English is noise, the flags, confidences and highlights are real."""
    import tempfile

    from glossary.termbase import default_glossary_path
    from koen.archive.job import ArchiveJob
    from koen.compose import load_terms, make_backend
    from model_factory import build_marian
    from mt.archive.readers import open_reader

    with tempfile.TemporaryDirectory() as tmp:
        glossary = Path(tmp) / "glossary.tsv"
        shutil.copy(default_glossary_path(), glossary)
        model = build_marian(Path(tmp) / "tiny-marian")
        outdir = Path(tmp) / "out"
        ArchiveJob(open_reader(ARCHIVE), outdir, lambda: make_backend(model=str(model), device="cpu"),
                   {"model": str(model)}, terms=load_terms(glossary), warn=lambda m: None).run()
        with review_server(glossary, outdir) as url, browser_page() as page:
            page.set_viewport_size({"width": 1400, "height": 900})
            page.goto(url + "/review?flag=flagged")
            page.screenshot(path=str(target), full_page=False)


if __name__ == "__main__":
    make_screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/review.png"))
