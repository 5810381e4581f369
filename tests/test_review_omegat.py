"""A real CAT tool reads koen's exchange: Debian's OmegaT in console mode.

- A project with the archive's Korean (the job's spans as written, one paragraph each) and koen's
  exported TMX in ``tm/auto/`` translates, with ``--mode=console-translate``, to koen's English:
  the editors' approved English where there is one, the machine English elsewhere.
- An XLIFF 1.2 from ``koen review export`` loads as OmegaT source (every unit a segment), and
  OmegaT's translated XLIFF comes back through ``koen review import``.
- XLIFF 2.1 (OmegaT 3.6 has no XLIFF 2 filter) is checked with translate-toolkit's own reader.

Needs ``omegat`` and a Java runtime (``make test`` installs them, as it installs chromium).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from koen import xliff
from koen.archive import review as loop
from mt.memory import TranslationMemory

from conftest import ARCHIVE
from test_review import koen

OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")
pytestmark = [pytest.mark.cat_tool,
              pytest.mark.skipif(not OMEGAT_JAR.exists() or shutil.which("java") is None,
                                 reason="OmegaT is absent: apt-get install -y omegat")]

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <source_dir_excludes/>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>KO</source_lang>
    <target_lang>EN</target_lang>
    <source_tok>org.omegat.tokenizer.DefaultTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.DefaultTokenizer</target_tok>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


def omegat_project(root: Path) -> Path:
    for folder in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "omegat.project").write_text(PROJECT, encoding="utf-8")
    return root


def console_translate(project: Path) -> str:
    done = subprocess.run(["java", "-Djava.awt.headless=true", f"-Duser.home={project.parent}", "-jar",
                           str(OMEGAT_JAR), str(project), "--mode=console-translate"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """A romanize job over the archive with one span approved by an editor."""
    outdir = tmp_path_factory.mktemp("omegat") / "out"
    koen("archive", "translate", ARCHIVE, outdir, "--backend", "romanize")
    memory = TranslationMemory(outdir / "translation-memory.sqlite")
    try:
        items = sorted(loop.collect(loop.read_records(outdir), memory).values(), key=lambda item: item.position)
    finally:
        memory.close()
    chosen = items[0]
    koen("review", "approve", outdir, chosen.id, "--english", "An editor's English for this span",
         "--override", "reworded on purpose", "--editor", "kim")
    return outdir, chosen


def segments(outdir: Path) -> list[loop.ReviewItem]:
    memory = TranslationMemory(outdir / "translation-memory.sqlite")
    try:
        return sorted(loop.collect(loop.read_records(outdir), memory).values(), key=lambda item: item.position)
    finally:
        memory.close()


def test_omegat_translates_the_korean_source_to_koens_english_from_the_exported_tmx(job, tmp_path):
    outdir, approved = job
    project = omegat_project(tmp_path / "project")
    koen("review", "export", outdir, "--format", "tmx", "-o", project / "tm" / "auto" / "koen.tmx")
    items = segments(outdir)
    assert len(items) >= 3
    # The Korean exactly as the document writes it, one paragraph per span (OmegaT's paragraph mode).
    (project / "source" / "release.txt").write_text("\n\n".join(item.korean for item in items) + "\n",
                                                   encoding="utf-8")
    log = console_translate(project)
    assert "koen.tmx" in log
    translated = (project / "target" / "release.txt").read_text(encoding="utf-8").strip().split("\n\n")
    expected = [xliff.target_of(item) for item in items]
    assert translated == expected
    assert "An editor's English for this span" in translated


def test_an_exported_xliff_loads_in_omegat_and_comes_back(job, tmp_path):
    outdir, approved = job
    project = omegat_project(tmp_path / "project")
    koen("review", "export", outdir, "--format", "xliff", "-o", project / "source" / "review.xlf")
    items = segments(outdir)
    console_translate(project)
    stats = (project / "omegat" / "project_stats.txt").read_text(encoding="utf-8")
    counted = re.search(r"^review\.xlf\s+(\d+)", stats, re.M)
    assert counted and int(counted.group(1)) == len(items)          # every unit a segment in OmegaT
    original, units = xliff.read_xliff(project / "target" / "review.xlf")
    assert Path(original) == outdir.resolve()
    assert [unit.id for unit in units] == [item.id for item in items]
    assert [unit.source for unit in units] == [item.korean for item in items]
    done = koen("review", "import", project / "target" / "review.xlf", outdir)
    assert "0 approved" in done.stderr and "0 refused" in done.stderr      # nothing changed: nothing recorded


def test_xliff_2_1_reads_back_with_translate_toolkit(job, tmp_path):
    from translate.storage import xliff2

    outdir, approved = job
    target = tmp_path / "review-2.1.xlf"
    koen("review", "export", outdir, "--format", "xliff", "--xliff-version", "2.1", "-o", target)
    store = xliff2.Xliff2File.parsefile(str(target))
    items = segments(outdir)
    assert store.document.getroot().get("version") == "2.1"
    assert [unit.source for unit in store.units] == [item.korean for item in items]
    assert [unit.target for unit in store.units] == [xliff.target_of(item) for item in items]
    states = {unit.xmlelement.getparent().get("id"): unit.xmlelement.get("state") for unit in store.units}
    assert states[approved.id] == "final"
    listed = json.loads(koen("review", "list", outdir, "--all", "--json").stdout)["items"]
    for entry in listed:                                 # a flagged unreviewed span asks for review
        if entry["state"] == "unreviewed":
            assert states[entry["id"]] == "initial"
