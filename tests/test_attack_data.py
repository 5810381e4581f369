"""Issue 22, attack pass: data loss and security (items 9-13, 16, 29-31). Each failed on the main
of the issue: the input destroyed, a planted link's target truncated, a subfolder silently
skipped, raw escape sequences on the editor's terminal, another application's database altered."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from attack_helpers import ROMANIZE, archive, as_unprivileged, open_tmp, translate_archive, watchdog, write_jsonl  # noqa: F401
from cli_helpers import run
from koen.archive.review import _rebuild
from mt.archive.folder import FolderReader
from mt.korean import has_hangul
from mt.memory import APPROVED, TranslationMemory

# Every character str.splitlines() cuts at that koen does not write as a line ending.
FOREIGN_SEPARATORS = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]
TSV_HEADER = "korean\tenglish\taliases\tkind\tstatus\tvalid_from\tvalid_to\tdnt\tnote\n"


def snapshot(*paths: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in paths}


def make_memory(path: Path) -> Path:
    TranslationMemory(path).close()
    return path


# -- 9. output onto one of the command's own inputs -----------------------------------------------

def _translate_onto_memory(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("안녕\n", encoding="utf-8")
    memory = make_memory(tmp_path / "m.sqlite")
    return ["translate", source, "--memory", memory, "-o", memory, *ROMANIZE, "-g", "none"], [source, memory]


def _memory_export_onto_memory(tmp_path):
    memory = make_memory(tmp_path / "translation-memory.sqlite")
    return ["memory", "export", tmp_path, "-o", memory], [memory]


def _glossary_export_onto_glossary(tmp_path):
    glossary = tmp_path / "g.tsv"
    glossary.write_text(TSV_HEADER + "국토교통부\tMinistry of Land\t\torganisation\tapproved\t\t\t\t\n", encoding="utf-8")
    return ["glossary", "export", glossary, "-g", glossary, "--format", "tbx"], [glossary]


def _mine_onto_glossary(tmp_path):
    source = archive(tmp_path, name="a.jsonl")
    glossary = tmp_path / "g2.tsv"
    glossary.write_text(TSV_HEADER, encoding="utf-8")
    return ["glossary", "mine", source, "-g", glossary, "-o", glossary], [source, glossary]


def _mine_onto_archive(tmp_path):
    source = archive(tmp_path)
    return ["glossary", "mine", source, "-o", source], [source]


def _mine_into_archive_folder(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("국토교통부 소식\n", encoding="utf-8")
    return ["glossary", "mine", folder, "-o", folder / "a.txt"], [folder / "a.txt"]


def _archive_onto_its_records(tmp_path, capsys=None):
    outdir = tmp_path / "OUT"
    outdir.mkdir()
    records = archive(outdir, name="records.jsonl")
    return ["archive", "translate", records, outdir, *ROMANIZE], [records]


def _archive_memory_is_input(tmp_path):
    source = archive(tmp_path)
    return ["archive", "translate", source, tmp_path / "OUT", "--memory", source, *ROMANIZE], [source]


@pytest.mark.parametrize("case", [_translate_onto_memory, _memory_export_onto_memory, _glossary_export_onto_glossary,
                                  _mine_onto_glossary, _mine_onto_archive, _mine_into_archive_folder,
                                  _archive_onto_its_records, _archive_memory_is_input])
def test_no_command_writes_onto_one_of_its_inputs(tmp_path, capsys, case):
    argv, inputs = case(tmp_path)
    before = snapshot(*inputs)
    code, _, err = run([str(a) for a in argv], capsys)
    assert code == 2 and err.startswith("koen: error: ") and err.count("\n") == 1, err
    assert "input" in err
    assert snapshot(*inputs) == before


# -- 10. a re-render must not turn a field's other lines back into Korean ---------------------------

@pytest.mark.parametrize("separator", FOREIGN_SEPARATORS)
def test_rebuild_keeps_the_other_lines_whatever_separator_the_english_holds(separator):
    source = "가 하나\n나 둘\r\n다 셋"
    translation = f"ga{separator}one\nna two\r\nda{separator}three"
    audits = [{"line": 2, "spans": [{"start": 0, "end": 4, "source": "나 둘", "translation": "NA TWO"}]}]
    rebuilt = _rebuild(source, translation, audits, {2})
    assert rebuilt == f"ga{separator}one\nNA TWO\r\nda{separator}three"


def test_split_text_lines_cuts_only_at_koen_line_endings():
    from mt.textio import split_text_lines

    text = "a\u2028b\nc\x85d\r\ne\x0bf\rg"
    assert split_text_lines(text) == ["a\u2028b\n", "c\x85d\r\n", "e\x0bf\r", "g"]
    assert "".join(split_text_lines(text)) == text


def test_approving_one_line_keeps_a_separator_in_glossary_english_from_undoing_the_others(tmp_path, capsys):
    glossary = tmp_path / "g.tsv"        # written by hand: `glossary add` refuses this English now
    glossary.write_text(TSV_HEADER + "국토교통부\tMinistry\u2028of Land\t\torganisation\tapproved\t\t\t\t\n",
                        encoding="utf-8")
    source, outdir = archive(tmp_path), tmp_path / "OUT"
    code, _, err = translate_archive(capsys, source, outdir, "-g", glossary)
    assert code == 0, err
    memory = TranslationMemory(outdir / "translation-memory.sqlite")
    memory.set_review("둘째 줄도 국토교통부가 맡는다.", APPROVED, "The ministry handles line two.", "test", None, 0)
    memory.close()
    code, _, err = translate_archive(capsys, source, outdir, "-g", glossary)
    assert code == 0, err
    [row] = [json.loads(line) for line in (outdir / "records.jsonl").read_text(encoding="utf-8").split("\n") if line]
    body = row["translation"]["body"].split("\n")
    assert body[1] == "The ministry handles line two."
    assert not has_hangul(body[0]) and not has_hangul(body[2]), body


@pytest.mark.parametrize("separator", FOREIGN_SEPARATORS + ["\x1b", "\u202e", "\u200b", "\u3164", "\u034f"])
def test_glossary_add_refuses_separators_controls_and_invisibles_in_one_line(tmp_path, capsys, separator):
    glossary = tmp_path / "g.tsv"
    glossary.write_text(TSV_HEADER, encoding="utf-8")
    for korean, english in ((f"국토{separator}교통부", "Ministry"), ("국토교통부", f"Ministry{separator}of Land")):
        code, _, err = run(["glossary", "add", korean, english, "-g", str(glossary)], capsys)
        assert code == 2 and err.count("\n") == 1 and f"U+{ord(separator):04X}" in err, err
    assert glossary.read_text(encoding="utf-8") == TSV_HEADER


@pytest.mark.parametrize("column", [0, 1, 8])
def test_lint_flags_a_control_character_in_any_column(tmp_path, capsys, column):
    cells = ["국토교통부", "Ministry", "", "organisation", "approved", "", "", "", "a note"]
    cells[column] = cells[column][:2] + "\x1b[2J" + cells[column][2:]
    glossary = tmp_path / "g.tsv"
    glossary.write_text(TSV_HEADER + "\t".join(cells) + "\n", encoding="utf-8")
    code, out, _ = run(["glossary", "lint", str(glossary)], capsys)
    assert code == 1 and "[bad-character]" in out and "\x1b" not in out


def test_glossary_import_refuses_controls_nothing_imported(tmp_path, capsys):
    glossary, incoming = tmp_path / "g.tsv", tmp_path / "new.tsv"
    glossary.write_text(TSV_HEADER, encoding="utf-8")
    incoming.write_text(TSV_HEADER + "국토교통부\tMinistry\x85of Land\t\torganisation\tapproved\t\t\t\t\n", encoding="utf-8")
    code, _, err = run(["glossary", "import", str(incoming), "-g", str(glossary)], capsys)
    assert code == 2 and "U+0085" in err
    assert glossary.read_text(encoding="utf-8") == TSV_HEADER


# -- 11. a planted lock ---------------------------------------------------------------------------

@pytest.mark.parametrize("plant", ["symlink", "fifo", "devnull"])
def test_a_planted_lock_is_refused_and_its_target_kept(tmp_path, capsys, plant):
    outdir = tmp_path / "OUT"
    outdir.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    lock = outdir / ".koen-job.lock"
    if plant == "symlink":
        lock.symlink_to("../victim.txt")
    elif plant == "fifo":
        os.mkfifo(lock)
    else:
        lock.symlink_to("/dev/null")
    with watchdog():
        code, _, err = translate_archive(capsys, archive(tmp_path), outdir)
    assert code == 2 and ".koen-job.lock" in err and err.count("\n") == 1, err
    assert victim.read_text() == "precious\n"
    assert os.path.islink(lock) or not lock.is_file()


# -- 12 and 19. folders that cannot be read in full -----------------------------------------------

def _scan_messages(folder: str) -> tuple[list[str], list[str]]:
    scan = FolderReader(folder).scan()
    return [r.id for r in scan.records], [b.message() for b in scan.bad]


@pytest.mark.parametrize("mode", [0o311, 0o000])
def test_a_subfolder_that_cannot_be_listed_is_a_bad_record_naming_it(open_tmp, mode):
    tmp_path = open_tmp
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text("가\n", encoding="utf-8")
    hidden = tmp_path / "locked"
    hidden.mkdir()
    (hidden / "b.txt").write_text("나\n", encoding="utf-8")
    hidden.chmod(mode)
    try:
        records, bad = as_unprivileged(_scan_messages, str(tmp_path))
    finally:
        hidden.chmod(0o755)
    assert records == ["ok/a.txt"]
    assert len(bad) == 1 and str(hidden) in bad[0] and "Permission denied" in bad[0]


def test_an_unreadable_file_is_a_bad_record_not_the_end_of_the_scan(open_tmp):
    tmp_path = open_tmp
    (tmp_path / "a.txt").write_text("가\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("나\n", encoding="utf-8")
    (tmp_path / "b.txt").chmod(0)
    records, bad = as_unprivileged(_scan_messages, str(tmp_path))
    assert records == ["a.txt"] and len(bad) == 1 and "b.txt" in bad[0]


def test_a_file_name_that_is_not_utf8_is_a_bad_record(tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("가\n", encoding="utf-8")
    os.makedirs(os.path.join(os.fsencode(folder), b"sub\xfe"))
    with open(os.path.join(os.fsencode(folder), b"b\xff.txt"), "w", encoding="utf-8") as handle:
        handle.write("나\n")
    with open(os.path.join(os.fsencode(folder), b"sub\xfe", b"c.md"), "w", encoding="utf-8") as handle:
        handle.write("다\n")
    records, bad = _scan_messages(str(folder))
    assert records == ["a.txt"] and len(bad) == 2 and all("not valid UTF-8" in b for b in bad)
    code, _, err = translate_archive(capsys, folder, tmp_path / "OUT")
    assert code == 2 and "not valid UTF-8" in err and err.count("\n") == 1
    code, _, err = translate_archive(capsys, folder, tmp_path / "OUT", "--skip-bad")
    assert code == 0, err
    assert (tmp_path / "OUT" / "rendered" / "a.txt").exists()


# -- 13. what goes to a terminal ------------------------------------------------------------------

def test_review_list_escapes_what_the_archive_and_editors_put_in(tmp_path, capsys):
    hostile = "\x1b]52;c;aGVsbG8=\x07\x1b[2J국토\u202e0001\u202c 교통부"
    source, outdir = write_jsonl(tmp_path / "in.jsonl", [{"id": "r\x1b[31m1", "title": "", "body": hostile}]), tmp_path / "OUT"
    code, _, err = run(["archive", "translate", str(source), str(outdir), "--backend", "none", "-g", "none"], capsys)
    assert code == 3, err
    code, out, err = run(["review", "list", str(outdir), "--all"], capsys)
    assert code == 0 and "국토" in out
    for raw in ("\x1b", "\x07", "\u202e", "\u202c"):
        assert raw not in out and raw not in err
    assert "\\x1b" in out and "\\u202e" in out
    code, out, _ = run(["review", "list", str(outdir), "--all", "--json"], capsys)
    assert code == 0 and not any(raw in out for raw in ("\x1b", "\x07", "\u202e", "\u202c"))
    assert hostile in {item["source_line"] for item in json.loads(out)["items"]}


# -- 16, 29, 30. memory open modes ----------------------------------------------------------------

def _foreign_database(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("INSERT INTO photos (name) VALUES ('holiday')")
    db.commit()
    db.close()
    return path


def test_another_applications_database_is_refused_without_writing_to_it(tmp_path, capsys):
    foreign = _foreign_database(tmp_path / "photos.sqlite")
    before = foreign.read_bytes()
    source = tmp_path / "in.txt"
    source.write_text("안녕\n", encoding="utf-8")
    tmx = tmp_path / "x.tmx"
    tmx.write_text('<?xml version="1.0"?><tmx version="1.4"><header srclang="ko"/><body></body></tmx>', encoding="utf-8")
    for argv in (["translate", source, "--memory", foreign, *ROMANIZE, "-g", "none"],
                 ["memory", "export", foreign, "-o", tmp_path / "out.tmx"],
                 ["memory", "import", tmx, "--memory", foreign],
                 ["archive", "translate", archive(tmp_path), tmp_path / "OUT", "--memory", foreign, *ROMANIZE]):
        code, _, err = run([str(a) for a in argv], capsys)
        assert code == 2 and "not a koen translation memory" in err and err.count("\n") == 1, (argv, err)
        assert foreign.read_bytes() == before


def test_a_mistyped_memory_path_creates_nothing(tmp_path, capsys):
    source = tmp_path / "in.txt"
    source.write_text("안녕\n", encoding="utf-8")
    tmx = tmp_path / "x.tmx"
    tmx.write_text('<?xml version="1.0"?><tmx version="1.4"><header srclang="ko"/><body></body></tmx>', encoding="utf-8")
    for argv in (["translate", source, "--memory", tmp_path / "typo.sqlite", *ROMANIZE, "-g", "none"],
                 ["memory", "import", tmx, "--memory", tmp_path / "NEWOUT"]):
        code, _, err = run([str(a) for a in argv], capsys)
        assert code == 2 and "no translation memory" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "x.tmx"]
    code, _, err = run(["memory", "init", str(tmp_path / "new.sqlite")], capsys)
    assert code == 0 and TranslationMemory.read_only(tmp_path / "new.sqlite").stats() == {"models": 0, "segments": 0}
    code, _, err = run(["memory", "init", str(tmp_path / "new.sqlite")], capsys)
    assert code == 2 and "already exists" in err


def test_review_list_writes_no_schema_into_an_empty_file(tmp_path, capsys):
    source, outdir = archive(tmp_path), tmp_path / "OUT"
    assert translate_archive(capsys, source, outdir)[0] == 0
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    code, _, err = run(["review", "list", str(outdir), "--memory", str(empty)], capsys)
    assert code == 2 and "not a koen translation memory" in err
    assert empty.read_bytes() == b""


def _read_only_uses(outdir: str, source: str, export: str) -> list[tuple[int, str]]:
    from koen.cli import main

    results = []
    for argv in (["review", "list", outdir, "--all"], ["memory", "export", outdir, "-o", export],
                 ["translate", source, "--memory", f"{outdir}/translation-memory.sqlite", *ROMANIZE]):
        try:
            main(argv)
            results.append((0, ""))
        except SystemExit as exc:
            results.append((exc.code, ""))
    return results


def test_read_only_use_works_on_a_read_only_memory_and_outdir(open_tmp, capsys):
    tmp_path = open_tmp
    source, outdir = archive(tmp_path), tmp_path / "OUT"
    assert translate_archive(capsys, source, outdir)[0] == 0
    text = tmp_path / "in.txt"
    text.write_text("첫째 줄은 국토교통부 소식이다.\n", encoding="utf-8")
    writable = tmp_path / "exports"
    writable.mkdir()
    writable.chmod(0o777)
    assert _read_only_uses(str(outdir), str(text), str(writable / "warm.tmx")) == [(0, "")] * 3  # loads every module
    capsys.readouterr()
    before = {p: p.read_bytes() for p in outdir.rglob("*") if p.is_file()}
    for path in [outdir, *outdir.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        results = as_unprivileged(_read_only_uses, str(outdir), str(text), str(writable / "m.tmx"))
    finally:
        for path in [outdir, *outdir.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert results == [(0, "")] * 3, capsys.readouterr().err
    assert {p: p.read_bytes() for p in outdir.rglob("*") if p.is_file()} == before
    assert (writable / "m.tmx").read_bytes() == (writable / "warm.tmx").read_bytes()


def test_glossary_list_escapes_a_hand_edited_control_character(tmp_path, capsys):
    glossary = tmp_path / "g.tsv"
    glossary.write_text(TSV_HEADER + "국토교통부\tMinistry\x1b]0;pwned\x07\t\torganisation\tapproved\t\t\t\t\n",
                        encoding="utf-8")
    code, out, _ = run(["glossary", "list", "-g", str(glossary)], capsys)
    assert code == 0 and "\\x1b]0;pwned\\x07" in out and "\x1b" not in out and "\x07" not in out
