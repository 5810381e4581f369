"""Screenshots of the workbench show Hangul, not boxes: `make test` installs a Hangul font with
Debian's chromium, and chromium draws Korean with it (issue 22, item 7)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_installs_a_hangul_font_with_chromium():
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    dry = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    installs = [line for line in dry.stdout.splitlines() if "apt-get install" in line and "chromium" in line]
    assert installs and all("fonts-nanum" in line for line in installs), dry.stdout
    assert "fc-list :lang=ko" in dry.stdout          # a machine with chromium but no Hangul font gets one


def glyph_pixels(page, text: str) -> bytes:
    page.set_content(f'<p style="font-size:48px;margin:0"><span id="t">{text}</span></p>')
    return page.locator("#t").screenshot()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent: apt-get install -y chromium")
def test_chromium_draws_each_hangul_syllable_as_its_own_glyph():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            missing = glyph_pixels(page, "\U0010fffd")          # a code point no font draws: the box
            drawn = {syllable: glyph_pixels(page, syllable) for syllable in "가나한국"}
        finally:
            browser.close()
    # Without a Hangul font every syllable is the same box as the missing code point.
    assert len(set(drawn.values())) == len(drawn), "Hangul syllables render identically (boxes): no Hangul font"
    assert missing not in drawn.values()
