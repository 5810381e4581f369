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
        first = page.locator("li.item").first
        item = first.get_attribute("data-id")
        assert "untranslated" in first.locator(".reason").all_inner_texts()
        first.locator("textarea[name=english]").fill("Approved in a real browser")
        first.locator("button.approve").click()
        page.wait_for_selector("#flash")
        assert page.locator(f"li.item[data-id='{item}']").count() == 0
        # Glossary hits are highlighted in the source lines; selecting Korean fills the term field.
        assert page.locator("mark.span").count() > 0
    run_offline_job(outdir)
    assert "Approved in a real browser" in (outdir / "rendered" / ARCHIVE.name).read_text(encoding="utf-8")


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
            page.set_viewport_size({"width": 1300, "height": 900})
            page.goto(url + "/review")
            page.screenshot(path=str(target), full_page=False)


if __name__ == "__main__":
    make_screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/review.png"))
