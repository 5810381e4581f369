"""Property tests: termbase parsing and the exchange formats (issue 15's fuzzing suite).

- parsing any bytes or any str raises only ``KoenError`` (a clear one-line error), never anything else;
- every exchange format's reader does the same on any bytes;
- TSV, CSV, TBX (both forms) round trips are lossless for entries that lint clean; TMX keeps every
  (Korean form, English) pair of the approved entries.
"""

from __future__ import annotations

import dataclasses
import datetime

from hypothesis import given
from hypothesis import strategies as st

from fuzz_settings import FUZZ
from glossary.formats import formats, get_format
from glossary.lint import lint_entries, whitespace_problems
from glossary.termbase import KINDS, STATUSES, Entry, Termbase, match_key, parse_text
from mt.errors import KoenError

HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
LATIN = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-'&,.()")


def _words(alphabet, max_words=3):
    return st.lists(st.text(alphabet, min_size=1, max_size=8), min_size=1, max_size=max_words).map(" ".join)


@st.composite
def clean_entries(draw):
    count = draw(st.integers(1, 4))
    koreans = draw(st.lists(st.text(HANGUL, min_size=2, max_size=6), min_size=count, max_size=count,
                            unique_by=match_key))
    entries = []
    for number, korean in enumerate(koreans):
        if draw(st.booleans()) and number == 0:
            korean = draw(st.sampled_from(["#", "\\#", "\\\\#"])) + korean
        start = draw(st.none() | st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 1, 1)))
        end = draw(st.none() | st.dates(start or datetime.date(2000, 1, 1), datetime.date(2031, 1, 1)))
        entries.append(Entry(korean=korean, english=draw(_words(LATIN)), kind=draw(st.sampled_from(KINDS)),
                             status=draw(st.sampled_from(STATUSES)), valid_from=start, valid_to=end,
                             dnt=draw(st.booleans()), note=draw(st.just("") | _words(LATIN))))
    return entries


def _plain(entries):
    return [dataclasses.replace(e, line=0) for e in entries]


@FUZZ
@given(st.binary(max_size=400))
def test_fuzz_termbase_parsing_any_bytes_raises_only_koen_error(data):
    try:
        Termbase.from_text(data, "fuzz.tsv")
    except KoenError:
        pass
    parse_text(data, "fuzz.csv") if _decodes(data) else None


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


@FUZZ
@given(st.text(st.characters(codec=None), max_size=200) | st.lists(st.sampled_from(
    ["korean", "english", "ko", "en", "\t", ",", "\n", "\r\n", "#", "\\", "\"", "서울", "Seoul", "approved", "|"]),
    max_size=40).map("".join))
def test_fuzz_termbase_parsing_any_str_raises_only_koen_error(text):
    for path in ("fuzz.tsv", "fuzz.csv"):
        try:
            Termbase.from_text(text, path)
        except KoenError:
            pass


@FUZZ
@given(st.sampled_from(sorted(formats())), st.binary(max_size=300) | st.sampled_from(
    [b"<martif/>", b"<tbx/>", b"<tmx/>", b"<tbx><text><body><conceptEntry/></body></text></tbx>",
     b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><tmx>&a;</tmx>", b"korean,english\n", b"\xef\xbb\xbf"]))
def test_fuzz_every_reader_raises_only_koen_error(name, data):
    try:
        get_format(name).read(data, f"fuzz.{name}")
    except KoenError:
        pass


@FUZZ
@given(clean_entries(), st.sampled_from(["tsv", "csv", "tbx", "tbx2019"]))
def test_fuzz_round_trips_are_lossless_for_clean_entries(entries, name):
    assert all(not whitespace_problems(e.to_row().split("\t")) for e in entries)
    assert not [f for f in lint_entries(entries) if f.code in ("duplicate", "conflict")]
    fmt = get_format(name)
    back = fmt.read(fmt.write(entries), f"fuzz.{name}")
    assert _plain(back) == _plain(entries)
    if name == "tsv":
        assert _plain(Termbase.from_text(Termbase.from_entries(entries).to_text()).entries) == _plain(entries)


@FUZZ
@given(clean_entries())
def test_fuzz_tmx_keeps_every_approved_pair(entries):
    fmt = get_format("tmx")
    back = fmt.read(fmt.write(entries), "fuzz.tmx")
    expected = {(form, e.target) for e in entries if e.status == "approved" for form in e.forms}
    assert {(e.korean, e.english) for e in back} == expected
