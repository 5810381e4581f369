import dataclasses
import datetime

import pytest

from glossary.formats import get_format
from glossary.termbase import Entry, Termbase, default_glossary_path
from mt.errors import KoenError

HEADER = "korean\tenglish\taliases\tkind\tstatus\tvalid_from\tvalid_to\tdnt\tnote\n"


def test_starter_glossary_loads_with_enough_approved_entries():
    tb = Termbase.load(default_glossary_path())
    assert len(tb.approved()) >= 150
    kinds = {e.kind for e in tb.approved()}
    assert {"organisation", "programme", "place", "person", "title"} <= kinds
    park = [e for e in tb.entries if e.korean == "박상우"][0]
    assert park.english == "Park Sang-woo" and "archive" in park.note


def test_save_round_trips_byte_for_byte(tmp_path):
    original = default_glossary_path().read_bytes()
    target = tmp_path / "g.tsv"
    target.write_bytes(original)
    tb = Termbase.load(target)
    tb.save(target)
    assert target.read_bytes() == original
    assert tb.sha256() == Termbase.load(target).sha256()


def test_save_keeps_comments_and_odd_lines_and_edits_in_place(tmp_path):
    text = "# comment\r\n" + HEADER.replace("\n", "\r\n") + "도시\tcity\t\tgeneral\tapproved\t\t\t\t\r\n\r\n# tail\r\n드론\tdrone\t\tgeneral\tapproved\t\t\t\t"
    target = tmp_path / "g.tsv"
    target.write_bytes(text.encode())
    tb = Termbase.load(target)
    tb.save(target)
    assert target.read_bytes() == text.encode()
    tb.entries[0] = dataclasses.replace(tb.entries[0], english="City")
    tb.add(Entry(korean="허브", english="hub"))
    tb.save(target)
    lines = target.read_bytes().decode("utf-8").split("\r\n")
    assert lines[0] == "# comment" and lines[2].startswith("도시\tCity\t") and lines[4] == "# tail"
    assert lines[5].startswith("드론\tdrone") and lines[6].startswith("허브\thub")


def test_load_reports_file_and_line(tmp_path):
    target = tmp_path / "bad.tsv"
    target.write_text(HEADER + "도시\tcity\n", encoding="utf-8")
    with pytest.raises(KoenError, match=r"bad.tsv:2: expected 9"):
        Termbase.load(target)


def test_entry_id_and_validity():
    e = Entry(korean="산업통상부", english="x", valid_from=datetime.date(2025, 10, 1))
    assert e.id == "산업통상부@2025-10-01"
    assert e.valid_on(datetime.date(2025, 10, 1)) and not e.valid_on(datetime.date(2025, 9, 30)) and e.valid_on(None)


@pytest.mark.parametrize("name", ["tsv", "csv", "tbx"])
def test_exchange_formats_lose_nothing(name):
    entries = Termbase.load(default_glossary_path()).entries
    fmt = get_format(name)
    back = fmt.read(fmt.write(entries), f"x.{name}")
    assert [dataclasses.replace(e, line=0) for e in back] == [dataclasses.replace(e, line=0) for e in entries]


def test_csv_neutralises_formulas():
    entry = Entry(korean="도시", english="=HYPERLINK(\"x\")", note="@SUM(1)", aliases=("+1",))
    data = get_format("csv").write([entry]).decode()
    assert "'=HYPERLINK" in data and "'@SUM" in data and "'+1" in data
    assert get_format("csv").read(data.encode(), "x.csv")[0] == dataclasses.replace(entry, line=2)


def test_tmx_export_has_every_form():
    entries = [Entry(korean="국토교통부", english="MOLIT", aliases=("국토부",))]
    data = get_format("tmx").write(entries)
    back = get_format("tmx").read(data, "x.tmx")
    assert {(e.korean, e.english, e.status) for e in back} == {("국토교통부", "MOLIT", "candidate"), ("국토부", "MOLIT", "candidate")}
