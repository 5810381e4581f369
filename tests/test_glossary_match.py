import datetime
import time
from pathlib import Path

import pytest

from glossary.match import Matcher
from glossary.matchtest import load_cases, score
from glossary.termbase import Entry, Termbase, default_glossary_path

from conftest import ARCHIVE

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def starter():
    return Matcher(Termbase.load(default_glossary_path()))


def test_committed_matching_set_is_perfect(starter):
    cases = load_cases(DATA / "glossary" / "matching.tsv")
    assert len(cases) >= 60
    result = score(starter, cases)
    assert result.failures == []
    assert result.precision == 1.0 and result.recall == 1.0 and result.true_positives > 100


def test_hit_excludes_particle(starter):
    text = "스마트도시 데이터허브를 분석"
    [hit] = starter.find(text)
    assert (hit.start, hit.end, text[hit.start:hit.end]) == (0, 11, "스마트도시 데이터허브")
    assert hit.entry.english == "Smart City Data Hub"


@pytest.fixture(scope="module")
def small():
    entries = [
        Entry(korean="도시", english="city"),
        Entry(korean="스마트도시", english="Smart City"),
        Entry(korean="데이터허브", english="Data Hub"),
        Entry(korean="스마트도시 데이터허브", english="Smart City Data Hub"),
        Entry(korean="허브", english="hub", status="candidate"),
    ]
    return Matcher(entries)


@pytest.mark.parametrize(
    "text, surfaces",
    [
        ("도시데이터를 모았다", []),
        ("도시화가 빠르다", []),
        ("도시를 바꾼다", ["도시"]),
        ("도시들은 크다", ["도시"]),
        ("스마트도시형 모델", []),
        ("스마트 도시에서", ["스마트 도시"]),
        ("스마트도시 데이터 허브와", ["스마트도시 데이터 허브"]),
        ("스마트도시 데이터센터", ["스마트도시"]),
        ("중소도시", []),
        ("허브", []),  # candidate status is not matched by default
    ],
)
def test_word_boundaries_and_longest_match(small, text, surfaces):
    assert [h.surface for h in small.find(text)] == surfaces


def test_statuses_select_entries():
    matcher = Matcher([Entry(korean="허브", english="hub", status="candidate")], statuses=("approved", "candidate"))
    assert [h.surface for h in matcher.find("허브에서")] == ["허브"]


def test_date_selects_entry(starter):
    def english(date):
        return [h.entry.english for h in starter.find("행정안전부는", date)]

    assert english(datetime.date(2010, 1, 1)) == ["Ministry of Public Administration and Security"]
    assert english(datetime.date(2014, 1, 1)) == []
    assert english(datetime.date(2025, 1, 1)) == english(None) == ["Ministry of the Interior and Safety"]


def test_archive_hits_and_speed(starter):
    lines = ARCHIVE.read_text(encoding="utf-8").splitlines()
    corpus = (DATA / "corpus" / "flores200-dev.200.ko").read_text(encoding="utf-8").splitlines()
    starter.find("도시를")  # loads Kiwi
    started = time.perf_counter()
    hits = [h for line in lines + corpus for h in starter.find(line, datetime.date(2025, 7, 11))]
    elapsed = time.perf_counter() - started
    surfaces = {h.surface for h in hits}
    assert {"박상우", "스마트도시 데이터허브 시범솔루션 발굴사업", "울산광역시", "제천시", "도시데이터"} <= surfaces
    assert "도시" not in surfaces
    assert elapsed < 5, f"{len(lines) + len(corpus)} lines took {elapsed:.2f}s"
