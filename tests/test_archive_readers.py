"""Archive readers: the real listing, malformed samples, JSONL, folders and datasets."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mt.archive.readers import detect_format, open_reader
from mt.archive.rows import RowFields
from mt.errors import KoenError

from conftest import ARCHIVE

DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "archive-bad"


def test_listing_reads_every_record_of_the_real_archive():
    scan = open_reader(ARCHIVE).scan()
    assert not scan.bad
    assert len(scan.records) == 20          # 120 lines: breadcrumb + 20 × (title, date, body) with blanks
    first = scan.records[0]
    assert first.fields["title"] == "City data + AI, leading to regional customized urban innovation"
    assert first.fields["body"].startswith("- 「2025년 스마트도시 시범솔루션 발굴사업」")
    assert first.date == datetime.date(2025, 7, 11)
    assert first.meta == {"published": "2025-07-11T11:14:02+09:00", "release_date": "2025.07.11",
                          "category": "Report", "lines": {"title": 3, "date": 5, "body": 7}}
    assert scan.records[1].date == datetime.date(2025, 6, 29)
    assert first.location.endswith("press-releases-2025.txt:3")


def test_listing_render_keeps_every_other_byte():
    reader = open_reader(ARCHIVE)
    scan = reader.scan()
    original = ARCHIVE.read_bytes()
    same = reader.render(scan, {r.position: dict(r.fields) for r in scan.records})
    assert [f.data for f in same] == [original]
    changed = reader.render(scan, {0: {"title": "T", "body": "B"}})[0].data.decode("utf-8").splitlines()
    source = original.decode("utf-8").splitlines()
    assert changed[2] == "T" and changed[6] == "B"
    assert changed[:2] == source[:2] and changed[3:6] == source[3:6] and changed[7:] == source[7:]


@pytest.mark.parametrize("name, line, words", [
    ("no-date-line.txt", 9, ["record 2", "no date line", "Selecting excellent K-drone"]),
    ("invalid-utf8.txt", 19, ["record 3", "invalid UTF-8", "Buildings safe from fire"]),
    ("bad-date.txt", 11, ["record 2", "malformed date line", "2025.06.31"]),
])
def test_malformed_listing_records_are_located(name, line, words):
    scan = open_reader(BAD / name).scan()
    assert len(scan.bad) == 1 and len(scan.records) == 2
    message = scan.bad[0].message()
    assert message.startswith(f"{BAD / name}:{line}: ")
    for word in words:
        assert word in message


def test_empty_file_is_an_error():
    with pytest.raises(KoenError, match="empty.txt: empty file"):
        open_reader(BAD / "empty.txt").scan()


def test_cli_stops_before_writing_anything(tmp_path):
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "koen", "archive", "translate", str(BAD / "no-date-line.txt"), str(out),
                          "--backend", "romanize"], capture_output=True, text=True)
    assert run.returncode == 2
    assert "no-date-line.txt:9: record 2: title 'Selecting excellent K-drone" in run.stderr
    assert "--skip-bad" in run.stderr and "Traceback" not in run.stderr
    assert not out.exists()


def test_jsonl_records_and_errors(tmp_path):
    scan = open_reader(BAD / "bad.jsonl").scan()
    assert [r.id for r in scan.records] == ["a1"]
    assert scan.records[0].date == datetime.date(2025, 6, 29)
    assert scan.records[0].fields == {"title": "국토교통부 보도자료", "body": "국토부는 드론 기업을 선정하였다."}
    assert [(b.location.rsplit(":", 1)[1], b.problem.split(" (")[0]) for b in scan.bad] == [
        ("2", "invalid JSON"), ("3", "no 'body' field")]
    path = tmp_path / "a.jsonl"
    path.write_text('{"doc": "d1", "text": "안녕", "keep": 1}\n{"doc": "d2", "text": "English only", "keep": 2}\n',
                    encoding="utf-8")
    reader = open_reader(path, fields=RowFields(("text",), "doc", None))
    scan = reader.scan()
    assert [r.id for r in scan.records] == ["d1", "d2"]
    rendered = reader.render(scan, {0: {"text": "Hello"}})[0].data.decode("utf-8").splitlines()
    assert json.loads(rendered[0]) == {"doc": "d1", "text": "Hello", "keep": 1}
    assert list(json.loads(rendered[0])) == ["doc", "text", "keep"]
    assert rendered[1] == '{"doc": "d2", "text": "English only", "keep": 2}'


def test_folder_of_text_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.md").write_text("# 제목\n\nEnglish line\n", encoding="utf-8")
    (tmp_path / "sub" / "a.txt").write_text("국토부 발표", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bad.txt").write_bytes(b"ok\n\xff\xfe\n")
    (tmp_path / "ignored.csv").write_text("x", encoding="utf-8")
    assert detect_format(tmp_path) == "folder"
    reader = open_reader(tmp_path)
    scan = reader.scan()
    assert [r.id for r in scan.records] == ["b.md", "sub/a.txt"]
    assert scan.records[0].fields == {"text": "# 제목\n\nEnglish line\n"}
    assert sorted(b.message() for b in scan.bad) == [
        f"{tmp_path / 'bad.txt'}:2: record bad.txt: invalid UTF-8 at byte 0 of the line (b'\\xff\\xfe\\n')",
        f"{tmp_path / 'empty.txt'}: record empty.txt: empty file"]
    files = {f.path: f.data for f in reader.render(scan, {scan.records[0].position: {"text": "# Title\n\nEnglish line\n"}})}
    assert files["b.md"] == b"# Title\n\nEnglish line\n"
    assert files["sub/a.txt"] == "국토부 발표".encode("utf-8") and files["empty.txt"] == b""


def test_datasets_saved_and_parquet(tmp_path):
    import datasets

    rows = {"id": ["r1", "r2"], "title": ["제목 하나", "Title two"], "body": ["국토부는 발표하였다.", None],
            "date": ["2025.06.29", ""]}
    dataset = datasets.Dataset.from_dict(rows)
    dataset.save_to_disk(str(tmp_path / "saved"))
    dataset.to_parquet(str(tmp_path / "rows.parquet"))
    for path in (tmp_path / "saved", tmp_path / "rows.parquet"):
        assert detect_format(path) == "datasets"
        reader = open_reader(path)
        scan = reader.scan()
        assert [r.id for r in scan.records] == ["r1", "r2"] and not scan.bad
        assert scan.records[0].date == datetime.date(2025, 6, 29) and scan.records[1].date is None
        assert scan.records[1].fields == {"title": "Title two", "body": ""}
        rendered = reader.render(scan, {0: {"title": "Title one", "body": "MOLIT announced."}})[0]
        lines = [json.loads(x) for x in rendered.data.decode("utf-8").splitlines()]
        assert lines[0] == {"id": "r1", "title": "Title one", "body": "MOLIT announced.", "date": "2025.06.29"}
        assert lines[1]["title"] == "Title two"
    with pytest.raises(KoenError, match="no column 'text'"):
        open_reader(tmp_path / "saved", fields=RowFields(("text",))).scan()


