"""Property tests: the archive readers (listing, JSONL, folder names) and the review loop's
records.jsonl reader never raise anything but ``KoenError``, on any bytes or any Unicode."""

from __future__ import annotations

import json
import os
import tempfile

from hypothesis import event, given
from hypothesis import strategies as st

from fuzz_settings import FUZZ
from mt.archive.listing import EXAMPLE_DATE_LINE, ListingReader
from mt.errors import KoenError

PIECES = [b"\n", b"\r\n", b"\r", b" ", b"Home/Policy/Report", EXAMPLE_DATE_LINE.encode(), b"2025-07-11T1",
          "제목입니다".encode(), "- 본문 문장입니다.".encode(), b"|", b"\xef\xbb\xbf", b"\xff", b"\x00", b"2025.13.45"]


@FUZZ
@given(st.binary(max_size=600) | st.lists(st.sampled_from(PIECES), max_size=60).map(b"".join))
def test_fuzz_listing_reader_raises_only_koen_error(data):
    fd, name = tempfile.mkstemp(suffix=".txt")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        reader = ListingReader(name)
        try:
            scan = reader.scan()
        except KoenError:
            return
        translations = {r.position: dict(r.fields) for r in scan.records}
        rendered = reader.render(scan, translations)
        assert [r.data for r in rendered] == [data]     # untranslated records render the input back
    finally:
        os.unlink(name)


# -- issue 22: the JSONL reader, folder names, records.jsonl with any Unicode ----------------------

JSON_PIECES = ['{"id": 1, "title": "제목", "body": "본문\\n둘째"}', '{"title": "가\\ud800", "body": ""}', "[" * 3000,
               "]" * 3000, "9" * 4400, '{"title": "\u2028\u2029\x85", "body": "\\u0000"}', '"', ",", ":", "{", "}",
               '"title"', '"body"', "null", "\r", "\n", "\ufeff", "\x00", "\\", "\\udfff", '{"a":' * 40]


@FUZZ
@given(st.lists(st.sampled_from(JSON_PIECES) | st.text(max_size=8), max_size=40).map("".join),
       st.binary(max_size=40))
def test_fuzz_jsonl_reader_raises_only_koen_error(text, noise):
    from mt.archive.jsonl import JsonlReader
    from mt.jsonlines import split_jsonl

    fd, name = tempfile.mkstemp(suffix=".jsonl")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8", "surrogatepass") + noise)
        reader = JsonlReader(name)
        try:
            scan = reader.scan()
        except KoenError:
            return
        assert sorted([r.position for r in scan.records] + [b.position for b in scan.bad]) == \
            list(range(len(scan.records) + len(scan.bad)))
        for record in scan.records:
            for value in record.fields.values():
                value.encode("utf-8")                  # what was accepted can be written back
        rendered = reader.render(scan, {r.position: dict(r.fields) for r in scan.records})
        assert len(split_jsonl(rendered[0].data)) == len(split_jsonl(text.encode("utf-8", "surrogatepass") + noise))
    finally:
        os.unlink(name)


NAME_BYTES = st.binary(min_size=1, max_size=12).filter(lambda b: b"/" not in b and b"\x00" not in b
                                                       and b not in (b".", b".."))


@FUZZ
@given(st.lists(st.tuples(NAME_BYTES, st.sampled_from([b".txt", b".md", b".TXT", b""]),
                          st.binary(max_size=30)), min_size=1, max_size=6, unique_by=lambda t: t[0] + t[1]))
def test_fuzz_folder_reader_file_names_raise_only_koen_error(files):
    import shutil

    from mt.archive.folder import FolderReader

    folder = tempfile.mkdtemp()
    try:
        for stem, suffix, data in files:
            with open(os.path.join(os.fsencode(folder), stem + suffix), "wb") as handle:
                handle.write(data)
        reader = FolderReader(folder)
        try:
            scan = reader.scan()
        except KoenError:
            return
        for record in scan.records:
            record.id.encode("utf-8")                  # every id reaches records.jsonl as UTF-8
        for bad in scan.bad:
            bad.message().encode("utf-8")
        rendered = reader.render(scan, {r.position: dict(r.fields) for r in scan.records})
        assert all(r.path.encode("utf-8") for r in rendered)
    finally:
        shutil.rmtree(folder)


ANY_TEXT = st.text(st.characters(blacklist_categories=()), max_size=20)


def _record(title: str, body: str, english: str, start: int, flag: str) -> dict:
    line = {"line": 1, "spans": [{"start": start, "end": start + len(title), "kind": "translate", "source": title,
                                  "translation": english, "pieces": 1, "origin": "model", "confidence": -2.0,
                                  "flags": [flag], "warnings": []}],
            "terms": [{"span": [start, start + 1], "source": title[:1], "expected": english, "found": True,
                       "by_model": True, "repaired": False}],
            "numbers": [], "digit_runs": {"total": 0, "accounted": 0}, "warnings": []}
    return {"id": title, "location": "x", "date": None, "meta": {}, "source": {"title": title, "body": body},
            "translation": {"title": english, "body": body}, "audit": {"title": [line]}, "warnings": [],
            "provenance": {}}


@FUZZ
@given(ANY_TEXT, ANY_TEXT, ANY_TEXT, st.integers(-2, 30), st.sampled_from(["untranslated", "low-confidence", "hangul-left", "no-such-code"]),
       st.booleans())
def test_fuzz_review_loop_on_records_with_any_unicode_raises_only_koen_error(title, body, english, start, flag, ascii_only):
    import shutil
    from pathlib import Path

    from koen.archive import review as loop
    from mt.memory import APPROVED, TranslationMemory

    folder = Path(tempfile.mkdtemp())
    try:
        line = json.dumps(_record(title, body, english, start, flag), ensure_ascii=ascii_only)
        (folder / "records.jsonl").write_bytes(line.encode("utf-8", "surrogatepass") + b"\n")
        memory = TranslationMemory(folder / "translation-memory.sqlite")
        try:
            try:
                rows = loop.read_records(folder)
            except KoenError:
                event("records.jsonl refused with one line")
                return
            event("records.jsonl read, queued, approved and re-rendered")
            items = loop.collect(rows, memory)
            for item in loop.queue(items, include_reviewed=True):
                json.dumps(item.as_json(), ensure_ascii=False).encode("utf-8")
            memory.set_review(title, APPROVED, "Approved English", "fuzz", None, 0)
            for patched in loop.apply_approvals(rows, memory).values():
                json.dumps(patched, ensure_ascii=False).encode("utf-8")
        finally:
            memory.close()
    finally:
        shutil.rmtree(folder)
