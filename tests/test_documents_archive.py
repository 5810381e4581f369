"""The archive job on a folder of documents: rendered/ in the same formats, kill -9 and resume to
identical bytes, review ids for document spans, an editor's approval re-rendered with the
formatting kept."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archive_helpers import output_files
from document_factory import docx_bytes, has_hangul, html_bytes, hwpx_bytes, korean_paragraphs, xliff12_bytes
from mt import inline
from mt.documents.hwpx import validate
from test_archive_job import _run_until_stalled

ROOT = Path(__file__).resolve().parent.parent


def document_folder(path: Path) -> Path:
    (path / "attachments").mkdir(parents=True)
    (path / "release.hwpx").write_bytes(hwpx_bytes(korean_paragraphs(11, count=3)))
    (path / "attachments" / "notice.docx").write_bytes(docx_bytes(korean_paragraphs(12, count=3)))
    (path / "page.html").write_bytes(html_bytes(korean_paragraphs(13, count=3)))
    (path / "units.xlf").write_bytes(xliff12_bytes(korean_paragraphs(14, count=3)))
    (path / "note.txt").write_text("텍스트 파일의 문장입니다.\n", encoding="utf-8")
    return path


def command(folder: Path, outdir: Path) -> list[str]:
    return ["archive", "translate", str(folder), str(outdir), "--backend", "romanize", "--chunk-records", "1"]


def run(folder: Path, outdir: Path):
    from koen.cli import app

    result = CliRunner().invoke(app, command(folder, outdir))
    assert result.exit_code == 0, result.output
    return result


def test_rendered_documents_keep_their_formats(tmp_path):
    import docx
    import lxml.html
    from hwpx import HwpxDocument

    folder = document_folder(tmp_path / "in")
    run(folder, tmp_path / "out")
    rendered = tmp_path / "out" / "rendered"
    assert sorted(p.relative_to(rendered).as_posix() for p in rendered.rglob("*") if p.is_file()) == \
        ["attachments/notice.docx", "note.txt", "page.html", "release.hwpx", "units.xlf"]
    hwpx = (rendered / "release.hwpx").read_bytes()
    assert validate(hwpx) == [] and HwpxDocument.open(hwpx).paragraphs
    with zipfile.ZipFile(io.BytesIO(hwpx)) as package:
        assert not has_hangul(package.read("Contents/section0.xml").decode())
    document = docx.Document(str(rendered / "attachments" / "notice.docx"))
    assert not has_hangul("".join(p.text for p in document.paragraphs))
    page = lxml.html.fromstring((rendered / "page.html").read_bytes())
    assert not has_hangul("".join(page.xpath("//body/p[1]//text()")))
    rows = [json.loads(line) for line in (tmp_path / "out" / "records.jsonl").read_text().splitlines()]
    for row in rows:
        for source, translation in zip(row["source"]["text"].split("\n"), row["translation"]["text"].split("\n")):
            assert inline.integrity(source, translation) is None
    assert {row["meta"].get("format") for row in rows} == {"hwpx", "docx", "html", "xliff", None}


def test_kill_at_every_stage_then_resume_gives_identical_bytes(tmp_path):
    folder = document_folder(tmp_path / "in")
    run(folder, tmp_path / "baseline")
    expected = output_files(tmp_path / "baseline")
    outdir = tmp_path / "killed"
    for point in ["translated:2", "appending:1", "committed:3", "rendering:2"]:
        _run_until_stalled(command(folder, outdir), point)
    final = subprocess.run([sys.executable, "-m", "koen", *command(folder, outdir)], cwd=ROOT, capture_output=True,
                           text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert final.returncode == 0, final.stderr
    assert output_files(outdir) == expected


def test_document_spans_get_review_ids_and_an_approval_keeps_the_formatting(tmp_path):
    from koen.archive import review
    from mt.memory import TranslationMemory

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.html").write_bytes("<html><body><p>오늘 <b>새 정책</b>을 발표했다.</p></body></html>\n".encode())
    outdir = tmp_path / "out"
    run(folder, outdir)
    memory = TranslationMemory(review.memory_path(outdir))
    try:
        items = review.collect(review.read_records(outdir), memory)
        span = next(item for item in items.values() if "새 정책" in item.korean)
        assert span.occurrences[0].record == "page.html"
        assert "⟦" in span.occurrences[0].marked() and not inline.has_markers(span.occurrences[0].marked())
        review.approve(memory, span, "Today the new policy was announced.", editor="tester")
    finally:
        memory.close()
    run(folder, outdir)
    html = (outdir / "rendered" / "page.html").read_text(encoding="utf-8")
    assert html.count("<b>") == 1 and html.count("</b>") == 1
    assert "Today" in html and not has_hangul(html)


@pytest.mark.parametrize("name,data", [("broken.docx", b"PK\x03\x04 not really"), ("broken.hwpx", b"junk")])
def test_a_broken_document_is_a_bad_record_with_its_problem(tmp_path, name, data):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_bytes(data)
    (folder / "ok.txt").write_text("문장입니다.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "koen", *command(folder, tmp_path / "out")], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert name in result.stderr and "ZIP" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# -- koen translate ------------------------------------------------------------------------------

def koen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "koen", *args], cwd=ROOT, capture_output=True, text=True)


def test_koen_translate_writes_a_document_in_its_own_format(tmp_path):
    import docx

    source = tmp_path / "notice.docx"
    source.write_bytes(docx_bytes(korean_paragraphs(21, count=2)))
    done = koen("translate", str(source), "-o", str(tmp_path / "notice.en.docx"), "--backend", "romanize",
                "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    audits = [json.loads(line) for line in done.stdout.splitlines()]
    assert audits[-1]["summary"]["korean_spans"] > 0
    assert all(a["tags"]["intact"] for a in audits[:-1] if "tags" in a)
    document = docx.Document(str(tmp_path / "notice.en.docx"))
    assert not has_hangul("".join(p.text for p in document.paragraphs))


def test_koen_translate_refuses_a_document_without_a_matching_output(tmp_path):
    source = tmp_path / "page.html"
    source.write_bytes(html_bytes(korean_paragraphs(22, count=1)))
    for args in (["translate", str(source), "--backend", "romanize"],
                 ["translate", str(source), "-o", str(tmp_path / "page.docx"), "--backend", "romanize"]):
        done = koen(*args)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "page.docx").exists()


def test_a_flagged_xliff_line_needs_review_in_the_rendered_file(tmp_path):
    from lxml import etree

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "units.xlf").write_bytes(xliff12_bytes([[("2025년 13월 45일에 ", ""), ("발표했다", "b")],
                                                      [("오늘 ", ""), ("발표했다", "b")]]))
    run(folder, tmp_path / "out")
    targets = etree.parse(str(tmp_path / "out" / "rendered" / "units.xlf")).getroot().iter("{*}target")
    states = [target.get("state") for target in targets]
    assert states[:2] == ["needs-review-translation", "translated"]


def test_one_document_given_to_the_archive_job_names_the_command_for_it(tmp_path):
    from mt.archive.readers import open_reader
    from mt.errors import KoenError

    document = tmp_path / "release.hwpx"
    document.write_bytes(hwpx_bytes(korean_paragraphs(31, count=1)))
    with pytest.raises(KoenError, match="koen translate"):
        open_reader(document)
