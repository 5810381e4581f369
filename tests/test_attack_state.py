"""Issue 22, attack pass: crashes, hangs, unbounded reads and stale audits (items 17, 18, 20, 21,
23, 26). Each failed on the main of the issue with a traceback, a hang, an endless read, or
records that depended on when an editor approved."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from attack_helpers import ROMANIZE, archive, run_bounded, translate_archive, watchdog, write_jsonl
from cli_helpers import run
from mt.archive.jsonl import JsonlReader
from mt.memory import APPROVED, TranslationMemory
from mt.textio import write_text_atomic

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def one_line_error(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    err = "".join(line for line in err.splitlines(keepends=True) if not line.startswith("translate: "))  # progress
    assert err.startswith("koen: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err


@pytest.fixture
def finished(tmp_path, capsys):
    """A finished job over a small archive (--backend none: every span is flagged for review)."""
    source, outdir = archive(tmp_path), tmp_path / "OUT"
    code, _, err = run(["archive", "translate", str(source), str(outdir), "--backend", "none", "-g", "none"], capsys)
    assert code == 3, err
    return outdir


# -- 17. records.jsonl with separators str.splitlines() cuts at ------------------------------------

@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"])
def test_review_loop_reads_records_holding_any_line_separator(tmp_path, capsys, separator):
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "r1", "title": f"제목{separator}이다",
                                                  "body": f"첫째 줄{separator}이어진다.\n둘째 줄이다."}])
    outdir = tmp_path / "OUT"
    code, _, err = run(["archive", "translate", str(source), str(outdir), "--backend", "none", "-g", "none"], capsys)
    assert code == 3, err
    code, out, err = run(["review", "list", str(outdir), "--json"], capsys)
    assert code == 0, err
    items = json.loads(out)["items"]
    assert {item["source_line"] for item in items} >= {f"첫째 줄{separator}이어진다.", "둘째 줄이다."}
    code, _, err = run(["review", "approve", str(outdir), items[0]["id"], "--english", "Approved."], capsys)
    assert code == 0, err


# -- 18. the JSONL reader on hostile lines ---------------------------------------------------------

HOSTILE_LINES = {
    "deep": '{"id": 1, "title": "가", "body": "나", "x": ' + "[" * 5000 + "]" * 5000 + "}",
    "digits": '{"id": 1, "title": "가", "body": "나", "x": ' + "9" * 5000 + "}",
    "digits in the id": '{"id": ' + "7" * 4500 + ', "title": "가", "body": "나"}',
    "surrogate": '{"id": 1, "title": "가\\ud800", "body": "나"}',
    "surrogate key": '{"id": 1, "title": "가", "body": "나", "\\udfff": 1}',
}


@pytest.mark.parametrize("name", sorted(HOSTILE_LINES))
def test_hostile_jsonl_lines_are_bad_records_even_for_mining(tmp_path, capsys, name):
    good = json.dumps({"id": 2, "title": "국토교통부", "body": "스마트도시 사업을 추진한다."}, ensure_ascii=False)
    source = tmp_path / "in.jsonl"
    source.write_text(HOSTILE_LINES[name] + "\n" + good + "\n", encoding="utf-8")
    scan = JsonlReader(source).scan()
    assert [r.id for r in scan.records] == ["2"] and len(scan.bad) == 1 and scan.bad[0].location == f"{source}:1"
    code, _, err = run(["glossary", "mine", str(source)], capsys)
    one_line_error(code, err, f"{source}:1")
    code, out, err = run(["glossary", "mine", str(source), "--skip-bad"], capsys)
    assert code == 0 and "skipped" in err, err
    code, _, err = translate_archive(capsys, source, tmp_path / "OUT", "--skip-bad")
    assert code == 0, err


# -- 20. a full disk --------------------------------------------------------------------------------

def test_a_full_disk_in_an_atomic_write_is_one_line_and_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old\n")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(Exception) as caught:
        write_text_atomic(target, "new\n")
    assert str(caught.value) == f"disk full while writing {target}; nothing is lost, rerun when there is space"
    assert target.read_text() == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_full_memory_is_one_line_not_a_failed_rollback(tmp_path):
    memory = TranslationMemory(tmp_path / "m.sqlite")
    memory.connection.execute("PRAGMA max_page_count = %d" % memory.connection.execute("PRAGMA page_count").fetchone()[0])
    with pytest.raises(Exception) as caught:
        memory.set_review("가" * 50, APPROVED, "x" * 20000, "test", None, 0)
    assert "disk full while writing" in str(caught.value) and "rollback" not in str(caught.value)
    assert not memory.connection.in_transaction
    assert memory.all_reviews() == []


def _mount_tmpfs(path: Path, size: str) -> bool:
    path.mkdir(exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


@pytest.mark.parametrize("size", ["100k", "700k", "1060k"])     # the memory, records.jsonl, rendered/ fill it
def test_a_real_full_disk_at_every_stage_is_one_line_and_a_rerun_finishes(tmp_path, capsys, size):
    mount = tmp_path / "small"
    if os.geteuid() != 0 or not _mount_tmpfs(mount, size):
        pytest.skip("needs root and tmpfs to make a small filesystem")
    try:
        rows = [{"id": f"r{n}", "title": f"제목 {n}번", "body": f"국토교통부는 {n}번째 사업을 추진한다. " * 40}
                for n in range(24)]
        source = write_jsonl(tmp_path / "in.jsonl", rows)
        code, _, err = translate_archive(capsys, source, mount / "OUT", "-g", "none", "--chunk-records", "4")
        if code == 0:
            pytest.skip(f"{size} was enough for the whole job")
        one_line_error(code, err, "disk full while writing", "nothing is lost, rerun when there is space")
        subprocess.run(["mount", "-o", "remount,size=16m", str(mount)], check=True)
        code, _, err = translate_archive(capsys, source, mount / "OUT", "-g", "none", "--chunk-records", "4")
        assert code == 0, err
        code, _, err = translate_archive(capsys, source, tmp_path / "REF", "-g", "none", "--chunk-records", "4")
        assert code == 0, err
        for name in ("records.jsonl", "summary.json", "rendered/in.jsonl"):
            assert (mount / "OUT" / name).read_bytes() == (tmp_path / "REF" / name).read_bytes(), name
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


# -- 21. special files where koen keeps its own ---------------------------------------------------

@pytest.mark.parametrize("plant", ["fifo", "dev-zero", "folder"])
def test_records_that_are_no_regular_file_are_one_line_for_review_and_archive(finished, tmp_path, capsys, plant):
    records = finished / "records.jsonl"
    records.unlink()
    if plant == "fifo":
        os.mkfifo(records)
    elif plant == "dev-zero":
        records.symlink_to("/dev/zero")
    else:
        records.mkdir()
    for argv in (["review", "list", str(finished)],
                 ["archive", "translate", str(tmp_path / "in.jsonl"), str(finished), "--backend", "none", "-g", "none"]):
        if plant == "dev-zero":              # a regression would read forever: a child with capped memory
            one_line_error(*run_bounded(argv, seconds=60), "records.jsonl")
        else:
            with watchdog():
                one_line_error(*run(argv, capsys)[::2], "records.jsonl")


def test_rendered_as_a_file_is_one_line(finished, tmp_path, capsys):
    import shutil

    shutil.rmtree(finished / "rendered")
    (finished / "rendered").write_text("not a folder\n")
    code, _, err = run(["archive", "translate", str(tmp_path / "in.jsonl"), str(finished), "--backend", "none",
                        "-g", "none"], capsys)
    one_line_error(code, err, "rendered")


@pytest.mark.parametrize("argv", [["archive", "translate", "/dev/zero", "{tmp}/OUT", *ROMANIZE], ["glossary", "lint", "/dev/zero"]])
def test_a_device_as_input_is_refused_not_read_forever(tmp_path, argv):
    one_line_error(*run_bounded([a.format(tmp=tmp_path) for a in argv], seconds=60), "/dev/zero", "device")


# -- 23. corrupt state --------------------------------------------------------------------------

def _first_record(outdir: Path) -> dict:
    return json.loads((outdir / "records.jsonl").read_text(encoding="utf-8").split("\n")[0])


@pytest.mark.parametrize("damage", ["invalid-utf8", "array", "string-offset", "no-audit-line", "unknown-flag", "deep"])
def test_review_list_on_damaged_records_is_one_line(finished, capsys, damage):
    row = _first_record(finished)
    span = row["audit"]["body"][0]["spans"][0]
    if damage == "invalid-utf8":
        data = b"\xff\xfe" + json.dumps(row).encode()
    elif damage == "array":
        data = b"[1, 2, 3]"
    else:
        if damage == "string-offset":
            span["start"] = "0"
        elif damage == "no-audit-line":
            del row["audit"]["body"][0]["line"]
        elif damage == "unknown-flag":
            span["flags"] = ["no-such-flag"]
        else:
            span["origin"] = json.loads("[" * 200 + "]" * 200)
        data = json.dumps(row, ensure_ascii=False).encode()
    (finished / "records.jsonl").write_bytes(data + b"\n")
    for command in ("list", "serve"):
        code, _, err = run(["review", command, str(finished)] + (["--port", "1"] if command == "serve" else []), capsys)
        one_line_error(code, err, "records.jsonl:1")


@pytest.mark.parametrize("damage", ["not-json", "not-text", "other-columns"])
def test_a_damaged_job_database_is_one_line(finished, tmp_path, capsys, damage):
    db = sqlite3.connect(finished / ".koen-job.sqlite")
    if damage == "not-json":
        db.execute("UPDATE records SET line = 'not json at all'")
    elif damage == "not-text":
        db.execute("UPDATE records SET line = 12")
    else:
        db.execute("DROP TABLE records")
        db.execute("CREATE TABLE records (seq INTEGER PRIMARY KEY, payload BLOB)")
    db.commit()
    db.close()
    code, _, err = run(["archive", "translate", str(tmp_path / "in.jsonl"), str(finished), "--backend", "none",
                        "-g", "none"], capsys)
    one_line_error(code, err, ".koen-job.sqlite")


def test_an_absurd_beam_is_refused_before_any_model_loads(tmp_path, capsys):
    code, _, err = run(["translate", "--beam-size", "5000", "-m", str(tmp_path / "no-model")], capsys)
    assert code == 2 and "--beam-size" in err and "64" in err and "Traceback" not in err, err


def test_an_outdir_name_over_255_bytes_is_one_line(tmp_path, capsys):
    outdir = tmp_path / ("출력" * 50)
    code, _, err = translate_archive(capsys, archive(tmp_path), outdir)
    one_line_error(code, err, "File name too long")
    code, _, err = run(["review", "list", str(outdir)], capsys)
    one_line_error(code, err, "File name too long")


# -- 26. a re-rendered approval gets the audit a run with the approval would write ---------------------

def test_an_approval_re_rendered_equals_a_run_that_had_it_from_the_start(tmp_path, capsys):
    body = "국토교통부는 2025년 3월 165억 원을 투입한다.\n둘째 줄은 국토교통부 소식이다.\n셋째 줄은 2024년 끝이다."
    source = archive(tmp_path, body=body)
    approvals = {"국토교통부는 2025년 3월 165억 원을 투입한다.": "The ministry puts in money.",
                 "셋째 줄은 2024년 끝이다.": "Line three ends."}

    def approve(memory_file: Path) -> None:
        memory = TranslationMemory(memory_file)
        for korean, english in approvals.items():
            memory.set_review(korean, APPROVED, english, "test", None, 0, at="2025-01-01T00:00:00+00:00")
        memory.close()

    late, early = tmp_path / "LATE", tmp_path / "EARLY"
    assert translate_archive(capsys, source, late)[0] == 0
    approve(late / "translation-memory.sqlite")
    code, _, err = translate_archive(capsys, source, late)
    assert code == 0 and "re-rendered" in err, err
    early.mkdir()
    approve(early / "translation-memory.sqlite")
    assert translate_archive(capsys, source, early)[0] == 0
    late_row, early_row = _first_record(late), _first_record(early)
    assert late_row["audit"] == early_row["audit"]
    assert late_row == early_row
    assert (late / "summary.json").read_text() == (early / "summary.json").read_text()
    terms = [t for lines in late_row["audit"].values() for line in lines for t in line["terms"]]
    assert all(t["expected"] in late_row["translation"][name] for name, lines in late_row["audit"].items()
               for line in lines for t in line["terms"]) and terms
