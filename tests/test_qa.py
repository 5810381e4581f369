"""mt.qa: garbled-number findings on the archive, none on clean English news."""

from __future__ import annotations

from pathlib import Path

import pytest

from mt.qa import Finding, check_lines, check_text
from mt.textio import read_lines

from conftest import ARCHIVE

DATA = Path(__file__).parent / "data"

# Every garbled number span of the archive, reviewed by hand (line, span).
EXPECTED_ARCHIVE = [
    (19, "KRW 29 billion by 239"),
    (25, "June 6.26"),
    (31, "competition rate of 6:6"),
    (37, "2027 billion won invested by 165"),
    (37, "2025th"),
    (37, "'19"),
    (43, "1 local governments"),
    (49, "KRW 3 billion in national funding over 80 years"),
    (49, "2025th"),
    (49, "'19"),
    (49, "(16:5.3)"),
    (49, "1 local governments"),
    (49, "total budget of 80 billion won, including 80 billion won in national funds and 160 billion won"),
    (55, "2027 billion won in national funds until 80"),
    (61, "KRW 2027 billion, including KRW 160 billion in national funds, will be invested by 324"),
    (97, "21.6nd"),
    (97, "62th"),
    (97, "June 50"),
    (109, "from May 5th to the 28th"),
    (115, "from May 5 to 26"),
    (115, "May 2 (Tue)"),
]


def test_archive_findings_are_exactly_the_reviewed_list():
    lines = read_lines(str(ARCHIVE))
    findings = check_lines(lines)
    assert [(f.line, f.span) for f in findings] == EXPECTED_ARCHIVE
    for f in findings:
        assert lines[f.line - 1][f.column - 1:].startswith(f.span)
        assert f.message


def test_no_false_alarm_on_clean_news():
    lines = read_lines(str(DATA / "numbers" / "clean-news.en"))
    assert len(lines) >= 400
    assert check_lines(lines) == []


@pytest.mark.parametrize(
    "text",
    [
        "The meeting was held in Glasgow on June 6 (local time).",
        "Prices rose by 20 to 1,500 points on Monday.",
        "The company invested $5 billion over 30 years.",
        "Busan ranked 11th out of 76 cities, 2nd in Asia and 1st in Korea.",
        "The competition rate was 5.3:1, with 16 cities applying.",
        "The event runs from May 26 to 28 at 14:00.",
        "KRW 16.5 billion will be invested by 2027.",
        "The 2018 Winter Olympics were held in Pyeongchang from February 9 to 25.",
        "A total of KRW 300 billion, including KRW 160 billion in national funds and KRW 140 billion in local funds.",
        "The talks resume on Thursday, June 26, 2025 (Thursday).",
    ],
)
def test_clean_sentences_raise_nothing(text):
    assert check_text(text) == []


@pytest.mark.parametrize(
    "text, span",
    [
        ("held the review meeting on June 6.26 (Thursday)", "June 6.26"),
        ("for three days from July 7th to the 9th", "from July 7th to the 9th"),
        ("KRW 2030 billion invested by 120 to build parks", "KRW 2030 billion invested by 120"),
        ("announced on the 2024th that", "2024th"),
        ("on May 32 the council met", "May 32"),
        ("it was 23th in the ranking", "23th"),
    ],
)
def test_garbled_sentences_are_flagged(text, span):
    assert [f.span for f in check_text(text)] == [span]


def test_finding_positions_are_one_based():
    [finding] = check_lines(["ok", "  on June 6.26 (Thursday)"])
    assert finding == Finding(2, 6, "June 6.26", finding.message)


def test_weekday_uses_release_year_context():
    assert check_lines(["2025-05-26T10:00:00+09:002025.05.26|Report|", "□ May 2 (Tue) visit"])[0].span == "May 2 (Tue)"
    assert check_lines(["□ May 2 (Tue) visit"]) == []  # no year known: nothing to check against
    assert check_lines(["2025.05.26|Report|", "□ May 27 (Tue) visit"]) == []
